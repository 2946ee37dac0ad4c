"""Exports for GIS staff: a filtered selection in the format and CRS they need.

Formats: GeoJSON (RFC 7946, WGS-84 only, Feature ids), GeoPackage (typed and self-describing,
:mod:`geo.gpkg`: projects, boundaries and targets in one file, a QGIS style colouring the
categories), CSV (lon, lat and WKT), ESRI Shapefile (UTF-8 or GBK, ``.cpg``; 10-byte field names
with an alias table beside; a ``cut_fields`` column naming the texts cut to fit) and KML (WGS-84
by its specification; :mod:`geo._kml`). CRS: EPSG:4326, EPSG:4490 (CGCS2000), GCJ-02 (for Gaode /
Tencent basemaps; not an EPSG CRS, and the output's metadata says so), and projected CRSs for
measuring (CGCS2000 3-degree Gauss-Krüger zones, WGS 84 UTM zones; :class:`geo.crs.ProjectedCRS`).

:func:`export_to_bytes` returns an export in memory (the app's download buttons);
:func:`export_to_path` writes one atomically (the CLI). Bad requests raise
:class:`~geo.errors.ExportError` before anything is written.
"""

from __future__ import annotations

import io
import logging
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from ._atomic import atomic_write_bytes, check_output_path, staging_dir, sync_tree
from ._csvio import csv_line, neutralise_formula
from ._kml import kml_bytes
from ._shapefile import SHP_MAX_BYTES as SHP_MAX_BYTES
from ._shapefile import publish_shapefile, shapefile_files
from ._shapefile import shapefile_frame as shapefile_frame  # re-exported: part of the export API
from .crs import AnyCRS, TargetCRS, export_crs_from_name, frame_from_wgs84
from .errors import CRSError, ExportError
from .layers import FIELDS, frame_to_geojson
from .query import TIMELINE_PHASE, Filters, filter_projects
from .vocabulary import Category, Status

if TYPE_CHECKING:
    import geopandas as gpd
import pandas as pd

log = logging.getLogger(__name__)

#: the name of an export in memory, without its suffix (the app's downloads)
EXPORT_BASENAME = "carbon_peak_projects"


class Format(StrEnum):
    """Export formats."""

    GEOJSON = "geojson"
    GPKG = "gpkg"
    CSV = "csv"
    SHP = "shp"
    KML = "kml"

    @property
    def suffix(self) -> str:
        """File suffix of a single-file export (Shapefiles come zipped in memory)."""
        return {"geojson": ".geojson", "gpkg": ".gpkg", "csv": ".csv", "shp": ".zip", "kml": ".kml"}[self.value]

    @property
    def display_name(self) -> str:
        """The format's name as people know it (the app's download labels)."""
        return {"geojson": "GeoJSON", "gpkg": "GeoPackage", "csv": "CSV", "shp": "Shapefile (zip)",
                "kml": "KML"}[self.value]

    @property
    def media_type(self) -> str:
        """MIME type for downloads."""
        return {"geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3", "csv": "text/csv",
                "shp": "application/zip", "kml": "application/vnd.google-earth.kml+xml"}[self.value]


def format_from_name(name: str) -> Format:
    """Parse a format name (``geojson``, ``gpkg``, ``csv``, ``shp``, ``kml``; a few aliases).

    Raises
    ------
    ExportError
    """
    key = name.strip().lower().lstrip(".")
    key = {"json": "geojson", "geopackage": "gpkg", "shapefile": "shp", "esri shapefile": "shp"}.get(key, key)
    try:
        return Format(key)
    except ValueError:
        raise ExportError(f"unknown format {name!r}; use one of: {', '.join(f.value for f in Format)}") from None


