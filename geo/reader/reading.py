"""Reading a plan: its text, from a PDF's text layer or a text file, one record per line.

:func:`text_from_pdf` reads the text layer with pdfplumber (chosen by measurement on the
development PDFs: ``bench/pdf_libraries.py``), then

- drops page numbers and running heads: lines at the top or bottom edge of a page whose
  text, digits aside, repeats on several pages (``— 12 —``, a document title over every page);
- re-joins layout line wraps: a line that reaches the right margin continues on the next
  line when that one starts at the left margin (no indent) in the same font size, across
  a page break too, with no space inside Chinese text;
- keeps table rows as rows: one line per row, cells joined by a tab (ruled tables cell by
  cell, unruled ones split at wide gaps); letter-spaced headings come out joined.

Every output line records the pages it came from (:class:`TextLine`), for citations.
:func:`text_from_txt` reads a text file (UTF-8 or GBK, any line ends). Both refuse, with
an :class:`~geo.errors.ExtractError`, what is not the text of a Chinese plan.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from geo.errors import ExtractError

from ._layout import LineKind, PageLayout, VisualLine, joined, page_layout

log = logging.getLogger(__name__)

#: a chrome line repeats, digits aside, on at least this many pages and this share of them
CHROME_MIN_PAGES = 3
CHROME_MIN_SHARE = 0.3
#: how many lines at each edge of a page can be page chrome
CHROME_EDGE_LINES = 2
#: a line reaches the right margin when it ends within this many font sizes of it (line breaking
#: rules move a character and the punctuation after it to the next line together)
FULL_LINE_SLACK = 2.5
#: a line starts at the left margin when it starts within this many font sizes of it
MARGIN_SLACK = 0.6

_CJK = re.compile(r"[\u3400-\u9fff]")
_DIGITS = re.compile(r"[0-9０-９]+")
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_PAGE_NUMBER = re.compile(r"^[#\s\-—–_·.•|/第页共()（）\[\]Pp]*$")
#: a line opening with one of these starts a heading or a list item, never a continuation
_OPENER = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|"
                     r"第[一二三四五六七八九十百\d]+[章节条部篇]|专栏|附件|附表|表\s*\d|图\s*\d|[★●◆■▲•])")
#: the most frequent characters of Chinese official prose; mis-decoded bytes rarely produce them
_COMMON = set("的一是在和发展建设推进实施加快重点能源绿色低碳等年市区县工作体系提升")
#: words every plan of the genre uses; a Chinese text with fewer than three of them is no plan
_PLAN_WORDS = ("规划", "方案", "计划", "实施", "建设", "推进", "推动", "发展", "加快", "目标", "重点", "项目",
               "工程", "提升", "加强")
_MIN_CJK = 100


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of a plan's text, where it is in the text and where it came from.

    Attributes
    ----------
    start : int
        Offset of the line's first character in :attr:`PlanText.text` (code points).
    text : str
        The line without its line end; cells of a table row are joined by ``\\t``.
    page, page_end : int or None
        First and last 1-based PDF page the line came from (a paragraph can run over a page
        break); ``None`` for a text file.
    kind : LineKind
        Prose, a row of an unruled table (cells apart by wide gaps) or of a ruled one.
    columns : tuple of (float, float)
        For table rows, ``(x0, x1)`` in points of each cell (a merged cell is ``(0, 0)``),
        so that a table reader can align the cells of successive rows; one span for prose.
    """

    start: int
    text: str
    page: int | None
    page_end: int | None
    kind: LineKind = LineKind.PROSE
    columns: tuple[tuple[float, float], ...] = ()

    @property
    def end(self) -> int:
        """Offset just past the line's last character."""
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class DroppedLine:
    """A line of page chrome left out of the text (a page number, a running head)."""

    page: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class PlanText:
    """A plan's text as the reader sees it.

    Attributes
    ----------
    source : str
        The file read.
    text : str
        The lines joined by ``\\n`` (quotes and ``quote_offset`` refer to this string).
    lines : tuple of TextLine
        One record per line of ``text``, in order.
    pages : int
        Pages of the PDF; 0 for a text file.
    dropped : tuple of DroppedLine
        Page chrome that was left out.
    """

    source: str
    text: str
    lines: tuple[TextLine, ...]
    pages: int = 0
    dropped: tuple[DroppedLine, ...] = ()

    def line_at(self, offset: int) -> TextLine:
        """The line that holds ``offset`` (a line end belongs to the line before it).

        Raises
        ------
        IndexError
            ``offset`` is outside the text.
        """
        if not 0 <= offset < len(self.text) or not self.lines:
            raise IndexError(f"offset {offset} is outside the text (0..{len(self.text) - 1})")
        starts = [line.start for line in self.lines]
        return self.lines[bisect.bisect_right(starts, offset) - 1]

    def page_at(self, offset: int) -> int | None:
        """The PDF page of the character at ``offset`` (``None`` for a text file)."""
        return self.line_at(offset).page


