"""The plan reader: propose catalogue candidates from any local carbon-peak plan.

Rule-based and offline: a lexicon of facility heads of the genre (:mod:`geo._lexicon`),
capacity and year patterns (:mod:`geo.quantities`, :mod:`geo.timeline`), and a few
structural rules that Chinese plans share — enumerations before a common head
("新马、醴陵东和攸县南等220千伏变电站" is three substations), quoted programme names,
parenthesised member lists. It tolerates page chrome, URLs, injected spam, PDF line
breaks and table debris, and never writes to the curated catalogue: a reviewer merges.

Candidates come out as :class:`~geo.catalog.Project` records, so they are written with
the catalogue's columns; quotes are verbatim substrings of the plan at their offsets.
"""

from __future__ import annotations

import logging
import re
import warnings
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from . import _lexicon as lx
from ._text import Marks, Spans, words_only
from .catalog import Project, catalog_to_csv
from .errors import ExtractError
from .quantities import MAX_QUANTITY_CHARS, capacity_from_text, leading_quantity, quantities_from_text
from .timeline import Interval, interval_from_text
from .vocabulary import Action, Category, Status

log = logging.getLogger(__name__)

_CJK = re.compile(r"[\u3400-\u9fff]")
_CLAUSE_END = re.compile(r"[。；;！!？?\n]")
_HARD_STOP = set("，,。；;：:！!？?\n\t（）()【】[]《》")  # a name never spans these (but see _left_span)
_NAME_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z0-9.·\-—“”\"×()（）]")
_BODY_MARKERS = ("全文如下", "原文如下", "正文如下")
_ADMIN = re.compile(r"[\u3400-\u9fff]{1,5}(?:自治县|县|区|市|旗|镇|乡|街道)")
MAX_NAME = 36
#: the most frequent characters of Chinese official prose; mis-decoded bytes rarely produce them
_COMMON = set("的一是在和发展建设推进实施加快重点能源绿色低碳等年市区县工作体系提升")


@dataclass(frozen=True, slots=True)
class Mention:
    """One facility mention found in the text."""

    name: str
    category: str
    start: int
    end: int
    clause_start: int
    clause_end: int


def read_plan_text(path: Path) -> str:
    """Read a plan as text: UTF-8 (with or without BOM) or GBK / GB18030.

    Raises
    ------
    ExtractError
        The file is missing, empty, binary, in neither encoding, or holds no Chinese text.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise ExtractError(f"{path}: cannot read ({err.strerror})") from err
    if not data.strip():
        raise ExtractError(f"{path}: the file is empty")
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
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\r\n\t")
    if controls > 0.01 * min(len(text), 20000):
        raise ExtractError(f"{path}: looks binary (control characters), not a plan text")
    cjk = _CJK.findall(text)
    if len(cjk) < 50:
        raise ExtractError(f"{path}: no Chinese plan text found")
    common = sum(1 for c in cjk if c in _COMMON)
    if common < 0.03 * len(cjk):
        raise ExtractError(f"{path}: the text does not read as Chinese (wrong encoding? UTF-16?); "
                           "save it as UTF-8 or GBK")
    return text


def body_start(text: str) -> int:
    """Where the plan proper starts: after a "全文如下"-style marker, else 0."""
    for marker in _BODY_MARKERS:
        at = text.find(marker)
        if at >= 0:
            return at + len(marker)
    return 0


def _is_noise_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return True
    if re.match(r"^(https?://|www\.)\S+$", stripped):
        return True
    if any(m in stripped for m in lx.CHROME_MARKERS):
        return True
    if ">" in stripped and "首页" in stripped:
        return True
    return len(_CJK.findall(stripped)) < 3


#: longest clause the reader looks at; a longer run without 。；！？ or a line end is cut into pieces
MAX_CLAUSE = 1000
_CLAUSE_CUT = "，,、 \u3000"


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``[start, end)`` in pieces of at most :data:`MAX_CLAUSE` characters, each cut after the last
    comma, 、 or space of its second half (or at the limit when there is none)."""
    while end - start > MAX_CLAUSE:
        limit = start + MAX_CLAUSE
        cut = max(text.rfind(c, limit - MAX_CLAUSE // 2, limit) for c in _CLAUSE_CUT)
        cut = cut + 1 if cut >= 0 else limit
        yield start, cut
        start = cut
    yield start, end


def clauses(text: str, *, start: int = 0) -> Iterator[tuple[int, int]]:
    """``(start, end)`` spans of clauses: sentences cut at 。；！？ and line ends, noise lines skipped.

    A clause longer than :data:`MAX_CLAUSE` characters (no real plan has one: the longest of
    the five has 349) is cut into pieces, so that the work per clause stays bounded.
    """
    pos = start
    for m in _CLAUSE_END.finditer(text, start):
        end = m.end() if m.group() != "\n" else m.start()
        if end > pos:
            for a, b in _pieces(text, pos, end):
                if not _is_noise_line(text[a:b]):
                    yield a, b
        pos = m.end()
    if pos < len(text):
        for a, b in _pieces(text, pos, len(text)):
            if not _is_noise_line(text[a:b]):
                yield a, b


_GENERIC_WORDS: tuple[str, ...] = tuple(sorted((set(lx.GENERIC) | set(lx.HEAD_LIST)) - lx.WATER_HEADS, key=len,
                                               reverse=True))
_ENUMERATOR = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十]+[）)、.．]|[（(]?\d+[）).．、]|[0-9]+\s)\s*")
_RESPONSIBLE = re.compile(r"[（(][^（）()]{0,240}?(?:负责|牵头)[）)]")
_PHASE = re.compile(r"[一二三四五]期")
_PHASE_BRACKETED = re.compile(r"[（(][一二三四五]期[）)]|[一二三四五]期")
#: a phase and 项目/工程 after a head: "生物质热电联产二期项目"
_PHASE_AFTER_HEAD = re.compile(r"[一二三四五]期(?:项目|工程)?")


