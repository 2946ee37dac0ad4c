"""Each validation rule catches a bad row, names file, row, id and field, and keeps good rows."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.catalog import COLUMNS
from geo.errors import CatalogError
from geo.settings import Settings
from geo.validate import RULES, validate

from .conftest import DATA, ROOT, RowEditor, edit_csv


def problems_of(settings: Settings) -> list[str]:
    return [str(p) for p in validate(settings).problems]


def write_catalog(path: Path, **cells: str) -> None:
    """A one-row catalogue file with the given cells (others empty)."""
    header = list(COLUMNS)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerow({c: cells.get(c, "") for c in header})


def test_fixture_catalogue_is_valid(settings: Settings) -> None:
    report = validate(settings)
    assert report.ok, report.problems
    assert len(report.projects) == 3
    assert len(report.targets) == 1


# (cells to change on row 2, expected field, words expected in the message, the rule that must find it:
#  a key of RULES, or "" for the schema check while reading the file)
BAD_ROWS = [
    pytest.param({"category": "windmill"}, "category", "not in the vocabulary", "", id="unknown-category"),
    pytest.param({"status": "planned"}, "status", "not in the vocabulary", "", id="unknown-status"),
    pytest.param({"action": "build"}, "action", "not in the vocabulary", "", id="unknown-action"),
    pytest.param({"is_programme": "yes"}, "is_programme", "not a boolean", "", id="bad-boolean"),
    pytest.param({"name_zh": ""}, "name_zh", "empty but required", "", id="missing-name"),
    pytest.param({"voltage_kv": "220千伏"}, "voltage_kv", "not a number", "", id="unit-in-number"),
    pytest.param({"voltage_kv": "-220"}, "voltage_kv", "below 0", "", id="negative-number"),
    pytest.param({"id": "ZZ12"}, "id", "REGION-NNN", "", id="malformed-id"),
    pytest.param({"id": "JINSHI-002"}, "id", "does not start with the row's region", "", id="id-of-other-region"),
    pytest.param({"id": "ZHUZHOU-001"}, "id", "already used", "unique_ids", id="duplicate-id"),
    pytest.param({"plan": "JINSHI"}, "plan", "differs from region", "plan_known", id="plan-not-region"),
    pytest.param({"quote_offset": "2575"}, "quote_offset", "is wrong: the quote occurs at 2574", "quote_in_plan",
                 id="offset-off-by-one"),
    pytest.param({"quote": "重点建设新马变电站"}, "quote", "not a verbatim substring", "quote_in_plan",
                 id="quote-not-in-plan"),
    pytest.param({"name_zh": "株洲西站"}, "quote", "shares no two consecutive characters", "quote_names_project",
                 id="quote-of-other-project"),
    pytest.param({"capacity_text": "500千伏"}, "voltage_kv", "gives 500", "capacity_agrees", id="capacity-disagrees"),
    pytest.param({"power_mw": "220"}, "power_mw", "states no such figure", "capacity_agrees", id="voltage-as-power"),
    pytest.param({"capacity_text": "220万千伏"}, "capacity_text", "not verbatim text", "verbatim_fields",
                 id="capacity-not-verbatim"),
    pytest.param({"status_text": "马上建设"}, "status_text", "not verbatim text", "verbatim_fields",
                 id="status-not-verbatim"),
    pytest.param({"year_start": "2026", "year_end": "2025", "timeline_text": "十四五"}, "year_start",
                 "after year_end", "", id="years-reversed"),
    pytest.param({"year_end": "2070", "timeline_text": ""}, "year_end", "plausible range", "", id="year-implausible"),
    pytest.param({"year_end": "2030", "timeline_text": "到2025年"},
                 "year_start", "reads as None–2025", "timeline_agrees",
                 id="years-disagree-with-text"),
    pytest.param({"year_end": "2025"}, "timeline_text", "years are set", "timeline_agrees", id="years-without-words"),
    pytest.param({"county_adcode": "430100", "county_source": "plan"},
                 "county_adcode", "not a county of ZHUZHOU", "county_in_region",
                 id="county-outside-region"),
    pytest.param({"county_adcode": "430223"}, "county_source", "where the county comes from", "",
                 id="county-without-source"),
    pytest.param({"county_adcode": "43022"}, "county_adcode", "six-digit", "", id="malformed-adcode"),
    pytest.param({"override_lon": "113.1"}, "override_lon", "needs all of", "", id="partial-override"),
    pytest.param({"override_lon": "213.1", "override_lat": "27.1", "override_precision": "site",
                  "override_source": "x"}, "override_lon", "not a longitude", "", id="override-not-lonlat"),
    pytest.param({"name_zh": "罗萍江抽水蓄能项目"}, "name_zh", "merge the two rows", "one_row_per_entity",
                 id="entity-twice"),
    pytest.param({"notes": "two\nlines"}, "notes", "line break", "", id="line-break"),
    pytest.param({"name_zh": " 新马220千伏变电站"}, "name_zh", "leading or trailing spaces", "", id="stray-space"),
    pytest.param({"place_id": "ZHUZHOU-P999"}, "place_id", "not in data/gazetteer.csv", "place_known",
                 id="unknown-place"),
    pytest.param({"timeline_text": "十九五"}, "timeline_text", "not verbatim text", "verbatim_fields",
                 id="timeline-not-verbatim"),
    pytest.param({"place_text": "火星基地"}, "place_text", "not verbatim text", "verbatim_fields",
                 id="place-not-verbatim"),
    # words of the plan, but of another sentence: a row's place words come from its own quote
    pytest.param({"place_text": "株洲西"}, "place_text", "not in the row's quote", "place_in_quote",
                 id="place-not-in-quote"),
    pytest.param({"override_lon": "113.1", "override_lat": "127.1", "override_precision": "site",
                  "override_source": "x"}, "override_lat", "not a latitude", "", id="override-lat-not-latitude"),
    # a coordinate that passed the range checks but is not in the region: geocode would fail on it
    pytest.param({"override_lon": "0", "override_lat": "0", "override_precision": "site", "override_source": "x"},
                 "override_lon", "outside the ZHUZHOU polygon", "override_in_region", id="override-at-null-island"),
    pytest.param({"override_lon": "113.134", "override_lat": "27.872", "override_precision": "site",
                  "override_source": "x", "county_adcode": "430225", "county_source": "plan"},
                 "override_lon", "not in the declared county 430225", "override_in_region",
                 id="override-outside-its-county"),
    # numbers must be finite and in range; huge cells are refused before any parser reads them
    pytest.param({"power_mw": "9" * 400}, "power_mw", "holds at most 32", "", id="capacity-400-nines"),
    pytest.param({"voltage_kv": "9" * 30}, "voltage_kv", "beyond 1500", "", id="capacity-out-of-range"),
    pytest.param({"quote_offset": "9" * 20}, "quote_offset", "beyond 2,147,483,647", "", id="offset-20-digits"),
    pytest.param({"year_end": "9" * 5000}, "year_end", "holds at most 32", "", id="year-5000-digits"),
    pytest.param({"capacity_text": "9" * 120_000}, "capacity_text", "a cell holds at most 10,000", "",
                 id="capacity-text-120k"),
    pytest.param({"subtype": "x" * 600}, "subtype", "holds at most 500", "", id="long-short-field"),
]


@pytest.mark.parametrize(("changes", "field", "words", "rule"), BAD_ROWS)
def test_rule_catches_bad_row(settings: Settings, edit_catalog: RowEditor, changes: dict[str, str], field: str,
                              words: str, rule: str) -> None:
    edit_catalog(2, **changes)
    report = validate(settings)
    hits = [p for p in report.problems if p.field == field and words in p.message]
    assert hits, [str(p) for p in report.problems]
    assert hits[0].rule == rule  # found by the rule this case stands for
    assert hits[0].file == "data/projects/ZHUZHOU.csv"
    assert hits[0].row == 2
    # the other rows stay in the catalogue: nothing already good is lost
    assert {"ZHUZHOU-003"} <= {p.id for p in report.projects}


def test_all_problems_reported_in_one_run(settings: Settings, edit_catalog: RowEditor) -> None:
    edit_catalog(1, category="windmill")
    edit_catalog(2, quote_offset="1")
    edit_catalog(3, area_ha="1")
    fields = {(p.row, p.field) for p in validate(settings).problems}
    assert {(1, "category"), (2, "quote_offset"), (3, "area_ha")} <= fields


def test_quote_in_preamble_is_refused(settings: Settings, project_root: Path) -> None:
    # JINSHI.txt opens with a news summary that repeats sentences of the plan proper
    text = (project_root / "data/plans/JINSHI.txt").read_text(encoding="utf-8")
    quote = "完善生活垃圾“分类投放、分类收集、分类运输、分类处理”体系"
    first = text.find(quote)
    assert 0 <= first < text.find("全文如下")
    write_catalog(project_root / "data/projects/JINSHI.csv", id="JINSHI-001", region="JINSHI",
                  name_zh="津市市城镇生活垃圾收转运体系", category="biomass_waste", is_programme="true",
                  status="announced", action="new", plan="JINSHI", quote=quote, quote_offset=str(first))
    problems = [p for p in validate(settings).problems if p.record_id == "JINSHI-001"]
    assert [p.field for p in problems] == ["quote_offset"]
    assert "preamble" in problems[0].message and str(text.find(quote, first + 1)) in problems[0].message


def test_noise_in_name_is_refused(settings: Settings, project_root: Path) -> None:
    text = (project_root / "data/plans/YUNCHENG.txt").read_text(encoding="utf-8")
    quote = "深入学习贯彻365体育投注生态文明思想"
    offset = text.find(quote)
    write_catalog(project_root / "data/projects/YUNCHENG.csv", id="YUNCHENG-001", region="YUNCHENG",
                  name_zh="365体育投注生态文明思想", category="other", is_programme="false", status="announced",
                  action="new", plan="YUNCHENG", quote=quote, quote_offset=str(offset))
    problems = [p for p in validate(settings).problems if p.record_id == "YUNCHENG-001"]
    assert [(p.field, p.rule) for p in problems] == [("name_zh", "no_noise")]
    assert "365体育投注" in problems[0].message


def test_unregistered_region_is_refused(settings: Settings, project_root: Path) -> None:
    write_catalog(project_root / "data/projects/BEIJING.csv", id="BEIJING-001", region="BEIJING", plan="BEIJING",
                  name_zh="某变电站", category="substation", is_programme="false", status="announced",
                  action="new", quote="某变电站", quote_offset="0")
    problems = [(p.field, p.rule) for p in validate(settings).problems if p.record_id == "BEIJING-001"]
    assert ("region", "plan_known") in problems, problems


def test_retired_id_is_refused(settings: Settings, project_root: Path) -> None:
    (project_root / "data/projects/retired_ids.txt").write_text("ZHUZHOU-002  # merged into ZHUZHOU-001\n")
    problems = [p for p in validate(settings).problems if p.field == "id"]
    assert problems and "retired" in problems[0].message


def test_retired_ids_not_utf8_is_a_problem(settings: Settings, project_root: Path) -> None:
    (project_root / "data/projects/retired_ids.txt").write_bytes(b"ZHUZHOU-002\n\xff\xfe bad\n")
    problems = [p for p in validate(settings).problems if p.file.endswith("retired_ids.txt")]
    assert [(p.row, "not UTF-8 at byte 12" in p.message) for p in problems] == [(2, True)]


def test_require_valid_refuses_with_every_problem(settings: Settings, edit_catalog: RowEditor) -> None:
    from geo.validate import require_valid

    assert len(require_valid(settings).projects) == 3
    edit_catalog(2, id="ZHUZHOU-001")
    edit_catalog(3, override_lon="0", override_lat="0", override_precision="site", override_source="x")
    with pytest.raises(CatalogError, match="python -m geo validate") as err:
        require_valid(settings)
    assert {(p.row, p.field, p.rule) for p in err.value.problems} >= {
        (2, "id", "unique_ids"), (3, "override_lon", "override_in_region")}


def test_row_in_wrong_file_is_refused(settings: Settings, project_root: Path) -> None:
    src = project_root / "data/projects/ZHUZHOU.csv"
    src.rename(project_root / "data/projects/JINSHI.csv")
    problems = validate(settings).problems
    assert any(p.field == "region" and "in the file of region 'JINSHI'" in p.message for p in problems)


def test_malformed_csv_row_is_reported_and_others_kept(settings: Settings, project_root: Path) -> None:
    path = project_root / "data/projects/ZHUZHOU.csv"
    path.write_text(path.read_text(encoding="utf-8") + "ZHUZHOU-004,ZHUZHOU,broken\n", encoding="utf-8")
    report = validate(settings)
    assert any(p.row == 4 and "cells" in p.message for p in report.problems)
    assert len(report.projects) == 3


def test_unknown_column_is_reported(settings: Settings, project_root: Path) -> None:
    path = project_root / "data/projects/ZHUZHOU.csv"
    text = path.read_text(encoding="utf-8").replace("notes\n", "notes,colour\n", 1)
    lines = text.splitlines()
    path.write_text("\n".join([lines[0]] + [ln + "," for ln in lines[1:]]) + "\n", encoding="utf-8")
    assert any(p.field == "colour" and "unknown column" in p.message for p in validate(settings).problems)


def test_broken_plan_file_is_reported(settings: Settings, project_root: Path) -> None:
    path = project_root / "data/plans/ZHUZHOU.txt"
    path.write_bytes(path.read_bytes() + b" ")
    problems = validate(settings).problems
    # one problem, the altered file; the rows quoting it are not flagged as of an unknown plan
    assert [(p.field, "ZHUZHOU.txt" in p.file) for p in problems] == [("sha256", True)], problems


def test_broken_plan_leaves_the_other_plans_checked(settings: Settings, project_root: Path,
                                                      edit_catalog: RowEditor) -> None:
    path = project_root / "data/plans/JINSHI.txt"
    path.write_bytes(path.read_bytes() + b" ")
    edit_catalog(2, quote_offset="2575")  # a ZHUZHOU row: its plan is intact and still checked
    fields = [(p.field, p.rule) for p in validate(settings).problems]
    assert fields == [("sha256", ""), ("quote_offset", "quote_in_plan")]


def test_broken_division_register_is_one_problem(settings: Settings, project_root: Path) -> None:
    (project_root / "data/boundaries/divisions.csv").write_text("adcode\n", encoding="utf-8")
    problems = validate(settings).problems
    assert problems and all(p.file.endswith("divisions.csv") for p in problems), problems


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        pytest.param({"value": "60"}, "value", "gives 600", id="target-value-not-normalised"),
        pytest.param({"unit": "GW"}, "unit", "not in the vocabulary", id="target-unknown-unit"),
        pytest.param({"indicator": "storage"}, "indicator", "not in the vocabulary", id="target-unknown-indicator"),
        pytest.param({"value_text": "95万千瓦"}, "value_text", "not part of the quote", id="target-value-elsewhere"),
        pytest.param({"quote_offset": "2865"}, "quote_offset", "occurs at 2866", id="target-offset"),
        pytest.param({"comparator": "more"}, "comparator", "not in the vocabulary", id="target-comparator"),
        pytest.param({"indicator_text": "光伏装机"}, "indicator_text", "not part of the quote",
                     id="target-indicator-elsewhere"),
        pytest.param({"unit": "%", "value": "7"}, "value", "does not appear in value_text", id="target-percent-value"),
        pytest.param({"value": "nan"}, "value", "not a number", id="target-value-nan"),
        pytest.param({"value": "1,200"}, "value", "not a number", id="target-thousands-separator"),
        pytest.param({"year": "1900"}, "year", "plausible range", id="target-year"),
        pytest.param({"value": "9" * 400}, "value", "holds at most 32", id="target-400-nines"),
        pytest.param({"value": "9" * 10}, "value", "beyond 1e+07 MW", id="target-beyond-any-plan"),
        pytest.param({"quote_offset": "9" * 20}, "quote_offset", "beyond 2,147,483,647", id="target-offset-20-digits"),
    ],
)
def test_target_rules(settings: Settings, edit_targets: RowEditor, changes: dict[str, str], field: str,
                      words: str) -> None:
    edit_targets(1, **changes)
    hits = [p for p in validate(settings).problems if p.field == field and words in p.message]
    assert hits, problems_of(settings)
    assert hits[0].file == "data/projects/targets.csv" and hits[0].row == 1


def test_duplicate_target_id(settings: Settings, project_root: Path) -> None:
    path = project_root / "data/projects/targets.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    hits = [p for p in validate(settings).problems if p.field == "id" and "used twice" in p.message]
    assert [(p.row, p.rule) for p in hits] == [(2, "targets")]


@pytest.fixture
def with_gazetteer(project_root: Path) -> Path:
    """The fixture gazetteer in the project root; returns its path."""
    path = project_root / "data" / "gazetteer.csv"
    shutil.copy(DATA / "gazetteer.csv", path)
    return path


def test_fixture_gazetteer_is_valid(settings: Settings, with_gazetteer: Path) -> None:
    assert validate(settings).ok, problems_of(settings)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        pytest.param({"place_id": "JIAXING-P001"}, "place_id", "is a place of JIAXING, not ZHUZHOU",
                     id="place-of-other-region"),
        pytest.param({"place_id": "ZHUZHOU-P001", "county_adcode": "430223", "county_source": "plan"}, "place_id",
                     "lies in county 430225, the row declares 430223", id="place-in-other-county"),
    ],
)
def test_place_links_are_checked(settings: Settings, with_gazetteer: Path, edit_catalog: RowEditor,
                                 changes: dict[str, str], field: str, words: str) -> None:
    edit_catalog(2, **changes)
    hits = [p for p in validate(settings).problems if p.field == field and words in p.message]
    assert hits and hits[0].row == 2, problems_of(settings)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        pytest.param({"lon": "113.77222"}, "lon", "m from the source coordinate", id="lonlat-not-from-source"),
        pytest.param({"source_datum": "GCJ-02"}, "lon", "converted from GCJ-02", id="datum-not-converted"),
        pytest.param({"lon": "109.0", "source_lon": "109.0"}, "lon", "outside the ZHUZHOU polygon",
                     id="place-outside-region"),
        pytest.param({"county_adcode": "430223"}, "county_adcode", "lies in 430225, not in 430223",
                     id="place-outside-county"),
        pytest.param({"county_adcode": "330483"}, "county_adcode", "not a county of ZHUZHOU",
                     id="county-of-other-region"),
        pytest.param({"kind": "castle"}, "kind", "is not one of", id="unknown-kind"),
        pytest.param({"precision": "county"}, "precision", "not one of exact, site, town", id="coarse-precision"),
        pytest.param({"source": ""}, "source", "empty but required", id="no-source"),
        pytest.param({"lat": "113.76222", "lon": "26.21083"}, "lon", "not a longitude in China",
                     id="lon-lat-swapped"),
    ],
)
def test_gazetteer_rules(settings: Settings, with_gazetteer: Path, changes: dict[str, str], field: str,
                         words: str) -> None:
    edit_csv(with_gazetteer, 1, **changes)
    report = validate(settings)
    hits = [p for p in report.problems if p.field == field and words in p.message]
    assert hits, [str(p) for p in report.problems]
    assert hits[0].file == "data/gazetteer.csv" and hits[0].row == 1 and hits[0].record_id == "ZHUZHOU-P001"


#: rules whose bad rows are built by a test of their own (each asserts the rule that found it)
OWN_TESTS = {"no_noise": "test_noise_in_name_is_refused", "groups_consistent": "test_group_rows_share_category"}


def test_every_rule_is_exercised_by_a_bad_row() -> None:
    # each case above asserts at run time which rule found its bad row; here every registered rule
    # must be the expected finder of at least one case
    covered = {param.values[3] for param in BAD_ROWS} | set(OWN_TESTS)
    assert set(RULES) - covered == set()
    assert all(name in globals() for name in OWN_TESTS.values())


def test_group_rows_share_category(settings: Settings, edit_catalog: RowEditor) -> None:
    edit_catalog(1, project_group="ZHUZHOU-G01", phase="一期")
    edit_catalog(2, project_group="ZHUZHOU-G01", phase="一期")
    problems = [p for p in validate(settings).problems if p.rule == "groups_consistent"]
    assert any(p.field == "project_group" and "mixes" in p.message for p in problems)
    assert any(p.field == "phase" and "appears twice" in p.message for p in problems)


def test_catalog_from_dir_raises_with_every_problem(settings: Settings, edit_catalog: RowEditor) -> None:
    from geo.catalog import catalog_from_dir

    edit_catalog(1, category="x")
    edit_catalog(3, status="y")
    with pytest.raises(CatalogError) as info:
        catalog_from_dir(settings.projects_dir, root=settings.root)
    assert {p.row for p in info.value.problems} == {1, 3}
    assert "data/projects/ZHUZHOU.csv row 1 (ZHUZHOU-001), field category" in str(info.value)


def test_cli_validate_passes_on_the_real_catalogue() -> None:
    result = subprocess.run([sys.executable, "-m", "geo", "validate"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "catalogue valid" in result.stdout
    for region in ("JINSHI", "JIAXING", "ZHUZHOU", "YUNCHENG", "KUNDULUN"):
        assert region in result.stdout


def _geo_without(module: str, *argv: str, venv: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m geo ARGV`` in a Python where importing ``module`` fails, as where it is not installed.

    ``venv`` stands for the project's environment; by default there is none to fall back to.
    """
    code = (f"import runpy, sys; sys.modules[{module!r}] = None; sys.argv = ['geo', *{list(argv)!r}]; "
            "runpy.run_module('geo', run_name='__main__', alter_sys=True)")
    env = {**os.environ, "CPM_VENV": str(venv or ROOT / "no-such-venv")}
    env.pop("CPM_GEO_RERUN", None)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False, env=env)