def _plan_text(source: str, rows: Sequence[tuple[str, int | None, int | None, LineKind,
                                                  tuple[tuple[float, float], ...]]],
               pages: int = 0, dropped: Sequence[DroppedLine] = ()) -> PlanText:
    lines: list[TextLine] = []
    offset = 0
    for text, page, page_end, kind, columns in rows:
        lines.append(TextLine(offset, text, page, page_end, kind, columns))
        offset += len(text) + 1
    text = "".join(f"{line.text}\n" for line in lines)
    return PlanText(source, text, tuple(lines), pages, tuple(dropped))


def check_plan_text(text: str, source: str) -> None:
    """Refuse a text that is not a Chinese plan.

    Raises
    ------
    ExtractError
        Fewer than 100 Chinese characters, characters that do not read as Chinese (a wrong
        encoding), or fewer than three of the words every plan uses (规划, 建设, 推进, 目标 …).
    """
    cjk = _CJK.findall(text)
    if len(cjk) < _MIN_CJK:
        raise ExtractError(f"{source}: no Chinese plan text found ({len(cjk)} Chinese characters)")
    if sum(1 for c in cjk if c in _COMMON) < 0.03 * len(cjk):
        raise ExtractError(f"{source}: the text does not read as Chinese (wrong encoding? UTF-16?); "
                           "save it as UTF-8 or GBK")
    words = [w for w in _PLAN_WORDS if w in text]
    if len(words) < 3:
        raise ExtractError(f"{source}: this Chinese text does not read as a plan (it uses "
                           f"{len(words)} of the words plans use: {'、'.join(_PLAN_WORDS)})")


def text_from_txt(path: Path) -> PlanText:
    """Read a plan's text file: UTF-8 (with or without BOM) or GBK / GB18030, any line ends.

    Line ends become ``\\n`` (``\\r\\n`` and a lone ``\\r`` too); offsets refer to that text.

    Raises
    ------
    ExtractError
        The file is missing, empty, binary, in neither encoding, or not a Chinese plan.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ExtractError(f"{path}: cannot read ({err.strerror})") from err
    if not data.strip():
        raise ExtractError(f"{path}: the file is empty")
    if data.startswith(b"%PDF-"):
        raise ExtractError(f"{path}: this is a PDF; name it .pdf to read its text layer")
    if b"\x00" in data[:4096]:
        raise ExtractError(f"{path}: looks binary (NUL bytes), not a plan text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ExtractError(f"{path}: neither UTF-8 nor GBK; convert the file to UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\t\f")
    if controls > 0.01 * min(len(text), 20000):
        raise ExtractError(f"{path}: looks binary (control characters), not a plan text")
    check_plan_text(text, str(path))
    body = text[:-1] if text.endswith("\n") else text
    return _plan_text(str(path), [(line, None, None, LineKind.PROSE, ()) for line in body.split("\n")])


# --- PDF ------------------------------------------------------------------------------------

def _raised_by_parser(err: BaseException) -> bool:
    """Whether pdfminer.six or pdfplumber raised ``err`` (a builtin error on a damaged file):
    of the frames of the traceback that are the parsers' or this package's, the innermost is
    the parsers' (a standard-library call below it does not count)."""
    package = str(Path(__file__).resolve().parent.parent)
    owner = ""
    tb = err.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        parts = Path(name).parts
        if "pdfminer" in parts or "pdfplumber" in parts:
            owner = "parser"
        elif name.startswith(package):
            owner = "geo"
        tb = tb.tb_next
    return owner == "parser"


