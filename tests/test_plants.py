"""GPPD plants of the regions: the derived file, and proposing plants for the catalogue's power rows."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from geo.boundaries import divisions_from_dir
from geo.catalog import Project, catalog_from_dir
from geo.errors import GazetteerError
from geo.plants import (
    BORDER_M,
    COLUMNS,
    Plant,
    PlantStatus,
    match_plant,
    match_plants,
    plants_from_csv,
    plants_from_gppd,
    plants_to_csv_text,
)
from geo.vocabulary import Action, Category, Status

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "data" / "towns" / "sources" / "wri-gppd" / "China.csv"
BOUNDARIES = ROOT / "data" / "boundaries"
DIVISIONS = divisions_from_dir(BOUNDARIES)


@pytest.fixture(scope="module")
def plants() -> tuple[Plant, ...]:
    return plants_from_csv(ROOT / "data" / "plants_gppd.csv")


def row(region: str, category: Category, name_zh: str, name_en: str = "", county: str = "", *,
        programme: bool = False, place: str = "") -> Project:
    return Project(id=f"{region}-900", region=region, name_zh=name_zh, category=category, is_programme=programme,
                   status=Status.OPERATING, action=Action.OPERATION, plan=region, quote=name_zh, quote_offset=0,
                   name_en=name_en, county_adcode=county, place_text=place)


def test_the_subset_keeps_plants_inside_and_flags_border_plants() -> None:
    got, skipped = plants_from_gppd(FIXTURE, BOUNDARIES)
    by_id = {p.gppd_id: p for p in got}
    inside = {i for i, p in by_id.items() if p.inside_region}
    assert inside == {"1070327", "1075595", "1071884", "1070890", "1070725", "1070511"}
    assert by_id["1070327"].county_adcode == "430204" and by_id["1075595"].county_adcode == "430223"
    border = {i: p.outside_m for i, p in by_id.items() if not p.inside_region}
    assert set(border) == {"1070321", "1071043", "1070723"}   # Xiangtan, Jinggangshan, Huaneng Baotou-2
    assert all(0 < m <= BORDER_M for m in border.values())
    assert "1000453" not in by_id   # Xiluodu, Sichuan
    (problem,) = skipped
    assert problem.row == 2 and "1025993" in problem.message   # no coordinates: reported, not placed
    assert by_id["1070725"].gppd_idnr == "WRI1070725" and by_id["1070725"].owner == "North United Power Co Ltd"


def test_border_distances_agree_with_an_independent_projection() -> None:
    got, _ = plants_from_gppd(FIXTURE, BOUNDARIES)
    regions = gpd.read_file(BOUNDARIES / "regions.geojson").set_index("region")
    for p in got:
        if p.inside_region:
            continue
        area = gpd.GeoSeries([regions.geometry[p.region]], crs="EPSG:4326")
        crs = area.estimate_utm_crs()
        point = gpd.GeoSeries(gpd.points_from_xy([p.lon], [p.lat]), crs="EPSG:4326").to_crs(crs)
        assert abs(float(area.to_crs(crs).distance(point.iloc[0]).iloc[0]) - p.outside_m) < 2, p.name


def test_the_file_is_deterministic_and_reads_back(tmp_path: Path) -> None:
    got, _ = plants_from_gppd(FIXTURE, BOUNDARIES)
    text = plants_to_csv_text(got)
    assert text == plants_to_csv_text(plants_from_gppd(FIXTURE, BOUNDARIES)[0])
    assert text.splitlines()[0] == ",".join(COLUMNS)
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    assert plants_to_csv_text(plants_from_csv(tmp_path / "p.csv")) == text
    (tmp_path / "p.csv").write_text(text.replace(",true,", ",yes,", 1), encoding="utf-8")
    with pytest.raises(GazetteerError) as err:
        plants_from_csv(tmp_path / "p.csv")
    assert err.value.problems[0].field == "inside_region"


def test_a_missing_gppd_column_is_named(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace("Geolocation Source", "Geolocation", 1)
    (tmp_path / "China.csv").write_text(text, encoding="utf-8")
    with pytest.raises(GazetteerError, match="Geolocation Source"):
        plants_from_gppd(tmp_path / "China.csv", BOUNDARIES)


def test_an_owner_word_matches(plants: tuple[Plant, ...]) -> None:
    m = match_plant(row("KUNDULUN", Category.COAL_POWER, "北方联合电力燃煤电厂",
                        "Northern United Power coal-fired power plants", "150203"), plants, DIVISIONS)
    assert m.status is PlantStatus.MATCHED and m.plant is not None
    assert (m.plant.gppd_idnr, m.evidence) == ("WRI1070725", "owner") and "united" in m.reason


def test_a_pinyin_name_word_matches(plants: tuple[Plant, ...]) -> None:
    m = match_plant(row("JIAXING", Category.NUCLEAR, "秦山核电站", "Qinshan Nuclear Power Plant", "330424"),
                    plants, DIVISIONS)
    assert m.status is PlantStatus.MATCHED and m.plant is not None and m.plant.name == "Qinshan 2"
    assert m.evidence == "name" and "qinshan" in m.reason
    hejin = match_plant(row("YUNCHENG", Category.COAL_POWER, "晋控电力河津发电分公司热电联产", county="140882"),
                        plants, DIVISIONS)
    assert hejin.status is PlantStatus.MATCHED and hejin.plant is not None
    assert (hejin.plant.name, hejin.evidence) == ("Hejin power station", "place")


def test_the_region_name_alone_is_doubtful(plants: tuple[Plant, ...]) -> None:
    m = match_plant(row("ZHUZHOU", Category.COAL_POWER, "株洲电厂", "Zhuzhou Power Plant"), plants, DIVISIONS)
    assert m.status is PlantStatus.DOUBTFUL and m.plant is None
    assert {p.name for p in m.candidates} == {"Huayin Zhuzhou power station", "Datang Zhuzhou-2 power station"}


def test_several_plants_sharing_a_word_are_ambiguous(plants: tuple[Plant, ...]) -> None:
    m = match_plant(row("KUNDULUN", Category.COAL_POWER, "包头电厂", "Baotou power plant"), plants, DIVISIONS)
    assert m.status is PlantStatus.AMBIGUOUS and m.plant is None and len(m.candidates) == 3


def test_never_a_plant_of_another_region_or_fuel(plants: tuple[Plant, ...]) -> None:
    other = match_plant(row("YUNCHENG", Category.COAL_POWER, "嘉兴电厂", "Jiaxing power station"), plants, DIVISIONS)
    assert other.status is PlantStatus.NOT_FOUND and other.plant is None and not other.candidates
    fuel = match_plant(row("ZHUZHOU", Category.SOLAR, "华银株洲光伏", "Huayin Zhuzhou solar"), plants, DIVISIONS)
    assert fuel.status is PlantStatus.NOT_FOUND
    border = match_plant(row("ZHUZHOU", Category.COAL_POWER, "湘潭电厂", "Xiangtan power station"), plants, DIVISIONS)
    assert border.status is PlantStatus.DOUBTFUL and border.plant is None and "outside the region" in border.reason
    county = match_plant(row("ZHUZHOU", Category.COAL_POWER, "华银电厂", "Huayin power", "430281"), plants, DIVISIONS)
    assert county.status is PlantStatus.DOUBTFUL and "outside the row's county" in county.reason
    programme = match_plant(row("ZHUZHOU", Category.HYDRO, "攸县小水电站提质改造", "Youxian small hydro", "430223",
                                programme=True), plants, DIVISIONS)
    assert programme.status is PlantStatus.SKIPPED


def test_matches_on_the_catalogue_stay_in_their_region(plants: tuple[Plant, ...]) -> None:
    projects = catalog_from_dir(ROOT / "data" / "projects", root=ROOT)
    matches = match_plants(projects, plants, DIVISIONS)
    rows = {p.id: p for p in projects}
    assert matches and {m.project_id for m in matches} <= set(rows)
    for m in matches:
        if m.plant is not None:
            assert m.plant.region == rows[m.project_id].region and m.plant.inside_region
            assert not rows[m.project_id].county_adcode or m.plant.county_adcode == rows[m.project_id].county_adcode