def test_cli_validate_needs_no_gcj_library() -> None:
    """Validation converts no GCJ-02: it runs where the GCJ-02 / BD-09 library is not installed."""
    result = _geo_without("prcoords", "validate")
    assert result.returncode == 0, result.stderr
    assert "catalogue valid" in result.stdout


def test_cli_names_a_missing_dependency_and_the_set_up_command() -> None:
    result = _geo_without("shapely", "validate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "needs the package 'shapely'" in result.stderr and "make test" in result.stderr


def test_cli_reruns_itself_in_the_project_environment(tmp_path: Path) -> None:
    """A bare ``python -m geo validate`` from a Python without the packages runs in the project's ``.venv``."""
    marker = tmp_path / "ran"
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\ntouch "{marker}"\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    result = _geo_without("shapely", "validate", venv=tmp_path / "venv")
    assert result.returncode == 0, result.stderr
    assert marker.exists()  # it ran in the project's environment
    assert "lacks the package 'shapely'" in result.stderr and str(python) in result.stderr
    assert "catalogue valid" in result.stdout


def test_cli_does_not_rerun_an_environment_that_lacks_the_package_too(tmp_path: Path) -> None:
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    code = ("import runpy, sys; sys.modules['shapely'] = None; "
            "runpy.run_module('geo', run_name='__main__', alter_sys=True)")
    python.write_text(f'#!/bin/sh\nshift 2\nexec "{sys.executable}" -c "{code}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)  # drops "-m geo" and runs geo where shapely is missing as well
    result = _geo_without("shapely", "validate", venv=tmp_path / "venv")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == ["note", "error"]  # one re-run, then the set-up hint
    assert "needs the package 'shapely'" in lines[1] and "make test" in lines[1]


def test_cli_validate_fails_and_names_the_row(project_root: Path, edit_catalog: RowEditor) -> None:
    edit_catalog(2, category="windmill")
    env = {"CPM_ROOT": str(project_root), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "geo", "validate"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False, env=env)
    assert result.returncode == 1
    assert "data/projects/ZHUZHOU.csv row 2 (ZHUZHOU-002), field category: 'windmill'" in result.stderr


def test_lines_file_is_checked_naming_file_row_and_field(settings: Settings, project_root: Path) -> None:
    """data/lines.csv: each line belongs to a linear work of the catalogue, has its note, and every
    waypoint is placed; each problem names the file, the row and the field."""
    shutil.rmtree(project_root / "data" / "projects")
    shutil.copytree(ROOT / "data" / "projects", project_root / "data" / "projects")
    for name in ("gazetteer.csv", "towns.csv"):
        shutil.copy(ROOT / "data" / name, project_root / "data" / name)
    (project_root / "data" / "lines.csv").write_text(
        "id,words,waypoints,note\n"
        "ZHUZHOU-090,株醴城际铁路,geonames:株洲@11|geonames:醴陵@11,good\n"
        "ZHUZHOU-999,株醴,geonames:株洲@11|geonames:醴陵@11,no such project\n"
        "ZHUZHOU-001,炎陵龙溪,town:龙溪村|geonames:醴陵@11,a wind farm is no line\n"
        "ZHUZHOU-091,浏醴,geonames:浏阳@11|town:火星镇,unknown town\n"
        "ZHUZHOU-093,醴茶铁路,geonames:醴陵@11|county:茶陵县,\n", encoding="utf-8")
    lines = sorted((p.row, p.field, p.message) for p in validate(settings).problems if p.rule == "lines")
    assert all(p.file == "data/lines.csv" for p in validate(settings).problems if p.rule == "lines")
    assert [(row, field) for row, field, _ in lines] == [(2, "id"), (3, "id"), (4, "waypoints"), (5, "note")]
    assert "no project of data/projects/" in lines[0][2]
    assert "not a linear work (subtype 'wind_farm')" in lines[1][2]
    assert "火星镇" in lines[2][2]
