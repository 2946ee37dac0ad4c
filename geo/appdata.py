"""What the app reads, once per server: the published layers, the boundaries and the plan texts.

Two sources of the published tables (projects, targets, boundaries): the files in ``layers/`` and
``data/boundaries/`` by default, or the PostGIS store that ``python -m geo publish`` wrote when
:attr:`Settings.database_url` is set (:func:`geo.postgis.tables_from_store`); both give the same
frames. The plan texts are always read from ``data/plans/``.

The app keeps one :class:`AppData` per data version (``st.cache_resource``) and shares it between
every session; nothing here is mutated after loading (the query functions return new frames).
:func:`data_version` tells when a rebuild has published new files, so a long-running server
picks them up without holding two copies for long.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import geopandas as gpd
    import pandas as pd

    from .plans import Plan
    from .settings import Settings


@dataclass(frozen=True, slots=True)
class AppData:
    """Everything the app shows, read together.

    Attributes
    ----------
    projects : GeoDataFrame
        The published projects (``layers/projects.geojson``), EPSG:4326.
    targets : DataFrame
        The published targets (``layers/targets.csv``), from the same build as ``projects``.
    boundaries : GeoDataFrame
        Regions then counties (:func:`geo.layers.boundaries_frame`).
    regions : tuple of str
        Region codes in the order of the plan register.
    plans : dict
        ``{code: Plan}``: the plan texts, for reading a quote in its paragraph.
    source : str
        Where the tables come from, for the page: ``files layers/`` or ``PostGIS <url> schema <name>``
        (the URL without its password).
    lines : GeoDataFrame or None
        The schematic lines of linear works (``layers/lines.geojson``: ``id``, LineString), from
        the same build as ``projects``; ``None`` where the source has none (the map then draws
        their projects as points only).
    """

    projects: gpd.GeoDataFrame
    targets: pd.DataFrame
    boundaries: gpd.GeoDataFrame
    regions: tuple[str, ...]
    plans: dict[str, Plan]
    source: str = ""
    lines: gpd.GeoDataFrame | None = None


def data_source(settings: Settings) -> str:
    """Where the app reads the published tables from, in words (no password)."""
    if settings.database_url:
        from .postgis import redacted

        return f"PostGIS {redacted(settings.database_url)} schema {settings.database_schema}"
    return "files layers/"


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (path.name, -1, -1)
    return (path.name, info.st_mtime_ns, info.st_size)


def data_version(settings: Settings) -> tuple[tuple[str, int, int], ...]:
    """A key that changes when the published layers, the boundaries or the plans change
    (names, modification times and sizes of the files the app reads; cheap: no file is read;
    from a database: its tables' object ids, which a publish renews).

    Raises
    ------
    StoreError
        The database is configured but unreachable.
    """
    if settings.database_url:
        from .postgis import store_version

        return (_stamp(settings.plans_dir / "sources.toml"),
                *store_version(settings.database_url, schema=settings.database_schema,
                               timeout=settings.connect_timeout_seconds))
    files = [settings.layers_dir / "projects.geojson", settings.layers_dir / "targets.csv",
             settings.layers_dir / "lines.geojson", settings.plans_dir / "sources.toml"]
    files += sorted(settings.boundaries_dir.glob("*"))
    return tuple(_stamp(p) for p in files)


def app_data_from_settings(settings: Settings) -> AppData:
    """Read the layers (projects, targets and lines of one build), the boundaries of both levels and the
    plans: from the files, or from the PostGIS store when ``settings.database_url`` is set.

    Raises
    ------
    LayerError, BoundaryError, PlanError
        A file is missing or broken.
    StoreError
        The database is unreachable or holds no published tables in ``settings.database_schema``.
    """
    from .boundaries import boundaries_from_dir
    from .layers import boundaries_frame, layer_set_with_lines_from_dir
    from .plans import plans_from_dir

    if settings.database_url:
        from .postgis import tables_from_store

        store = tables_from_store(settings.database_url, schema=settings.database_schema,
                                  timeout=settings.connect_timeout_seconds)
        projects, targets, boundaries, lines = store.projects, store.targets, store.boundaries, store.lines
    else:
        projects, targets, lines = layer_set_with_lines_from_dir(settings.layers_dir)
        boundaries = boundaries_frame(boundaries_from_dir(settings.boundaries_dir, level="region"),
                                      boundaries_from_dir(settings.boundaries_dir, level="county"))
    plans = plans_from_dir(settings.plans_dir)
    return AppData(projects=projects, targets=targets, boundaries=boundaries, regions=tuple(plans), plans=plans,
                   lines=lines, source=data_source(settings))