_GENERIC_SET = frozenset(_GENERIC_WORDS)
#: every facility head, longest first
_HEAD_RE = re.compile("|".join(re.escape(h) for h in lx.HEAD_LIST))




def _without_quantities(text: str) -> str:
    """``text`` with every capacity (number + unit) taken out."""
    kept, done = [], 0
    for q in quantities_from_text(text):
        kept.append(text[done:q.start])
        done = q.end
    return "".join(kept) + text[done:]


@lru_cache(maxsize=65536)
def _is_generic(qualifier: str) -> bool:
    """Whether words are only generic modifiers and heads (no proper name among them)."""
    rest = _without_quantities(re.sub(r"[“”\"'()（）·\-—\s]", "", qualifier))
    rest = re.sub(r"[\dA-Za-z.]+", "", rest)
    return not rest or words_only(rest, _GENERIC_SET)


_STRONG_VERBS = tuple(sorted((v for v in lx.VERBS if v not in lx.WEAK_VERBS and (len(v) > 1 or v == "的")),
                             key=len, reverse=True))
_ALL_VERBS = tuple(sorted(lx.VERBS, key=len, reverse=True))


@lru_cache(maxsize=65536)
def _first_word(text: str) -> str:
    """The first word of ``text`` by jieba's dictionary (no HMM guessing, no model download)."""
    return next(iter(_jieba().cut(text, HMM=False)), "")


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """jieba with its bundled dictionary loaded (once per process, about half a second), quietly."""
    with warnings.catch_warnings():  # jieba 0.42 has old-style escapes and imports that newer Pythons warn of
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _opens_with(name: str, verb: str) -> bool:
    """Whether ``name`` opens with the verb or particle ``verb`` — not with a word that starts with
    its character: 将 opens "将城北物流园…" but not 将军山风电场, 向 not 向阳湖, 和 not 和县."""
    if not name.startswith(verb):
        return False
    return len(verb) > 1 or _first_word(name) == verb


def _strip_openers(name: str, *, keep: int = 0) -> str:
    """Drop enumerators and clause-opening verbs and particles from the front of a name.

    Strong verbs (推进, 建设 ...) cut the name wherever they stand before its last ``keep``
    characters (the head); weak ones (发展, 改造 ...) only at the very front.
    """
    name = _ENUMERATOR.sub("", name)
    changed = True
    while changed and name:
        changed = False
        front = name[: len(name) - keep] if keep else name
        for verb in _ALL_VERBS:
            if _opens_with(front, verb) and len(name) - len(verb) >= 2:
                name = name[len(verb):]
                changed = True
                break
        if changed:
            continue
        for verb in _STRONG_VERBS:
            at = front.rfind(verb)
            if at >= 0 and len(name) - (at + len(verb)) >= 2:
                name = name[at + len(verb):]
                changed = True
                break
    while name and name[0] in "等和及与、" and (name[0] == "、" or _opens_with(name, name[0])):
        name = name[1:]
    return name


def _left_span(text: str, head_start: int, clause_start: int) -> int:
    """Where the words ending at ``head_start`` begin: names, list separators and 等, no punctuation.

    A short parenthesised designation inside a name is kept: 汾河流域(运城段)湿地系统.
    """
    i = head_start
    while i > clause_start and head_start - i < 2 * MAX_NAME:
        ch = text[i - 1]
        if ch in ")）":
            # only an opening within 9 characters can enclose a short designation (bounded search)
            low = max(clause_start, i - 10)
            opening = max(text.rfind("(", low, i - 1), text.rfind("（", low, i - 1))
            inside = text[opening + 1:i - 1] if opening >= 0 else ""
            if opening >= 0 and 0 < len(inside) <= 8 and not re.search(r"[，,。；;、：:]", inside):
                i = opening
                continue
            break
        if ch in _HARD_STOP or not (_NAME_CHAR.match(ch) or ch == "、"):
            break
        i -= 1
    return i


@lru_cache(maxsize=65536)
def _split_tail(name: str) -> tuple[str, str]:
    """Split a name into its proper part and its generic tail (heads and modifiers)."""
    for cut in range(len(name)):
        if _is_generic(name[cut:]):
            return name[:cut], name[cut:]
    return name, ""


def _ends_with_head(part: str) -> bool:
    """Whether a list member is a name of its own (a water word like 湖 does not count)."""
    return any(part.endswith(h) for h in lx.HEAD_LIST if h not in lx.WATER_HEADS) or \
        part.endswith(lx.COMPLETE_ENDINGS)


def _toponym(qualifier: str) -> bool:
    """A place name: a toponym morpheme (县, 湖, 江 ...) after at least two other characters."""
    if _ADMIN.search(qualifier) and not _is_generic(qualifier):
        return True
    core = [c for c in qualifier if _CJK.match(c)]
    plain = [c for c in core if c not in lx.TOPONYM_CHARS]
    return len(plain) >= 2 and len(plain) < len(core) and not _is_generic(qualifier)


