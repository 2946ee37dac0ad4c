"""One settings object, built from the environment by :func:`load_settings`.

No module reads the environment anywhere else; functions take a ``Settings``
explicitly. Tests build their own with :func:`dataclasses.replace`. Every value is
checked when the object is built, from the environment or directly: a number must be
finite and in its range, a name or key must be printable, and the error names the
environment variable and what it accepts.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SettingsError

#: The repository root when the package runs from a checkout (editable install).
DEFAULT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the data lives and which optional services may be used, and how.

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
        Minimum delay between two requests to one online service, 0–60 s (Nominatim:
        at least 1 s whatever this says). Env ``CPM_MIN_DELAY``.
    connect_timeout_seconds : float
        How long a request may wait for the connection, 0.01–60 s. Env ``CPM_CONNECT_TIMEOUT``.
    read_timeout_seconds : float
        How long a request may wait for its answer once connected, 0.01–300 s.
        Env ``CPM_READ_TIMEOUT``.
    request_attempts : int
        Attempts per query, 1–10: a query is retried (with backoff) after a connection
        error, a timeout, HTTP 408, 429 or 5xx; never after another 4xx. Env ``CPM_REQUEST_ATTEMPTS``.
    retry_backoff_seconds : float
        Pause before the first retry, doubling for each further one, 0–60 s (a longer
        ``Retry-After`` of a 429 answer, up to 60 s, wins). Env ``CPM_RETRY_BACKOFF``.
    service_budget_seconds : float
        Total time one run may spend on one service (requests, pauses, retries),
        1–86,400 s; then the service is asked no more. Env ``CPM_SERVICE_BUDGET``.
    max_failures : int
        Consecutive failed queries (after their retries) or unusable answers after which
        a service is asked no more in the run, 1–100. Its cached answers are still used.
        Env ``CPM_MAX_FAILURES``.
    cache_dir : Path
        Persistent on-disk cache of online geocoder responses. Env ``CPM_CACHE_DIR``,
        default ``<root>/data/geocode_cache``.
    baidu_key : str or None
        Baidu Maps API key (BaiduV3). Env ``BAIDU_MAPS_AK``.
    tianditu_key : str or None
        Tianditu tile key; the Tianditu basemap is hidden without one. Env ``TIANDITU_KEY``.
    database_url : str or None
        PostgreSQL + PostGIS database the app reads the published tables from
        (``postgresql://user:password@host:port/db``, written by ``python -m geo publish``); without
        one the app reads the files in ``layers/``. Env ``CPM_DATABASE_URL``.
    database_schema : str
        Schema of those tables, a lower-case SQL name. Env ``CPM_DATABASE_SCHEMA``, default ``carbon_peak``.
    """

    root: Path = DEFAULT_ROOT
    online_geocoding: bool = False
    geocoders: tuple[str, ...] = ("nominatim",)
    user_agent: str = "carbon-peak-project-map/0.1 (+https://example.invalid/carbon-peak-map)"
    min_delay_seconds: float = 1.0
    connect_timeout_seconds: float = 5.0
    read_timeout_seconds: float = 20.0
    request_attempts: int = 3
    retry_backoff_seconds: float = 2.0
    service_budget_seconds: float = 3600.0
    max_failures: int = 3
    cache_dir: Path | None = None
    baidu_key: str | None = field(default=None, repr=False)
    tianditu_key: str | None = field(default=None, repr=False)
    database_url: str | None = field(default=None, repr=False)
    database_schema: str = "carbon_peak"

    def __post_init__(self) -> None:
        for name, bound in NUMBERS.items():
            bound.check(getattr(self, name))
        names = GEOCODER_NAME
        if not self.geocoders or any(not names.fullmatch(g) for g in self.geocoders) or \
                len(set(self.geocoders)) != len(self.geocoders):
            raise SettingsError(f"CPM_GEOCODERS={','.join(self.geocoders)!r}: give one or more distinct service "
                                "names separated by commas, e.g. 'nominatim,arcgis'")
        _check_text("CPM_USER_AGENT", self.user_agent, spaces=True)
        for env, value in (("BAIDU_MAPS_AK", self.baidu_key), ("TIANDITU_KEY", self.tianditu_key)):
            if value is not None:
                _check_text(env, value, spaces=False, show=False)
        if self.database_url is not None:
            _check_database_url(self.database_url)
        if not SCHEMA_NAME.fullmatch(self.database_schema):
            raise SettingsError(f"CPM_DATABASE_SCHEMA={self.database_schema[:40]!r}: give a lower-case SQL name "
                                "(letters, digits, _; at most 63), e.g. 'carbon_peak'")

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
    def geocoded_online_path(self) -> Path:
        """Where a run with online geocoding stores its results, for review (never published)."""
        return self.data_dir / "geocoded_online.csv"

    @property
    def layers_dir(self) -> Path:
        """Published layers."""
        return self.root / "layers"

    @property
    def geocode_cache_dir(self) -> Path:
        """Resolved on-disk cache folder of online geocoder responses."""
        return self.cache_dir if self.cache_dir is not None else self.data_dir / "geocode_cache"


