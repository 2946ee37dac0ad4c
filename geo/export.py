"""Exports for GIS staff: a filtered selection in the format and CRS they need.

Formats: GeoJSON (RFC 7946, WGS-84 only), GeoPackage (projects, one layer per category,
boundaries and targets in one file), CSV (lon, lat and WKT), ESRI Shapefile (UTF-8 with a
``.cpg`` or GBK; 10-byte field names with an alias table beside) and KML (WGS-84 by its
specification). CRS: EPSG:4326, EPSG:4490 (CGCS2000) and GCJ-02 (for Gaode / Tencent
basemaps; not an EPSG CRS, and the output's metadata says so).

:func:`export_to_bytes` returns an export in memory (the app's download buttons);
:func:`export_to_path` writes one atomically (the CLI). Bad requests raise
:class:`~geo.errors.ExportError` before anything is written.
"""

from __future__ import annotations

import html
import io
import logging
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._atomic import atomic_write_bytes
from .crs import TargetCRS, crs_from_name, frame_from_wgs84
from .errors import CRSError, ExportError
from .explore import TIMELINE_PHASE, Filters, Phase, filter_projects
from .layers import FIELDS, frame_to_geojson
from .vocabulary import Category, Status

if TYPE_CHECKING:
    import geopandas as gpd
import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

SHP_MAX_BYTES = 254

#: WKT of GCJ-02 as a CRS of its own: WGS 84's ellipsoid and axes, but a datum named for
#: what it is, so no software mistakes the coordinates for WGS-84 (there is no EPSG code).
GCJ02_WKT = (
    'GEOGCRS["GCJ-02 (WGS 84 obfuscated for mainland China; not an EPSG CRS)",'
    'DATUM["GCJ-02 obfuscated WGS 84",ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]]],'
    'PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],'
    'CS[ellipsoidal,2],AXIS["geodetic longitude (Lon)",east,ORDER[1],ANGLEUNIT["degree",0.0174532925199433]],'
    'AXIS["geodetic latitude (Lat)",north,ORDER[2],ANGLEUNIT["degree",0.0174532925199433]],'
    'REMARK["Coordinates for overlay on Gaode/AMap and Tencent basemaps. Convert back to WGS 84 with '
    'geo.crs.gcj02_to_wgs84; a plain datum transformation does not exist."]]'
)


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


@dataclass(frozen=True, slots=True)
class Selection:
    """Filters of an export; empty means no filter.

    Attributes
    ----------
    regions, categories, statuses : tuple of str
    due_by : int or None
        Keep projects due by this year (``year_end <= due_by``).
    bbox : tuple of 4 floats or None
        ``(min lon, min lat, max lon, max lat)`` in WGS-84.
    """

    regions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    due_by: int | None = None
    bbox: tuple[float, float, float, float] | None = None