def _water_name(proper: str, *, listed: bool = False) -> bool:
    """The proper part of a water body's name: two or more characters that are not generic
    (one is enough inside a list of water bodies: 盐湖、伍姓湖)."""
    core = re.sub(r"[^\u3400-\u9fff]", "", proper)
    plain = [c for c in core if c not in lx.TOPONYM_CHARS]
    return len(plain) >= (1 if listed else 2) and len(plain) == len(core) - (len(core) - len(plain)) and \
        not _is_generic(core) and "“" not in proper and not any(core.startswith(v) for v in _ALL_VERBS)


_CONJUNCTION = re.compile(r"以及|、|和|及|与")


def _items(list_part: str) -> list[str]:
    """The members of a list: split at 、 and at conjunctions that stand as words (和 in 和县 does not)."""
    parts: list[str] = []
    start = 0
    for m in _CONJUNCTION.finditer(list_part):
        if m.group() == "、" or _opens_with(list_part[m.start():], m.group()):
            parts.append(list_part[start:m.start()])
            start = m.end()
    parts.append(list_part[start:])
    parts = [p for p in parts if p]
    if len(parts) > 1 and all(p.endswith("型") for p in parts):
        return [list_part]  # "多式联运型和干支衔接型": kinds of one facility, not a list of names
    return parts


def _water_ok(text: str, head: str, h_end: int, water_clause: bool) -> bool:
    """Whether a water head names a water body; ``water_clause``: the clause is about water ecology."""
    if head not in lx.WATER_HEADS:
        return True
    if not water_clause:
        return False
    if head in ("段", "干流"):
        return True
    follow = text[h_end] if h_end < len(text) else "。"
    if any(text.startswith(h, h_end) for h in lx.HEAD_LIST if h not in lx.WATER_HEADS):
        return False  # 毛里湖 in 毛里湖国家湿地公园: the longer head names it
    return not _CJK.match(follow) or follow in lx.WATER_FOLLOW


_COUNT_TAIL = re.compile(r"^\d+\s*[个处座家条]")


def _drop_list_closer(words: str) -> str:
    """Words after 等 without a closing place word: "地光伏发电项目" → "光伏发电项目"."""
    for closer in lx.LIST_CLOSERS:
        if words.startswith(closer) and not any(words.startswith(h) for h in lx.HEAD_LIST):
            return words[len(closer):]
    return words


def _shared_tail(tail: str) -> str:
    """A head shared by a list, without the modifiers that describe the list rather than each
    member: "现有大型水电站" after "柘溪等" → "水电站"."""
    changed = True
    while changed:
        changed = False
        for word in lx.SHARED_ONLY:
            if tail.startswith(word) and len(tail) > len(word):
                tail, changed = tail[len(word):], True
    return tail
_DESIGNATION = re.compile(r"[（(][A-Z][型类][）)]")
_COMPLETE_WATER = ("段", "干流")
_OWNER_ENDINGS = ("厂", "公司", "集团")


def _span_mentions(text: str, span_start: int, h_end: int, head: str, c_start: int, c_end: int) -> list[Mention]:
    """The mentions a head closes: its own name, or one per item of the list before it.

    "A、B和C等220千伏变电站" gives A, B and C, each with the shared tail "220千伏变电站";
    "攸县酒埠江、茶陵东阳湖、醴陵官庄湖国家湿地公园" shares "国家湿地公园"; a member that has
    a head of its own ("津市港三期危化码头、临港物流园") ends the list that this head closes.
    """
    span = _strip_openers(text[span_start:h_end], keep=len(head))
    span_start = h_end - len(span)
    body = span[: len(span) - len(head)]
    if head in lx.WATER_HEADS:
        name = span.split("、")[-1].split("等")[-1]
        name = _strip_openers(re.split(r"和|及|与", name)[-1]) if len(name) > len(head) else name
        proper = name[: len(name) - len(head)]
        if head == "段" and not re.search(r"[河江渠]", proper):
            return []
        listed = text[h_end:h_end + 1] == "、" or text[h_end - len(name) - 1:h_end - len(name)] == "、"
        if not _water_name(proper, listed=listed):
            return []
        return [Mention(name, "wetland", h_end - len(name), h_end, c_start, c_end)]
    after_deng = _drop_list_closer(body[body.rfind("等") + 1:]) if "等" in body else ""
    if "等" in body and (not after_deng or _is_generic(after_deng) or _COUNT_TAIL.match(after_deng)):
        cut = body.rfind("等")
        list_part, tail = span[:cut], _shared_tail(_drop_list_closer(span[cut + 1:]))
        if _COUNT_TAIL.match(tail):  # "白荡漾等7个湿地": the members are whole names
            tail = ""
    else:
        parts = span.split("、")
        proper, tail = _split_tail(parts[-1])
        if not tail.endswith(head):
            proper, tail = parts[-1][: -len(head)], head
        if not proper.strip("和及与以"):
            return []  # "服务区、客运枢纽、物流园区": separate nouns, no shared head
        list_part = "、".join([*parts[:-1], proper])
    items: list[str] = []
    for raw in reversed(_items(list_part)):
        owner = not items and raw.endswith(_OWNER_ENDINGS) and not any(raw.endswith(h) for h in lx.HEAD_LIST)
        if not owner and (_ends_with_head(raw) or raw.endswith(_COMPLETE_WATER)):
            break  # earlier members belong to an earlier head; a company right before the head owns
            # the project ("安化乳酸厂 生物质热电联产二期项目"), though 厂 ends a name of its own
        items.insert(0, raw)
    if len(items) > 1 and "等" not in body and (_is_generic(items[-1]) or not items[-1]):
        items = items[-1:]  # "矿区、工业企业和物流园区": no shared head when the last member is no name
    out: list[Mention] = []
    cursor = span_start
    leading = next((q for q in quantities_from_text(tail) if q.start == 0), None)
    bare_tail = tail[leading.end:] if leading else tail
    for raw in items:
        at = text.find(raw, cursor, h_end)
        cursor = at + len(raw) if at >= 0 else cursor
        item = _strip_openers(raw)
        if not item or _is_generic(item) or not _specific_enough(item, head):
            continue
        if head in lx.BARE_HEADS and not _toponym(item):
            continue
        if head in lx.GRID_ONLY_HEADS and not any(w in item for w in lx.GRID_WORDS):
            continue
        if "并" in item:
            continue  # a verb phrase ("建设合并开发并形成"), not a name
        # "兴隆140万千瓦、宽城100万千瓦抽水蓄能项目": a member with its own capacity keeps it
        name = item + (bare_tail if quantities_from_text(item) else tail)
        out.append(Mention(name, _category(name, head), max(at, span_start), h_end, c_start, c_end))
    if not out and not items and re.search(r"(和|及|与)$", list_part) and quantities_from_text(tail):
        # "津市市10kV及以下配电网改造和110kV电网扩容": the generic last member borrows the place
        place = _ADMIN.match(span)
        if place:
            name = place.group(0) + tail
            out.append(Mention(name, _category(name, head), span_start, h_end, c_start, c_end))
    return out