def select_projects(frame: gpd.GeoDataFrame, filters: Filters) -> gpd.GeoDataFrame:
    """The projects that match every filter (a new frame): the app's filter record
    (:class:`geo.query.Filters`), checked, then applied by :func:`geo.query.filter_projects`.
    "Due by year Y" is ``Filters(year=Y, phases=("due",))``: the timeline phase *due* in year Y.

    Raises
    ------
    ExportError
        An unknown region, category or status; a malformed bounding box; an empty result.
    """
    known_regions = sorted(set(frame["region"]))
    for value in filters.regions:
        if value not in known_regions:
            raise ExportError(f"unknown region {value!r}; use one of: {', '.join(known_regions)}")
    for value in filters.categories:
        if value not in {c.value for c in Category}:
            raise ExportError(f"unknown category {value!r}; use one of: {', '.join(c.value for c in Category)}")
    for value in filters.statuses:
        if value not in {s.value for s in Status}:
            raise ExportError(f"unknown status {value!r}; use one of: {', '.join(s.value for s in Status)}")
    if filters.bbox is not None:
        minx, miny, maxx, maxy = filters.bbox
        if not (minx < maxx and miny < maxy and minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
            raise ExportError(f"bad bounding box {filters.bbox}: give min lon, min lat, max lon, max lat (WGS-84)")
    out = filter_projects(frame, filters).drop(columns=TIMELINE_PHASE)
    if out.empty:
        raise ExportError(f"the filters match no project ({describe(filters)}); nothing written")
    return out



def describe(filters: Filters) -> str:
    """The active filters in words."""
    parts = []
    for label, values in (("region", filters.regions), ("category", filters.categories),
                          ("status", filters.statuses)):
        if values:
            parts.append(f"{label} {' or '.join(values)}")
    if filters.power_mw is not None:
        parts.append(f"power {filters.power_mw[0]:g}–{filters.power_mw[1]:g} MW"
                     + (" or not stated" if filters.include_no_capacity else ""))
    if filters.year is not None and filters.phases:
        parts.append(f"{' or '.join(filters.phases)} in {filters.year}")
    if filters.search:
        parts.append(f"matching {filters.search!r}")
    if filters.bbox is not None:
        parts.append(f"inside {filters.bbox}")
    return ", ".join(parts) or "no filter"


def _check_combination(fmt: Format, crs: AnyCRS, encoding: str) -> None:
    if fmt is Format.GEOJSON and crs is not TargetCRS.WGS84:
        raise ExportError(f"GeoJSON is WGS-84 by definition (RFC 7946); for {crs.value} choose gpkg, shp or csv")
    if fmt is Format.KML and crs is not TargetCRS.WGS84:
        raise ExportError(f"KML is WGS-84 by definition (OGC KML 2.2); for {crs.value} choose gpkg, shp or csv")
    if encoding.upper() not in ("UTF-8", "GBK"):
        raise ExportError(f"unknown encoding {encoding!r}; use UTF-8 or GBK")
    if encoding.upper() == "GBK" and fmt is not Format.SHP:
        raise ExportError("--encoding GBK applies to Shapefiles only; the other formats are UTF-8")


def _in_crs(frame: gpd.GeoDataFrame, crs: AnyCRS) -> gpd.GeoDataFrame:
    return frame_from_wgs84(frame, crs)


def _description(crs: AnyCRS) -> str:
    return f"Carbon-peak projects; coordinates: {crs.description}"


@dataclass(frozen=True, slots=True)
class Export:
    """An export in memory."""

    filename: str
    data: bytes
    media_type: str


def export_to_bytes(selection: gpd.GeoDataFrame, fmt: Format | str, *, crs: AnyCRS | str = TargetCRS.WGS84,
                    encoding: str = "UTF-8", boundaries: gpd.GeoDataFrame | None = None,
                    targets: pd.DataFrame | None = None, basename: str = EXPORT_BASENAME) -> Export:
    """Render a selection (from :func:`select_projects`) in one format, in memory.

    Parameters
    ----------
    selection : GeoDataFrame
        EPSG:4326 projects.
    fmt : Format or str
    crs : TargetCRS, ProjectedCRS or str, keyword-only
        ``GK3`` / ``UTM`` pick the zone holding the centre of the selection's bounds.
    encoding : {"UTF-8", "GBK"}, keyword-only
        Shapefile text encoding (written into the ``.cpg``).
    boundaries : GeoDataFrame, optional
        Regions and counties, added as a layer to GeoPackages.
    targets : DataFrame, optional
        The targets table, added as an attribute table to GeoPackages.

    Raises
    ------
    ExportError
        Unsupported format / CRS combination, unknown encoding, text that GBK cannot hold.
    """
    fmt = format_from_name(fmt) if isinstance(fmt, str) else fmt
    target = _target_crs(crs, selection)
    _check_combination(fmt, target, encoding)
    name = f"{basename}{fmt.suffix}"
    if fmt is Format.GEOJSON:
        data = frame_to_geojson(selection, name=basename, id_field="id")
    elif fmt is Format.CSV:
        data = _csv_bytes(_in_crs(selection, target), target)
    elif fmt is Format.KML:
        data = kml_bytes(selection)
    else:  # GDAL writes into a private folder of $TMPDIR (there is no output path); stale ones are removed
        with staging_dir(Path(tempfile.gettempdir()), "cpm-export-") as folder:
            files = _gdal_files(selection, fmt, target, folder, shown=Path(name), encoding=encoding.upper(),
                                boundaries=boundaries, targets=targets)
            data = _zip(files, safe_name(basename)) if fmt is Format.SHP else files[0].read_bytes()
    log.info("export: %d projects as %s in %s (%d bytes)", len(selection), fmt.value, target.value, len(data))
    return Export(name, data, fmt.media_type)


def related_to(selection: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, targets: pd.DataFrame
               ) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The boundaries (region and counties) and the targets of the regions the selection holds:
    a download of 29 Kundulun projects carries Kundulun's polygon and targets, not all 36 and 162."""
    regions = set(selection["region"])
    return (boundaries[boundaries["region"].isin(regions)].reset_index(drop=True),
            targets[targets["region"].isin(regions)].reset_index(drop=True))


def selection_export(projects: gpd.GeoDataFrame, ids: Sequence[str], fmt: Format | str, *,
                     boundaries: gpd.GeoDataFrame, targets: pd.DataFrame,
                     crs: TargetCRS | str = TargetCRS.WGS84) -> Export:
    """The projects of ``ids`` (in the frame's order) with their regions' boundaries and targets,
    in one format (:func:`export_to_bytes`); what the app's download buttons hand out.

    Raises
    ------
    ExportError
        ``ids`` names no project, or any error of :func:`export_to_bytes`.
    """
    chosen = projects[projects["id"].isin(set(ids))]
    if chosen.empty:
        raise ExportError("the selection holds no project; nothing to download")
    own_boundaries, own_targets = related_to(chosen, boundaries, targets)
    return export_to_bytes(chosen, fmt, crs=crs, boundaries=own_boundaries, targets=own_targets)


def _target_crs(crs: AnyCRS | str, selection: gpd.GeoDataFrame) -> AnyCRS:
    if not isinstance(crs, str):
        return crs
    try:
        if crs.strip().lower() in ("gk3", "utm"):
            minx, _, maxx, _ = selection.total_bounds
            return export_crs_from_name(crs, lon=float(minx + maxx) / 2)
        return export_crs_from_name(crs)
    except CRSError as err:
        raise ExportError(str(err)) from err


def safe_name(basename: str) -> str:
    """A file or zip member name without path separators, drive colons or control characters.

    GDAL and unzip tools read ``\\`` and ``/`` as folder separators: a name holding them would put
    files elsewhere (``..\\x`` in the temporary folder's parent).
    """
    cleaned = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 or ord(ch) == 127 else ch for ch in basename)
    cleaned = cleaned.strip(" .")
    return cleaned or "carbon_peak_projects"


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [f.name for f in FIELDS if f.type == "string" and f.name in frame.columns]


