"""Key-project tables (专栏 / 表): one mention per project a row names.

A table reaches the reader as lines whose cells are joined by tabs (:mod:`geo.reader.reading`
writes ruled and unruled tables so; a text file may hold them too). Rows are read in blocks of
consecutive tabbed lines:

- a header row (项目名称, 建设内容, 序号 …) says which column holds the project's name; without
  one, the name column is the first whose cells are neither numbers nor repeated (a type column
  repeats once its merged cells are carried down);
- a merged cell that spans rows (a type column: 电源, 城市电网; a start year) is empty in the
  rows below its first: the last cell above it in the same column is carried to each row;
- a section heading (a row with only its first cell: 一、预计建成, 220千伏变电站) is carried to
  the rows under it, until the next heading;
- the name cell is the project (南通－崇明联网工程). When it is only a type of works
  (500千伏输变电工程, 天然气主干管网工程), the row's content cell lists the projects: each
  member is a project, with the name cell's type and voltage (扩建黄渡、杨行 → 黄渡500千伏输变电工程).

A category comes from the lexicon's head of the name, else from sector words of the name, the
carried type cell and the section heading, in that order; a row with none gives no mention.
Tables of indicators (指标, 单位, 2020年 columns) and rows that are mostly figures name no
projects and are left out (and left out of the prose finder too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from geo._text import words_only
from geo.quantities import quantities_from_text
from geo.timeline import interval_from_text

from . import lexicon as lx
from .clauses import CJK
from .mentions import mentions
from .names import (
    GENERIC_SET,
    HEAD_RE,
    category_of,
    ends_with_head,
    is_generic,
    list_items,
    specific_enough,
    split_tail,
    strip_openers,
    without_quantities,
)
from .spans import Mention

#: header cells that name the column of project names
_NAME_HEADERS = ("项目名称", "工程名称", "名称", "项目")
#: header cells of other columns
_HEADER_WORDS = ("序号", "类别", "类型", "建设内容", "主要内容", "建设规模", "规模", "建设年限", "年限", "建设地点",
                 "地点", "责任单位", "牵头单位", "备注", "投资", "起止年限", "开工", "完工", "建设性质", "领域")
#: a table whose header holds one of these is a table of indicators, not of projects
_INDICATOR_HEADERS = re.compile(r"指标|单位|基数|目标值|属性|^20\d\d年")
_NUMBERISH = re.compile(r"^[\s\d.,，、%％/\-—–~～≥≤<>＞＜()（）\[\]约左右]*$")
#: what ends a list member in a content cell: "等53个输变电工程", "等项目"
_COUNTED_TAIL = re.compile(r"等(?:[\d０-９一二三四五六七八九十百]+[个座条项处])?.*$")
#: words of a content cell that open what the row does, not a name
_CONTENT_OPENERS = ("改扩建", "新建", "扩建", "续建", "改建", "建设", "推进", "实施", "适时启动", "启动", "包括",
                    "探索实施")


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of a table, as the text holds it and with what it inherits.

    Attributes
    ----------
    start, end : int
        The row's line in the searched text (``end`` before its line end).
    cells : tuple of str
        Its cells, verbatim (tab-separated in the text).
    carried : tuple of str
        The cells with each empty one filled from the cell above it in the block.
    section : str
        The section heading above the row in its table, or ``""``.
    name_column : int
        The column that holds project names.
    """

    start: int
    end: int
    cells: tuple[str, ...]
    carried: tuple[str, ...]
    section: str
    name_column: int

    def cell_start(self, column: int) -> int:
        """Offset of a cell's first character in the searched text."""
        return self.start + sum(len(c) + 1 for c in self.cells[:column])


def _tabbed_lines(text: str, start: int) -> Iterator[list[tuple[int, int]]]:
    """Blocks of consecutive lines holding a tab, as ``(start, end)`` spans of the lines."""
    block: list[tuple[int, int]] = []
    pos = start
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        if "\t" in text[pos:end]:
            block.append((pos, end))
        elif block:
            yield block
            block = []
        pos = end + 1
    if block:
        yield block


