"""geo/reader/tables.py: key-project tables give one candidate per project a row names, with
merged cells and section headings carried down; on a ruled table drawn with reportlab (the
reading stage's cells, merged cells and two-line cells) and on the real table of a development
plan (its vendored text, tests/data/golden/SHANGHAI.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.catalog import Project
from geo.reader import candidates_from_text, text_from_pdf
from geo.reader.tables import table_rows

from .conftest import DATA

reportlab = pytest.importorskip("reportlab", reason="the reader's tests draw their PDFs with reportlab")
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
SIZE = 11.0
PROSE = ("为深入贯彻落实碳达峰碳中和重大决策部署，推动绿色低碳高质量发展，结合本市实际，制定本规划。"
         "到2025年，全市重点项目建设取得明显进展，能源保障能力持续提升，推进各项任务落地见效。")

#: (row, column, lines) of a ruled key-project table; a row's heading sits in its first cell alone,
#: the type column's cells are merged over the rows below their first (drawn once, no rule between)
CELLS = [
    (0, 0, ["类别"]), (0, 1, ["项目名称"]), (0, 2, ["建设内容"]),
    (1, 0, ["一、220千伏电网"]),
    (2, 0, ["电网"]), (2, 1, ["城东变电站"]), (2, 2, ["新建主变2台"]),
    (3, 1, ["城西站"]), (3, 2, ["扩建主变1台"]),
    (4, 1, ["输变电工程"]), (4, 2, ["新建青石、白沙输变电工程"]),
    (5, 0, ["二、其他"]),
    (6, 0, ["物流"]), (6, 1, ["北岭仓储园"]), (6, 2, ["占地1200亩"]),
    (7, 1, ["南岭仓储园"]), (7, 2, ["建设冷库，", "二期扩建"]),
]
MERGED = {(2, 3), (6, 7)}  # (first row, last row) of the type column's merged cells


def _ruled_table(path: Path) -> Path:
    top, height = 760.0, 30.0
    xs = (60.0, 200.0, 330.0, 540.0)
    ys = [top - i * height for i in range(9)]
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setFont(FONT, SIZE)
    for i, y in enumerate(ys):  # horizontal rules; none across a merged cell of the first column
        inside = any(a < i <= b for a, b in MERGED)
        pdf.line(xs[1] if inside else xs[0], y, xs[3], y)
    for x in xs:
        pdf.line(x, ys[0], x, ys[-1])
    for row, col, texts in CELLS:
        for k, text in enumerate(texts):
            pdf.drawString(xs[col] + 4, ys[row] - 12 - k * 12, text)
    y = ys[-1] - 40
    for start in range(0, len(PROSE), 38):
        pdf.drawString(60, y, PROSE[start:start + 38])
        y -= 18
    pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Project]]:
    plan = text_from_pdf(_ruled_table(tmp_path_factory.mktemp("tables") / "table.pdf"))
    return plan.text, {c.name_zh: c for c in candidates_from_text(plan.text, "TEST")}


def test_the_drawn_table_is_read_as_rows(drawn: tuple[str, dict[str, Project]]) -> None:
    text, _ = drawn
    rows = table_rows(text)
    assert [r.cells[1] for r in rows] == ["城东变电站", "城西站", "输变电工程", "北岭仓储园", "南岭仓储园"]
    assert [r.carried[0] for r in rows] == ["电网", "电网", "电网", "物流", "物流"]  # merged cells carried
    assert [r.section for r in rows] == ["一、220千伏电网"] * 3 + ["二、其他"] * 2
    assert {r.name_column for r in rows} == {1}


def test_one_candidate_per_project_of_a_row(drawn: tuple[str, dict[str, Project]]) -> None:
    _, found = drawn
    # the heading's voltage goes to the rows under it
    assert found["城东220千伏变电站"].category.value == "substation"
    # a name the lexicon does not know takes its category from the merged type cell above it
    assert found["城西站"].category.value == "substation"
    assert found["南岭仓储园"].category.value == "logistics"
    # a name cell that is only a type of works: the content cell lists the projects
    assert {"青石220千伏输变电工程", "白沙220千伏输变电工程"} <= set(found)
    assert "输变电工程" not in found and "220千伏输变电工程" not in found
    # the header and the section headings are no projects
    assert not {"项目名称", "类别", "一、220千伏电网", "二、其他"} & set(found)


def test_a_row_candidate_quotes_its_row(drawn: tuple[str, dict[str, Project]]) -> None:
    text, found = drawn
    for c in found.values():
        assert text[c.quote_offset:c.quote_offset + len(c.quote)] == c.quote
        assert c.capacity_text in c.quote
    north = found["北岭仓储园"]
    assert north.quote == "物流\t北岭仓储园\t占地1200亩"
    assert (north.capacity_text, north.area_ha) == ("1200亩", 80.0)  # a figure of the row's content cell
    assert found["南岭仓储园"].quote == "南岭仓储园\t建设冷库，二期扩建"  # a two-line cell re-joined


@pytest.fixture(scope="module")
def shanghai() -> dict[str, Project]:
    text = (DATA / "golden" / "SHANGHAI.txt").read_text(encoding="utf-8")
    return {c.name_zh: c for c in candidates_from_text(text, "SHANGHAI") if "\t" in c.quote}


def test_the_key_project_table_of_a_development_plan(shanghai: dict[str, Project]) -> None:
    """上海市“十四五”重点能源建设项目表, as the reader extracts it from the published PDF."""
    coal = shanghai["石洞口一厂等容量替代项目"]
    assert (coal.category.value, coal.capacity_text, coal.power_mw) == ("coal_power", "２台６５万千瓦", 1300.0)
    assert coal.quote.startswith("电源\t石洞口一厂等容量替代项目\t")
    # the type column (电源) is merged over the next rows: carried, though each row's text has it empty
    assert shanghai["外高桥一厂等容量替代项目"].category.value == "coal_power"
    # 500千伏输变电工程 with 扩建黄渡、杨行、静安、新余: one substation each, with the voltage
    for station in ("黄渡", "杨行", "静安", "新余"):
        row = shanghai[f"{station}５００千伏输变电工程"]
        assert (row.category.value, row.voltage_kv, row.capacity_text) == ("substation", 500.0, "５００千伏")
    # "泰和、华夏、万安等18个": 和 before a separator ends a name, it joins nothing
    assert {"泰和２２０千伏输变电工程", "华夏２２０千伏输变电工程", "万安２２０千伏输变电工程"} <= set(shanghai)
    assert shanghai["金闵二线成品油管道"].category.value == "gas_oil"
    assert "高化航油管道" not in shanghai  # 海滨－高化航油管道: a full-width dash inside a name
    assert shanghai["奉贤海上风电基地"].category.value == "wind"
    # a name cell that names a type of works is no project of its own
    assert not {"天然气主干管网工程", "成品油项目", "风电", "太阳能利用", "５００千伏输变电工程"} & set(shanghai)


def test_tables_of_indicators_name_no_projects() -> None:
    """SHAOXING's and ZHUZHOUECO's tables of targets (类别, 序号, 指标, 单位, 2020年 …) give nothing."""
    for code in ("SHAOXING", "ZHUZHOUECO"):
        text = (DATA / "golden" / f"{code}.txt").read_text(encoding="utf-8")
        rows = [c for c in candidates_from_text(text, code) if "\t" in c.quote]
        assert not any("湿地保护率" in c.name_zh or "森林" in c.name_zh for c in rows), [c.name_zh for c in rows]


def _table_candidates(lines: list[str]) -> dict[str, Project]:
    text = PROSE + "\n" + "\n".join(lines) + "\n"
    return {c.name_zh: c for c in candidates_from_text(text, "TEST") if "\t" in c.quote}


def test_a_programme_nickname_row_names_the_works_of_its_content_cell() -> None:
    """A name cell that is a programme's nickname (甲网架“双改四”项目) does not hide the works its
    content cell names: the route line there is a candidate of its own."""
    found = _table_candidates(["项目名称\t\t建设内容",
                               "城市电网\t主干网架“双提升”项目\t５００千伏青石－白沙－红岭线路改造工程"])
    assert found["５００千伏青石－白沙－红岭线路改造工程"].category.value == "substation"


def test_counted_works_of_one_voltage_are_rows() -> None:
    """A row whose name cell is a type of works (110、35千伏输变电工程) and whose content counts the
    works per voltage gives one candidate per voltage."""
    found = _table_candidates(["项目名称\t\t建设内容",
                               "城市电网\t１１０、３５千伏输变电工程\t２６０个１１０千伏输变电工程(其中改扩建１０个),"
                               "１４０个３５千伏输变电工程"])
    assert {"１１０千伏输变电工程", "３５千伏输变电工程"} <= set(found), list(found)
    assert found["３５千伏输变电工程"].voltage_kv == 35


def test_a_sections_status_is_carried_to_its_rows() -> None:
    """A section heading's status (一、预计建成: under construction; 二、计划开工, 三、推进前期工作:
    pre-construction) reaches every row under it, over the row's own verbs of action (建设)."""
    found = _table_candidates(["项目名称\t\t建设内容", "一、预计建成\t\t", "城市电网\t城东变电站\t建设主变2台",
                               "二、计划开工\t\t", "城市电网\t城西变电站\t建设主变1台",
                               "三、推进前期工作\t\t", "城市电网\t城南变电站\t适时启动"])
    assert found["城东变电站"].status.value == "construction"
    assert found["城西变电站"].status.value == "pre-construction"
    assert found["城南变电站"].status.value == "pre-construction"
    assert all(c.status_text in c.quote for c in found.values())


