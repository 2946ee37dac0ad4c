"""One settings object, built from the environment by :func:`load_settings`.

No module reads the environment anywhere else; functions take a ``Settings``
explicitly. Tests build their own with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SettingsError

#: The repository root when the package runs from a checkout (editable install).
DEFAULT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the data lives and which optional services may be used.

    Attributes
    ----------
    root : Path
        Project root holding ``data/`` and ``layers/``. Env ``CPM_ROOT``.
    online_geocoding : bool
        Allow online geocoders (Nominatim, ArcGIS, Baidu). Off by default; with it
        off the code makes no network access at all. Env ``CPM_ONLINE_GEOCODING=1``.
    geocoders : tuple of str
        Online providers to try, in order, when ``online_geocoding`` is on.
        Env ``CPM_GEOCODERS`` (comma-separated), default ``nominatim``.
    user_agent : str
        Identifying user agent for Nominatim (its usage policy requires one).
        Env ``CPM_USER_AGENT``.
    min_delay_seconds : float
        Minimum delay between requests to one online provider (Nominatim: 1 s).
        Env ``CPM_MIN_DELAY``.
    cache_dir : Path
        Persistent on-disk cache of online geocoder responses. Env ``CPM_CACHE_DIR``,
        default ``<root>/data/geocode_cache``.
    baidu_key : str or None
        Baidu Maps API key (BaiduV3). Env ``BAIDU_MAPS_AK``.
    tianditu_key : str or None
        Tianditu tile key; the Tianditu basemap is hidden without one. Env ``TIANDITU_KEY``.
    """

    root: Path = DEFAULT_ROOT
    online_geocoding: bool = False
    geocoders: tuple[str, ...] = ("nominatim",)
    user_agent: str = "carbon-peak-project-map/0.1 (+https://example.invalid/carbon-peak-map)"
    min_delay_seconds: float = 1.0
    cache_dir: Path | None = None
    baidu_key: str | None = field(default=None, repr=False)
    tianditu_key: str | None = field(default=None, repr=False)

    @property
    def data_dir(self) -> Path:
        """``<root>/data``."""
        return self.root / "data"

    @property
    def plans_dir(self) -> Path:
        """Plan texts and their register ``sources.toml``."""
        return self.data_dir / "plans"

    @property
    def projects_dir(self) -> Path:
        """The curated catalogue: one CSV per region, plus ``targets.csv``."""
        return self.data_dir / "projects"

    @property
    def boundaries_dir(self) -> Path:
        """Region and county polygons (WGS-84 GeoJSON) and ``divisions.csv``."""
        return self.data_dir / "boundaries"

    @property
    def gazetteer_path(self) -> Path:
        """Sub-county places with sourced coordinates."""
        return self.data_dir / "gazetteer.csv"

    @property
    def geocoded_path(self) -> Path:
        """Where ``python -m geo geocode`` stores its results for the layers stage."""
        return self.data_dir / "geocoded.csv"

    @property
    def layers_dir(self) -> Path:
        """Published layers."""
        return self.root / "layers"

    @property
    def geocode_cache_dir(self) -> Path:
        """Resolved on-disk cache folder of online geocoder responses."""
        return self.cache_dir if self.cache_dir is not None else self.data_dir / "geocode_cache"


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"environment variable {name}={raw!r} is not a boolean; use 1 or 0")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from environment variables.

    Parameters
    ----------
    env : mapping, optional
        Environment to read; defaults to ``os.environ``.

    Returns
    -------
    Settings
    """
    env = os.environ if env is None else env
    root = Path(env["CPM_ROOT"]).resolve() if env.get("CPM_ROOT") else DEFAULT_ROOT
    geocoders = tuple(
        g.strip().lower() for g in env.get("CPM_GEOCODERS", "nominatim").split(",") if g.strip()
    )
    delay_raw = env.get("CPM_MIN_DELAY", "1.0")
    try:
        delay = float(delay_raw)
    except ValueError as err:
        raise SettingsError(f"environment variable CPM_MIN_DELAY={delay_raw!r} is not a number") from err
    if delay < 0:
        raise SettingsError(f"environment variable CPM_MIN_DELAY={delay_raw!r} must be >= 0")
    defaults = Settings()
    return Settings(
        root=root,
        online_geocoding=_flag(env, "CPM_ONLINE_GEOCODING", False),
        geocoders=geocoders,
        user_agent=env.get("CPM_USER_AGENT", defaults.user_agent),
        min_delay_seconds=delay,
        cache_dir=Path(env["CPM_CACHE_DIR"]) if env.get("CPM_CACHE_DIR") else None,
        baidu_key=env.get("BAIDU_MAPS_AK") or None,
        tianditu_key=env.get("TIANDITU_KEY") or None,
    )