def _layouts(path: Path) -> list[PageLayout]:
    """Every page's layout, third-party errors translated."""
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
        from pdfminer.pdfparser import PDFSyntaxError
        from pdfminer.psexceptions import PSException
        from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
    except ImportError as err:  # pragma: no cover - a dependency of the project
        raise ExtractError(f"{path}: reading PDFs needs pdfplumber (pip install -e .)") from err
    try:
        with pdfplumber.open(path) as pdf:
            out = []
            for number, page in enumerate(pdf.pages, start=1):
                out.append(page_layout(page, number))
                page.close()
            return out
    except PdfminerException as err:
        cause = err.args[0] if err.args else err
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ExtractError(f"{path}: the PDF is encrypted (a password protects it); save an "
                               "unprotected copy first") from err
        raise ExtractError(f"{path}: not a readable PDF ({type(cause).__name__}: {cause})") from err
    except (MalformedPDFException, PDFSyntaxError, PSException) as err:
        raise ExtractError(f"{path}: the PDF is damaged ({type(err).__name__}: {err})") from err
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        if not _raised_by_parser(err):
            raise  # a bug of the reader, not a damaged file
        raise ExtractError(f"{path}: the PDF is damaged ({type(err).__name__}: {err})") from err
    except OSError as err:
        raise ExtractError(f"{path}: cannot read ({err.strerror or err})") from err


def _check_layer(path: Path, pages: Sequence[PageLayout]) -> None:
    """Refuse a PDF without a usable text layer: no pages, a scan (most pages images without
    text), or glyphs whose fonts give no Unicode text."""
    if not pages:
        raise ExtractError(f"{path}: the PDF has no pages")
    glyphs = sum(p.glyphs for p in pages)
    scanned = sum(1 for p in pages if p.glyphs < 20 and p.images)
    if glyphs < _MIN_CJK or scanned >= 0.5 * len(pages):
        what = f"{scanned} of {len(pages)} pages are images without text" if scanned else "it holds no text"
        raise ExtractError(f"{path}: the PDF has no text layer ({glyphs} characters; {what}); "
                           "run OCR on it first (e.g. ocrmypdf --language chi_sim)")
    unmapped = sum(p.unmapped for p in pages)  # counted among the glyphs
    if unmapped > 0.05 * glyphs:
        raise ExtractError(f"{path}: {unmapped} of {glyphs} characters have no Unicode text "
                           "(fonts without a ToUnicode map); run OCR on it first")


def _chrome_key(text: str) -> str:
    return _DIGITS.sub("#", re.sub(r"\s+", "", text))


