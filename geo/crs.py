"""Coordinate reference systems at the edges of the project.

Inside, everything is WGS-84 (EPSG:4326, x = lon, y = lat). This module converts at
the edges only:

* **CGCS2000** (EPSG:4490), China's geodetic datum, through pyproj. It is realised
  within centimetres of WGS-84, so PROJ treats the two as a ballpark (null)
  transformation; EPSG:4490 declares latitude-first axis order, which pyproj's
  ``always_xy`` handles.
* **GCJ-02**, the obfuscated datum of Gaode / AMap, Tencent and Google China tiles,
  and **BD-09**, Baidu's further offset of GCJ-02. Neither is an EPSG CRS. The
  formulas come from the ``prcoords`` library (CC0, imported on first use); GCJ-02 → WGS-84 uses its
  iterative inverse (sub-millimetre). The offset applies only inside mainland China:
  a point outside the domain polygon shipped in ``geo/_data/gcj02_domain.geojson``
  (mainland land area plus a 10 km coastal band, Hong Kong and Macau removed; Taiwan
  is not part of it) is returned unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

from .errors import CRSError

if TYPE_CHECKING:
    import geopandas as gpd


class TargetCRS(StrEnum):
    """The coordinate systems data can be exported in."""

    WGS84 = "EPSG:4326"
    CGCS2000 = "EPSG:4490"
    GCJ02 = "GCJ-02"
    BD09 = "BD-09"

    @property
    def is_epsg(self) -> bool:
        """Whether the CRS has an EPSG code (GCJ-02 and BD-09 do not)."""
        return self.value.startswith("EPSG:")

    @property
    def description(self) -> str:
        """One line for metadata: what the coordinates are."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    TargetCRS.WGS84: "WGS 84 geographic coordinates (EPSG:4326), longitude/latitude in degrees",
    TargetCRS.CGCS2000: "China Geodetic Coordinate System 2000 (EPSG:4490), longitude/latitude in degrees",
    TargetCRS.GCJ02: (
        "GCJ-02 ('Mars coordinates') for overlay on Gaode/AMap and Tencent maps; NOT an EPSG CRS: "
        "WGS 84 longitude/latitude shifted by the GCJ-02 obfuscation inside mainland China"
    ),
    TargetCRS.BD09: (
        "BD-09 for overlay on Baidu maps; NOT an EPSG CRS: GCJ-02 further offset by Baidu"
    ),
}

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
GCJ02_NAME = "GCJ-02 (WGS 84 obfuscated for mainland China; not an EPSG CRS)"


def is_gcj02(crs: object) -> bool:
    """Whether a pyproj CRS (a frame's ``.crs``) is the GCJ-02 CRS of :data:`GCJ02_WKT`."""
    return getattr(crs, "name", None) == GCJ02_NAME


@dataclass(frozen=True, slots=True)
class ProjectedCRS:
    """A projected CRS for measuring in metres: a CGCS2000 3-degree Gauss-Krüger zone
    (EPSG:4534–4554, central meridians 75°E–135°E) or a WGS 84 UTM zone (EPSG:32643–32653, 43N–53N).

    Attributes
    ----------
    epsg : int
    """

    epsg: int

    def __post_init__(self) -> None:
        if self.epsg not in _PROJECTED:
            raise CRSError(f"EPSG:{self.epsg} is not one of the projected CRSs offered ({PROJECTED_RANGES})")

    @property
    def value(self) -> str:
        """``EPSG:<code>``."""
        return f"EPSG:{self.epsg}"

    @property
    def is_epsg(self) -> bool:
        """Always true."""
        return True

    @property
    def description(self) -> str:
        """One line for metadata: what the coordinates are."""
        return f"{_PROJECTED[self.epsg]} ({self.value}), easting/northing in metres"


def _projected_names() -> dict[int, str]:
    names = {4534 + i: f"CGCS2000 / 3-degree Gauss-Kruger CM {75 + 3 * i}E" for i in range(21)}
    names.update({32600 + zone: f"WGS 84 / UTM zone {zone}N" for zone in range(43, 54)})
    return names


_PROJECTED = _projected_names()
PROJECTED_RANGES = ("EPSG:4534–4554 (CGCS2000 3-degree Gauss-Krüger, CM 75°E–135°E), "
                    "EPSG:32643–32653 (WGS 84 / UTM 43N–53N), or GK3 / UTM for the zone of the data")


