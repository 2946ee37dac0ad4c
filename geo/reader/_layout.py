"""Page geometry of a PDF's text layer: glyphs into visual lines, cells and ruled tables.

Works on pdfplumber pages (positions in PDF points, ``top`` measured from the top of the
page). A visual line is the glyphs that share a baseline band; inside it, a gap of
:data:`CELL_GAP` font sizes or more separates two cells (a flattened table row), and a
short line of Chinese characters that are all spaced apart is a letter-spaced heading
("前    言") whose characters are joined. Tables drawn with rules are read with
pdfplumber's table finder, one visual line per table row, each cell's own line breaks
re-joined. Only :mod:`geo.reader.reading` imports this module.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: a gap between two glyphs of at least this many font sizes separates two cells
CELL_GAP = 1.5
#: in a letter-spaced line every gap lies between these many font sizes
LETTER_GAP = (0.25, 4.0)
#: a letter-spaced line has at most this many characters
LETTER_MAX = 24
#: a rule (table border) is a rectangle or line at most this thick (points)
RULE_MAX = 2.0

_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2018-\u201f\u2014\u2026]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANGXI = re.compile(r"[\u2f00-\u2fdf\uf900-\ufaff]")
#: glyphs whose font has no Unicode map: pdfminer's (cid:N), private use, U+FFFD
_UNMAPPED = re.compile(r"^\(cid:\d+\)$|^[\ue000-\uf8ff\ufffd]$")


class LineKind(StrEnum):
    """What a line of the text layer is."""

    PROSE = "prose"  #: running text (one cell)
    ROW = "row"  #: a row of an unruled table: cells apart by wide gaps, joined by tabs
    TABLE = "table"  #: a row of a ruled table: one cell per column, joined by tabs


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character drawn on a page."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    space_before: bool = False


@dataclass(frozen=True, slots=True)
class VisualLine:
    """One line as the page draws it.

    Attributes
    ----------
    text : str
        The line's characters; cells joined by ``\\t``.
    page : int
        1-based page number.
    top, bottom, x0, x1 : float
        Its box in points (``top`` from the top of the page).
    size : float
        The font size of most of its characters.
    kind : LineKind
        Prose, a row of an unruled table, or a row of a ruled one.
    columns : tuple of (float, float)
        ``(x0, x1)`` of each cell, in the order of the tab-separated cells.
    letter_spaced : bool
        The line was letter-spaced ("目    录") and its characters were joined.
    """

    text: str
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    kind: LineKind
    columns: tuple[tuple[float, float], ...]
    letter_spaced: bool = False


@dataclass(frozen=True, slots=True)
class PageLayout:
    """The visual lines of one page, top to bottom, and counts for the checks."""

    number: int
    width: float
    height: float
    lines: tuple[VisualLine, ...]
    glyphs: int  #: printable glyphs drawn
    unmapped: int  #: of those, glyphs whose font gives no Unicode text
    images: int
    clipped: int = 0  #: glyphs drawn outside the page, left out


def _glyphs(chars: Iterable[dict[str, Any]]) -> tuple[list[Glyph], int]:
    """Upright printable glyphs (spaces folded into ``space_before``) and the unmapped count."""
    out: list[Glyph] = []
    unmapped = 0
    pending_space = False
    for c in chars:
        text = c["text"]
        if not c.get("upright", True):
            continue
        if not text or text.isspace():
            pending_space = True
            continue
        if _UNMAPPED.match(text):
            unmapped += 1
            continue
        if _KANGXI.search(text):  # Kangxi radicals and compatibility ideographs some PDF fonts map to
            text = unicodedata.normalize("NFKC", text)
        out.append(Glyph(text, float(c["x0"]), float(c["x1"]), float(c["top"]), float(c["bottom"]),
                         float(c["size"]), pending_space))
        pending_space = False
    return out, unmapped


def _bands(glyphs: Sequence[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into visual lines: a glyph whose vertical middle lies in the band of the
    line's largest glyph belongs to it (a subscript stays on its line), each line left to right."""
    lines: list[list[Glyph]] = []
    band: tuple[float, float] = (0.0, -1.0)
    biggest = 0.0
    for g in sorted(glyphs, key=lambda g: (g.top, g.x0)):
        middle = (g.top + g.bottom) / 2
        if lines and band[0] <= middle <= band[1]:
            lines[-1].append(g)
            if g.size > biggest:
                band, biggest = (g.top, g.bottom), g.size
        else:
            lines.append([g])
            band, biggest = (g.top, g.bottom), g.size
    for line in lines:
        line.sort(key=lambda g: g.x0)
    return lines