def _chrome(pages: Sequence[PageLayout]) -> dict[tuple[int, int], str]:
    """``(page, line index) → reason`` of the page numbers and running heads.

    A line among the :data:`CHROME_EDGE_LINES` at the top or bottom of its page is chrome
    when its text, digits replaced, occurs at the same edge of other pages: a bare page
    number (``— 12 —``, ``第 3 页``) on two pages at least, counting up with the pages
    (its number minus the page's is the same); other text on :data:`CHROME_MIN_PAGES` and
    :data:`CHROME_MIN_SHARE` of the pages, at one height.
    """
    seen: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for p in pages:
        n = len(p.lines)
        edges = {i: "top" for i in range(min(CHROME_EDGE_LINES, n))}
        edges.update({i: "bottom" for i in range(max(0, n - CHROME_EDGE_LINES), n)})
        for i, edge in edges.items():
            if p.lines[i].kind is not LineKind.TABLE:
                seen[(edge, _chrome_key(p.lines[i].text))].append((p.number, i))
    dropped: dict[tuple[int, int], str] = {}
    for (edge, key), where in seen.items():
        if key.count("#") == 1 and _PAGE_NUMBER.match(key):
            by_offset: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for page, i in where:
                number = int(_DIGITS.findall(pages[page - 1].lines[i].text)[0].translate(_FULLWIDTH))
                by_offset[number - page].append((page, i))
            counting = max(by_offset.values(), key=len)
            if len({page for page, _ in counting}) >= 2:
                dropped.update({w: f"page number ({edge})" for w in counting})
            continue
        # a running head sits at one height on every page: a title lower down that repeats it stays
        tops = [pages[page - 1].lines[i].top for page, i in where]
        middle = statistics.median(tops)
        where = [w for w, top in zip(where, tops, strict=True) if abs(top - middle) <= pages[w[0] - 1].lines[w[1]].size]
        if len({page for page, _ in where}) >= max(CHROME_MIN_PAGES, CHROME_MIN_SHARE * len(pages)):
            dropped.update({w: f"running {'head' if edge == 'top' else 'foot'}" for w in where})
    return dropped


@dataclass(frozen=True, slots=True)
class _Margins:
    left: float
    right: float
    pitch: float  #: the usual distance from one line's top to the next one's


def _margins(pages: Sequence[PageLayout]) -> dict[tuple[int, float], _Margins]:
    """Left and right margin of the prose of each font size, per page where the page has
    enough lines of that size, else over the document."""
    per_page: dict[tuple[int, float], list[VisualLine]] = defaultdict(list)
    per_doc: dict[float, list[VisualLine]] = defaultdict(list)
    for p in pages:
        for v in p.lines:
            if v.kind is LineKind.PROSE and not v.letter_spaced and len(v.text) >= 8:
                per_page[(p.number, round(v.size))].append(v)
                per_doc[round(v.size)].append(v)

    def margins(lines: list[VisualLine], pitch: float) -> _Margins:
        rights = sorted(v.x1 for v in lines)
        return _Margins(min(v.x0 for v in lines), rights[int(0.8 * (len(rights) - 1))], pitch)

    pitches: dict[float, list[float]] = defaultdict(list)
    for (_, size), lines in per_page.items():
        pitches[size].extend(round(b.top - a.top, 1) for a, b in itertools.pairwise(lines)
                             if 0 < b.top - a.top < 4 * size)
    pitch = {size: statistics.median_low(p) if p else 1.5 * size for size, p in pitches.items()}

    doc = {size: margins(lines, pitch[size]) for size, lines in per_doc.items()}
    out = {key: margins(lines, pitch[key[1]]) if len(lines) >= 4 else doc[key[1]] for key, lines in per_page.items()}
    for p in pages:
        for v in p.lines:
            out.setdefault((p.number, round(v.size)), doc.get(round(v.size), _Margins(v.x0, v.x1, 1.5 * v.size)))
    return out


def _continues(prev: VisualLine, nxt: VisualLine, margins: dict[tuple[int, float], _Margins],
               *, page_break: bool) -> bool:
    """Whether ``nxt`` is the wrapped rest of ``prev``'s sentence."""
    if prev.kind is not LineKind.PROSE or nxt.kind is not LineKind.PROSE or prev.letter_spaced or nxt.letter_spaced:
        return False
    if abs(prev.size - nxt.size) > 0.1 * prev.size or _OPENER.match(nxt.text):
        return False
    here, there = margins[(prev.page, round(prev.size))], margins[(nxt.page, round(nxt.size))]
    if not page_break and nxt.top - prev.top > 1.4 * here.pitch:
        return False
    return prev.x1 >= here.right - FULL_LINE_SLACK * prev.size and nxt.x0 <= there.left + MARGIN_SLACK * nxt.size