def _csv_bytes(frame: gpd.GeoDataFrame, crs: AnyCRS) -> bytes:
    """CSV of the projects with lon, lat and WKT; text cells a spreadsheet would run as a formula are
    neutralised (:func:`geo._csvio.neutralise_formula`), CR and LF inside cells quoted."""
    import pandas as pd

    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    table.insert(0, "lat", frame.geometry.y.round(6))
    table.insert(0, "lon", frame.geometry.x.round(6))
    table["wkt"] = frame.geometry.to_wkt(rounding_precision=6)
    table["crs"] = crs.value
    text = set(_text_columns(table))
    columns = []
    for name in table.columns:
        series = table[name]
        if name in text:
            columns.append([neutralise_formula(v) for v in series.fillna("").astype(str)])
        elif pd.api.types.is_bool_dtype(series.dtype):
            columns.append([str(bool(v)) for v in series])
        elif pd.api.types.is_integer_dtype(series.dtype):
            columns.append(["" if v is pd.NA or v is None else str(int(v)) for v in series.astype(object)])
        elif pd.api.types.is_float_dtype(series.dtype):
            columns.append(["" if v != v else f"{v:.10g}" for v in series.tolist()])
        else:
            columns.append([neutralise_formula(str(v)) for v in series.fillna("")])
    lines = [csv_line([str(c) for c in table.columns])] + [csv_line(list(row)) for row in zip(*columns, strict=True)]
    return ("\ufeff" + "".join(lines)).encode("utf-8")


def _gdal_files(selection: gpd.GeoDataFrame, fmt: Format, crs: AnyCRS, folder: Path, *, shown: Path,
                encoding: str, boundaries: gpd.GeoDataFrame | None, targets: pd.DataFrame | None) -> list[Path]:
    """Write a GDAL format into ``folder`` under safe names, check it, fsync it; return its files."""
    if fmt is Format.GPKG:
        files = [_gpkg_file(selection, crs, folder, shown, boundaries, targets)]
    elif fmt is Format.SHP:
        files = shapefile_files(_in_crs(selection, crs), _description(crs), folder, "export", encoding, shown)
    else:
        raise ExportError(f"{fmt.value} is not written by GDAL")
    sync_tree(folder)
    return files