def _is_wide(text: str) -> bool:
    return bool(_WIDE.match(text))


def joined(left: str, right: str) -> str:
    """Two pieces of one sentence broken at a line end: no space where either side is Chinese or
    a digit (a number broken over two lines), one between two Latin words."""
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if _is_wide(a) or _is_wide(b) or a.isdigit() or b.isdigit() or not (a.isalpha() and b.isalpha()):
        return left + right
    return f"{left} {right}"


def _run_text(glyphs: Sequence[Glyph]) -> str:
    """The text of glyphs of one cell: a space only between two Latin/digit glyphs set apart."""
    parts: list[str] = []
    prev: Glyph | None = None
    for g in glyphs:
        if prev is not None and not _is_wide(prev.text[-1]) and not _is_wide(g.text[0]):
            gap = g.x0 - prev.x1
            if g.space_before or gap > 0.15 * max(g.size, prev.size):
                parts.append(" ")
        parts.append(g.text)
        prev = g
    return "".join(parts)


def _letter_spaced(glyphs: Sequence[Glyph]) -> bool:
    """A short line of Chinese characters, every one set apart from the next ("前    言")."""
    if not 2 <= len(glyphs) <= LETTER_MAX or not all(_HAN.match(g.text) for g in glyphs):
        return False
    low, high = LETTER_GAP
    return all(low * max(a.size, b.size) <= b.x0 - a.x1 <= high * max(a.size, b.size)
               for a, b in itertools.pairwise(glyphs))


def _dominant_size(glyphs: Sequence[Glyph]) -> float:
    sizes: dict[float, int] = {}
    for g in glyphs:
        sizes[round(g.size, 1)] = sizes.get(round(g.size, 1), 0) + 1
    return max(sizes, key=lambda s: (sizes[s], s))


def line_from_glyphs(glyphs: Sequence[Glyph], page: int) -> VisualLine:
    """One visual line: its cells (split at wide gaps), or its letter-spaced characters joined."""
    size = _dominant_size(glyphs)
    box = (min(g.top for g in glyphs), max(g.bottom for g in glyphs), glyphs[0].x0, max(g.x1 for g in glyphs))
    if _letter_spaced(glyphs):
        return VisualLine("".join(g.text for g in glyphs), page, *box, size, LineKind.PROSE,
                          ((box[2], box[3]),), letter_spaced=True)
    cells: list[list[Glyph]] = [[glyphs[0]]]
    for prev, g in itertools.pairwise(glyphs):
        if g.x0 - prev.x1 >= CELL_GAP * max(size, min(g.size, prev.size)):
            cells.append([g])
        else:
            cells[-1].append(g)
    kind = LineKind.ROW if len(cells) > 1 else LineKind.PROSE
    return VisualLine("\t".join(_run_text(c) for c in cells), page, *box, size, kind,
                      tuple((c[0].x0, max(g.x1 for g in c)) for c in cells))


def _cell_text(glyphs: Sequence[Glyph]) -> str:
    """A table cell's text: its lines re-joined (no space inside Chinese text)."""
    text = ""
    for band in _bands(glyphs):
        text = joined(text, _run_text(band))
    return text