@dataclass(frozen=True, slots=True)
class Bound:
    """The allowed values of a numeric setting."""

    env: str
    low: float
    high: float
    unit: str
    integer: bool = False

    @property
    def allowed(self) -> str:
        """The allowed values, in words."""
        kind = "a whole number" if self.integer else "a finite number"
        return f"{kind} of {self.unit} from {self.low:g} to {self.high:g}"

    def check(self, value: object) -> None:
        """Raise :class:`SettingsError` unless ``value`` is allowed."""
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                (self.integer and not isinstance(value, int)) or not math.isfinite(value) or \
                not self.low <= value <= self.high:
            raise SettingsError(f"{self.env}={value!r} is out of range: give {self.allowed}")

    def parse(self, raw: str) -> float | int:
        """The value of the environment text ``raw``, checked."""
        text = raw.strip()
        try:
            value: float | int = int(text) if self.integer else float(text)
        except ValueError as err:  # also digit strings too long for int()
            raise SettingsError(f"environment variable {self.env}={raw[:40]!r} is not a number: give "
                                f"{self.allowed}") from err
        self.check(value)
        return value


#: numeric settings: field → environment variable and range
NUMBERS: dict[str, Bound] = {
    "min_delay_seconds": Bound("CPM_MIN_DELAY", 0, 60, "seconds"),
    "connect_timeout_seconds": Bound("CPM_CONNECT_TIMEOUT", 0.01, 60, "seconds"),
    "read_timeout_seconds": Bound("CPM_READ_TIMEOUT", 0.01, 300, "seconds"),
    "request_attempts": Bound("CPM_REQUEST_ATTEMPTS", 1, 10, "attempts", integer=True),
    "retry_backoff_seconds": Bound("CPM_RETRY_BACKOFF", 0, 60, "seconds"),
    "service_budget_seconds": Bound("CPM_SERVICE_BUDGET", 1, 86_400, "seconds"),
    "max_failures": Bound("CPM_MAX_FAILURES", 1, 100, "failures", integer=True),
}
GEOCODER_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_PRINTABLE = re.compile(r"[\x21-\x7e]+")
_PRINTABLE_SPACES = re.compile(r"[\x21-\x7e][\x20-\x7e]{0,199}")


def _check_text(env: str, value: str, *, spaces: bool, show: bool = True) -> None:
    """A value sent in a request (header or query) must be printable ASCII: no line breaks."""
    pattern = _PRINTABLE_SPACES if spaces else _PRINTABLE
    if not pattern.fullmatch(value) or value != value.strip():
        shown = f"={value[:40]!r}" if show else ""
        rule = "up to 200 printable ASCII characters" if spaces else "printable ASCII without spaces"
        raise SettingsError(f"{env}{shown} is not usable in a request: give {rule}")


def _check_database_url(url: str) -> None:
    """A PostgreSQL URL: scheme ``postgresql`` (or ``postgres``), printable, a valid port; the
    message never shows the password."""
    from urllib.parse import urlsplit

    shown = "CPM_DATABASE_URL"
    if not _PRINTABLE.fullmatch(url):
        raise SettingsError(f"{shown} is not a URL: give postgresql://user:password@host:port/database "
                            "(printable ASCII, no spaces; percent-encode other characters)")
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise SettingsError(f"{shown} has the scheme {parts.scheme!r}: give postgresql://user:password@host:"
                            "port/database")
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number in range)
    except ValueError as err:
        raise SettingsError(f"{shown} has a bad port ({err}): give postgresql://user:password@host:port/"
                            "database") from err


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

    Raises
    ------
    SettingsError
        A variable holds a value outside what it accepts (named in the message).
    """
    env = os.environ if env is None else env
    root = Path(env["CPM_ROOT"]).resolve() if env.get("CPM_ROOT") else DEFAULT_ROOT
    geocoders = tuple(
        g.strip().lower() for g in (env.get("CPM_GEOCODERS") or "nominatim").split(",") if g.strip()
    )
    numbers = {name: bound.parse(env[bound.env]) for name, bound in NUMBERS.items()
               if env.get(bound.env, "").strip()}
    defaults = Settings()
    return Settings(
        root=root,
        online_geocoding=_flag(env, "CPM_ONLINE_GEOCODING", False),
        geocoders=geocoders,
        user_agent=env.get("CPM_USER_AGENT", defaults.user_agent),
        cache_dir=Path(env["CPM_CACHE_DIR"]) if env.get("CPM_CACHE_DIR") else None,
        baidu_key=env.get("BAIDU_MAPS_AK") or None,
        tianditu_key=env.get("TIANDITU_KEY") or None,
        database_url=env.get("CPM_DATABASE_URL", "").strip() or None,
        database_schema=env.get("CPM_DATABASE_SCHEMA", "").strip() or defaults.database_schema,
        **numbers,  # type: ignore[arg-type]
    )