def select_projects(frame: gpd.GeoDataFrame, selection: Selection) -> gpd.GeoDataFrame:
    """The projects that match every filter (a new frame).

    Raises
    ------
    ExportError
        An unknown region, category or status; a malformed bounding box; an empty result.
    """
    known_regions = sorted(set(frame["region"]))
    for value in selection.regions:
        if value not in known_regions:
            raise ExportError(f"unknown region {value!r}; use one of: {', '.join(known_regions)}")
    for value in selection.categories:
        if value not in {c.value for c in Category}:
            raise ExportError(f"unknown category {value!r}; use one of: {', '.join(c.value for c in Category)}")
    for value in selection.statuses:
        if value not in {s.value for s in Status}:
            raise ExportError(f"unknown status {value!r}; use one of: {', '.join(s.value for s in Status)}")
    if selection.bbox is not None:
        minx, miny, maxx, maxy = selection.bbox
        if not (minx < maxx and miny < maxy and minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
            raise ExportError(f"bad bounding box {selection.bbox}: give min lon, min lat, max lon, max lat (WGS-84)")
    # the planners' filter does the selecting: "due by Y" is the timeline phase "due" in year Y
    due = selection.due_by is not None
    out = filter_projects(frame, Filters(
        regions=selection.regions, categories=selection.categories, statuses=selection.statuses,
        year=selection.due_by, phases=(Phase.DUE.value,) if due else (), bbox=selection.bbox,
    )).drop(columns=TIMELINE_PHASE)
    if out.empty:
        raise ExportError(f"the filters match no project ({describe(selection)}); nothing written")
    return out


def describe(selection: Selection) -> str:
    """The active filters in words."""
    parts = []
    for label, values in (("region", selection.regions), ("category", selection.categories),
                          ("status", selection.statuses)):
        if values:
            parts.append(f"{label} {' or '.join(values)}")
    if selection.due_by is not None:
        parts.append(f"due by {selection.due_by}")
    if selection.bbox is not None:
        parts.append(f"inside {selection.bbox}")
    return ", ".join(parts) or "no filter"


def _check_combination(fmt: Format, crs: TargetCRS, encoding: str) -> None:
    if fmt is Format.GEOJSON and crs is not TargetCRS.WGS84:
        raise ExportError("GeoJSON is WGS-84 by definition (RFC 7946); for EPSG:4490 or GCJ-02 choose gpkg, shp or csv")
    if fmt is Format.KML and crs is not TargetCRS.WGS84:
        raise ExportError("KML is WGS-84 by definition (OGC KML 2.2); for EPSG:4490 or GCJ-02 choose gpkg, shp or csv")
    if crs is TargetCRS.BD09:
        raise ExportError("BD-09 exports are not offered; use GCJ-02 for Chinese web basemaps")
    if encoding.upper() not in ("UTF-8", "GBK"):
        raise ExportError(f"unknown encoding {encoding!r}; use UTF-8 or GBK")
    if encoding.upper() == "GBK" and fmt is not Format.SHP:
        raise ExportError("--encoding GBK applies to Shapefiles only; the other formats are UTF-8")


def _in_crs(frame: gpd.GeoDataFrame, crs: TargetCRS) -> gpd.GeoDataFrame:
    out = frame_from_wgs84(frame, crs)
    if crs is TargetCRS.GCJ02:
        out = out.set_crs(GCJ02_WKT, allow_override=True)
    return out


def _description(crs: TargetCRS) -> str:
    return f"Carbon-peak projects; coordinates: {crs.description}"


@dataclass(frozen=True, slots=True)
class Export:
    """An export in memory."""

    filename: str
    data: bytes
    media_type: str


def export_to_bytes(selection: gpd.GeoDataFrame, fmt: Format | str, *, crs: TargetCRS | str = TargetCRS.WGS84,
                    encoding: str = "UTF-8", boundaries: gpd.GeoDataFrame | None = None,
                    targets: pd.DataFrame | None = None, basename: str = "carbon_peak_projects") -> Export:
    """Render a selection (from :func:`select_projects`) in one format, in memory.

    Parameters
    ----------
    selection : GeoDataFrame
        EPSG:4326 projects.
    fmt : Format or str
    crs : TargetCRS or str, keyword-only
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
    try:
        target = crs_from_name(crs) if isinstance(crs, str) else crs
    except CRSError as err:
        raise ExportError(str(err)) from err
    _check_combination(fmt, target, encoding)
    name = f"{basename}{fmt.suffix}"
    if fmt is Format.GEOJSON:
        data = frame_to_geojson(selection, name=basename)
    elif fmt is Format.CSV:
        data = _csv_bytes(_in_crs(selection, target), target)
    else:
        with tempfile.TemporaryDirectory(prefix="cpm-export-") as tmp:
            folder = Path(tmp)
            if fmt is Format.GPKG:
                data = _gpkg_bytes(selection, target, folder, boundaries, targets)
            elif fmt is Format.SHP:
                data = _shp_zip_bytes(_in_crs(selection, target), target, folder, basename, encoding.upper())
            else:
                data = _kml_bytes(selection, folder)
    log.info("export: %d projects as %s in %s (%d bytes)", len(selection), fmt.value, target.value, len(data))
    return Export(name, data, fmt.media_type)


def _csv_bytes(frame: gpd.GeoDataFrame, crs: TargetCRS) -> bytes:
    import pandas as pd

    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    table.insert(0, "lat", frame.geometry.y.round(6))
    table.insert(0, "lon", frame.geometry.x.round(6))
    table["wkt"] = frame.geometry.to_wkt(rounding_precision=6)
    table["crs"] = crs.value
    return table.to_csv(index=False, lineterminator="\n", float_format="%.10g").encode("utf-8-sig")


def _write(frame: gpd.GeoDataFrame, path: Path, **kwargs: Any) -> None:
    import pyogrio

    pyogrio.write_dataframe(frame, path, **kwargs)


def _gpkg_bytes(selection: gpd.GeoDataFrame, crs: TargetCRS, folder: Path, boundaries: gpd.GeoDataFrame | None,
                targets: pd.DataFrame | None) -> bytes:
    import geopandas as gpd

    path = folder / "export.gpkg"
    meta = {"DESCRIPTION": _description(crs)}
    projects = _in_crs(selection, crs)
    _write(projects, path, layer="projects", driver="GPKG", layer_metadata=meta)
    for category in sorted(set(selection["category"])):
        part = projects[projects["category"] == category]
        _write(part, path, layer=category, driver="GPKG", append=False, layer_metadata=meta)
    if boundaries is not None:
        _write(_in_crs(boundaries, crs), path, layer="boundaries", driver="GPKG", layer_metadata=meta)
    if targets is not None:
        table = gpd.GeoDataFrame(targets.copy(), geometry=[None] * len(targets), crs=projects.crs)
        _write(table.drop(columns="geometry"), path, layer="targets", driver="GPKG")
    return path.read_bytes()


def shapefile_frame(frame: gpd.GeoDataFrame, encoding: str) -> tuple[gpd.GeoDataFrame, list[dict[str, str]]]:
    """Rename to 10-byte field names and fit text into 254 bytes of ``encoding``.

    Returns the frame and the alias table rows (short name, full name, type, unit, notes).

    Raises
    ------
    ExportError
        A value holds a character the encoding cannot represent (names the row and field).
    """
    codec = "gbk" if encoding == "GBK" else "utf-8"
    out = frame.copy()
    aliases = []
    for f in FIELDS:
        notes = ""
        if f.type == "string":
            values = out[f.name].fillna("").astype(str)
            items = values.tolist()
            changed = 0
            try:
                if not (codec == "utf-8" and getattr(values.dtype, "storage", None) == "pyarrow"):
                    "\x1f".join(items).encode(codec)  # Arrow strings are valid UTF-8 by construction
            except UnicodeEncodeError:
                items, changed = _compatible(out["id"].astype(str).tolist(), items, f.name, codec, encoding)
                notes = (f"{changed} value(s): characters {encoding} lacks written as their compatibility "
                         "equivalents (NFKC, e.g. ³ → 3); the exact text is in the GeoJSON / GeoPackage")
            lengths = values.str.len().to_numpy(dtype="int64", na_value=0)
            if changed:  # a compatibility replacement can lengthen a value (㍿ → 株式会社)
                lengths = np.fromiter((len(v) for v in items), dtype="int64", count=len(items))
            fitted, cut = _fit_all(items, codec, lengths)
            if cut:
                cut_note = (f"{cut} value(s) cut to {SHP_MAX_BYTES} bytes (Shapefile limit); "
                            "the full text is in the GeoJSON / GeoPackage")
                notes = f"{notes}; {cut_note}" if notes else cut_note
            if cut or changed:
                values = type(values)(fitted, index=values.index, dtype=values.dtype, name=values.name)
            out[f.name] = values
        aliases.append({"shapefile_name": f.shp, "name": f.name, "type": f.type, "unit": f.unit, "notes": notes})
    out = out.rename(columns={f.name: f.shp for f in FIELDS})
    return out, aliases


def _compatible(ids: list[str], items: list[str], field_name: str, codec: str,
                encoding: str) -> tuple[list[str], int]:
    """Replace each character ``codec`` cannot hold by its NFKC equivalent (³ → 3), and only those.

    The rest of the text stays as it is (full-width punctuation in quotes is kept). A character
    without an encodable equivalent (a rare CJK ideograph outside GBK) raises, naming row and field.
    """
    def one(rid: str, value: str) -> str:
        chars = []
        for ch in value:
            try:
                ch.encode(codec)
            except UnicodeEncodeError:
                alt = unicodedata.normalize("NFKC", ch)
                try:
                    alt.encode(codec)
                except UnicodeEncodeError:
                    raise ExportError(f"project {rid}, field {field_name}: {ch!r} cannot be written in "
                                      f"{encoding}; export with --encoding UTF-8") from None
                ch = alt
            chars.append(ch)
        return "".join(chars)

    def encodable(value: str) -> bool:
        try:
            value.encode(codec)
        except UnicodeEncodeError:
            return False
        return True

    fixed = [v if encodable(v) else one(rid, v) for rid, v in zip(ids, items, strict=True)]
    return fixed, sum(a is not b for a, b in zip(fixed, items, strict=True))


def _fit_all(items: list[str], codec: str, lengths: np.ndarray) -> tuple[list[str], int]:
    """Fit every value into the Shapefile's text limit; return the values and how many were cut.

    ``lengths`` are the values' lengths in characters (computed column-wise): only a value longer
    than the limit divided by the widest character of ``codec`` can overflow, so only those are encoded.
    """
    fitted = items
    cut = 0
    widest = 2 if codec == "gbk" else 4  # bytes a character can take
    for i in np.flatnonzero(lengths * widest > SHP_MAX_BYTES).tolist():
        value = items[i]
        short = _fit(value, codec)
        if short is not value:
            if fitted is items:
                fitted = list(items)
            fitted[i] = short
            cut += 1
    return fitted, cut


def _fit(value: str, codec: str) -> str:
    data = value.encode(codec)
    if len(data) <= SHP_MAX_BYTES:
        return value
    cut = data[:SHP_MAX_BYTES - 3]
    return cut.decode(codec, errors="ignore") + "..."


def _shp_files(frame: gpd.GeoDataFrame, crs: TargetCRS, folder: Path, basename: str, encoding: str) -> list[Path]:
    """Write a Shapefile set plus its alias table into ``folder``; return the paths."""
    import pandas as pd

    shp, aliases = shapefile_frame(frame, encoding)
    path = folder / f"{basename}.shp"
    _write(shp, path, driver="ESRI Shapefile", encoding=encoding)
    cpg = folder / f"{basename}.cpg"
    cpg.write_text(encoding, encoding="ascii")
    alias_path = folder / f"{basename}_aliases.csv"
    alias_path.write_bytes(pd.DataFrame(aliases).to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))
    crs_note = folder / f"{basename}_crs.txt"
    crs_note.write_text(_description(crs) + "\n", encoding="utf-8")
    return sorted(p for p in folder.iterdir() if p.name.startswith(basename))


def _shp_zip_bytes(frame: gpd.GeoDataFrame, crs: TargetCRS, folder: Path, basename: str, encoding: str) -> bytes:
    files = _shp_files(frame, crs, folder, basename, encoding)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _kml_bytes(selection: gpd.GeoDataFrame, folder: Path) -> bytes:
    """KML placemarks named after the project, the plan's quote as description.

    Google Earth renders a description as HTML, so the quote is HTML-escaped first (GDAL
    then escapes it for XML): what the data says shows as text and never runs.
    """
    path = folder / "export.kml"
    frame = selection.copy()
    frame.insert(0, "Name", frame["name_zh"])
    frame.insert(1, "Description", frame["quote"].map(lambda q: html.escape(q, quote=False)))
    _write(frame, path, driver="KML", layer="projects")
    return path.read_bytes()


def export_to_path(selection: gpd.GeoDataFrame, path: Path, fmt: Format | str | None = None, *,
                   crs: TargetCRS | str = TargetCRS.WGS84, encoding: str = "UTF-8",
                   boundaries: gpd.GeoDataFrame | None = None, targets: pd.DataFrame | None = None) -> list[Path]:
    """Write an export atomically; a ``.shp`` path writes the Shapefile set beside it.

    Parameters
    ----------
    path : Path
        Output file. The format follows its suffix unless ``fmt`` is given.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ExportError
        ``path`` is a directory, or any error of :func:`export_to_bytes`; nothing is written.
    """
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} is a directory; give a file name such as {path / 'projects.gpkg'}")
    if fmt is None:
        suffix = path.suffix.lower()
        fmt = Format.SHP if suffix == ".zip" else format_from_name(suffix or "?")
    fmt = format_from_name(fmt) if isinstance(fmt, str) else fmt
    if not path.parent.exists():
        raise ExportError(f"folder {path.parent} does not exist")
    if fmt is Format.SHP and path.suffix.lower() == ".shp":
        try:
            target = crs_from_name(crs) if isinstance(crs, str) else crs
        except CRSError as err:
            raise ExportError(str(err)) from err
        _check_combination(fmt, target, encoding)
        with tempfile.TemporaryDirectory(prefix=".cpm-shp-", dir=path.parent) as tmp:
            files = _shp_files(_in_crs(selection, target), target, Path(tmp), path.stem, encoding.upper())
            written = []
            for f in files:
                dest = path.parent / f.name
                f.replace(dest)
                written.append(dest)
        return written
    export = export_to_bytes(selection, fmt, crs=crs, encoding=encoding, boundaries=boundaries, targets=targets,
                             basename=path.stem)
    atomic_write_bytes(path, export.data)
    return [path]


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``"minlon,minlat,maxlon,maxlat"`` → a tuple.

    Raises
    ------
    ExportError
    """
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError:
        raise ExportError(f"bad bounding box {text!r}: give minlon,minlat,maxlon,maxlat") from None
    if len(parts) != 4:
        raise ExportError(f"bad bounding box {text!r}: give four numbers minlon,minlat,maxlon,maxlat")
    return parts[0], parts[1], parts[2], parts[3]


def targets_table(layers_dir: Path) -> pd.DataFrame:
    """The published targets table (see :func:`geo.layers.targets_from_layers`).

    Raises
    ------
    LayerError
        ``targets.csv`` is missing, not UTF-8 or not the table the build writes.
    """
    from .layers import targets_from_layers

    return targets_from_layers(layers_dir)


def summary(selection: gpd.GeoDataFrame) -> str:
    """One line: how many projects of which regions."""
    counts = selection["region"].value_counts().sort_index()
    return f"{len(selection)} projects ({', '.join(f'{k} {v}' for k, v in counts.items())})"