def _cell_continued(prev: VisualLine, nxt: VisualLine, margins: dict[tuple[int, float], _Margins]) -> int | None:
    """The column of ``prev`` (a row of an unruled table) whose cell ``nxt`` continues: one run of
    text right under the row, inside that column (a cell too long for its column wraps onto a
    line of its own, which the page draws as a line of one cell), else ``None``."""
    if prev.kind is not LineKind.ROW or nxt.kind is not LineKind.PROSE or nxt.letter_spaced or prev.page != nxt.page:
        return None
    if abs(prev.size - nxt.size) > 0.1 * prev.size or _OPENER.match(nxt.text):
        return None
    if nxt.top - prev.top > 1.4 * margins[(prev.page, round(prev.size))].pitch:
        return None
    slack = nxt.size
    return next((j for j, (x0, x1) in enumerate(prev.columns)
                 if x0 - slack <= nxt.x0 and nxt.x1 <= x1 + slack), None)


def text_from_pdf(path: Path) -> PlanText:
    """Read a plan from a PDF's text layer.

    Parameters
    ----------
    path : Path
        A PDF with a text layer (as governments publish them; a scan needs OCR first).

    Returns
    -------
    PlanText
        One line per paragraph, heading or table row, each with its pages.

    Raises
    ------
    ExtractError
        The file cannot be read, is not a PDF, is damaged or encrypted, has no text layer
        (a scan) or fonts without Unicode text, or its text is not a Chinese plan.
    """
    path = Path(path)
    if not path.is_file():
        raise ExtractError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    with path.open("rb") as fh:
        if not fh.read(1024).lstrip().startswith(b"%PDF-"):
            raise ExtractError(f"{path}: not a PDF (no %PDF- header)")
    pages = _layouts(path)
    _check_layer(path, pages)
    chrome = _chrome(pages)
    margins = _margins(pages)
    dropped = [DroppedLine(p.number, p.lines[i].text, why) for (n, i), why in sorted(chrome.items())
               for p in (pages[n - 1],)]
    rows: list[tuple[str, int | None, int | None, LineKind, tuple[tuple[float, float], ...]]] = []
    prev: VisualLine | None = None
    for p in pages:
        kept = [v for i, v in enumerate(p.lines) if (p.number, i) not in chrome]
        for k, v in enumerate(kept):
            column = _cell_continued(prev, v, margins) if prev is not None and rows else None
            if column is not None and prev is not None:
                text, first, _, kind, columns = rows[-1]
                cells = text.split("\t")
                cells[column] = joined(cells[column], v.text)
                rows[-1] = ("\t".join(cells), first, v.page, kind, columns)
                prev = replace(prev, top=v.top, bottom=v.bottom)  # a third line may continue it too
                continue
            if prev is not None and rows and _continues(prev, v, margins, page_break=k == 0 and prev.page != v.page):
                text, first, _, kind, columns = rows[-1]
                rows[-1] = (joined(text, v.text), first, v.page, kind, columns)
            else:
                rows.append((v.text, v.page, v.page, v.kind, v.columns))
            prev = v
    plan = _plan_text(str(path), [r for r in rows if r[0].strip()], len(pages), dropped)
    check_plan_text(plan.text, str(path))
    log.info("reading: %s: %d pages, %d lines, %d characters, %d chrome lines dropped", path, len(pages),
             len(plan.lines), len(plan.text), len(dropped))
    return plan


def text_from_path(path: Path) -> PlanText:
    """Read a plan from a PDF (by its ``%PDF-`` header or ``.pdf`` suffix) or a text file."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return text_from_pdf(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError:
        head = b""
    return text_from_pdf(path) if head.lstrip().startswith(b"%PDF-") else text_from_txt(path)

