"""Shapefiles for older desktop GIS: 10-byte field names, 254-byte texts, GBK or UTF-8, and a
set of files that is published complete or not at all."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._atomic import check_output_path, sync_tree, write_new_file
from ._gdalio import verify_shapefile, write_frame
from .errors import ExportError
from .fields import DATASET
from .layers import FIELDS

if TYPE_CHECKING:
    import geopandas as gpd

SHP_MAX_BYTES = 254
#: per-row column naming the fields whose text was cut to fit
CUT_FIELD = "cut_fields"
#: what the ``.cpg`` says per encoding: ESRI tools read the code page number for GBK
CPG = {"UTF-8": "UTF-8", "GBK": "936"}


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
    cut_rows: list[list[str]] = [[] for _ in range(len(out))]
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
            fitted, cut_at = _fit_all(items, codec, lengths)
            cut = len(cut_at)
            for i in cut_at:
                cut_rows[i].append(f.shp)
            if cut:
                cut_note = (f"{cut} value(s) cut to {SHP_MAX_BYTES} bytes (Shapefile limit); "
                            "the full text is in the GeoJSON / GeoPackage")
                notes = f"{notes}; {cut_note}" if notes else cut_note
            if cut or changed:
                values = type(values)(fitted, index=values.index, dtype=values.dtype, name=values.name)
            out[f.name] = values
        aliases.append({"shapefile_name": f.shp, "name": f.name, "type": f.type, "unit": f.unit, "notes": notes})
    out = out.rename(columns={f.name: f.shp for f in FIELDS})
    out.insert(len(FIELDS), CUT_FIELD, [",".join(names) for names in cut_rows])
    aliases.append({"shapefile_name": CUT_FIELD, "name": CUT_FIELD, "type": "string", "unit": "",
                    "notes": "the Shapefile names of this row's texts that were cut to fit (comma-separated; "
                             "'' = none): read the full text in the GeoPackage"})
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


def _fit_all(items: list[str], codec: str, lengths: np.ndarray) -> tuple[list[str], list[int]]:
    """Fit every value into the Shapefile's text limit; return the values and the rows cut.

    ``lengths`` are the values' lengths in characters (computed column-wise): only a value longer
    than the limit divided by the widest character of ``codec`` can overflow, so only those are encoded.
    """
    fitted = items
    cut: list[int] = []
    widest = 2 if codec == "gbk" else 4  # bytes a character can take
    for i in np.flatnonzero(lengths * widest > SHP_MAX_BYTES).tolist():
        value = items[i]
        short = _fit(value, codec)
        if short is not value:
            if fitted is items:
                fitted = list(items)
            fitted[i] = short
            cut.append(i)
    return fitted, cut


def _fit(value: str, codec: str) -> str:
    data = value.encode(codec)
    if len(data) <= SHP_MAX_BYTES:
        return value
    cut = data[:SHP_MAX_BYTES - 3]
    return cut.decode(codec, errors="ignore") + "..."


def shapefile_files(frame: gpd.GeoDataFrame, description: str, folder: Path, basename: str, encoding: str,
                    shown: Path) -> list[Path]:
    """Write a Shapefile set plus its alias table into ``folder``, check it; return the paths."""
    import pandas as pd

    shp, aliases = shapefile_frame(frame, encoding)
    path = folder / f"{basename}.shp"
    write_frame(shp, path, shown, driver="ESRI Shapefile", encoding=encoding)
    verify_shapefile(path, len(shp), shown)
    fix_dbf_date(path.with_suffix(".dbf"))
    for suffix in (".cpg", "_aliases.csv", "_crs.txt"):
        (folder / f"{basename}{suffix}").unlink(missing_ok=True)  # GDAL may write a .cpg of its own
    write_new_file(folder / f"{basename}.cpg", CPG[encoding].encode("ascii"))
    alias_csv = pd.DataFrame(aliases).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
    write_new_file(folder / f"{basename}_aliases.csv", alias_csv)
    write_new_file(folder / f"{basename}_crs.txt", (description + "\n").encode("utf-8"))
    return sorted(p for p in folder.iterdir() if p.name.startswith(basename))


def fix_dbf_date(dbf: Path) -> None:
    """Set the "last update" date of a DBF header (bytes 1–3: years since 1900, month, day),
    which GDAL sets to today, to the dataset's release date: the same export on another day
    gives the same bytes."""
    year, month, day = (int(part) for part in DATASET.release_date.split("-"))
    with dbf.open("r+b") as handle:
        handle.seek(1)
        handle.write(bytes((year - 1900, month, day)))


#: index files of a Shapefile that other programs build; stale once the set is replaced
_SHP_INDEXES = (".qix", ".sbn", ".sbx", ".fix", ".atx")


def publish_shapefile(files: list[Path], path: Path) -> list[Path]:
    """Move a checked Shapefile set from its staging folder beside ``path`` into place.

    The set is complete or absent: the old ``.shp`` goes first (from then on no reader opens a
    mixed set: there is no ``.shp``), the new parts follow, and the new ``.shp`` comes last.
    """
    stem = path.name[: -len(path.suffix)]
    moves = [(f, path.with_name(stem + f.name[len("export"):])) for f in files]
    for _, dest in moves:
        check_output_path(dest)
    moves.sort(key=lambda move: move[1].suffix.lower() == ".shp")  # the .shp last
    for old in [path, *(path.with_suffix(s) for s in _SHP_INDEXES)]:
        old.unlink(missing_ok=True)
    for source, dest in moves:
        source.replace(dest)
    sync_tree(path.parent)
    return sorted(dest for _, dest in moves)