_ADMIN_SUFFIXES = ("自治县", "县", "区", "市", "旗")
_ADMIN_SEPARATORS = "、和及"
#: what follows a list of counties: "等区域", a few words, the sector ("攸县、茶陵县等区域探索分散式风电")
_ADMIN_TAIL = re.compile(r"(?:等(?:区域|地区|县市区|县区)?)?[^，,。；;、]{0,16}?"
                         r"((?:集中式|分散式|分布式)?(?:陆上)?(?:风电|光伏)|地热能?)")
#: where a list of counties may start: a county name and a separator
_ADMIN_LIST_START = re.compile(r"(?=[\u3400-\u9fff]{1,5}?(?:自治县|县|区|市|旗)[、和及])")


@dataclass(frozen=True, slots=True)
class _AdminList:
    start: int
    list_end: int
    head: str
    end: int


def _admin_lists(text: str, c_start: int, c_end: int) -> Iterator[_AdminList]:
    """Lists of two or more county names before a sector word, in ``text[c_start:c_end]``.

    The matches, groups and order of the regular expression
    ``((?:N{1,5}?S[、和及])+N{1,5}?S)`` + :data:`_ADMIN_TAIL` (N a CJK character, S a county
    suffix) under ``finditer``, found in linear time: that expression backtracks through every
    way of cutting a long list into names (和 and 及 are CJK characters too) and takes
    exponential time on a list that no sector word follows. Here the outcome of the search
    from each position is computed once and remembered.
    """
    def names_at(q: int) -> list[int]:
        """Ends of the county names starting at ``q``, in the order the expression tries them."""
        ends = []
        for n in range(1, 6):
            if q + n > c_end or not _CJK.match(text, q + n - 1):
                break
            ends += [q + n + len(sfx) for sfx in _ADMIN_SUFFIXES if text.startswith(sfx, q + n, c_end)]
        return ends

    def separated(q: int) -> list[int]:
        return [e + 1 for e in names_at(q) if e < c_end and text[e] in _ADMIN_SEPARATORS]

    memo: dict[int, tuple[int, re.Match[str]] | None] = {}

    def rest(q0: int) -> tuple[int, re.Match[str]] | None:
        """After one or more "name + separator": more of them (greedy), else a last name and the tail."""
        stack = [q0]
        while stack:
            q = stack[-1]
            if q in memo:
                stack.pop()
                continue
            nexts = separated(q)
            pending = [r for r in nexts if r not in memo]
            if pending:
                stack += pending
                continue
            found = next((memo[r] for r in nexts if memo[r] is not None), None)
            if found is None:
                for e in names_at(q):
                    tail = _ADMIN_TAIL.match(text, e, c_end)
                    if tail:
                        found = (e, tail)
                        break
            memo[q] = found
            stack.pop()
        return memo[q0]

    pos = c_start
    while True:
        start = _ADMIN_LIST_START.search(text, pos, c_end)
        if start is None:
            return
        p = start.start()
        found = next((r for r in map(rest, separated(p)) if r is not None), None)
        if found is None:
            pos = p + 1
            continue
        list_end, tail = found
        yield _AdminList(p, list_end, tail.group(1), tail.end())
        pos = tail.end()


_CENTRED = re.compile(r"以([^，,。；;以、]{2,20}?)为(?:主|重点|核心)的(湿地系统|湿地|流域)")
_APPOSITION = re.compile(
    r"(?:省|国家)?(?:级)?重要(沼泽湿地|湿地公园|湿地)([\u3400-\u9fff]{2,6}?)(?=为|、|和|等|，|,|。)")