def _gpkg_file(selection: gpd.GeoDataFrame, crs: AnyCRS, folder: Path, shown: Path,
               boundaries: gpd.GeoDataFrame | None, targets: pd.DataFrame | None) -> Path:
    """A typed GeoPackage (:func:`geo.gpkg.write_gpkg`): the projects once (no per-category copies:
    the stored QGIS style colours them by category), the boundaries and the targets if given."""
    from .fields import BOUNDARIES, PROJECTS, TARGETS
    from .gpkg import GpkgLayer, write_gpkg

    path = folder / "export.gpkg"
    layers = [GpkgLayer(PROJECTS, _in_crs(selection, crs))]
    if boundaries is not None:
        layers.append(GpkgLayer(BOUNDARIES, _in_crs(boundaries, crs)))
    if targets is not None:
        layers.append(GpkgLayer(TARGETS, targets))
    write_gpkg(path, layers, shown=shown, crs_description=crs.description)
    return path


def _zip(files: list[Path], member_base: str) -> bytes:
    """The files zipped (deterministic dates), members named ``member_base`` + each file's suffix part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(member_base + path.name[len("export"):], date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def export_to_path(selection: gpd.GeoDataFrame, path: Path, fmt: Format | str | None = None, *,
                   crs: AnyCRS | str = TargetCRS.WGS84, encoding: str = "UTF-8",
                   boundaries: gpd.GeoDataFrame | None = None, targets: pd.DataFrame | None = None,
                   protected: Sequence[Path] = ()) -> list[Path]:
    """Write an export atomically; a ``.shp`` path writes the Shapefile set beside it.

    Every file is written into a temporary file or folder beside ``path`` (never ``$TMPDIR``),
    checked to be complete (byte count; files GDAL writes are parsed or re-opened), and only
    then renamed into place: a full disk or a killed run leaves the previous export as it was.

    Parameters
    ----------
    path : Path
        Output file. The format follows its suffix unless ``fmt`` is given.
    protected : sequence of Path, keyword-only
        Folders an export must never be written into (the CLI passes ``data/``).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ExportError
        ``path`` is a directory, or any error of :func:`export_to_bytes`; nothing is written.
    OutputPathError
        ``path`` is a link, a FIFO or a device, or inside a protected folder.
    WriteError
        The disk filled up or a file did not read back; the previous export is unchanged.
    """
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} is a directory; give a file name such as {path / 'projects.gpkg'}")
    check_output_path(path, protected=protected)
    if fmt is None:
        suffix = path.suffix.lower()
        fmt = Format.SHP if suffix == ".zip" else format_from_name(suffix or "?")
    fmt = format_from_name(fmt) if isinstance(fmt, str) else fmt
    if not path.parent.exists():
        raise ExportError(f"folder {path.parent} does not exist")
    if fmt in (Format.GEOJSON, Format.CSV, Format.KML):
        export = export_to_bytes(selection, fmt, crs=crs, encoding=encoding, basename=path.stem)
        atomic_write_bytes(path, export.data)
        return [path]
    target = _target_crs(crs, selection)
    _check_combination(fmt, target, encoding)
    shp_set = fmt is Format.SHP and path.suffix.lower() == ".shp"
    with staging_dir(path.parent, ".cpm-shp-" if shp_set else ".cpm-export-") as folder:
        files = _gdal_files(selection, fmt, target, folder, shown=path, encoding=encoding.upper(),
                            boundaries=boundaries, targets=targets)
        if shp_set:
            written = publish_shapefile(files, path)
        elif fmt is Format.SHP:
            atomic_write_bytes(path, _zip(files, safe_name(path.stem)))
            written = [path]
        else:
            check_output_path(path, protected=protected)
            files[0].replace(path)
            sync_tree(path.parent)
            written = [path]
    log.info("export: %d projects as %s in %s → %s", len(selection), fmt.value, target.value, path)
    return written


def targets_table(layers_dir: Path) -> pd.DataFrame:
    """The published targets table (see :func:`geo.layers.targets_from_layers`).

    Raises
    ------
    LayerError
        ``targets.csv`` is missing, not UTF-8 or not the table the build writes.
    """
    from .layers import targets_from_layers

    return targets_from_layers(layers_dir)
