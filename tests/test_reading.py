"""Reading a plan from a PDF's text layer or a text file (geo.reader.reading).

The PDFs are drawn here with reportlab, so each test states the layout it reads: justified
paragraphs that wrap (and run over a page break), page numbers and a running head, an
unruled and a ruled table, a letter-spaced heading, a scan, an encrypted and a broken file.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from geo.errors import ExtractError
from geo.reader import LineKind, PlanText, candidates_from_text, text_from_path, text_from_pdf, text_from_txt

reportlab = pytest.importorskip("reportlab", reason="the reader's tests draw their PDFs with reportlab")
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FONT = "STSong-Light"  # one of reportlab's built-in CID fonts: Chinese text without a font file
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

SIZE = 12.0
LEFT = 72.0
PER_LINE = 30  # characters of a full line: the right margin is at LEFT + 30 × 12 pt
PITCH = 22.0

Item = tuple[float, str, float]  # (x, text, font size): one line, or one cell of a line when x repeats

P1 = ("为深入贯彻落实碳达峰碳中和重大决策部署，推动示范市绿色低碳高质量发展，结合本市实际，制定本方案。"
      "到2025年，全市风电装机达到30万千瓦，建成青山风电场和白水抽水蓄能电站。")
P2 = ("加快推进新马、醴陵东等220千伏变电站建设，实施东湖国家湿地公园保护修复工程，推进物流园区"
      "绿色化改造，建设一批分布式光伏项目和充电基础设施，提升城市能源安全保障能力。")
P3 = "强化组织实施，各地各部门要加强协调配合，确保各项任务落地见效。"
ROWS = (("项目名称", "建设内容"), ("青山风电场", "新增装机10万千瓦"), ("白水抽水蓄能电站", "装机120万千瓦"))


def wrapped(text: str) -> list[list[Item]]:
    """A justified paragraph: an indented first line, then full lines of PER_LINE characters."""
    lines: list[list[Item]] = []
    rest, width = text, PER_LINE - 2
    while rest:
        lines.append([(LEFT + (2 * SIZE if not lines else 0), rest[:width], SIZE)])
        rest, width = rest[width:], PER_LINE
    return lines


def line(*cells: tuple[float, str], size: float = SIZE) -> list[list[Item]]:
    """One line of several pieces on one baseline (table cells, letter-spaced characters)."""
    return [[(x, text, size) for x, text in cells]]


def draw(path: Path, pages: Sequence[Sequence[Sequence[Item]]], *, head: str = "", numbers: bool = False,
         encrypt: str | None = None) -> Path:
    """One PDF: each page's lines top to bottom, a running head and a page number if asked."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1, encrypt=encrypt)
    width, height = A4
    for number, lines in enumerate(pages, start=1):
        if head:
            pdf.setFont(FONT, 9)
            pdf.drawCentredString(width / 2, height - 50, head)
        y = height - 100
        for pieces in lines:
            for x, text, size in pieces:
                pdf.setFont(FONT, size)
                pdf.drawString(x, y, text)
            y -= PITCH
        if numbers:
            pdf.setFont(FONT, 10)
            pdf.drawCentredString(width / 2, 40, f"— {number} —")
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three pages: a title, a letter-spaced heading, paragraphs (one over the page break), an
    unruled table; a page number and a running head on every page."""
    p2 = wrapped(P2)
    page1 = [*line((LEFT + 80, "示范市碳达峰实施方案"), size=18.0), *line((LEFT + 150, "前"), (LEFT + 186, "言")),
             *wrapped(P1), *line((LEFT + 2 * SIZE, "一、重点任务")), *p2[:2]]
    rows = [row for name, content in ROWS for row in line((LEFT, name), (LEFT + 200, content))]
    page2 = [*p2[2:], *wrapped(P3), *rows]
    page3 = [*line((LEFT + 2 * SIZE, "二、保障措施")), *wrapped(P3)]
    return draw(tmp_path_factory.mktemp("pdf") / "plan.pdf", [page1, page2, page3], head="示范市碳达峰实施方案",
                numbers=True)


@pytest.fixture(scope="module")
def plan(plan_pdf: Path) -> PlanText:
    return text_from_pdf(plan_pdf)


def test_wraps_are_rejoined_without_spaces(plan: PlanText) -> None:
    assert P1 in plan.text.split("\n")
    assert "一、重点任务" in plan.text.split("\n")  # a heading stays a line of its own
    lines = plan.text.split("\n")
    assert lines.index("一、重点任务") == lines.index(P1) + 1


def test_a_paragraph_runs_over_the_page_break(plan: PlanText) -> None:
    line = next(line for line in plan.lines if line.text == P2)
    assert (line.page, line.page_end) == (1, 2)
    assert plan.page_at(line.start) == 1 and plan.line_at(line.end - 1) is line


def test_page_numbers_and_running_heads_are_dropped(plan: PlanText) -> None:
    assert "—" not in plan.text
    assert plan.text.count("示范市碳达峰实施方案") == 1  # the title stays, the head over each page goes
    reasons = sorted({d.reason for d in plan.dropped})
    assert reasons == ["page number (bottom)", "running head"]
    assert len(plan.dropped) == 6


def test_letter_spaced_heading_is_joined(plan: PlanText) -> None:
    assert "前言" in plan.text.split("\n")


def test_table_rows_stay_rows(plan: PlanText) -> None:
    rows = [line for line in plan.lines if line.kind is LineKind.ROW]
    assert [r.text for r in rows] == ["\t".join(row) for row in ROWS]
    assert all(r.page == 2 and len(r.columns) == 2 for r in rows)
    assert rows[0].columns[1][0] == pytest.approx(LEFT + 200, abs=0.5)


def test_paragraphs_are_not_joined_with_the_next(plan: PlanText) -> None:
    assert plan.text.split("\n").count(P3) == 2
    assert plan.text.endswith(P3 + "\n")
    assert all(plan.text[line.start:line.end] == line.text for line in plan.lines)


def test_ruled_table_rows_cells_and_merged_cells(tmp_path: Path) -> None:
    # a 3 × 3 grid; the first column's cell spans rows 2 and 3; one cell holds two lines
    top, height = 700.0, 40.0
    xs = (LEFT, LEFT + 80, LEFT + 260, LEFT + 440)
    ys = [top - i * height for i in range(4)]
    rules = [(xs[0], y, xs[3], y) for y in (ys[0], ys[1], ys[3])] + [(xs[1], ys[2], xs[3], ys[2])]
    rules += [(x, ys[0], x, ys[3]) for x in xs]
    path = tmp_path / "ruled.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setFont(FONT, SIZE)
    for x0, y0, x1, y1 in rules:
        pdf.line(x0, y0, x1, y1)
    cells = [(0, 0, ["类别"]), (0, 1, ["项目名称"]), (0, 2, ["建设内容"]),
             (1, 0, ["电源"]), (1, 1, ["青山风电场"]), (1, 2, ["新增装机10万千瓦，", "建设升压站"]),
             (2, 1, ["白水抽水蓄能电站"]), (2, 2, ["装机120万千瓦"])]
    for row, col, texts in cells:
        for k, text in enumerate(texts):
            pdf.drawString(xs[col] + 4, ys[row] - 15 - k * 14, text)
    y = 420.0
    for pieces in wrapped(P1 + P2):
        pdf.drawString(pieces[0][0], y, pieces[0][1])
        y -= PITCH
    pdf.showPage()
    pdf.save()
    read = text_from_pdf(path)
    table = [line for line in read.lines if line.kind is LineKind.TABLE]
    assert [t.text for t in table] == ["类别\t项目名称\t建设内容", "电源\t青山风电场\t新增装机10万千瓦，建设升压站",
                                       "\t白水抽水蓄能电站\t装机120万千瓦"]
    assert [len(t.columns) for t in table] == [3, 3, 3]
    assert P1 + P2 in read.text.split("\n")  # the prose below the table is read as prose


def test_wrap_joins_latin_words_with_a_space_and_numbers_without() -> None:
    from geo.reader._layout import joined
    assert joined("建设", "风电") == "建设风电"
    assert joined("淘汰落后产能7", "60家") == "淘汰落后产能760家"
    assert joined("carbon", "capture") == "carbon capture"
    assert joined("建设LNG", "接收站") == "建设LNG接收站"


def test_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(2):
        pdf.drawImage(ImageReader(Image.new("L", (60, 80), 200)), 50, 50, 495, 742)
        pdf.showPage()
    pdf.save()
    with pytest.raises(ExtractError, match=r"no text layer.*2 of 2 pages are images.*OCR"):
        text_from_pdf(path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = draw(tmp_path / "locked.pdf", [wrapped(P1 + P2)], encrypt="secret")
    with pytest.raises(ExtractError, match="encrypted"):
        text_from_pdf(path)


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_broken_pdf(tmp_path: Path, plan_pdf: Path, damage: str) -> None:
    data = plan_pdf.read_bytes()
    path = tmp_path / "broken.pdf"
    path.write_bytes(data[: len(data) // 3] if damage == "truncated" else b"%PDF-1.4\n" + bytes(range(256)) * 8)
    with pytest.raises(ExtractError, match=r"broken\.pdf: (the PDF is damaged|not a readable PDF|the PDF has no)"):
        text_from_pdf(path)


def test_not_a_pdf_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_text("示范市碳达峰实施方案")
    with pytest.raises(ExtractError, match="not a PDF"):
        text_from_pdf(path)
    with pytest.raises(ExtractError, match="no such file"):
        text_from_pdf(tmp_path / "nope.pdf")


def test_a_pdf_that_is_no_chinese_plan(tmp_path: Path) -> None:
    path = tmp_path / "english.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for k in range(30):
        pdf.drawString(LEFT, 800 - 20 * k, "An annual report on the weather of a city, in English only.")
    pdf.showPage()
    pdf.save()
    with pytest.raises(ExtractError, match="no Chinese plan text"):
        text_from_pdf(path)


NOT_A_PLAN = ("今天早上下了一场小雨，我和朋友在茶馆里喝茶聊天，说起小时候在外婆家过暑假的事情。"
              "外婆家门前有一条小河，夏天的傍晚我们常常坐在河边看萤火虫，听大人讲故事。") * 3


def test_a_chinese_text_that_is_no_plan(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(NOT_A_PLAN, encoding="utf-8")
    with pytest.raises(ExtractError, match="does not read as a plan"):
        text_from_txt(path)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_text_files_any_encoding_and_line_ends(tmp_path: Path, newline: str, encoding: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(newline.join([P1, P2, P3, ""]).encode(encoding))
    read = text_from_path(path)
    assert read.text == f"{P1}\n{P2}\n{P3}\n"
    assert [(line.text, line.page) for line in read.lines] == [(P1, None), (P2, None), (P3, None)]
    assert read.line_at(read.text.index("东湖")).text == P2 and read.page_at(0) is None


def test_text_file_errors(tmp_path: Path, plan_pdf: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b" \n")
    with pytest.raises(ExtractError, match="empty"):
        text_from_txt(empty)
    with pytest.raises(ExtractError, match="this is a PDF"):
        text_from_txt(plan_pdf)
    assert text_from_path(plan_pdf).pages == 3  # a PDF by its header, whatever its suffix says


def test_cli_reads_a_pdf_and_writes_its_text(tmp_path: Path, plan_pdf: Path, plan: PlanText) -> None:
    out, text_out = tmp_path / "c.csv", tmp_path / "plan.txt"
    run = subprocess.run([sys.executable, "-m", "geo", "extract", str(plan_pdf), "--region", "TEST", "--out", str(out),
                          "--text-out", str(text_out)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert text_out.read_text(encoding="utf-8") == plan.text
    rows = out.read_text(encoding="utf-8")
    assert "青山风电场" in rows and "白水抽水蓄能电站" in rows


def test_cli_refuses_a_broken_pdf_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    out, text_out = tmp_path / "c.csv", tmp_path / "plan.txt"
    run = subprocess.run([sys.executable, "-m", "geo", "extract", str(bad), "--region", "TEST", "--out", str(out),
                          "--text-out", str(text_out)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=False)
    assert run.returncode == 2 and "bad.pdf" in run.stderr and "Traceback" not in run.stderr
    assert not out.exists() and not text_out.exists()


def test_glyphs_normalise_radicals_and_count_unmapped() -> None:
    from geo.reader._layout import _glyphs
    base = {"x0": 0.0, "x1": 10.0, "top": 0.0, "bottom": 10.0, "size": 10.0, "upright": True}
    glyphs, unmapped = _glyphs([{**base, "text": "⽅"}, {**base, "text": " "}, {**base, "text": "(cid:12)"},
                                {**base, "text": "\ue001"}, {**base, "text": "案", "upright": False}])
    assert [g.text for g in glyphs] == ["方"]  # KANGXI RADICAL SQUARE → 方; rotated text left out
    assert unmapped == 2


def test_a_text_layer_without_unicode_is_refused(tmp_path: Path) -> None:
    from geo.reader._layout import PageLayout
    from geo.reader.reading import _check_layer
    pages = [PageLayout(1, 595.0, 842.0, (), glyphs=900, unmapped=800, images=0)]
    with pytest.raises(ExtractError, match="800 of 900 characters have no Unicode text"):
        _check_layer(tmp_path / "x.pdf", pages)
    _check_layer(tmp_path / "x.pdf", [PageLayout(1, 595.0, 842.0, (), glyphs=900, unmapped=10, images=0)])


def test_a_bug_of_the_reader_is_not_reported_as_a_damaged_pdf(plan_pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.reader import reading

    def broken(page: object, number: int) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(reading, "page_layout", broken)
    with pytest.raises(KeyError):
        text_from_pdf(plan_pdf)


def test_a_cell_wrapped_onto_a_line_of_its_own_is_rejoined(tmp_path: Path) -> None:
    """An unruled table whose cells are too long for their columns: the page draws the rest of a
    cell as a line of one run under it, inside its column; the reader puts it back into that cell
    (a name cell and a content cell), and the prose after the table stays prose."""
    rows = [*line((LEFT, "项目名称"), (LEFT + 200, "建设内容")),
            *line((LEFT, "青山风电场"), (LEFT + 200, "新增装机10万千瓦，配套建设")), *line((LEFT + 200, "升压站一座")),
            *line((LEFT, "白水抽水蓄能"), (LEFT + 200, "装机120万千瓦")), *line((LEFT, "电站"))]
    pdf = draw(tmp_path / "wrapped.pdf", [[*wrapped(P1), *rows, *wrapped(P3)]])
    plan = text_from_pdf(pdf)
    assert [r.text for r in plan.lines if r.kind is LineKind.ROW] == [
        "项目名称\t建设内容", "青山风电场\t新增装机10万千瓦，配套建设升压站一座", "白水抽水蓄能电站\t装机120万千瓦"]
    assert plan.lines[-1].text == P3
    found = {c.name_zh for c in candidates_from_text(plan.text, "TEST")}
    assert "白水抽水蓄能电站" in found