def _wetland_constructions(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Two ways plans name wetlands after a designation: "以汾河流域(运城段)为主的湿地系统"
    and the apposition "省重要沼泽湿地茶陵湖里"."""
    out = []
    for m in _CENTRED.finditer(text, c_start, c_end):
        name = m.group(1) + m.group(2)
        out.append(Mention(name, "wetland", m.start(1), m.end(), c_start, c_end))
    for m in _APPOSITION.finditer(text, c_start, c_end):
        name = m.group(2) + m.group(1)
        out.append(Mention(name, "wetland", m.start(), m.end(), c_start, c_end))
    return out


def _admin_scoped(text: str, c_start: int, c_end: int) -> list[Mention]:
    """County-scoped sector entries: "在攸县、茶陵县、炎陵县等区域探索分散式风电" → one per county
    (wind, solar, geothermal)."""
    out = []
    for m in _admin_lists(text, c_start, c_end):
        head = m.head
        category = "wind" if "风电" in head else "geothermal" if "地热" in head else "solar"
        # the first member may start before the match: "利用好运城市区和新绛县、…" → 运城市区
        # (within 2 × MAX_NAME characters, like every name)
        seg_start = max((text.rfind(c, c_start, m.start) + 1 for c in "，,。；;：:"), default=c_start)
        pos = max(seg_start, c_start, m.start - 2 * MAX_NAME)
        members = re.split(r"、|和|及", text[pos:m.list_end])
        for i, raw in enumerate(members):
            admin = _strip_openers(raw) if len(raw) > 3 or i == 0 else raw
            if admin and _ADMIN.fullmatch(admin):
                out.append(Mention(admin + head, category, pos + len(raw) - len(admin), pos + len(raw), c_start,
                                   c_end))
            pos += len(raw) + 1
    return out


def _programmes(text: str, c_start: int, c_end: int, skip: Spans) -> list[Mention]:
    """Demonstration programmes named by their sector: "城市绿色货运配送示范工程", "市级能源互联网试点"."""
    out = []
    for m in _PROGRAMME_HEAD_RE.finditer(text, c_start, c_end):
        if skip.covers(m.start()):
            continue
        if any(text.startswith(h, m.end()) for h in lx.PROGRAMME_HEADS):
            continue  # "综合试点示范项目": the longer programme name ends later
        span_start = _left_span(text, m.start(), c_start)
        span = _strip_openers(text[span_start:m.end()])
        if "等" in span:
            cut = span.rfind("等")
            span = span[:cut] + span[cut + 1:]
        span = span.split("、")[-1]
        qualifier = span[: len(span) - len(m.group())]
        category = next((cat for key, cat in lx.SECTOR_KEYWORDS if key in qualifier), None)
        if category is None or qualifier.startswith("全国") or qualifier.endswith("项目"):
            continue
        if _is_generic(qualifier) and len(qualifier) < 6:
            continue  # a short generic qualifier names no programme ("微电网示范项目")
        start = text.rfind(span[:4], c_start, m.end())
        out.append(Mention(span, category, max(start, c_start), m.end(), c_start, c_end))
    return out


_PROGRAMME_HEAD_RE = re.compile("|".join(re.escape(h) for h in lx.PROGRAMME_HEADS))


def mentions(text: str, *, start: int = 0) -> list[Mention]:
    """Every specific facility mention of the text, lists expanded, in order of appearance."""
    found: list[Mention] = []
    skip = Spans([(m.start(), m.end()) for m in _RESPONSIBLE.finditer(text)])
    for c_start, c_end in clauses(text, start=start):
        clause = text[c_start:c_end]
        water_clause = any(word in clause for word in lx.WATER_CONTEXT)
        for m in _HEAD_RE.finditer(clause):
            h_start, h_end = c_start + m.start(), c_start + m.end()
            if skip.covers(h_start):
                continue
            if not _water_ok(text, m.group(), h_end, water_clause):
                continue
            if m.group() not in lx.WATER_HEADS and any(
                    text.startswith(h, h_end) for h in lx.HEAD_LIST if h not in lx.WATER_HEADS):
                continue  # 风电 in 风电光伏项目, 港区 in 港区锚地: the next head ends the name
            span_start = max(_left_span(text, h_start, c_start), skip.last_end(h_start, default=c_start))
            got = _span_mentions(text, span_start, h_end, m.group(), c_start, c_end)
            phase = _PHASE_AFTER_HEAD.match(text, h_end)
            if phase and len(got) == 1 and got[0].end == h_end:
                # "安化某厂生物质热电联产二期项目": the phase and 项目 after the head are part of the name
                got = [replace(got[0], name=got[0].name + phase.group(), end=phase.end())]
            designation = _DESIGNATION.match(text, h_end)
            if designation and not got:
                # "保税物流中心(B型)": a typed facility is specific even without a proper name
                name = text[h_end - len(m.group()):designation.end()]
                got = [Mention(name, _category(name, m.group()), h_end - len(m.group()), designation.end(),
                               c_start, c_end)]
            found.extend(got)
        found.extend(_quoted_programmes(text, c_start, c_end))
        found.extend(_parenthesised_members(text, c_start, c_end))
        found.extend(_programme_headings(text, c_start, c_end))
        found.extend(_admin_scoped(text, c_start, c_end))
        found.extend(_wetland_constructions(text, c_start, c_end))
        found.extend(_programmes(text, c_start, c_end, skip))
    return _dedupe(found)


def _specific_enough(proper: str, head: str) -> bool:
    core = re.sub(r"[^\u3400-\u9fffA-Za-z0-9]", "", proper)
    if head in lx.WATER_HEADS:
        # a water body needs a proper name of its own (伍姓湖, 姚暹渠), not a stray character
        return len(_CJK.findall(core)) >= 2
    return len(core) >= 2


_HEADING_END = re.compile(r"(工程|项目|示范|试点|计划)[。.]?\s*$")


def _programme_headings(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Numbered headings of a project list that name a programme: "5. 风力发电挖潜工程。"."""
    clause = text[c_start:c_end]
    line_start = c_start == 0 or text[c_start - 1] == "\n"
    numbered = bool(_ENUMERATOR.match(clause))
    if not (numbered or line_start) or len(clause) > (40 if numbered else 20) or not _HEADING_END.search(clause):
        return []
    if not numbered and any(clause.startswith(v) for v in _ALL_VERBS):
        return []  # a sentence that opens with a verb is no heading
    name = _ENUMERATOR.sub("", clause).strip().rstrip("。.")
    head = next((h for h in lx.HEAD_LIST if h in name), None)
    keyword = next((cat for key, cat in lx.SECTOR_KEYWORDS if key in name), None)
    if head is None and keyword is None:
        return []
    category = _category(name, head) if head else str(keyword)
    start = text.find(name, c_start, c_end)
    return [Mention(name, category, start, start + len(name), c_start, c_end)]


def _category(name: str, head: str) -> str:
    category = lx.HEADS[head]
    if category == "coal_power" and re.search(r"生物质|垃圾|秸秆|农林废弃物|沼气", name):
        return "biomass_waste"
    if re.search(r"港[一二三四五]期", name):
        return "port_waterway"
    if category in ("industrial_park", "other", "transport") and "物流" in name:
        return "logistics"
    if "湿地" in name and category not in ("logistics", "transport"):
        return "wetland"
    return category


_PROGRAMME = re.compile(r"“([^”]{2,16}?(?:计划|工程|行动)?)”(计划|工程|行动|试点|示范项目|结构)?")
_PROGRAMME_KEYS = (*lx.SECTOR_KEYWORDS, ("环网", "substation"), ("造林", "forest_ecology"),
                   ("森林", "forest_ecology"), ("绿化", "forest_ecology"))


def _quoted_programmes(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Named programmes written in quotes: 实施“千乡万村驭风计划” → a programme row."""
    out = []
    for m in _PROGRAMME.finditer(text, c_start, c_end):
        inner, word = m.group(1), m.group(2)
        if not (word or inner.endswith(("计划", "工程", "行动"))):
            continue
        category = next((cat for key, cat in _PROGRAMME_KEYS if key in inner), None)
        if category is None:
            continue
        start, end = m.start(), (m.end(1) + 1 if word in (None, "结构") else m.end())
        prefix_start = _left_span(text, start, c_start)
        prefix = _strip_openers(text[prefix_start:start])
        if prefix and _specific_enough(prefix, "") and prefix.endswith(("网", "电网")):
            start -= len(prefix)
        out.append(Mention(text[start:end], category, start, end, c_start, c_end))
    return out


_MEMBERS = re.compile(r"“[^”]{2,12}”[（(]([^）)]{4,80})[）)]")


def _parenthesised_members(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Members listed in parentheses after a quoted structure: “一区三园”(A、B、C)."""
    out = []
    for m in _MEMBERS.finditer(text, c_start, c_end):
        pos = m.start(1)
        for part in re.split(r"[、，,]", m.group(1)):
            h = _HEAD_RE.search(part)
            if h and h.end() == len(part) and len(part) >= 3:
                out.append(Mention(part, _category(part, h.group()), pos, pos + len(part), c_start, c_end))
            pos += len(part) + 1
    return out


def _normal(name: str) -> str:
    """Name without capacities, brackets and spaces: for de-duplication and matching."""
    return re.sub(r"[\s“”\"'（）()·]", "", _without_quantities(name))


def _dedupe(found: list[Mention]) -> list[Mention]:
    """One entity, one candidate: keep the first mention of each normalised name."""
    out: dict[tuple[str, str, str], Mention] = {}
    places = _Places()
    for mention in found:
        if any(spam in mention.name for spam in lx.SPAM):
            continue
        name = mention.name
        if name.count("“") != name.count("”") or name.count("(") + name.count("（") != \
                name.count(")") + name.count("）"):
            continue  # a cut quoted title or bracket, not a name
        if re.search(r"[-:：]", name) or "等" in name:
            continue
        key = _normal(name)
        if len(key) < 3:
            continue
        proper, head = _entity_key(key)
        phase = _PHASE.search(name)
        if mention.category not in _HEAD_MATTERS:
            head = ""  # 凤凰湖 and 凤凰湖湿地 are one wetland, 垣曲县光伏 and 垣曲县光伏发电项目 one project
        if phase:
            head += phase.group(0)
        if not phase and places.same_place(mention.category, proper):
            continue
        out.setdefault((mention.category, proper, head), mention)
        places.add(mention.category, proper)
    return sorted(out.values(), key=lambda m: (m.start, m.end))


#: categories where the head tells two projects of one place apart (变电站 vs 送出工程)
_HEAD_MATTERS = {"substation", "transport", "port_waterway", "industrial_park"}


_PLACE_PREFIX = re.compile(r"[\u3400-\u9fff]{1,5}(?:县|市|区|旗)")


def _place_cuts(name: str) -> list[str]:
    """``name`` without a county or city in front, each way (攸县广寒坪 → 广寒坪), at least two characters."""
    return [name[k:] for k in range(2, min(7, len(name) - 1)) if _PLACE_PREFIX.fullmatch(name, 0, k)]


class _Places:
    """The proper names kept per category, to ask whether a new one names a kept place:
    广寒坪 and 攸县广寒坪 are one place, one name being the other with a county or city in front.
    Each question costs a few set look-ups, not a pass over every kept name."""

    def __init__(self) -> None:
        self.names: dict[str, set[str]] = {}
        self.cuts: dict[str, set[str]] = {}

    def add(self, category: str, name: str) -> None:
        """Keep ``name`` of ``category``."""
        self.names.setdefault(category, set()).add(name)
        self.cuts.setdefault(category, set()).update(_place_cuts(name))

    def same_place(self, category: str, name: str) -> bool:
        """Whether a kept name of ``category`` is ``name`` with or without a county in front."""
        names = self.names.get(category, set())
        return (len(name) >= 2 and name in self.cuts.get(category, set())) or \
            any(cut in names for cut in _place_cuts(name))


def _entity_key(normal: str) -> tuple[str, str]:
    """``(proper part, final head)`` of a name: the same entity written with or without its
    capacity or generic words gets the same key."""
    head = next((h for h in lx.HEAD_LIST if normal.endswith(h)), "")
    proper, _ = _split_tail(normal)
    for h in lx.HEAD_LIST:
        if proper.endswith(h) and len(proper) > len(h):
            proper = proper[: -len(h)]
            break
    return (proper if len(proper) >= 2 else normal), head


_SOFT_PREV = re.compile(r"[\u3400-\u9fffA-Za-z0-9、，,“”（）()]")
_SOFT_NEXT = re.compile(r"[\u3400-\u9fffA-Za-z0-9、，,”）)]")


def soft_joined(text: str) -> tuple[str, list[int]]:
    """Undo PDF line wrapping: drop line breaks inside a sentence.

    A break is soft when the line is long (≥ 15 characters), does not end a sentence and
    the next line does not open a heading. Returns the joined text and, for each of its
    characters, the index of that character in ``text`` (quotes are cut from ``text``).
    """
    out: list[str] = []
    index: list[int] = []
    line_len = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            nxt = text[i + 1:i + 2]
            prev = text[i - 1:i]
            if line_len >= 15 and prev and _SOFT_PREV.match(prev) and nxt and _SOFT_NEXT.match(nxt) and \
                    not _ENUMERATOR.match(text[i + 1:i + 8]):
                line_len = 0
                continue
            line_len = 0
        else:
            line_len += 1
        out.append(ch)
        index.append(i)
    return "".join(out), index


_YEARS = re.compile(r"(“?十[三四五六]五”?(?:期间|时期)?|(?:到|至|力争|(?<!\s))\s*+(?:19|20)\d{2}\s*+年(?:底|前)?)")


class _Clauses:
    """What the candidates of one text share: quotes, statuses and timelines are worked out once
    per line, segment or clause and remembered, not once per mention (a clause may hold hundreds)."""

    def __init__(self, text: str, joined: str, index: list[int]) -> None:
        self.text, self.joined, self.index = text, joined, index
        self.newlines = Marks(text, "\n")
        self.commas = Marks(joined, "，,：:")
        self.quotes: dict[tuple[int, int], tuple[str, int]] = {}
        self.statuses: dict[tuple[int, int], tuple[str | None, bool, bool]] = {}
        self.timelines: dict[tuple[int, int], tuple[str, Interval | None]] = {}

    def quote(self, mention: Mention) -> tuple[str, int]:
        """The verbatim clause of ``text`` around a mention found in the joined text (one line of it),
        and its offset."""
        text, index = self.text, self.index
        start, end = index[mention.clause_start], index[mention.clause_end - 1] + 1
        anchor = index[min(mention.start, len(index) - 1)]
        line_start = self.newlines.last(start, anchor) + 1 or start
        line_end = self.newlines.first(anchor, end)
        key = (max(start, line_start), end if line_end < 0 else line_end)
        if key not in self.quotes:
            quote = text[key[0]:key[1]].strip()
            self.quotes[key] = quote, text.find(quote, key[0])
        return self.quotes[key]

    def _segment(self, mention: Mention) -> tuple[int, int]:
        """The comma-delimited part of the mention's clause that holds it."""
        cut = self.commas.last(mention.clause_start, mention.start)
        end = self.commas.first(mention.end, mention.clause_end)
        return cut + 1 if cut >= 0 else mention.clause_start, end if end >= 0 else mention.clause_end

    def _verbatim(self, start: int, length: int) -> bool:
        """Whether ``joined[start:start + length]`` is text of the plan too: no line break that
        :func:`soft_joined` dropped lies inside it ("到2025\\n年底" reads as 到2025年底 but is not)."""
        return length == 0 or self.index[start + length - 1] - self.index[start] == length - 1

    def _status_word(self, start: int, end: int, *, enumerated: bool) -> tuple[str | None, bool, bool]:
        """The first status word in ``joined[start:end]`` (after an enumerator), whether it is
        verbatim plan text, and whether the part opens with a verb of its own."""
        part = self.joined[start:end]
        if enumerated:
            trimmed = _ENUMERATOR.sub("", part)
            start, part = start + len(part) - len(trimmed), trimmed
        word = next((w for w in lx.STATUS_LIST if w in part), None)
        verbatim = word is not None and self._verbatim(start + part.find(word), len(word))
        return word, verbatim, part.startswith(_ALL_VERBS)

    def status(self, mention: Mention) -> tuple[str, str]:
        """Status of a mention, and the words that state it (empty unless verbatim plan text).

        The words of its own comma-delimited segment first ("重点推进A建设, 加快推进B项目前期": A
        is announced, B pre-construction), then those of the whole clause. A word that names a
        stage (前期, 在建, 投运) outranks a verb of action (加快推进). A segment that opens with a
        verb of its own ("加大柘溪等水电站扩机力度") does not borrow the clause's words."""
        seg = self._segment(mention)
        if seg not in self.statuses:
            self.statuses[seg] = self._status_word(*seg, enumerated=True)
        word, verbatim, own_verb = self.statuses[seg]
        if word is None and not own_verb:
            clause = (mention.clause_start, mention.clause_end + len(self.joined) + 1)  # a key of its own
            if clause not in self.statuses:
                self.statuses[clause] = self._status_word(mention.clause_start, mention.clause_end,
                                                          enumerated=False)
            word, verbatim, _ = self.statuses[clause]
        if word is None:
            return Status.ANNOUNCED.value, ""
        return lx.STATUS_WORDS[word], word if verbatim else ""

    def timeline(self, mention: Mention) -> tuple[str, Interval | None]:
        """The first year or plan period of the mention's clause, as text and as an interval;
        ``("", None)`` when the clause states none or its words are no verbatim plan text."""
        key = (mention.clause_start, mention.clause_end)
        if key not in self.timelines:
            clause = self.joined[key[0]:key[1]]
            timeline, interval = "", interval_from_text(clause)
            if interval is not None:
                years = _YEARS.search(clause)
                if years and self._verbatim(key[0] + years.start(), len(years.group(0))):
                    timeline = years.group(0)
                interval = interval_from_text(timeline) if timeline else None
            self.timelines[key] = timeline, interval
        return self.timelines[key]


_CAPACITY_CUE = re.compile(r"(?:总装机|装机容量|装机规模|装机|规模|容量)(?:容量)?(?:约|达|达到|为|共|合计)?")


def _capacity_after(text: str, mention: Mention, next_start: int) -> str:
    """A power or storage capacity stated after the name in the same clause, before the next
    mention: "完成某县光伏发电项目建设,总装机33.2万千瓦" → "33.2万千瓦"."""
    end = min(mention.clause_end, next_start)
    for cue in _CAPACITY_CUE.finditer(text, mention.end, end):
        # no quantity is longer than MAX_QUANTITY_CHARS: reading further would only cost time
        q = leading_quantity(text[cue.end():min(end, cue.end() + MAX_QUANTITY_CHARS + 7)])
        if q is not None and q.dimension in ("power", "energy"):
            return q.text
    return ""


def _is_programme(name: str) -> bool:
    """A named programme (计划, 行动, 试点, 示范…, a 工程 that is no facility type) rather than one
    facility: 输变电工程, 送出工程, 疏浚工程 are facilities."""
    if re.search(r"计划|行动|试点|示范$|示范工程$", name):
        return True
    return name.endswith("工程") and not any(name.endswith(h) for h in lx.HEAD_LIST)


def candidates_from_text(text: str, region: str) -> list[Project]:
    """Catalogue-format candidates of one plan text.

    Parameters
    ----------
    text : str
        The plan, as read by :func:`read_plan_text` (never modified: quotes index it).
    region : str
        Plan / region code written into the rows (upper-case letters).
    """
    if not re.fullmatch(r"[A-Z]+", region):
        raise ExtractError(f"region code {region!r} must be upper-case letters, e.g. ZHUZHOU")
    out: list[Project] = []
    groups: dict[str, str] = {}
    joined, index = soft_joined(text)
    found = mentions(joined, start=body_start(joined))
    facts = _Clauses(text, joined, index)
    starts: dict[int, list[int]] = {}  # clause start -> starts of its mentions, sorted
    for o in found:
        starts.setdefault(o.clause_start, []).append(o.start)
    for clause_starts in starts.values():
        clause_starts.sort()
    for i, m in enumerate(found, start=1):
        quote, offset = facts.quote(m)
        phase_match = _PHASE.search(m.name)
        phase = phase_match.group(0) if phase_match else ""
        name = _PHASE_BRACKETED.sub("", m.name, count=1) if phase else m.name
        group = groups.setdefault(name, f"{region}-G{len(groups) + 1:02d}") if phase else ""
        capacity = next((q.text for q in quantities_from_text(m.name)), "")
        if not capacity:
            clause_starts = starts[m.clause_start]
            at = bisect_left(clause_starts, m.end)
            capacity = _capacity_after(joined, m, clause_starts[at] if at < len(clause_starts) else m.clause_end)
        if capacity not in quote:
            capacity = ""  # the capacity must be verbatim text of the quoted line (a wrapped line joins words)
        normalised = capacity_from_text(capacity)
        timeline, interval = facts.timeline(m)
        status, status_text = facts.status(m)
        place = next((a.group(0) for a in _ADMIN.finditer(m.name)), "")
        out.append(Project(
            id=f"{region}-{i:03d}", region=region, name_zh=name, category=Category(m.category),
            phase=phase, project_group=group,
            is_programme=_is_programme(m.name),
            status=Status(status), action=Action.NEW, plan=region, quote=quote, quote_offset=offset,
            capacity_text=capacity, status_text=status_text,
            year_start=interval.start if interval else None, year_end=interval.end if interval else None,
            timeline_text=timeline if interval else "", place_text=place if place and place in quote else "",
            **cast("dict[str, Any]", dict(normalised.items())),
            notes="candidate from the plan reader; review before merging",
        ))
    log.info("plan reader: %d candidates for %s from %d characters", len(out), region, len(text))
    return out


def candidates_to_csv(candidates: list[Project], path: Path, *, projects_dir: Path | None = None) -> None:
    """Write candidates in the catalogue's format, atomically, never over the curated catalogue.

    Raises
    ------
    ExtractError
        ``path`` is inside the curated catalogue folder or is a directory.
    """
    path = Path(path)
    if path.is_dir():
        raise ExtractError(f"{path} is a directory; give a file name such as {path / 'candidates.csv'}")
    if projects_dir is not None and path.resolve().parent == Path(projects_dir).resolve():
        raise ExtractError(f"{path} is in the curated catalogue folder; write candidates elsewhere and merge by hand")
    catalog_to_csv(candidates, path)