def _ruled_tables(page: Any) -> list[tuple[tuple[float, float, float, float], list[list[Any]]]]:
    """``(bbox, rows of cell bboxes or None)`` of the tables drawn with rules on a page.

    Only thin rectangles and lines count as rules (filled text backgrounds do not), and a
    "table" with fewer than two rows of two cells is a frame around text, not a table.
    """
    rules = [o for o in (*page.rects, *page.lines) if min(o["width"], o["height"]) <= RULE_MAX]
    vertical = sum(1 for o in rules if o["height"] > 5 * RULE_MAX)
    horizontal = sum(1 for o in rules if o["width"] > 5 * RULE_MAX)
    if vertical < 2 or horizontal < 2:
        return []

    def keep(obj: dict[str, Any]) -> bool:
        kind = obj["object_type"]
        return kind not in ("rect", "line", "curve") or min(obj["width"], obj["height"]) <= RULE_MAX

    found = []
    for table in page.filter(keep).find_tables():
        rows = [list(row.cells) for row in table.rows]
        if sum(1 for row in rows if sum(c is not None for c in row) >= 2) >= 2:
            found.append((tuple(table.bbox), rows))
    return found


def _inside(g: Glyph, box: Sequence[float]) -> bool:
    x, y = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _table_lines(glyphs: list[Glyph], rows: list[list[Any]], page: int) -> list[VisualLine]:
    """One line per table row, cells joined by tabs (a merged cell, covered by the one above or
    beside it, is empty). Glyphs of the row that fall in no cell (a column whose rules are
    off the page) form one more cell at the row's end."""
    columns = max((len(r) for r in rows), default=0)
    # a row is as tall as its lowest cell (a merged cell above reaches down over the rows it covers)
    bands = [(min(b[1] for b in row if b is not None), min(b[3] for b in row if b is not None)) for row in rows]
    cells: dict[tuple[int, int], list[Glyph]] = {}
    for g in glyphs:
        where = next(((i, j) for i, row in enumerate(rows) for j, box in enumerate(row)
                      if box is not None and _inside(g, box)), None)
        if where is None:
            middle = (g.top + g.bottom) / 2
            row_index = next((i for i, (top, bottom) in enumerate(bands) if top <= middle <= bottom), None)
            where = (row_index, columns) if row_index is not None else (len(rows) - 1, columns)
        cells.setdefault(where, []).append(g)
    used = [j for j in range(columns + 1) if any((i, j) in cells for i in range(len(rows)))]
    lines = []
    for i, row in enumerate(rows):
        if not any((i, j) in cells for j in used):
            continue
        texts, spans, row_glyphs = [], [], []
        for j in used:
            box = row[j] if j < len(row) else None
            mine = cells.get((i, j), [])
            texts.append(_cell_text(mine))
            if box is not None:
                spans.append((float(box[0]), float(box[2])))
            else:
                spans.append((min(g.x0 for g in mine), max(g.x1 for g in mine)) if mine else (0.0, 0.0))
            row_glyphs.extend(mine)
        boxes = [b for b in row if b is not None]
        lines.append(VisualLine("\t".join(texts), page, bands[i][0], bands[i][1], min(b[0] for b in boxes),
                                max(b[2] for b in boxes), _dominant_size(row_glyphs), LineKind.TABLE, tuple(spans)))
    return lines


def page_layout(page: Any, number: int) -> PageLayout:
    """The visual lines of a pdfplumber page, top to bottom (ruled table rows among them).

    Glyphs drawn outside the page (a table wider than the paper) are not shown by the PDF
    and are left out, and counted.
    """
    glyphs, unmapped = _glyphs(page.chars)
    visible = tuple(float(v) for v in page.bbox)
    clipped = sum(1 for g in glyphs if not _inside(g, visible))
    glyphs = [g for g in glyphs if _inside(g, visible)]
    lines: list[VisualLine] = []
    for box, rows in _ruled_tables(page) if glyphs else []:
        beside = (box[0], box[1], visible[2], box[3])  # with columns cut off at the page's edge
        lines.extend(_table_lines([g for g in glyphs if _inside(g, beside)], rows, number))
        glyphs = [g for g in glyphs if not _inside(g, beside)]
    lines.extend(line_from_glyphs(band, number) for band in _bands(glyphs))
    lines.sort(key=lambda v: (v.top, v.x0))
    return PageLayout(number, float(page.width), float(page.height), tuple(lines),
                      sum(1 for c in page.chars if c["text"].strip()), unmapped, len(page.images), clipped)
