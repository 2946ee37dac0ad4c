"""The published layers: deterministic, documented, RFC 7946."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from geo.boundaries import boundaries_from_dir
from geo.catalog import catalog_from_dir
from geo.errors import LayerError
from geo.geocode import geocoded_from_csv
from geo.layers import (
    FIELD_NAMES,
    FIELDS,
    build_from_settings,
    frame_to_geojson,
    projects_frame,
    projects_from_layers,
    schema_document,
)
from geo.plans import sources_from_dir
from geo.settings import Settings
from geo.vocabulary import Category

from .conftest import ROOT

LAYERS = ROOT / "layers"


def test_rebuild_is_byte_identical_to_committed_layers(repo_settings: Settings, tmp_path: Path) -> None:
    build_from_settings(repo_settings, out_dir=tmp_path)
    committed = sorted(p.name for p in LAYERS.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (LAYERS / name).read_bytes(), \
            f"layers/{name} differs from a rebuild: run python -m geo build"


def test_one_layer_per_category_adds_up_to_projects() -> None:
    projects = json.loads((LAYERS / "projects.geojson").read_text(encoding="utf-8"))
    ids = [f["properties"]["id"] for f in projects["features"]]
    assert ids == sorted(ids, key=lambda i: (i.rsplit("-", 1)[0], int(i.rsplit("-", 1)[1])))
    seen: list[str] = []
    for category in Category:
        layer = json.loads((LAYERS / f"{category.value}.geojson").read_text(encoding="utf-8"))
        assert layer["type"] == "FeatureCollection"
        for f in layer["features"]:
            assert f["properties"]["category"] == category.value
            seen.append(f["properties"]["id"])
    assert sorted(seen) == sorted(ids)


def _rings(geometry: dict[str, object]) -> list[tuple[list[list[float]], bool]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [(ring, i == 0) for poly in polygons for i, ring in enumerate(poly)]  # type: ignore[union-attr]


def test_geojson_obeys_rfc7946() -> None:
    for path in LAYERS.glob("*.geojson"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert "crs" not in doc, path.name
        for f in doc["features"]:
            geom = f["geometry"]
            if geom["type"] == "Point":
                lon, lat = geom["coordinates"]
                assert 108 < lon < 122 and 25 < lat < 42, (path.name, f["properties"]["id"])  # lon first
                assert len(str(lon).split(".")[-1]) <= 6
            else:
                for ring, exterior in _rings(geom):
                    assert shapely.LinearRing(ring).is_ccw == exterior, path.name  # right-hand rule


def test_properties_are_documented() -> None:
    doc = json.loads((LAYERS / "projects.geojson").read_text(encoding="utf-8"))
    assert list(doc["features"][0]["properties"]) == list(FIELD_NAMES)
    schema = json.loads((LAYERS / "schema.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in schema["fields"]] == list(FIELD_NAMES)
    assert schema == json.loads(json.dumps(schema_document()))
    readme = (LAYERS / "README.md").read_text(encoding="utf-8")
    for f in FIELDS:
        assert f"| `{f.name}` | {f.type} |" in readme


def test_shapefile_names_fit_ten_bytes_and_are_unique() -> None:
    names = [f.shp for f in FIELDS]
    assert all(len(n.encode("ascii")) <= 10 for n in names)
    assert len(set(names)) == len(names)


def test_published_frame_reads_back_equal(repo_settings: Settings) -> None:
    projects = catalog_from_dir(repo_settings.projects_dir)
    counties = boundaries_from_dir(repo_settings.boundaries_dir, level="county")
    built = projects_frame(projects, geocoded_from_csv(repo_settings.geocoded_path),
                           sources_from_dir(repo_settings.plans_dir),
                           dict(zip(counties["adcode"], counties["name_zh"], strict=True)))
    back = projects_from_layers(LAYERS)
    for f in FIELDS:
        if f.type == "integer":
            built[f.name] = built[f.name].astype("Int64")
        elif f.type == "number":
            built[f.name] = built[f.name].astype("float64")
        elif f.type == "string":
            built[f.name] = built[f.name].fillna("").astype(str)
    assert_geodataframe_equal(back, built, check_less_precise=True, check_dtype=False)
    assert back.crs.to_epsg() == 4326


def test_missing_geocoding_result_is_named(repo_settings: Settings) -> None:
    projects = catalog_from_dir(repo_settings.projects_dir)
    geocoded = geocoded_from_csv(repo_settings.geocoded_path)[1:]
    with pytest.raises(LayerError, match="has no geocoding result"):
        projects_frame(projects, geocoded, sources_from_dir(repo_settings.plans_dir), {})


def test_geojson_writer_refuses_other_crs() -> None:
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.Point(113, 27)], crs="EPSG:4490")
    with pytest.raises(LayerError, match="RFC 7946"):
        frame_to_geojson(frame, name="x")


def test_build_fails_cleanly_without_geocoding(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(LayerError, match="python -m geo geocode"):
        build_from_settings(settings, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_boundaries_layer_holds_regions_and_counties() -> None:
    layer = gpd.read_file(LAYERS / "boundaries.geojson")
    assert (layer["level"] == "region").sum() == 5
    assert (layer["level"] == "county").sum() == len(boundaries_from_dir(ROOT / "data/boundaries"))


def test_polygons_are_written_counter_clockwise_with_clockwise_holes() -> None:
    from geo._geojson import geometry_to_mapping

    clockwise = shapely.Polygon([(0, 0), (0, 2), (2, 2), (2, 0)], holes=[[(0.5, 0.5), (1.5, 0.5), (1.5, 1.5)]])
    assert not shapely.LinearRing(clockwise.exterior.coords).is_ccw
    for geom in (clockwise, shapely.MultiPolygon([clockwise, shapely.box(3, 3, 4, 4, ccw=False)])):
        mapping = geometry_to_mapping(geom)
        for ring, exterior in _rings(mapping):
            assert shapely.LinearRing(ring).is_ccw == exterior


def test_a_build_that_fails_writes_nothing(repo_settings: Settings, tmp_path: Path) -> None:
    from geo.layers import build_from_settings, build_layers, projects_from_layers

    build_from_settings(repo_settings, out_dir=tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    frame = projects_from_layers(tmp_path)
    folder = ROOT / "data" / "boundaries"
    regions = boundaries_from_dir(folder, level="region").to_crs("EPSG:4490")  # a CRS GeoJSON cannot hold
    with pytest.raises(LayerError):
        build_layers(frame.iloc[:3], regions, [], tmp_path)  # projects.geojson would be rendered first
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
