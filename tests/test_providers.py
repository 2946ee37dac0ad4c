"""Geocoding providers: the offline ones, and one contract every provider of the table passes."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from geo.boundaries import AdminAreas, admin_areas_from_dir
from geo.catalog import Project, catalog_from_dir
from geo.errors import GeocodeAmbiguous, GeocodeNotFound
from geo.gazetteer import gazetteer_from_csv
from geo.geocode import PROVIDERS
from geo.providers import (
    AdminProvider,
    GazetteerProvider,
    GeocodeResult,
    OverrideProvider,
    Provider,
    ProviderContext,
)
from geo.settings import Settings
from geo.vocabulary import Category, Precision

from .conftest import DATA, ROOT, RowEditor
from .online_fakes import TEST_AGENT, FakeTime, RecordedAdapter


@pytest.fixture(scope="module")
def areas() -> AdminAreas:
    return admin_areas_from_dir(ROOT / "data" / "boundaries")


@pytest.fixture
def places() -> tuple[Any, ...]:
    return gazetteer_from_csv(DATA / "gazetteer.csv")


# --- offline providers ---------------------------------------------------------------------


def test_same_name_is_scoped_to_the_region(places: tuple[Any, ...]) -> None:
    gaz = GazetteerProvider(places)
    yun = gaz.geocode("桐乡", region="YUNCHENG")
    jia = gaz.geocode("桐乡", region="JIAXING")
    assert yun.place_id == "YUNCHENG-P001" and jia.place_id == "JIAXING-P001"
    with pytest.raises(GeocodeNotFound):
        gaz.geocode("桐乡", region="ZHUZHOU")


def test_names_match_whole_not_as_substrings(places: tuple[Any, ...]) -> None:
    # 盐湖 the lake must not answer for 盐湖区 projects; likewise 桐乡 for a longer name
    gaz = GazetteerProvider(places)
    with pytest.raises(GeocodeNotFound):
        gaz.geocode("桐乡市农业园区", region="JIAXING")


def test_several_places_with_one_name_are_ambiguous(places: tuple[Any, ...]) -> None:
    with pytest.raises(GeocodeAmbiguous, match="ZHUZHOU-P003 白关甲, ZHUZHOU-P004 白关乙"):
        GazetteerProvider(places).geocode("白关", region="ZHUZHOU")


def test_place_id_query_and_region_check(places: tuple[Any, ...]) -> None:
    gaz = GazetteerProvider(places)
    assert gaz.geocode("ZHUZHOU-P002", region="ZHUZHOU").precision is Precision.EXACT
    with pytest.raises(GeocodeNotFound, match="belongs to ZHUZHOU"):
        gaz.geocode("ZHUZHOU-P002", region="JIAXING")


def test_converted_source_says_so(places: tuple[Any, ...]) -> None:
    result = GazetteerProvider(places).geocode("桐乡", region="YUNCHENG")
    assert "converted from GCJ-02" in result.source


def test_admin_points_lie_inside_their_polygons(areas: AdminAreas) -> None:
    admin = AdminProvider(areas)
    for adcode, region in areas.county_region.items():
        r = admin.geocode("x", region=region, county=adcode)
        assert r.precision is Precision.COUNTY and areas.county_contains(adcode, r.lon, r.lat)
    for region in ("JIAXING", "ZHUZHOU", "YUNCHENG"):
        r = admin.geocode("x", region=region)
        assert r.precision is Precision.REGION and areas.contains(region, r.lon, r.lat)
    # a county-level region is its own county
    assert admin.geocode("x", region="JINSHI").precision is Precision.COUNTY
    with pytest.raises(GeocodeNotFound):
        admin.geocode("x", region="JINSHI", county="430223")


def test_a_failure_is_never_a_zero_point() -> None:
    with pytest.raises(ValueError, match="not a usable"):
        GeocodeResult(0.0, 0.0, Precision.SITE, "x", "s", "q")


def test_override_provider_ignores_rows_without_review(settings: Settings) -> None:
    projects = catalog_from_dir(settings.projects_dir, root=settings.root)
    with pytest.raises(GeocodeNotFound):
        OverrideProvider(projects).geocode("ZHUZHOU-001", region="ZHUZHOU")


def test_each_provider_says_which_queries_it_answers(settings: Settings, places: tuple[Any, ...],
                                                     areas: AdminAreas, tmp_path: Path) -> None:
    projects = catalog_from_dir(settings.projects_dir, root=settings.root)
    row = replace(projects[0], place_id="", place_text="炎陵县罗萍江")
    online = Settings(root=ROOT, online_geocoding=True, cache_dir=tmp_path, user_agent=TEST_AGENT,
                      baidu_key="test-key")
    ctx = ProviderContext(online, areas, places, tuple(projects))
    built = {name: cls.from_context(ctx) for name, cls in PROVIDERS.items()}
    assert built["override"].queries(row) == (row.id,)
    assert built["gazetteer"].queries(row) == (row.name_zh,)  # the project's own name, never place words
    assert built["gazetteer"].queries(replace(row, place_id="ZHUZHOU-P002")) == ("ZHUZHOU-P002",)
    assert built["nominatim"].queries(row) == (row.name_zh, "炎陵县罗萍江")  # the name, then the place words
    assert built["nominatim"].queries(replace(row, is_programme=True)) == ()  # a programme covers an area


# --- the table and the import graph ----------------------------------------------------------------


def test_the_table_names_each_class_by_its_own_name() -> None:
    assert {name: cls.name for name, cls in PROVIDERS.items()} == {name: name for name in PROVIDERS}
    assert {name for name, cls in PROVIDERS.items() if cls.online} == {"nominatim", "arcgis", "baidu"}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            out.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return out


@pytest.mark.parametrize("module", ["providers.py", "_online.py", "_http.py"])
def test_provider_modules_never_import_the_stage(module: str) -> None:
    imported = _imported_modules(ROOT / "geo" / module)
    assert not {m for m in imported if m in (".geocode", "geo.geocode", "._report")}, imported


# --- one contract for every provider of the table --------------------------------------------------

Case = Callable[[ProviderContext, Project], tuple[Provider, Project]]


def _offline(name: str, **changes: Any) -> Case:
    def build(ctx: ProviderContext, row: Project) -> tuple[Provider, Project]:
        return PROVIDERS[name].from_context(ctx), replace(row, **changes)

    return build


def _online(name: str) -> Case:
    def build(ctx: ProviderContext, row: Project) -> tuple[Provider, Project]:
        fake = FakeTime()
        provider = PROVIDERS[name](ctx.settings, ctx.areas, adapter_factory=RecordedAdapter,  # type: ignore[operator]
                                   clock=fake.clock, sleep=fake.sleep)
        return provider, replace(row, name_zh="株洲电厂", place_text="")

    return build


def _plants(ctx: ProviderContext, row: Project) -> tuple[Provider, Project]:
    # a power row whose name shares a word with a GPPD plant of Zhuzhou (Huayin Zhuzhou power station)
    power = replace(row, id="ZHUZHOU-001", name_zh="华银株洲电厂", category=Category.COAL_POWER, is_programme=False,
                    county_adcode="", place_text="", place_id="")
    return PROVIDERS["plants"].from_context(replace(ctx, projects=(power,))), power


def _lines(ctx: ProviderContext, row: Project) -> tuple[Provider, Project]:
    # a row of data/lines.csv: 株醴城际铁路, Zhuzhou to Liling
    real = next(p for p in catalog_from_dir(ROOT / "data" / "projects", root=ROOT) if p.id == "ZHUZHOU-090")
    return PROVIDERS["lines"].from_context(replace(ctx, projects=(real,))), real


#: how each provider of the table is shown a row it answers; a new provider adds its case here
CASES: dict[str, Case] = {
    "override": _offline("override"),
    "gazetteer": _offline("gazetteer", place_id="ZHUZHOU-P002", county_adcode=""),
    "plants": _plants,
    "lines": _lines,
    "towns": _offline("towns", place_text="攸县丫江桥", county_adcode="430223"),
    "admin": _offline("admin"),
    "nominatim": _online("nominatim"),
    "arcgis": _online("arcgis"),
    "baidu": _online("baidu"),
}


def test_every_provider_of_the_table_has_a_contract_case() -> None:
    assert set(CASES) == set(PROVIDERS)


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_every_provider_honours_the_protocol(name: str, areas: AdminAreas, places: tuple[Any, ...],
                                            settings: Settings, edit_catalog: RowEditor, tmp_path: Path) -> None:
    edit_catalog(1, override_lon="113.76", override_lat="26.21", override_precision="town", override_source="r")
    projects = tuple(catalog_from_dir(settings.projects_dir, root=settings.root))
    online = Settings(root=ROOT, online_geocoding=True, min_delay_seconds=0.0, cache_dir=tmp_path / "cache",
                      baidu_key="test-key", user_agent=TEST_AGENT)
    ctx = ProviderContext(online, areas, places, projects)
    provider, row = CASES[name](ctx, projects[0])
    assert isinstance(provider, Provider) and provider.name == name
    queries = provider.queries(row)
    assert queries and all(isinstance(q, str) and q for q in queries)
    result = provider.geocode(queries[0], region="ZHUZHOU")
    assert isinstance(result.precision, Precision)
    assert areas.contains("ZHUZHOU", result.lon, result.lat), name
    assert result.provider == name and result.source and result.query == queries[0]
    with pytest.raises(GeocodeNotFound):  # never an answer outside the region asked about
        provider.geocode(queries[0], region="KUNDULUN" if name != "admin" else "NOWHERE")


# --- towns: homonyms are resolved by scope or reported, never guessed ------------------------------


@pytest.fixture(scope="module")
def towns() -> Provider:
    from geo.providers import TownProvider
    from geo.towns_match import town_index_from_dir

    return TownProvider(town_index_from_dir(ROOT / "data"))


def test_tongxiang_is_a_county_in_jiaxing_and_no_town_in_yuncheng(towns: Provider) -> None:
    # 桐乡 is 桐乡市 in Jiaxing (a county, not a town: the admin point answers) and a 500 kV
    # station's name in Yuncheng, where no unit bears it
    with pytest.raises(GeocodeNotFound, match="county 桐乡市"):
        towns.geocode("桐乡", region="JIAXING")
    with pytest.raises(GeocodeNotFound, match="no town or village of region YUNCHENG"):
        towns.geocode("桐乡", region="YUNCHENG")


def test_nanhu_is_the_district_unless_the_subdistrict_is_named_in_full(towns: Provider) -> None:
    with pytest.raises(GeocodeNotFound, match="南湖区"):
        towns.geocode("南湖", region="JIAXING")
    full = towns.geocode("南湖街道", region="JIAXING")
    assert full.precision is Precision.TOWN and full.town_code.startswith("330402")
    assert full.uncertainty_m == 10_000


def test_yanhu_is_the_district_not_a_town(towns: Provider) -> None:
    with pytest.raises(GeocodeNotFound, match="盐湖区"):
        towns.geocode("盐湖", region="YUNCHENG")


def test_taihu_is_a_village_of_lukou_only_with_that_scope(towns: Provider) -> None:
    # 太湖 is a lake elsewhere and a village of 渌口区: without the county it is not taken for the village
    with pytest.raises(GeocodeNotFound):
        towns.geocode("太湖", region="ZHUZHOU")
    village = towns.geocode("太湖", region="ZHUZHOU", county="430212")
    assert village.town_code == "430212108207"
    # 淦田太湖: 太湖村 lies in 龙门镇, not in 淦田镇; the two readings do not nest, so no guess
    with pytest.raises(GeocodeAmbiguous, match="do not nest"):
        towns.geocode("淦田太湖", region="ZHUZHOU")


def test_huli_wetland_is_no_town(towns: Provider) -> None:
    # 茶陵湖里 names a marsh; no unit is called 湖里 (Xiamen's 湖里区 is not of these regions)
    for words in ("茶陵湖里", "湖里"):
        with pytest.raises(GeocodeNotFound):
            towns.geocode(words, region="ZHUZHOU", county="430224")


def test_a_town_answer_names_its_unit_and_source(towns: Provider, areas: AdminAreas) -> None:
    r = towns.geocode("攸县丫江桥", region="ZHUZHOU")
    assert r.precision is Precision.TOWN and areas.county_contains("430223", r.lon, r.lat)
    assert r.town_code == r.place_id and "Vonng/adcode" in r.source and "GCJ-02" in r.source


# --- plants and uncertainty ----------------------------------------------------------------------


def test_plants_answer_only_confident_matches(settings: Settings, areas: AdminAreas) -> None:
    from geo.providers import PlantProvider

    projects = catalog_from_dir(ROOT / "data" / "projects", root=ROOT)
    ctx = ProviderContext(Settings(root=ROOT), areas, (), tuple(projects))
    plants = PlantProvider.from_context(ctx)
    assert set(plants.matched) >= {"JIAXING-039", "JIAXING-087", "KUNDULUN-001", "YUNCHENG-090"}
    by_id = {p.id: p for p in projects}
    assert plants.queries(by_id["ZHUZHOU-009"]) == ()   # only the region's name is shared: doubtful, not asked
    r = plants.geocode("YUNCHENG-090", region="YUNCHENG")
    assert r.gppd_id == "WRI1070817" and r.precision is Precision.SITE and r.uncertainty_m == 1_000
    with pytest.raises(GeocodeNotFound):
        plants.geocode("YUNCHENG-090", region="YUNCHENG", county="140802")   # the plant lies in 河津市


def test_admin_points_carry_the_radius_of_their_polygon(areas: AdminAreas) -> None:
    import shapely

    admin = AdminProvider(areas)
    r = admin.geocode("x", region="ZHUZHOU", county="430223")
    # every vertex of 攸县 lies within the radius, and one lies at it
    poly = areas.counties["430223"]
    assert r.uncertainty_m == areas.county_radius_m("430223")
    assert 20_000 < r.uncertainty_m < 100_000
    assert shapely.contains_xy(poly, r.lon, r.lat)
    whole = admin.geocode("x", region="ZHUZHOU")
    assert whole.uncertainty_m is not None and whole.uncertainty_m > r.uncertainty_m   # a region is wider


def test_uncertainty_by_precision_and_kind() -> None:
    from geo.providers import uncertainty_for

    assert uncertainty_for(Precision.EXACT) < uncertainty_for(Precision.SITE) < uncertainty_for(Precision.SITE, "lake")
    assert uncertainty_for(Precision.TOWN) == 10_000
    with pytest.raises(ValueError, match="measured"):
        uncertainty_for(Precision.COUNTY)
    with pytest.raises(ValueError, match="positive"):
        GeocodeResult(113.0, 27.0, Precision.SITE, "x", "s", "q", uncertainty_m=0)


def test_a_gazetteer_place_at_a_towns_point_keeps_at_least_that_towns_radius(areas: AdminAreas) -> None:
    """A place linked at a town placed from its villages (radius above 10 km) is not given the
    default town radius: 官庄镇 (ZHUZHOU-P013) in the committed data, wired as the stage wires it."""
    from geo.gazetteer import gazetteer_from_csv
    from geo.providers import GazetteerProvider
    from geo.towns import towns_from_csv

    town = next(t for t in towns_from_csv(ROOT / "data" / "towns.csv", check_conversion=False)
                if t.county_adcode == "430281" and t.name == "官庄镇")
    place = next(p for p in gazetteer_from_csv(ROOT / "data" / "gazetteer.csv") if p.place_id == "ZHUZHOU-P013")
    assert town.uncertainty_m > 10_000 and (town.lon, town.lat) == (place.lon, place.lat)
    provider = GazetteerProvider.from_context(ProviderContext(Settings(root=ROOT), areas, (place,)))
    assert provider.geocode("ZHUZHOU-P013", region="ZHUZHOU").uncertainty_m == town.uncertainty_m
    assert GazetteerProvider([place]).geocode("ZHUZHOU-P013", region="ZHUZHOU").uncertainty_m == 10_000


def test_the_providers_of_one_run_share_one_read_of_the_town_table(areas: AdminAreas,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """data/towns.csv is read once per context, however many providers (towns, lines, gazetteer
    radii) and the figures use it."""
    import geo.towns_match as towns_match
    from geo.geocode import providers_from_settings

    calls: list[Path] = []
    real = towns_match.town_index_from_dir

    def counting(data_dir: Path, **kwargs: Any) -> Any:
        calls.append(data_dir)
        return real(data_dir, **kwargs)

    monkeypatch.setattr(towns_match, "town_index_from_dir", counting)
    ctx = ProviderContext(Settings(root=ROOT), areas, tuple(gazetteer_from_csv(ROOT / "data" / "gazetteer.csv")),
                          tuple(catalog_from_dir(ROOT / "data" / "projects", root=ROOT)))
    chain = {p.name: p for p in providers_from_settings(ctx)}
    assert {"towns", "lines", "gazetteer"} <= set(chain)
    assert ctx.towns is not None and ctx.towns.names_a_division("株洲市", "ZHUZHOU")
    assert len(calls) == 1
    assert chain["towns"].index is ctx.towns  # type: ignore[attr-defined]
