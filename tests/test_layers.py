"""The published layers: deterministic, documented, RFC 7946."""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from geo._atomic import recover_directory
from geo.boundaries import boundaries_from_dir
from geo.catalog import catalog_from_dir
from geo.errors import LayerError
from geo.fields import TABLES
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
            elif geom["type"] == "LineString":
                assert len(geom["coordinates"]) >= 2 and f["properties"]["precision"] == "corridor", path.name
            else:
                for ring, exterior in _rings(geom):
                    assert shapely.LinearRing(ring).is_ccw == exterior, path.name  # right-hand rule


def test_lines_and_areas_layers() -> None:
    lines = json.loads((LAYERS / "lines.geojson").read_text(encoding="utf-8"))["features"]
    areas = json.loads((LAYERS / "areas.geojson").read_text(encoding="utf-8"))["features"]
    projects = json.loads((LAYERS / "projects.geojson").read_text(encoding="utf-8"))["features"]
    precision = {f["properties"]["id"]: f["properties"]["precision"] for f in projects}
    assert lines and {f["properties"]["id"] for f in lines} == {i for i, p in precision.items() if p == "corridor"}
    assert any(f["properties"]["outside_region"] for f in lines)   # an end outside the region is kept, flagged
    assert {f["properties"]["id"] for f in areas} == {i for i, p in precision.items() if p in ("county", "region")}
    for f in areas:
        p = f["properties"]
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert p["area_level"] == p["precision"] or (p["precision"] == "county" and p["area_level"] == "county")
        assert p["area_code"] == (p["point_county_adcode"] if p["area_level"] == "county" else p["region"])


def test_every_feature_says_its_uncertainty_and_region_points_name_no_county() -> None:
    projects = json.loads((LAYERS / "projects.geojson").read_text(encoding="utf-8"))["features"]
    for f in projects:
        p = f["properties"]
        assert isinstance(p["coord_uncertainty_m"], int) and p["coord_uncertainty_m"] > 0, p["id"]
        if p["precision"] == "region":
            assert p["county_zh"] == "" and p["point_county_adcode"] == "", p["id"]
    county = [f["properties"]["coord_uncertainty_m"] for f in projects if f["properties"]["precision"] == "county"]
    region = [f["properties"]["coord_uncertainty_m"] for f in projects if f["properties"]["precision"] == "region"]
    assert max(county) < max(region)   # a region's polygon reaches further from its point than a county's