def gauss_kruger_3deg(lon: float) -> ProjectedCRS:
    """The CGCS2000 3-degree Gauss-Krüger zone whose central meridian is nearest ``lon``.

    Raises
    ------
    CRSError
        ``lon`` is outside 73.5°E–136.5°E (China's zones).
    """
    index = round((lon - 75.0) / 3.0)
    if not 0 <= index <= 20:
        raise CRSError(f"longitude {lon:g} lies outside China's 3-degree Gauss-Krüger zones (73.5°E–136.5°E)")
    return ProjectedCRS(4534 + index)


def utm_zone(lon: float) -> ProjectedCRS:
    """The WGS 84 UTM zone (northern hemisphere) holding ``lon``, among China's zones 43N–53N.

    Raises
    ------
    CRSError
    """
    zone = int((lon + 180.0) // 6.0) + 1
    if not 43 <= zone <= 53:
        raise CRSError(f"longitude {lon:g} lies outside UTM zones 43N–53N (72°E–138°E)")
    return ProjectedCRS(32600 + zone)


#: the CRSs an export can be written in: the geographic ones, then the projected ones
EXPORT_CRS = (TargetCRS.WGS84, TargetCRS.CGCS2000, TargetCRS.GCJ02)
AnyCRS = TargetCRS | ProjectedCRS

_ALIASES = {
    "epsg:4326": TargetCRS.WGS84, "4326": TargetCRS.WGS84, "wgs84": TargetCRS.WGS84,
    "wgs-84": TargetCRS.WGS84, "wgs 84": TargetCRS.WGS84,
    "epsg:4490": TargetCRS.CGCS2000, "4490": TargetCRS.CGCS2000, "cgcs2000": TargetCRS.CGCS2000,
    "gcj-02": TargetCRS.GCJ02, "gcj02": TargetCRS.GCJ02, "gcj": TargetCRS.GCJ02,
    "bd-09": TargetCRS.BD09, "bd09": TargetCRS.BD09, "bd09ll": TargetCRS.BD09,
}


def crs_from_name(name: str) -> TargetCRS:
    """Parse the name of a datum the project converts, such as ``EPSG:4490``, ``cgcs2000``,
    ``GCJ-02``, ``BD-09`` (source datums of gazetteer rows and geocoders).

    Raises
    ------
    CRSError
        The name is not one of the supported systems.
    """
    key = str(name).strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    supported = ", ".join(c.value for c in TargetCRS)
    raise CRSError(f"unknown or unsupported CRS {name!r}; use one of: {supported}")


def export_crs_from_name(name: str, *, lon: float | None = None) -> AnyCRS:
    """Parse the CRS of an export: one of :data:`EXPORT_CRS`, a projected EPSG code of
    :class:`ProjectedCRS`, or ``GK3`` / ``UTM`` for the zone holding longitude ``lon``.

    Raises
    ------
    CRSError
        Any other name (the message lists only what exports accept).
    """
    key = str(name).strip().lower()
    if key in ("gk3", "utm"):
        if lon is None:
            raise CRSError(f"{name} picks the zone of the data: give the data's longitude")
        return gauss_kruger_3deg(lon) if key == "gk3" else utm_zone(lon)
    code = key.removeprefix("epsg:")
    if code.isdigit() and int(code) in _PROJECTED:
        return ProjectedCRS(int(code))
    found = _ALIASES.get(key)
    if found in EXPORT_CRS:
        return found
    supported = ", ".join(c.value for c in EXPORT_CRS)
    raise CRSError(f"unknown or unsupported CRS {name!r} for an export; use one of: {supported}, "
                   f"or a projected CRS for measuring: {PROJECTED_RANGES}")


@cache
def _prcoords() -> ModuleType:
    """The GCJ-02 / BD-09 formulas, imported where a conversion needs them: the rest of the
    project (validation, WGS-84 and CGCS2000 work) runs without the package."""
    try:
        import prcoords
    except ModuleNotFoundError as err:
        raise CRSError("GCJ-02 / BD-09 conversions need the package 'prcoords', a dependency of this project "
                       "that this Python lacks: set up with `make test` (or `pip install -e .`)") from err
    module: ModuleType = prcoords
    return module


@cache
def _gcj_domain() -> BaseGeometry:
    text = resources.files("geo").joinpath("_data/gcj02_domain.geojson").read_text(encoding="utf-8")
    geom = shapely.from_geojson(json.dumps(json.loads(text)["features"][0]["geometry"]))
    shapely.prepare(geom)
    return geom


def in_gcj_domain(lon: float, lat: float) -> bool:
    """Whether GCJ-02 applies at this WGS-84 point: inside mainland China."""
    if not (72.0 <= lon <= 137.9 and 0.8 <= lat <= 55.9):
        return False
    return bool(shapely.contains_xy(_gcj_domain(), lon, lat))


def _roughly_china(lon: float, lat: float) -> bool:
    return 72.0 <= lon <= 137.9 and 0.8 <= lat <= 55.9


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02 for one point (unchanged outside mainland China)."""
    if not in_gcj_domain(lon, lat):
        return lon, lat
    out = _prcoords().wgs_gcj((lat, lon), False)
    return out.lon, out.lat


def gcj02_to_wgs84_unchecked(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → WGS-84 without the mainland test, for data that is GCJ-02 by construction
    (AMap-derived boundaries, whose every vertex AMap has offset)."""
    out = _prcoords().gcj_wgs_bored((lat, lon), False)
    return out.lon, out.lat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → WGS-84 for one point, iterative inverse (error far below 1 m).

    The point is converted when its WGS-84 result lies in mainland China – the same
    test the forward conversion applies – so round trips are exact at the domain edge.
    """
    if not _roughly_china(lon, lat):
        return lon, lat
    wlon, wlat = gcj02_to_wgs84_unchecked(lon, lat)
    return (wlon, wlat) if in_gcj_domain(wlon, wlat) else (lon, lat)


def _gcj_in_domain(lon: float, lat: float) -> bool:
    return _roughly_china(lon, lat) and in_gcj_domain(*gcj02_to_wgs84_unchecked(lon, lat))


def _gcj_bd(lon: float, lat: float) -> tuple[float, float]:
    out = _prcoords().gcj_bd((lat, lon))
    return out.lon, out.lat


def _bd_gcj(lon: float, lat: float) -> tuple[float, float]:
    out = _prcoords().bd_gcj_bored((lat, lon), False)
    return out.lon, out.lat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 for one point (unchanged outside mainland China)."""
    return _gcj_bd(lon, lat) if _gcj_in_domain(lon, lat) else (lon, lat)


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 → GCJ-02 for one point, iterative inverse."""
    if not _roughly_china(lon, lat):
        return lon, lat
    glon, glat = _bd_gcj(lon, lat)
    return (glon, glat) if _gcj_in_domain(glon, glat) else (lon, lat)


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → BD-09 for one point (unchanged outside mainland China)."""
    return _gcj_bd(*wgs84_to_gcj02(lon, lat)) if in_gcj_domain(lon, lat) else (lon, lat)


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 → WGS-84 for one point."""
    if not _roughly_china(lon, lat):
        return lon, lat
    wlon, wlat = gcj02_to_wgs84_unchecked(*_bd_gcj(lon, lat))
    return (wlon, wlat) if in_gcj_domain(wlon, wlat) else (lon, lat)


@cache
def _pyproj(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def wgs84_to_cgcs2000(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → CGCS2000 through PROJ (a null transformation at metre level)."""
    x, y = _pyproj("EPSG:4326", "EPSG:4490").transform(lon, lat)
    return float(x), float(y)


def cgcs2000_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """CGCS2000 → WGS-84 through PROJ."""
    x, y = _pyproj("EPSG:4490", "EPSG:4326").transform(lon, lat)
    return float(x), float(y)


PointFn = Callable[[float, float], tuple[float, float]]
_FROM_WGS84: dict[TargetCRS, PointFn] = {
    TargetCRS.WGS84: lambda x, y: (x, y),
    TargetCRS.CGCS2000: wgs84_to_cgcs2000,
    TargetCRS.GCJ02: wgs84_to_gcj02,
    TargetCRS.BD09: wgs84_to_bd09,
}
_TO_WGS84: dict[TargetCRS, PointFn] = {
    TargetCRS.WGS84: lambda x, y: (x, y),
    TargetCRS.CGCS2000: cgcs2000_to_wgs84,
    TargetCRS.GCJ02: gcj02_to_wgs84,
    TargetCRS.BD09: bd09_to_wgs84,
}


def _vectorise(fn: PointFn) -> Callable[[np.ndarray], np.ndarray]:
    def apply(coords: np.ndarray) -> np.ndarray:
        out = np.empty_like(coords)
        for i, (x, y) in enumerate(coords):
            out[i] = fn(float(x), float(y))
        return out

    return apply


def point_to_wgs84(lon: float, lat: float, source: TargetCRS | str) -> tuple[float, float]:
    """One point in ``source`` (EPSG:4326, EPSG:4490, GCJ-02, BD-09) as WGS-84 lon/lat."""
    crs = crs_from_name(source) if isinstance(source, str) else source
    return _TO_WGS84[crs](lon, lat)


def geometry_from_wgs84(geom: BaseGeometry, target: TargetCRS | str) -> BaseGeometry:
    """Convert a WGS-84 shapely geometry (or array of them) to ``target``."""
    crs = crs_from_name(target) if isinstance(target, str) else target
    if crs is TargetCRS.WGS84:
        return geom
    if crs is TargetCRS.CGCS2000:
        t = _pyproj("EPSG:4326", "EPSG:4490")
        return shapely.transform(geom, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))
    return shapely.transform(geom, _vectorise(_FROM_WGS84[crs]))


