"""Lines of linear works: waypoints resolved from the towns, the gazetteer, the counties and GeoNames;
the corridor point, its radius, the outside flag, and errors naming file, row and field."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import shapely

from geo.boundaries import AdminAreas, admin_areas_from_dir
from geo.catalog import Project, catalog_from_dir
from geo.errors import GazetteerError, GeocodeNotFound
from geo.gazetteer import gazetteer_from_csv
from geo.geocode import line_from_text, line_to_text
from geo.lines import LineBuilder, geonames_place, lines_from_csv
from geo.towns_match import town_index_from_dir

from .conftest import ROOT


@pytest.fixture(scope="module")
def areas() -> AdminAreas:
    return admin_areas_from_dir(ROOT / "data" / "boundaries")


@pytest.fixture(scope="module")
def builder(areas: AdminAreas) -> LineBuilder:
    return LineBuilder(areas, town_index_from_dir(ROOT / "data"), gazetteer_from_csv(ROOT / "data" / "gazetteer.csv"))


@pytest.fixture(scope="module")
def projects() -> dict[str, Project]:
    return {p.id: p for p in catalog_from_dir(ROOT / "data" / "projects", root=ROOT)}


def test_geonames_place_is_scoped_to_its_province() -> None:
    lon, lat, source = geonames_place("长沙", "11")    # Changsha, Hunan — not the Changsha of Guangdong (30)
    assert 112.8 < lon < 113.1 and 28.1 < lat < 28.3 and "GeoNames 1815577" in source
    with pytest.raises(GeocodeNotFound):
        geonames_place("株洲", "24")


def test_geonames_smaller_places_only_where_no_city_bears_the_name() -> None:
    # 阳城县's seat is not among the cities of 15,000 people: it comes from cities500
    lon, lat, source = geonames_place("阳城", "24")
    assert source.startswith("GeoNames 1787667 Yangcheng") and "cities500" in source
    assert (lon, lat) == (112.40428, 35.4922)
    # 长沙 is the city (cities15000), not made ambiguous by 长沙县's seat Xingsha of cities500
    assert geonames_place("长沙", "11")[2].startswith("GeoNames 1815577 Changsha")
    with pytest.raises(GeocodeNotFound):
        geonames_place("阳城", "11")


def test_a_line_through_two_places_of_the_region(builder: LineBuilder, areas: AdminAreas,
                                                 projects: dict[str, Project]) -> None:
    line = builder.line(projects["ZHUZHOU-090"], "株醴", ["geonames:株洲@11", "geonames:醴陵@11"])
    assert [w.label for w in line.waypoints] == ["株洲", "醴陵"] and not line.outside
    lon, lat = line.point
    assert areas.contains("ZHUZHOU", lon, lat)
    geom = shapely.LineString(line.coords)
    assert shapely.distance(geom, shapely.Point(lon, lat)) < 1e-6   # the point lies on the line
    # the radius reaches both ends and no further
    assert line.uncertainty_m == areas.farthest_m(geom, lon, lat)


def test_an_end_outside_the_region_is_kept_and_flagged(builder: LineBuilder, areas: AdminAreas,
                                                       projects: dict[str, Project]) -> None:
    line = builder.line(projects["ZHUZHOU-092"], "炎韶", ["county:炎陵县", "geonames:韶关@30"])
    assert line.outside and [w.inside_region for w in line.waypoints] == [True, False]
    assert areas.contains("ZHUZHOU", *line.point)     # the point stays on the part inside the region
    assert "outside the region" in line.source


def test_towns_and_gazetteer_places_as_waypoints(builder: LineBuilder, projects: dict[str, Project]) -> None:
    line = builder.line(projects["JIAXING-061"], "乍嘉苏线", ["place:JIAXING-P004", "town:王江泾镇"])
    assert [w.label for w in line.waypoints] == ["乍浦镇", "王江泾镇"]


def test_a_line_that_never_enters_its_region_is_refused(builder: LineBuilder, projects: dict[str, Project]) -> None:
    # 长沙至福州: both ends outside Zhuzhou and the straight line does not cross it
    with pytest.raises(GeocodeNotFound, match="does not enter ZHUZHOU"):
        builder.line(projects["ZHUZHOU-088"], "长沙至福州", ["geonames:长沙@11", "geonames:福州@07"])


def test_the_line_is_scoped_to_the_declared_county(builder: LineBuilder, areas: AdminAreas,
                                                   projects: dict[str, Project]) -> None:
    row = replace(projects["ZHUZHOU-090"], county_adcode="430281")   # 醴陵市
    line = builder.line(row, "株醴", ["geonames:株洲@11", "geonames:醴陵@11"])
    assert areas.county_contains("430281", *line.point)


def test_bad_rows_are_errors_naming_file_row_and_field(builder: LineBuilder, projects: dict[str, Project],
                                                       tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text("id,words,waypoints,note\n"
                    "ZHUZHOU-090,株醴,geonames:株洲@11|geonames:醴陵@11,good\n"
                    "ZHUZHOU-091,浏醴,geonames:浏阳@11|town:火星镇,unknown town\n"
                    "ZHUZHOU-093,醴陵到茶陵,geonames:醴陵@11|county:茶陵县,words not in the quote\n"
                    "ZHUZHOU-092,炎韶,炎陵县|geonames:韶关@30,no kind\n"
                    "ZHUZHOU-087,醴娄,geonames:醴陵@11,one end\n", encoding="utf-8")
    with pytest.raises(GazetteerError) as err:
        lines_from_csv(path, list(projects.values()), builder)
    found = {(p.row, p.field) for p in err.value.problems}
    assert found == {(2, "waypoints"), (3, "words"), (4, "waypoints"), (5, "waypoints")}
    assert all(p.file == str(path) for p in err.value.problems)
    # a researched route must cite the page it comes from: an address, not only words
    path.write_text("id,words,waypoints,note,route_source\n"
                    "ZHUZHOU-026,湘江高等级航道,geonames:衡阳@11|geonames:株洲@11,course,湘江经过衡阳、株洲\n",
                    encoding="utf-8")
    with pytest.raises(GazetteerError) as err:
        lines_from_csv(path, list(projects.values()), builder)
    assert [(p.file, p.row, p.field) for p in err.value.problems] == [(str(path), 1, "route_source")]


def test_a_researched_route_carries_its_citation(builder: LineBuilder, projects: dict[str, Project],
                                                 tmp_path: Path) -> None:
    """Where the quote names no ends, the waypoints come from a page, and the line's citation says so."""
    path = tmp_path / "lines.csv"
    page = "https://example.org/xiangjiang: 湘江…经过衡阳、株洲、湘潭"
    path.write_text("id,words,waypoints,note,route_source\n"
                    f"ZHUZHOU-026,湘江高等级航道,geonames:衡阳@11|geonames:株洲@11|geonames:湘潭@11,course,\"{page}\"\n"
                    "ZHUZHOU-090,株醴,geonames:株洲@11|geonames:醴陵@11,株醴 = 株洲–醴陵,\n", encoding="utf-8")
    route, named = lines_from_csv(path, list(projects.values()), builder)
    assert route.route_source == page and page in route.source
    assert route.source.startswith("schematic line along the route a source gives for 湘江高等级航道")
    assert named.route_source == "" and named.source.startswith("schematic line through the places the plan names")


def test_the_committed_lines_all_build(builder: LineBuilder, areas: AdminAreas, projects: dict[str, Project]) -> None:
    lines = lines_from_csv(ROOT / "data" / "lines.csv", list(projects.values()), builder)
    assert len(lines) >= 10
    for line in lines:
        assert areas.contains(line.region, *line.point), line.project_id
        assert line.words in projects[line.project_id].quote


def test_line_text_round_trip() -> None:
    coords = ((113.15, 27.833333), (113.5, 27.666667))
    assert line_from_text(line_to_text(coords)) == coords
    assert line_from_text("") == ()
    with pytest.raises(ValueError, match="lon lat"):
        line_from_text("113.1 27.1 5")
