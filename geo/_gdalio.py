"""Files that GDAL writes for the exports, checked before anything is published.

GDAL's drivers do not always report a failed write: with a full disk its KML writer left a file
cut mid-element and reported success. So every file it writes into a staging folder is opened
again or parsed here — the KML as XML with its placemarks counted, the GeoPackage with SQLite's
``quick_check`` and an exact row count per table, a Shapefile by the sizes its headers promise —
and a problem is a :class:`~geo.errors.WriteError` naming the output the user asked for.
"""

from __future__ import annotations

import contextlib
import sqlite3
import struct
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import WriteError

if TYPE_CHECKING:
    import geopandas as gpd

_KML_PLACEMARK = "{http://www.opengis.net/kml/2.2}Placemark"


def write_frame(frame: gpd.GeoDataFrame, path: Path, shown: Path, **kwargs: Any) -> None:
    """``pyogrio.write_dataframe``, its errors translated.

    Raises
    ------
    WriteError
        GDAL could not write the file (a full disk, a size limit, an unwritable folder).
    """
    import pyogrio
    import pyogrio.errors as gdal_errors

    try:
        pyogrio.write_dataframe(frame, path, **kwargs)
    except (gdal_errors.DataSourceError, gdal_errors.DataLayerError, gdal_errors.FieldError,
            gdal_errors.FeatureError, gdal_errors.GeometryError, OSError) as err:
        raise WriteError(f"{shown}: GDAL could not write the {kwargs.get('driver', '')} file ({err}); "
                         "nothing was written there") from err


def verify_kml(path: Path, placemarks: int, shown: Path) -> None:
    """Parse the KML and count its placemarks.

    Raises
    ------
    WriteError
        Not well-formed XML (a cut file) or another number of placemarks.
    """
    found = 0
    try:
        for _, element in ET.iterparse(path, events=("end",)):
            if element.tag == _KML_PLACEMARK:
                found += 1
                element.clear()
    except ET.ParseError as err:
        raise WriteError(f"{shown}: the KML GDAL wrote is not complete ({err}; {path.stat().st_size:,} bytes "
                         "written): is the disk full?") from err
    if found != placemarks:
        raise WriteError(f"{shown}: the KML GDAL wrote holds {found} placemarks, not {placemarks}")


def verify_gpkg(path: Path, tables: Mapping[str, int], shown: Path) -> None:
    """Check the GeoPackage's SQLite structure and the number of rows of each table.

    Raises
    ------
    WriteError
    """
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            check = db.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise WriteError(f"{shown}: the GeoPackage GDAL wrote is damaged ({check}); is the disk full?")
            for table, expected in tables.items():
                quoted = '"' + table.replace('"', '""') + '"'
                (rows,) = db.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()
                if rows != expected:
                    raise WriteError(f"{shown}: layer {table} of the GeoPackage holds {rows} rows, not {expected}")
    except sqlite3.Error as err:
        raise WriteError(f"{shown}: the GeoPackage GDAL wrote does not open ({err}); is the disk full?") from err


def verify_shapefile(shp: Path, records: int, shown: Path) -> None:
    """Check that ``.shp``, ``.shx`` and ``.dbf`` are as long as their headers say, for ``records`` rows.

    Raises
    ------
    WriteError
    """
    shx, dbf = shp.with_suffix(".shx"), shp.with_suffix(".dbf")
    try:
        head = shp.read_bytes()[:100]
        shp_size, shx_size = shp.stat().st_size, shx.stat().st_size
        dbf_head = dbf.read_bytes()[:12]
        dbf_size = dbf.stat().st_size
    except OSError as err:
        raise WriteError(f"{shown}: a part of the Shapefile is missing ({err.strerror})") from err
    problems = []
    if len(head) < 100 or struct.unpack(">i", head[24:28])[0] * 2 != shp_size:
        problems.append(f".shp holds {shp_size:,} bytes, not what its header states")
    if shx_size != 100 + 8 * records:
        problems.append(f".shx holds {shx_size:,} bytes, not {100 + 8 * records:,} for {records} records")
    if len(dbf_head) < 12:
        problems.append(".dbf has no header")
    else:
        count, header_len, record_len = struct.unpack("<IHH", dbf_head[4:12])
        if count != records or dbf_size < header_len + count * record_len:
            problems.append(f".dbf holds {dbf_size:,} bytes for {count} of {records} records")
    if problems:
        raise WriteError(f"{shown}: the Shapefile GDAL wrote is not complete ({'; '.join(problems)}); "
                         "is the disk full?")
