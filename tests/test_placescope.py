"""Reviewed readings of place words no finer than a county (geo.placescope, data/place_scopes.csv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.boundaries import divisions_from_dir
from geo.catalog import catalog_from_dir
from geo.placescope import SCOPES_FILE, Scope, read_place_scopes, scope_problems
from geo.settings import Settings
from geo.validate import validate

HEADER = "region,words,scope,adcode,reason\n"


def write(path: Path, *lines: str) -> Path:
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_the_committed_readings_load_and_fit_the_catalogue(repo_settings: Settings) -> None:
    report = read_place_scopes(repo_settings.data_dir / SCOPES_FILE)
    assert report.problems == ()
    projects = catalog_from_dir(repo_settings.projects_dir, root=repo_settings.root)
    assert scope_problems(report.readings.values(), projects, divisions_from_dir(repo_settings.boundaries_dir)) == []
    # the reading of words is the reading of every row that has them: 长株潭 is read once for six rows
    rows = [p for p in projects if (p.region, p.place_text) == ("ZHUZHOU", "长株潭")]
    assert len(rows) > 1 and report.readings["ZHUZHOU", "长株潭"].scope is Scope.WIDE
    assert report.readings["KUNDULUN", "昆区"].adcode == "150203"   # a division in other words


def test_bad_lines_are_named_by_file_row_and_field_and_good_ones_kept(tmp_path: Path) -> None:
    path = write(tmp_path / SCOPES_FILE,
                 "ZHUZHOU,长株潭,wide,,three cities",          # good
                 "ZHUZHOU,绿心,vast,,a typo of a scope",
                 "KUNDULUN,昆区,division,,no adcode",
                 "ZHUZHOU,长株潭,wide,,read twice",
                 "ZHUZHOU,湘江水系,wide,,")                   # no reason
    report = read_place_scopes(path, display_name="data/place_scopes.csv")
    assert list(report.readings) == [("ZHUZHOU", "长株潭")]
    found = {(p.row, p.field) for p in report.problems}
    assert found == {(2, "scope"), (3, "adcode"), (4, "words"), (5, "reason")}
    assert all(p.file == "data/place_scopes.csv" for p in report.problems)
    assert "'vast' is not one of division, wide, urban, generic, outside" in str(report.problems[0])


def test_stale_words_and_a_division_of_another_region_are_refused(settings: Settings) -> None:
    write(settings.data_dir / SCOPES_FILE,
          "ZHUZHOU,新马,wide,,not what 新马 is but the words are a row place_text",
          "ZHUZHOU,no such words,wide,,stale",
          "ZHUZHOU,炎陵县罗萍江,division,150203,an adcode of KUNDULUN")
    problems = [p for p in validate(settings).problems if p.rule == "place_scopes"]
    assert {(p.row, p.field) for p in problems} == {(2, "words"), (3, "adcode")}
    assert "'no such words' is the place_text of no catalogue row of ZHUZHOU" in str(problems[0])


def test_a_missing_file_is_no_readings(tmp_path: Path) -> None:
    report = read_place_scopes(tmp_path / SCOPES_FILE)
    assert report.readings == {} and report.problems == ()


def test_aim_figures_leave_out_read_rows_and_say_how_many(repo_settings: Settings) -> None:
    from geo._report import geocode_summary
    from geo.geocode import GeocodedRow, GeocodeRun, aim_figures
    from geo.providers import GeocodeResult
    from geo.vocabulary import Precision

    projects = {p.id: p for p in catalog_from_dir(repo_settings.projects_dir, root=repo_settings.root)}
    chosen = ["ZHUZHOU-094", "ZHUZHOU-119", "JINSHI-022"]   # 长株潭, 罗霄山脉, 津市港
    rows = [GeocodedRow(i, projects[i].region, GeocodeResult(113.0, 27.0, Precision.REGION, "t", "t", i),
                        "fallback", "") for i in chosen]
    readings = read_place_scopes(repo_settings.data_dir / SCOPES_FILE).readings

    figures = aim_figures(rows, [projects[i] for i in chosen], lambda words, region: False, readings)

    assert figures.finer == ("JINSHI-022",)
    assert dict(figures.read_as) == {"ZHUZHOU-094": Scope.WIDE, "ZHUZHOU-119": Scope.WIDE}
    text = geocode_summary(GeocodeRun(tuple(rows), Path("x.csv"), tuple(projects[i] for i in chosen), False, figures))
    assert "finer than a county: 1 rows; 0 at town" in text
    assert ("not counted: 2 rows whose place words data/place_scopes.csv reads as no finer than a county "
            "(wide 2)") in text


@pytest.mark.parametrize("scope", list(Scope))
def test_every_scope_is_documented(scope: Scope) -> None:
    import geo.placescope

    assert f"``{scope.value}``" in (geo.placescope.__doc__ or "")