def test_properties_are_documented() -> None:
    doc = json.loads((LAYERS / "projects.geojson").read_text(encoding="utf-8"))
    assert list(doc["features"][0]["properties"]) == list(FIELD_NAMES)
    schema = json.loads((LAYERS / "schema.json").read_text(encoding="utf-8"))
    assert [t["name"] for t in schema["tables"]] == [t.name for t in TABLES]
    assert [f["name"] for f in schema["tables"][0]["fields"]] == list(FIELD_NAMES)
    regions = tuple(sources_from_dir(ROOT / "data" / "plans"))
    assert schema == json.loads(json.dumps(schema_document(regions)))
    region = next(f for f in schema["tables"][0]["fields"] if f["name"] == "region")
    assert region["constraints"]["enum"] == list(regions)
    readme = (LAYERS / "README.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert f"## `{table.name}`" in readme
        for f in table.fields:
            assert f"| `{f.name}` | {f.type.value} |" in readme, (table.name, f.name)


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


# --- a build publishes its files as one set ------------------------------------------------------

KILLED = 77
Rendered = dict[str, bytes]


@pytest.fixture(scope="module")
def two_sets(repo_settings: Settings) -> tuple[Rendered, Rendered]:
    """The files of two different builds: the real catalogue, and the same less its last ten projects
    and three targets (rendered once; the tests publish them again and again)."""
    from geo.layers import boundaries_frame, render_layers
    from geo.targets import targets_from_dir

    projects = catalog_from_dir(repo_settings.projects_dir)
    counties = boundaries_from_dir(repo_settings.boundaries_dir, level="county")
    regions = boundaries_from_dir(repo_settings.boundaries_dir, level="region")
    frame = projects_frame(projects, geocoded_from_csv(repo_settings.geocoded_path),
                           sources_from_dir(repo_settings.plans_dir),
                           dict(zip(counties["adcode"], counties["name_zh"], strict=True)))
    bounds = boundaries_frame(regions, counties)
    targets = targets_from_dir(repo_settings.projects_dir)
    old, _ = render_layers(frame, bounds, targets)
    new, _ = render_layers(frame.iloc[:-10], bounds, targets[:-3])
    assert old.keys() == new.keys() and all(old[n] != new[n] for n in ("projects.geojson", "targets.csv"))
    return old, new


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _publish_in_child(rendered: Rendered, out: Path, kill_at: int, *, exchange: bool) -> int:
    """Publish in a forked child that dies (``os._exit``: no clean-up runs) at its ``kill_at``-th step —
    a file written into the staged folder, a rename or exchange, the removal of the old folder.
    Returns the child's exit status: ``KILLED`` when it died there, 0 when it had fewer steps."""
    import shutil

    import geo._atomic as atomic
    import geo.layers as layers

    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            steps = [0]

            def dying(fn):  # type: ignore[no-untyped-def]
                def step(*args, **kwargs):  # type: ignore[no-untyped-def]
                    steps[0] += 1
                    if steps[0] == kill_at:
                        os._exit(KILLED)
                    return fn(*args, **kwargs)
                return step

            if not exchange:
                def no_exchange(a: Path, b: Path) -> None:
                    raise NotImplementedError("this file system cannot exchange")
                atomic._exchange = no_exchange
            atomic._exchange = dying(atomic._exchange)
            layers.write_new_file = dying(layers.write_new_file)
            os.rename = dying(os.rename)
            os.replace = dying(os.replace)
            shutil.rmtree = dying(shutil.rmtree)
            layers.publish_layers(rendered, out)
            os._exit(0)
        except BaseException:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2-exchange", "two-rename-fallback"])
def test_a_build_killed_at_any_step_leaves_the_old_set_or_the_new(two_sets: tuple[Rendered, Rendered],
                                                                  tmp_path: Path, exchange: bool) -> None:
    from geo.layers import publish_layers

    old, new = two_sets
    out = tmp_path / "layers"
    publish_layers(old, out)
    outcomes = []
    kill_at = 1
    while True:
        status = _publish_in_child(new, out, kill_at, exchange=exchange)
        if status == 0:
            break  # the run finished before its kill_at-th step: every step has been tried
        assert status == KILLED, status
        seen = _files(out) if out.exists() else None
        assert seen in (old, new, None), f"killed at step {kill_at}: a mix of two builds"
        if seen is None:
            assert not exchange  # only the fallback has an instant without the folder ...
            assert recover_directory(out) is not None and _files(out) == old  # ... and the next run restores it
        outcomes.append("old" if _files(out) == old else "new")
        # the next run removes what the killed one left and publishes
        publish_layers(new, out)
        assert _files(out) == new
        assert [p.name for p in tmp_path.iterdir()] == ["layers"], f"leftovers after a kill at step {kill_at}"
        publish_layers(old, out)
        kill_at += 1
    assert len(outcomes) >= len(new) + 2  # every file write, the swap(s) and the removal were each a kill point
    assert "old" in outcomes and "new" in outcomes


def test_readers_see_one_build_while_builds_run(two_sets: tuple[Rendered, Rendered], tmp_path: Path) -> None:
    from geo.layers import publish_layers, read_layer_files

    out = tmp_path / "layers"
    publish_layers(two_sets[0], out)
    names = sorted(two_sets[0])
    pid = os.fork()
    if pid == 0:
        try:
            for i in range(40):
                publish_layers(two_sets[(i + 1) % 2], out)
            os._exit(0)
        except BaseException:
            os._exit(3)
    reads = 0
    while True:  # poll: read as fast as possible until the publisher has finished
        done, status = os.waitpid(pid, os.WNOHANG)
        snapshot = read_layer_files(out, names)
        assert snapshot in two_sets, "a reader saw files of two builds"
        reads += 1
        if done:
            break
    assert os.waitstatus_to_exitcode(status) == 0 and reads > 1


def test_a_folder_with_other_files_is_not_replaced(two_sets: tuple[Rendered, Rendered], tmp_path: Path) -> None:
    from geo.layers import publish_layers

    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "old_category.geojson").write_text("{}", encoding="utf-8")  # a layer of a category since removed
    with pytest.raises(LayerError, match="not layers") as err:
        publish_layers(two_sets[0], tmp_path)
    assert [Path(p.file).name for p in err.value.problems] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "old_category.geojson"]
    (tmp_path / "notes.txt").unlink()
    publish_layers(two_sets[0], tmp_path)
    assert "old_category.geojson" not in {p.name for p in tmp_path.iterdir()}  # stale layers do not linger


def test_a_symlinked_layers_folder_is_followed_not_replaced(two_sets: tuple[Rendered, Rendered],
                                                           tmp_path: Path) -> None:
    from geo.layers import publish_layers

    (tmp_path / "volume").mkdir()
    (tmp_path / "layers").symlink_to(tmp_path / "volume")
    publish_layers(two_sets[0], tmp_path / "layers")
    assert (tmp_path / "layers").is_symlink()
    assert _files(tmp_path / "volume") == two_sets[0]


@pytest.fixture
def real_root(tmp_path: Path) -> Path:
    """A copy of the repository's data (catalogue, geocoding results, plans, boundaries) and layers."""
    import shutil

    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("geocode_cache"))
    shutil.copytree(LAYERS, tmp_path / "layers")
    return tmp_path