_CELL = st.sampled_from(["电源", "电网", "油气", "物流", ""])


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.lists(st.tuples(_CELL, st.sampled_from(["城东", "城西", "北岭", "南岭", "青石", "白沙"])), min_size=1,
                max_size=12))
def test_merged_cells_are_carried_to_each_row(rows: list[tuple[str, str]]) -> None:
    """An empty cell of a block takes the last filled cell above it in its column (a merged cell
    spans the rows below its first); a filled one keeps its own."""
    lines = ["类别\t项目名称\t建设内容", *(f"{kind}\t{place}变电站\t新建主变2台" for kind, place in rows)]
    text = "\n".join(lines) + "\n"
    parsed = table_rows(text)
    assert len(parsed) == len(rows)
    above = ""
    for (kind, _), row in zip(rows, parsed, strict=True):
        above = kind or above
        assert row.carried[0] == above and row.cells[0] == kind


def test_a_merged_year_cell_is_carried_to_each_row() -> None:
    """A start-year column whose cell spans rows gives each of them its years (the cell's own
    words, verbatim in the plan, as the timeline)."""
    found = _table_candidates(["项目名称\t开工年份\t建设内容", "城东变电站\t2022年\t新建主变2台",
                               "城西变电站\t\t扩建主变1台", "北岭物流园\t2023—2025年\t建设冷库"])
    assert (found["城东变电站"].year_start, found["城西变电站"].year_start) == (2022, 2022)
    assert found["城西变电站"].timeline_text == "2022年"
    assert (found["北岭物流园"].year_start, found["北岭物流园"].year_end) == (2023, 2025)


def test_a_listed_programme_keeps_its_own_name() -> None:
    """A content cell's member that names a programme (…风电示范试点) is not given the row's type again."""
    found = _table_candidates(["项目名称\t\t建设内容",
                               "可再生能源发电\t风电\t推进甲岛、乙湾等海上风电基地建设,探索实施陆上分散式风电示范试点"])
    assert "陆上分散式风电示范试点" in found and not any(n.endswith("试点风电") for n in found), list(found)