def _is_header(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    return len(filled) >= 2 and all(len(c) <= 8 and (c.startswith(_NAME_HEADERS) or _INDICATOR_HEADERS.search(c)
                                                     or any(w in c for w in _HEADER_WORDS)) for c in filled)


def _section(cells: list[str]) -> str:
    """The heading a row is, if it is one: a first cell and nothing else."""
    filled = [c for c in cells if c.strip()]
    return cells[0].strip() if len(filled) == 1 and cells[0].strip() and len(cells[0]) <= 30 else ""


def _name_column(rows: list[tuple[str, ...]], header: list[str] | None) -> int:
    """The header's name column, or the first after it whose cells are neither numbers nor
    repeated (a header cell 项目名称 may span a type column and the name column)."""
    first = next((j for j, cell in enumerate(header or []) if cell.strip().startswith(_NAME_HEADERS)), 0)
    width = max(len(r) for r in rows)
    for j in range(first, width):
        values = [r[j].strip() for r in rows if j < len(r) and r[j].strip()]
        if not values or all(_NUMBERISH.match(v) for v in values):
            continue
        if len(set(values)) >= 0.7 * len(values):
            return j
    return first


def table_rows(text: str, *, start: int = 0) -> list[TableRow]:
    """Every project row of the tables of ``text[start:]`` (header, heading and indicator rows
    left out), its merged cells carried down and its section heading attached."""
    out: list[TableRow] = []
    for block in _tabbed_lines(text, start):
        header: list[str] | None = None
        parsed: list[tuple[int, int, tuple[str, ...], tuple[str, ...], str]] = []
        above: dict[int, str] = {}
        section = ""
        indicators = False
        for a, b in block:
            cells = text[a:b].split("\t")
            if _is_header(cells):
                header, above, indicators = cells, {}, any(_INDICATOR_HEADERS.search(c.strip()) for c in cells)
                continue
            filled = [c for c in cells if c.strip()]
            if sum(1 for c in filled if _NUMBERISH.match(c)) >= max(2, len(filled) / 2):
                continue  # a row of figures (12 | 森林覆盖率 | % | 62.11): an indicator, no project
            heading = _section(cells)
            if heading:
                section, above = heading, {}
                continue
            carried = []
            for j, cell in enumerate(cells):
                if cell.strip():
                    above[j] = cell
                    carried.append(cell)
                else:
                    carried.append(above.get(j, ""))
            parsed.append((a, b, tuple(cells), tuple(carried), section))
        if indicators or not parsed:
            continue
        column = _name_column([p[3] for p in parsed], header)
        out.extend(TableRow(a, b, cells, carried, sec, column) for a, b, cells, carried, sec in parsed)
    return out


def _sector(*texts: str) -> str | None:
    """The category sector words of the first text that has one give."""
    for words in texts:
        head = HEAD_RE.search(words)
        if head:
            return category_of(words, head.group())
        for key, category in lx.TABLE_KEYWORDS:
            if key in words:
                return category
    return None


def _with_type(member: str, type_cell: str) -> str:
    """A member of a content list named with the type of works its row is about: 黄渡 +
    500千伏输变电工程; a member with a head of its own keeps its name (金虹航油管道)."""
    if ends_with_head(member) or member.endswith((*lx.TABLE_ENDINGS, *lx.PROGRAMME_HEADS)):
        return member  # 金虹航油管道, 陆上分散式风电示范试点: named in full
    return member + type_cell


def _with_voltage(name: str, voltage: str) -> str:
    """A name given the voltage of its row or section when it states none: 城东 + 220千伏 +
    变电站 (before the generic tail; a name without one is kept)."""
    if not voltage or quantities_from_text(name):
        return name
    proper, tail = split_tail(name)
    return proper + voltage + tail if proper and tail else name


def _members(content: str) -> Iterator[tuple[int, str]]:
    """``(offset, member)`` of the names a content cell lists: split at commas and list words,
    the verbs that open each part and a counted tail (等53个…) dropped."""
    pos = 0
    for part in re.split(r"([,，;；。])", content):
        if part and part not in ",，;；。":
            body = _COUNTED_TAIL.sub("", part)
            for opener in _CONTENT_OPENERS:
                if body.startswith(opener):
                    body = body[len(opener):]
                    break
            offset = pos + part.find(body) if body else pos
            cursor = offset
            for item in list_items(body):
                at = content.find(item, cursor)
                cursor = at + len(item) if at >= 0 else cursor
                name = strip_openers(item)
                if at >= 0 and name:
                    yield at + len(item) - len(name), name
        pos += len(part)


#: a count of works of one voltage in a content cell: "260个110千伏输变电工程"
_COUNTED_WORKS = re.compile(r"(?:^|[,，;；、])\s*[\d０-９]+\s*[个座项条]\s*"
                            r"([\d０-９]{2,4}(?:千伏|kV)[\u3400-\u9fff]{0,4}?(?:输变电工程|变电站|线路工程|线路))")
_TYPE_WORDS = frozenset({*GENERIC_SET, *(k for k, _ in lx.TABLE_KEYWORDS), *lx.TABLE_TYPE_WORDS})


def _specific(name: str) -> bool:
    core = "".join(CJK.findall(without_quantities(name)))
    return len(core) >= 2 and not is_generic(name) and specific_enough(name, "") and not words_only(core, _TYPE_WORDS)


def _figure(cells: tuple[str, ...]) -> str:
    """The first power, storage, transformer or area figure of a row's content cells (２台６５万千瓦)."""
    for cell in cells:
        q = next((q for q in quantities_from_text(cell) if q.dimension in ("power", "energy", "apparent", "area")),
                 None)
        if q is not None:
            return q.text
    return ""


def section_status(section: str) -> str:
    """The status a section heading states for the rows under it (一、预计建成 → construction), or ``""``."""
    word = next((w for w in lx.SECTION_STATUS_LIST if w in section), None)
    return lx.SECTION_STATUS[word] if word else ""


#: a cell that is only a time: a year, a range of years, a plan period (建设年限, 开工年份 columns)
_TIME_CELL = re.compile(r"\s*(?:(?:19|20)\d{2}\s*年?(?:\s*[-—–~～至到]\s*(?:19|20)\d{2}\s*年?)?|“?十[三四五六]五”?)"
                        r"(?:底|前|开工|建成|完工)?\s*")


def row_time(row: TableRow) -> str:
    """The time cell of a row, its own or carried down from a merged cell above, verbatim; ``""``
    when the row has none (or a cell that is no plain time)."""
    for k, cell in enumerate(row.carried):
        if k != row.name_column and cell.strip() and _TIME_CELL.fullmatch(cell) and interval_from_text(cell):
            return cell.strip()
    return ""


def row_mentions(text: str, row: TableRow) -> list[Mention]:
    """The projects one table row names (see the module's description), each with the status of
    its section heading and its time cell (carried down from a merged one)."""
    status, time = section_status(row.section), row_time(row)
    found = _row_mentions(row)
    return [replace(m, status=status, timeline=time) for m in found] if status or time else found


def _row_mentions(row: TableRow) -> list[Mention]:
    j = row.name_column
    if j >= len(row.cells) or not row.cells[j].strip():
        return []
    name_cell = row.cells[j].strip()
    cell_at = row.cell_start(j) + row.cells[j].find(name_cell)
    context = [c for k, c in enumerate(row.carried) if k < j] + [row.section]
    out: list[Mention] = []
    proper, _ = split_tail(name_cell)
    figure = _figure(row.cells[j + 1:])
    voltage = next((q.text for cell in (name_cell, row.section) for q in quantities_from_text(cell)
                    if q.dimension == "voltage"), "")
    if proper and _specific(proper) and _specific(name_cell):
        found = mentions(name_cell)
        if found:
            for m in found:
                out.append(Mention(_with_voltage(m.name, voltage), m.category, cell_at + m.start, cell_at + m.end,
                                   row.start, row.end, figure))
            return out
        category = _sector(name_cell, *context)
        if category is not None and "等" not in name_cell.replace("等容量", ""):
            out.append(Mention(name_cell, category, cell_at, cell_at + len(name_cell), row.start, row.end, figure))
        if "“" in name_cell:
            # a programme's nickname (甲网架“双改四”项目): the content cell names its works
            for k in range(j + 1, len(row.cells)):
                content_at = row.cell_start(k)
                out.extend(Mention(m.name, m.category, content_at + m.start, content_at + m.end, row.start, row.end)
                           for m in mentions(row.cells[k]))
        return out
    for k in range(j + 1, len(row.cells)):
        content = row.cells[k]
        content_at = row.cell_start(k)
        for counted in _COUNTED_WORKS.finditer(content):  # "260个110千伏输变电工程": works of one voltage
            category = _sector(counted.group(1), name_cell, *context)
            if category is not None:
                out.append(Mention(counted.group(1), category, content_at + counted.start(1),
                                   content_at + counted.end(1), row.start, row.end))
        listed = mentions(content)  # the prose finder (奉贤、南汇等海上风电基地), then the list's members
        for m in listed:
            if not _specific(split_tail(without_quantities(m.name))[0].lstrip("千万兆伏瓦")):
                continue  # "110、35千伏输变电工程": a unit left of a cut number names nothing
            out.append(Mention(_with_voltage(m.name, voltage), m.category, content_at + m.start, content_at + m.end,
                               row.start, row.end))
        for offset, member in _members(content):
            if not _specific(member) or (quantities_from_text(member) and not ends_with_head(member)):
                continue
            name = _with_voltage(_with_type(member, name_cell), voltage)
            category = _sector(name, name_cell, *context)
            if category is not None:
                out.append(Mention(name, category, content_at + offset, content_at + offset + len(member),
                                   row.start, row.end))
    return out


def table_mentions(text: str, *, start: int = 0) -> tuple[list[Mention], list[tuple[int, int]]]:
    """The mentions of every project row of the tables of ``text[start:]``, and the spans of all
    the tables' lines (the prose finder leaves them to this module: headers, headings and tables
    of indicators too)."""
    found: list[Mention] = []
    for row in table_rows(text, start=start):
        found.extend(row_mentions(text, row))
    return found, [span for block in _tabbed_lines(text, start) for span in block]