def test_build_runs_the_validator_first(real_root: Path) -> None:
    from geo.errors import CatalogError

    from .conftest import edit_csv

    before = _files(real_root / "layers")
    edit_csv(real_root / "data/projects/ZHUZHOU.csv", 2, id="ZHUZHOU-001")  # a duplicate id
    with pytest.raises(CatalogError, match="does not pass python -m geo validate") as err:
        build_from_settings(Settings(root=real_root))
    assert any(p.rule == "unique_ids" and p.row == 2 for p in err.value.problems)
    assert _files(real_root / "layers") == before


def test_build_refuses_a_point_outside_its_region(real_root: Path) -> None:
    from .conftest import edit_csv

    before = _files(real_root / "layers")
    edit_csv(real_root / "data/geocoded.csv", 5, lon="116.4", lat="39.9")  # Beijing, typed into a Jiaxing row
    with pytest.raises(LayerError, match="outside their regions") as err:
        build_from_settings(Settings(root=real_root))
    assert [(p.field, p.record_id, "(116.4, 39.9) lies outside the JIAXING polygon" in p.message)
            for p in err.value.problems] == [("lon", "JIAXING-005", True)]
    assert _files(real_root / "layers") == before


def test_targets_that_are_not_utf8_are_a_clear_error(real_root: Path) -> None:
    from geo.export import targets_table

    path = real_root / "layers" / "targets.csv"
    path.write_bytes(path.read_bytes().replace("万千瓦".encode(), "万千瓦".encode("gbk"), 1))
    with pytest.raises(LayerError, match="not UTF-8 at byte") as err:
        targets_table(real_root / "layers")
    assert err.value.problems[0].file.endswith("layers/targets.csv")


def test_web_boundaries_are_lighter_and_keep_shared_borders_shared() -> None:
    from geo.layers import boundaries_from_layers

    full = gpd.read_file(LAYERS / "boundaries.geojson")
    web = boundaries_from_layers(LAYERS)
    assert web["adcode"].tolist() == full["adcode"].tolist()
    assert shapely.get_num_coordinates(web.geometry.values).sum() < \
        0.5 * shapely.get_num_coordinates(full.geometry.values).sum()
    counties = web[web["level"] == "county"].reset_index(drop=True)
    full_counties = full[full["level"] == "county"].reset_index(drop=True)
    assert shapely.coverage_is_valid(counties.geometry.values)  # no overlaps, edges matching vertex for vertex
    shared = 0
    for i in range(len(counties)):
        for j in range(i + 1, len(counties)):
            border = full_counties.geometry[i].boundary.intersection(full_counties.geometry[j].boundary).length
            if border > 0:
                shared += 1
                a, b = counties.geometry[i], counties.geometry[j]
                assert a.boundary.intersection(b.boundary).length > 0.5 * border  # still one shared border
                assert a.intersection(b).area < 1e-10  # and no overlap along it
    assert shared > 20
    for region, outline in web[web["level"] == "region"].set_index("region").geometry.items():
        union = shapely.union_all(counties[counties["region"] == region].geometry.values)
        assert outline.symmetric_difference(union).area < 1e-10  # the region is its counties, no gap
    measured = web.geometry.to_crs(4547).hausdorff_distance(full.geometry.to_crs(4547))  # CGCS2000 GK CM 114E
    assert (measured < 500).all()  # every vertex within 500 m of the full shape


def test_owners_are_verbatim_from_the_quote_and_every_row_carries_its_plans_url() -> None:
    frame = gpd.read_file(ROOT / "layers" / "projects.geojson")
    register = sources_from_dir(ROOT / "data" / "plans")
    named = frame[frame["owner_zh"] != ""]
    assert all(o in q and n.startswith(o) for o, q, n in zip(named["owner_zh"], named["quote"], named["name_zh"],
                                                             strict=True))
    assert {"湖南中联重科车桥有限公司", "北汽集团", "晋控电力河津发电分公司"} <= set(named["owner_zh"])
    assert not frame.loc[frame["name_zh"].str.contains("风电|光伏") & (frame["owner_zh"] != ""), "id"].any()
    assert (frame["plan_source_url"] == frame["plan"].map(lambda p: register[p].source_url)).all()
    assert (frame["plan_copy_url"] == frame["plan"].map(lambda p: register[p].copy_url)).all()


def test_the_owner_rule_keeps_only_what_the_quote_says() -> None:
    from dataclasses import replace

    from geo.catalog import owner_from_project

    project = next(p for p in catalog_from_dir(ROOT / "data" / "projects") if p.id == "ZHUZHOU-103")
    assert owner_from_project(project) == "北汽集团"
    assert owner_from_project(replace(project, quote="推进新能源汽车研发中心建设")) == ""  # not in the quote
    assert owner_from_project(replace(project, name_zh="新能源汽车研发中心")) == ""  # no company in the name