def geometry_to_wgs84(geom: BaseGeometry, source: TargetCRS | str, *, check_domain: bool = True) -> BaseGeometry:
    """Convert a shapely geometry (or array of them) in ``source`` to WGS-84.

    ``check_domain=False`` converts GCJ-02 vertices everywhere (for AMap-derived data).
    """
    crs = crs_from_name(source) if isinstance(source, str) else source
    if crs is TargetCRS.GCJ02 and not check_domain:
        return shapely.transform(geom, _vectorise(gcj02_to_wgs84_unchecked))
    if crs is TargetCRS.WGS84:
        return geom
    if crs is TargetCRS.CGCS2000:
        t = _pyproj("EPSG:4490", "EPSG:4326")
        return shapely.transform(geom, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))
    return shapely.transform(geom, _vectorise(_TO_WGS84[crs]))


def frame_from_wgs84(gdf: gpd.GeoDataFrame, target: AnyCRS | str) -> gpd.GeoDataFrame:
    """A new GeoDataFrame in ``target`` from one in EPSG:4326; the input is not changed.

    A GCJ-02 frame carries the CRS of :data:`GCJ02_WKT` (a datum named GCJ-02, never
    EPSG:4326); ``attrs["crs_name"]`` says which CRS a frame is in. BD-09 is not offered for
    frames. A :class:`ProjectedCRS` is reached through PROJ.

    Raises
    ------
    CRSError
        The frame has no CRS or is not EPSG:4326; the target is unknown.
    """
    crs = export_crs_from_name(target) if isinstance(target, str) else target
    if gdf.crs is None:
        raise CRSError("the GeoDataFrame has no CRS; refusing to guess (set EPSG:4326)")
    if gdf.crs.to_epsg() != 4326:
        raise CRSError(f"expected a frame in EPSG:4326, got {gdf.crs.to_string()}")
    out = gdf.copy()
    if isinstance(crs, ProjectedCRS):
        out = out.to_crs(crs.value)
    elif crs is TargetCRS.CGCS2000:
        out = out.to_crs("EPSG:4490")
    elif crs is TargetCRS.GCJ02:
        out = out.set_geometry(geometry_from_wgs84(out.geometry.values, crs), crs=GCJ02_WKT)
    elif crs is TargetCRS.BD09:
        raise CRSError("BD-09 frames are not offered; use GCJ-02 for Chinese web basemaps")
    out.attrs["crs_name"] = crs.value
    return out


def offset_metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in metres between two WGS-84 lon/lat points (PROJ's ``Geod`` on the WGS 84 ellipsoid)."""
    return float(_geod().inv(lon1, lat1, lon2, lat2)[2])


@cache
def _geod() -> Geod:
    return Geod(ellps="WGS84")
