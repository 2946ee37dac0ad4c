"""Facility mentions in a plan's clauses: a head of the lexicon and the name before it, lists expanded.

Structural rules that Chinese plans share — enumerations before a common head
("新马、醴陵东和攸县南等220千伏变电站" is three substations), county lists before a sector
word, quoted programme names, parenthesised member lists, designations of wetlands — each
give :class:`Mention` records; :func:`mentions` runs them over every clause and keeps one
mention per entity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from geo._text import Spans
from geo.quantities import quantities_from_text

from . import lexicon as lx
from .clauses import CJK, ENUMERATOR, clauses
from .names import (
    ADMIN,
    ALL_VERBS,
    GENERIC_SET,
    HEAD_RE,
    PHASE,
    PROPER_TAGS,
    category_of,
    drop_list_closer,
    ends_with_head,
    entity_key,
    first_word,
    is_generic,
    is_toponym,
    is_water_name,
    list_items,
    load_jieba,
    normal_name,
    opens_with_place,
    opens_with_proper,
    shared_tail,
    specific_enough,
    split_tail,
    strip_openers,
    word_tags,
    works_category,
)

_HARD_STOP = set("，,。；;：:！!？?\n\t（）()【】[]《》")  # a name never spans these (but see _left_span)
_NAME_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z0-9.·\-－—“”\"×()（）]")


MAX_NAME = 36


@dataclass(frozen=True, slots=True)
class Mention:
    """One facility mention found in the text."""

    name: str
    category: str
    start: int
    end: int
    clause_start: int
    clause_end: int
    capacity: str = ""  #: a figure the mention's context states for it (a table row's cell), verbatim
    status: str = ""  #: a status its context states outside its clause (a table's section heading)
    timeline: str = ""  #: a time its context states outside its clause (a table's merged year cell), verbatim



_RESPONSIBLE = re.compile(r"[（(][^（）()]{0,240}?(?:负责|牵头)[）)]")


_PHASE_AFTER_HEAD = re.compile(r"[一二三四五]期(?:项目|工程)?")


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



_SINGLE_WATER = tuple(h for h in lx.WATER_HEADS if len(h) == 1)
_NEXT_ITEM = re.compile(r"、([\u3400-\u9fff]{2,6}?)(?=[、，,。；;等和及]|以及)")


def _in_water_list(text: str, h_end: int, c_start: int) -> bool:
    """Whether the water word ending at ``h_end`` ends a member of a list whose next or previous
    member ends with a water word too ("甲湖、乙湖、丙湖等"): a list of water bodies needs no
    words of water ecology around it."""
    after = _NEXT_ITEM.match(text, h_end)
    if after and after.group(1).endswith(_SINGLE_WATER):
        return True
    sep = text.rfind("、", max(c_start, h_end - 8), h_end)
    if sep < 0:
        return False
    before = text.rfind("、", max(c_start, sep - 7), sep)
    previous = text[before + 1:sep] if before >= 0 else text[max(c_start, sep - 4):sep]
    return previous.endswith(_SINGLE_WATER) and len(previous) >= 2


def _water_ok(text: str, head: str, h_end: int, water_clause: bool, c_start: int = 0) -> bool:
    """Whether a water head names a water body; ``water_clause``: the clause is about water ecology
    (or the head is in a list of water bodies)."""
    if head not in lx.WATER_HEADS:
        return True
    if not water_clause and not (len(head) == 1 and _in_water_list(text, h_end, c_start)):
        return False
    if head in ("段", "干流"):
        return True
    follow = text[h_end] if h_end < len(text) else "。"
    if text.startswith("以及", h_end):
        return True
    if text.startswith(lx.LAND_HEADS, h_end):
        return False  # 毛里湖 in 毛里湖国家湿地公园: the longer head names it
    return not CJK.match(follow) or follow in lx.WATER_FOLLOW


_COUNT_TAIL = re.compile(r"^\d+\s*[个处座家条]")
_STAGE_END = re.compile(r"(?<=[\u3400-\u9fff]{2})(?:在建|已建|拟建|待建|续建)$")
_COUNT_WORD = re.compile(r"[\d一二三四五六七八九十两]+个|一批")


_DESIGNATION = re.compile(r"[（(][A-Z][型类][）)]")
_COMPLETE_WATER = ("段", "干流")
_OWNER_ENDINGS = ("厂", "公司", "集团")


def _counties_kind(items: list[str]) -> str:
    """The kind that counties listed before a head share: "甲县、乙县合成氨生产企业" → 合成氨 (every
    member but the last a county, the last a county and words that are no generic ones)."""
    if len(items) < 2 or not all(ADMIN.fullmatch(strip_openers(raw)) for raw in items[:-1]):
        return ""
    lead = ADMIN.match(items[-1])
    rest = items[-1][lead.end():] if lead else ""
    return rest if rest and not is_generic(rest) and CJK.match(rest) and len(rest) <= 8 else ""


def _same_head_list(text: str, h_end: int, head: str, c_start: int) -> bool:
    """Whether the name ending at ``h_end`` with a sector head is a member of a list of names that
    each end with that head ("与甲乙高速、丙丁高速形成", "甲铁路、乙铁路、丙铁路"): such a list names
    lines (two places' abbreviations: 甲乙), not the sector; each member two to four characters
    before the head."""
    member = rf"[\u3400-\u9fff]{{2,4}}{re.escape(head)}"
    after = re.match(rf"、{member}", text[h_end:h_end + 6 + len(head)])
    before = re.search(rf"{member}、[\u3400-\u9fff]{{2,4}}$",
                       text[max(c_start, h_end - 2 * len(head) - 10):h_end - len(head)])
    return after is not None or before is not None


def _span_mentions(text: str, span_start: int, h_end: int, head: str, c_start: int, c_end: int) -> list[Mention]:
    """The mentions a head closes: its own name, or one per item of the list before it.

    "A、B和C等220千伏变电站" gives A, B and C, each with the shared tail "220千伏变电站";
    "攸县酒埠江、茶陵东阳湖、醴陵官庄湖国家湿地公园" shares "国家湿地公园"; a member that has
    a head of its own ("津市港三期危化码头、临港物流园") ends the list that this head closes.
    """
    span = strip_openers(text[span_start:h_end], keep=len(head))
    span_start = h_end - len(span)
    body = span[: len(span) - len(head)]
    if head in lx.WATER_HEADS:
        name = span.split("、")[-1].split("等")[-1]
        name = strip_openers(re.split(r"和|及|与", name)[-1]) if len(name) > len(head) else name
        proper = name[: len(name) - len(head)]
        if head == "段" and not re.search(r"[河江渠]", proper):
            return []
        listed = text[h_end:h_end + 1] == "、" or text[h_end - len(name) - 1:h_end - len(name)] == "、"
        if not is_water_name(proper, listed=listed, head=head):
            return []
        return [Mention(name, "wetland", h_end - len(name), h_end, c_start, c_end)]
    after_deng = drop_list_closer(body[body.rfind("等") + 1:]) if "等" in body else ""
    if "等" in body and (not after_deng or is_generic(after_deng) or _COUNT_TAIL.match(after_deng)):
        cut = body.rfind("等")
        list_part, tail = span[:cut], shared_tail(drop_list_closer(span[cut + 1:]))
        count = _COUNT_TAIL.match(tail)
        if count:  # "白荡漾等7个湿地": the members are whole names; "甲、乙等5个厂外片区污染场地修复":
            kind = tail[count.end():]  # each member is one of the kind the count names
            qualifier = kind[: len(kind) - len(head)]
            tail = kind if qualifier and not is_generic(qualifier) and not HEAD_RE.search(qualifier) and \
                not re.search(r"[、和及与]", qualifier) else ""
    else:
        parts = span.split("、")
        proper, tail = split_tail(parts[-1])
        if not tail.endswith(head):
            proper, tail = parts[-1][: -len(head)], head
        if not proper.strip("和及与以") or tail.startswith("一批"):
            return []  # "服务区、客运枢纽、物流园区": separate nouns, no shared head; "甲储备一批风电": a batch
        list_part = "、".join([*parts[:-1], proper])
    items: list[str] = []
    members = list_items(list_part)
    for raw in reversed(members):
        owner = not items and raw.endswith(_OWNER_ENDINGS) and not raw.endswith(lx.HEAD_LIST)
        if not owner and (ends_with_head(raw) or raw.endswith(_COMPLETE_WATER)):
            # the words right before a figure and the head are the name even when they end like a
            # name ("甲乙第三通道500千伏输变电工程"), unless they are a list member of their own (or
            # a section of a road before its works: "甲至乙段快速化改造工程")
            adjacent = not items and len(members) == 1 and "等" not in body and \
                (raw.endswith("段") or any(q.start == 0 for q in quantities_from_text(tail)))
            if not adjacent:
                break  # earlier members belong to an earlier head; a company right before the head
                # owns the project ("安化乳酸厂 生物质热电联产二期项目"), though 厂 ends a name of its own
        items.insert(0, raw)
    if len(items) > 1 and "等" not in body and (is_generic(items[-1]) or not items[-1]):
        items = items[-1:]  # "矿区、工业企业和物流园区": no shared head when the last member is no name
    out: list[Mention] = []
    cursor = span_start
    leading = next((q for q in quantities_from_text(tail) if q.start == 0), None)
    bare_tail = tail[leading.end:] if leading else tail
    kind = _counties_kind(items) if "等" not in body else ""
    for k, raw in enumerate(items):
        at = text.find(raw, cursor, h_end)
        cursor = at + len(raw) if at >= 0 else cursor
        item = _STAGE_END.sub("", strip_openers(raw))  # "甲乙在建抽水蓄能电站": a stage is no part of the name
        if kind and k < len(items) - 1:
            item += kind  # "甲县、乙县合成氨生产企业": 甲县合成氨生产企业
        if not item or is_generic(item) or not specific_enough(item, head):
            continue
        if head in lx.BARE_HEADS and not is_toponym(item) and \
                not (word_tags().get(item, "nz") in PROPER_TAGS and _same_head_list(text, h_end, head, c_start)):
            continue  # (a common word, 市场 in 市场交易中心, is no abbreviation of places)
        if head in lx.OWNED_HEADS and not opens_with_proper(item):
            continue
        if head in lx.GRID_ONLY_HEADS and not any(w in item for w in lx.GRID_WORDS):
            continue
        if "并" in item or _COUNT_WORD.search(item):
            continue  # a verb phrase ("建设合并开发并形成") or a count ("三个地方电网"), not a name
        # "兴隆140万千瓦、宽城100万千瓦抽水蓄能项目": a member with its own capacity keeps it
        name = item + (bare_tail if quantities_from_text(item) else tail)
        out.append(Mention(name, category_of(name, head), max(at, span_start), h_end, c_start, c_end))
    if not out and not items and re.search(r"(和|及|与)$", list_part) and quantities_from_text(tail):
        # "津市市10kV及以下配电网改造和110kV电网扩容": the generic last member borrows the place
        place = ADMIN.match(span)
        if place:
            name = place.group(0) + tail
            out.append(Mention(name, category_of(name, head), span_start, h_end, c_start, c_end))
    return out



_ADMIN_SUFFIXES = ("自治县", "县", "区", "市", "旗")
_ADMIN_SEPARATORS = "、和及"
#: what follows a list of counties: "等区域", a few words, the sector ("攸县、茶陵县等区域探索分散式风电")
_ADMIN_TAIL = re.compile(r"(?:等(?:区域|地区|县市区|县区)?)?[^，,。；;、]{0,16}?"
                         r"((?:集中式|分散式|分布式)?(?:陆上)?(?:风电|光伏)|地热能?)")
#: where a list of counties may start: a county name and a separator
_ADMIN_LIST_START = re.compile(r"(?=[\u3400-\u9fff]{1,5}?(?:自治县|县|区|市|旗)[、和及])")
#: the sector words of :data:`_ADMIN_TAIL`: a clause without one holds no list of counties to read
_ADMIN_SECTOR = re.compile("风电|光伏|地热")


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
    if not _ADMIN_SECTOR.search(text, c_start, c_end):
        return  # a quick test before the search

    def names_at(q: int) -> list[int]:
        """Ends of the county names starting at ``q``, in the order the expression tries them."""
        ends = []
        for n in range(1, 6):
            if q + n > c_end or not CJK.match(text, q + n - 1):
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
_WETLAND_WORD = re.compile("湿地|流域")
_APPOSITION = re.compile(
    r"(?:省|国家)?(?:级)?重要(沼泽湿地|湿地公园|湿地)([\u3400-\u9fff]{2,6}?)(?=为|、|和|等|，|,|。)")


def _wetland_constructions(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Two ways plans name wetlands after a designation: "以汾河流域(运城段)为主的湿地系统"
    and the apposition "省重要沼泽湿地茶陵湖里"."""
    out: list[Mention] = []
    if not _WETLAND_WORD.search(text, c_start, c_end):
        return out  # both constructions end with one of these words
    for m in _CENTRED.finditer(text, c_start, c_end):
        name = m.group(1) + m.group(2)
        out.append(Mention(name, "wetland", m.start(1), m.end(), c_start, c_end))
    for m in _APPOSITION.finditer(text, c_start, c_end):
        name = m.group(2) + m.group(1)
        out.append(Mention(name, "wetland", m.start(), m.end(), c_start, c_end))
    return out


#: nouns after 等 that say the members of a list are water bodies: bare names ("甲江、乙水等重要支流")
_WATER_CLASSES = ("支流", "河流", "河道", "湖泊", "干支流")
#: water bodies named by a kind of their own, which each member takes ("甲溪、乙港等城市纳污港")
_WATER_KINDS = ("纳污港", "排涝港", "溪流")
_WATER_LIST = re.compile("等([\u3400-\u9fff]{0,6}?)(" + "|".join((*_WATER_CLASSES, *_WATER_KINDS)) + ")")
_BASIN = re.compile("流域")
_RIVER_END = tuple("江河水溪湖渠港")


def _list_member(raw: str) -> str:
    """A member of a list of short names without the words that open its clause: the last word
    when it is long ("市域内湘江" → 湘江), the words after the last long one (整治甲溪 → 甲溪), or
    the last two characters when the dictionary knows no word of it."""
    item = strip_openers(raw)
    if len(item) <= 3:
        return item
    words = [w for w in load_jieba().cut(item, HMM=False) if w]
    if len(words[-1]) >= 2:
        return str(words[-1])
    tail = ""
    for w in reversed(words):
        if len(w) >= 2:
            break
        tail = w + tail
    if tail == item:
        return item[-2:]  # no word the dictionary knows: a short name is two characters (甲江)
    if len(tail) < 2:
        return item
    rest = strip_openers(tail)  # "即甲州": a particle the dictionary cut off alone
    return rest if len(rest) >= 2 else tail


def _water_members(text: str, end: int, c_start: int) -> list[tuple[int, str]]:
    """``(start, name)`` of the short names listed right before ``end`` (separated by 、 和 及),
    the list cut where a member is long (the words that open the clause)."""
    span_start = _left_span(text, end, c_start)
    out: list[tuple[int, str]] = []
    cursor = span_start
    raws = list_items(text[span_start:end])
    for raw in raws:
        at = text.find(raw, cursor, end)
        cursor = at + len(raw) if at >= 0 else cursor
        name = _list_member(raw)
        if at < 0 or not 2 <= len(name) <= 4 or is_generic(name) or not CJK.fullmatch(name[-1]):
            out = []  # a long member opens the list: the names start after it
            if name and 2 <= len(name) <= 4 and at >= 0:
                out.append((at + len(raw) - len(name), name))
            continue
        out.append((at + len(raw) - len(name), name))
    return [(at, name) for at, name in out if all(CJK.fullmatch(ch) for ch in name)
            and not name.startswith(ALL_VERBS)]


def _water_lists(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Water bodies a list names by its kind: "甲江、乙水等重要支流" (bare names: 甲江, 乙水),
    "甲溪、乙石等城市纳污港" (each with the kind: 甲溪城市纳污港), and lists of river basins
    "甲水和乙水流域" (甲水流域, 乙水流域; a basin's name ends with a water word)."""
    out: list[Mention] = []
    for m in _WATER_LIST.finditer(text, c_start, c_end):
        kind = m.group(2)
        tail = "" if kind in _WATER_CLASSES else m.group(1) + kind
        members = _water_members(text, m.start(), c_start)
        if len(members) < 2 and not tail:
            continue  # one bare name before "等支流" is too little to call it a river
        for at, name in members:
            out.append(Mention(name + tail, "wetland", at, at + len(name), c_start, c_end))
    for m in _BASIN.finditer(text, c_start, c_end):
        basins = _water_members(text, m.start(), c_start)
        if len(basins) < 2:
            continue  # one river's basin is mostly a region ("甲江流域生态保护"), a list names works
        for at, name in basins:
            if name.endswith(_RIVER_END) and not is_generic(name[:-1]):
                out.append(Mention(name + "流域", "wetland", at, m.end() if at + len(name) == m.start()
                                   else at + len(name), c_start, c_end))
    return out


_VOLTAGE = r"[\d０-９]{2,4}(?:千伏|kV|ｋＶ|KV)"
#: what a power line's name ends with; the route and voltage before it are read in a bounded window
_LINE_HEAD = re.compile(r"线路|通道")
_ROUTE = re.compile(
    rf"({_VOLTAGE})?([\u3400-\u9fff]{{2,6}}(?:[-－—–][\u3400-\u9fff]{{2,6}}){{1,6}}?)({_VOLTAGE})?"
    r"(特高压)?(交流|直流)?(?:输电)?$")
_LINE_WORKS = re.compile(r"[\u3400-\u9fff]{0,3}?工程")
#: the most characters a route and its voltages span before the line's head
_ROUTE_WINDOW = 7 * 7 + 2 * 8 + 7


def _grid_routes(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Power lines named by their route and voltage: "甲-乙500千伏线路", "甲－乙－丙线路改造工程"
    after "500千伏", "甲-乙-丙1000千伏特高压交流通道" (a route of two or more places and a
    voltage on either side; the words before the first place are left out).

    Each head (线路, 通道) is read back over a window of bounded length, so the work is linear in
    the clause (a regular expression run from every place of a long chain of dashes would not be).
    """
    out = []
    for head in _LINE_HEAD.finditer(text, c_start, c_end):
        window = max(c_start, head.start() - _ROUTE_WINDOW)
        m = _ROUTE.search(text[window:head.start()])
        if m is None or not (m.group(1) or m.group(3)):
            continue
        works = _LINE_WORKS.match(text, head.end(), c_end)
        end = works.end() if works else head.end()
        route = m.group(2)
        first = route.split(next(c for c in route if c in "-－—–"))[0]
        cut = len(first) - len(_list_member(first))  # "随着淮南-南京": the route starts at 淮南
        route_at = window + m.start(2) + cut
        start = route_at if not m.group(1) else window + m.start()
        name = text[start:end]
        if len(name) - len(m.group(1) or "") < 5 or not CJK.match(text, route_at):
            continue
        out.append(Mention(name, "substation", start, end, c_start, c_end))
    return out


#: a transmission works' kind after its route: a voltage, maybe 特高压, and 直流 or 交流; the head
#: (输电工程, 通道, 线路) may follow only the last member of a list sharing it
_TRANSMISSION = re.compile(r"(±?[\d０-９]{3,4}(?:千伏|kV))(特高压)?(直流|交流)((?:输电)?(?:工程|通道|线路))?")
_ROUTE_CUT = set("，,。；;：:、（）()“”")
#: a supply channel named by what it carries: "甲、乙电入丙直流通道" (甲电入丙直流通道, 乙电入丙直流通道)
_SUPPLY_CHANNEL = re.compile(r"((?:[\u3400-\u9fff]{2,8}[、和])*[\u3400-\u9fff]{2,8}?)电入([\u3400-\u9fff]{1,2})"
                             r"((?:特高压)?(?:直流|交流)?(?:输电)?(?:通道|工程))")


_TRANSMISSION_WORD = re.compile("千伏|kV|电入")


def _transmission_works(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Transmission works named by route and voltage: "甲至乙±800千伏直流、丙丁1000千伏特高压交流输电
    工程" → 甲至乙±800千伏直流输电工程, 丙丁1000千伏特高压交流输电工程 (members of a list share the
    head after the last one), and supply channels named by what they carry ("甲、乙电入丙直流通道")."""
    out: list[Mention] = []
    if not _TRANSMISSION_WORD.search(text, c_start, c_end):
        return out  # a voltage or 电入 in every such name: a quick test before the searches
    pending: list[tuple[int, int]] = []  # (route start, kind end) of members waiting for the head
    for m in _TRANSMISSION.finditer(text, c_start, c_end):
        i = m.start()
        while i > c_start and m.start() - i < 14 and text[i - 1] not in _ROUTE_CUT:
            i -= 1
        route = strip_openers(text[i:m.start()])
        route_at = m.start() - len(route)
        if len(CJK.findall(route)) < 2 or is_generic(route) or re.search("[-－—–]", route):
            # (a route of dashes, 甲-乙-丙, is read by _grid_routes)
            pending = []
            continue
        pending.append((route_at, m.end()))
        if m.group(4):
            head = m.group(4)
            for at, end in pending:
                name = text[at:end] + ("" if end == m.end() else head)
                out.append(Mention(name, "substation", at, end, c_start, c_end))
            pending = []
        elif not text.startswith(("、", "和", "及"), m.end()):
            pending = []  # a member not followed by another one names no works of its own
    for m in _SUPPLY_CHANNEL.finditer(text, c_start, c_end):
        tail = "电入" + m.group(2) + m.group(3)
        cursor = m.start(1)
        raws = list_items(m.group(1))
        for k, raw in enumerate(raws):
            at = text.find(raw, cursor, m.end(1))
            cursor = at + len(raw) if at >= 0 else cursor
            name = _list_member(raw) if k == 0 else raw
            if at >= 0 and 2 <= len(name) <= 4 and not is_generic(name) and not name.endswith("外"):
                # (a region's name is short; 外电入甲 is power from outside, no channel's name)
                out.append(Mention(name + tail, "substation", at + len(raw) - len(name), at + len(raw),
                                   c_start, c_end))
    return out


#: grid works that connect the facilities listed before 的: "甲电厂、乙电站的500千伏配套送出工程"
_CONNECTION = re.compile(r"((?:[^，,。；;：:、的]{2,24}、)*[^，,。；;：:、的]{2,24}?)的"
                         r"((?:[\d０-９]{2,4}(?:千伏|kV))?(?:配套)?(?:送出|接入|并网)(?:工程|线路|通道))")


_CONNECTION_WORD = re.compile("送出|接入|并网")


def _connection_works(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Connection works of the facilities a list names before 的: "建成甲电厂迁建、乙抽水蓄能电站的
    500千伏配套送出工程" → 甲电厂迁建500千伏配套送出工程, 乙抽水蓄能电站500千伏配套送出工程."""
    out: list[Mention] = []
    if not _CONNECTION_WORD.search(text, c_start, c_end) or text.find("的", c_start, c_end) < 0:
        return out  # a quick test before the expression's search
    for m in _CONNECTION.finditer(text, c_start, c_end):
        cursor = m.start(1)
        for raw in list_items(m.group(1)):
            at = text.find(raw, cursor, m.end(1))
            cursor = at + len(raw) if at >= 0 else cursor
            name = strip_openers(raw)
            if at < 0 or len(CJK.findall(name)) < 3 or is_generic(name) or _COUNT_WORD.search(name):
                continue
            out.append(Mention(name + m.group(2), "substation", at + len(raw) - len(name), at + len(raw),
                               c_start, c_end))
    return out


#: a gas network named by its pressure: "甲地区2.5兆帕环网", "乙1.6MPa管网"
_PRESSURE_NETWORK = re.compile(r"([\u3400-\u9fff]{2,10}?)([\d０-９]+(?:\.[\d０-９]+)?(?:兆帕|MPa))"
                               r"(环网|管网|干线|管道)")


def _pressure_networks(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Gas networks named by place and pressure ("优化甲地区2.5兆帕环网" → 甲地区2.5兆帕环网): a pipe's
    pressure says it carries gas."""
    out: list[Mention] = []
    if text.find("帕", c_start, c_end) < 0 and text.find("MPa", c_start, c_end) < 0:
        return out  # a quick test before the expression's search
    for m in _PRESSURE_NETWORK.finditer(text, c_start, c_end):
        place = strip_openers(m.group(1))
        if len(place) < 2 or is_generic(place):
            continue
        start = m.end(1) - len(place)
        out.append(Mention(text[start:m.end()], "gas_oil", start, m.end(), c_start, c_end))
    return out


_PLACED = re.compile(r"((?:近海|深远海|海上|陆上|分散式|集中式)?(风电|光伏|储能))(?:项目)?"
                     r"(?:(?!(?:近海|深远海|海上|陆上|分散式|集中式)(?:风电|光伏|储能))[^。；;]){0,40}?"
                     r"(?:重点|主要|集中)?"
                     r"(?:布局|分布|布置)(?:在|于)([^，,。；;：:]{2,60}?)(?=等|[，,。；;]|$)")
_PLACED_VERB = re.compile("(?:布局|分布|布置)(?:在|于)")
_PLACED_CATEGORY = {"风电": "wind", "光伏": "solar", "储能": "energy_storage"}


def _placed_sectors(text: str, c_start: int, c_end: int) -> list[Mention]:
    """A sector laid out over named places: "陆上风电重点布局在甲岛、乙州等沿海区域" → 甲岛陆上风电,
    乙州陆上风电; "深远海风电重点布局在丙岛以东海域" → 丙岛以东海域深远海风电; the sector may open
    the sentence some words before ("集中式光伏重点推动…光伏发展，主要布局在甲岛、乙州") — the last
    qualified sector (集中式光伏) named before the places."""
    out: list[Mention] = []
    if not _PLACED_VERB.search(text, c_start, c_end):
        return out  # the construction's verb: a quick test before the expression's search
    for m in _PLACED.finditer(text, c_start, c_end):
        sector, category = m.group(1), _PLACED_CATEGORY[m.group(2)]
        cursor = m.start(3)
        for item in list_items(m.group(3)):
            at = text.find(item, cursor, m.end())
            cursor = at + len(item) if at >= 0 else cursor
            if at >= 0 and len(item) >= 2 and not is_generic(item):
                out.append(Mention(item + sector, category, at, at + len(item), c_start, c_end))
    return out


_PILOTED = re.compile(r"(“[^”]{2,8}”[\u3400-\u9fff]{0,4}?(配电网|微电网|电网))[^。；;]{0,60}?在"
                      r"([^，,。；;在]{2,40}?)等(?:地区|区域|地)(?:率先|开展)?试点")


def _piloted_places(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Places where a named kind of grid is piloted: "“甲型”配电网…已在A、B及C等地区率先试点应用"
    → A“甲型”配电网试点, one per place."""
    out = []
    for m in _PILOTED.finditer(text, c_start, c_end):
        cursor = m.start(3)
        for item in list_items(m.group(3)):
            at = text.find(item, cursor, m.end(3))
            cursor = at + len(item) if at >= 0 else cursor
            if at >= 0 and len(item) >= 2 and not is_generic(item):
                out.append(Mention(item + m.group(1) + "试点", _MEMBER_SECTORS[m.group(2)], at, at + len(item),
                                   c_start, c_end))
    return out


_COUNTED_LIST = re.compile(r"((?:[^，,。；;、：:（）()]{2,14}、){1,12}[^，,。；;、：:（）()]{2,14}?)"
                           r"[\d一二三四五六七八九十两]{1,3}个([\u3400-\u9fff]{2,12}?(?:试点项目|示范项目|试点|示范区))")


def _counted_lists(text: str, c_start: int, c_end: int) -> tuple[list[Mention], Spans]:
    """Members of a list that a count closes, each the kind the count names: "甲区、乙港区2个增量
    配网试点项目" → 甲区增量配网试点项目, 乙港区增量配网试点项目 (a head inside a member, 港区, names
    no facility of its own then), and the spans of the lists."""
    out: list[Mention] = []
    spans: list[tuple[int, int]] = []
    if text.find("个", c_start, c_end) < 0:
        return out, Spans(spans)  # no count: a quick test before the expression's search
    for m in _COUNTED_LIST.finditer(text, c_start, c_end):
        kind = m.group(2)
        category = next((cat for key, cat in lx.SECTOR_KEYWORDS if key in kind), None)
        if category is None:
            continue
        raws = list_items(m.group(1))
        cursor = m.start(1)
        found = []
        for raw in raws:
            at = text.find(raw, cursor, m.end(1))
            cursor = at + len(raw) if at >= 0 else cursor
            name = strip_openers(raw)
            if at < 0 or len(name) < 2 or is_generic(name):
                break
            found.append(Mention(name + kind, category, at + len(raw) - len(name), at + len(raw), c_start, c_end))
        if len(found) == len(raws):
            out.extend(found)
            spans.append((found[0].start, m.end()))
    return out, Spans(spans)


_DESIGNATED = re.compile(r"((?:[\u3400-\u9fff]{2,4}[、和及]){1,12}[\u3400-\u9fff]{2,4}?)(?:创建|争创|建成|建设)"
                         r"((?:国家|省级|省)?(?:森林城市|园林城市|生态园林城市|生态文明建设示范[县市区]|生态文明示范[县市区]))")


_DESIGNATION_WORD = re.compile("森林城市|园林城市|生态文明")


def _designations(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Places named for a designation they are to earn: "推进甲县、乙市创建国家森林城市" → 甲县国家森林城市,
    乙市国家森林城市 (the verbs before the first place left out)."""
    out: list[Mention] = []
    if not _DESIGNATION_WORD.search(text, c_start, c_end):
        return out  # every designation holds one of these words: a quick test before the search
    for m in _DESIGNATED.finditer(text, c_start, c_end):
        designation = m.group(2)
        category = "forest_ecology" if ("森林" in designation or "园林" in designation) else "other"
        cursor = m.start(1)
        raws = list_items(m.group(1))
        for i, raw in enumerate(raws):
            at = text.find(raw, cursor, m.end(1))
            cursor = at + len(raw) if at >= 0 else cursor
            name = _list_member(raw) if i == 0 else raw
            if at >= 0 and len(name) >= 2 and not is_generic(name):
                out.append(Mention(name + designation, category, at + len(raw) - len(name), at + len(raw),
                                   c_start, c_end))
    return out


_ENTERPRISES = re.compile(r"等([^，,。；;：:（）()]{0,20}?)(" + "|".join(lx.ENTERPRISE_CLOSERS) + ")")
_EXAMPLE_OPENER = re.compile("|".join(lx.EXAMPLE_OPENERS))
#: parts of speech of jieba's dictionary that name one entity (person, place, organisation, other proper)


def _company_name(member: str) -> bool:
    """A company's short name in a list of enterprises: 2 to 16 characters, not generic, no phrase
    (的, a verb), and not one common word of the dictionary (钢铁, 化工 name a sector, not a firm)."""
    core = re.sub(r"[()（）]", "", member)
    if not 2 <= len(core) <= 16 or is_generic(core) or "的" in core or core.startswith(ALL_VERBS) or \
            core.endswith(lx.ROLE_ENDINGS) or "企业" in core or "周边" in core:
        return False
    tag = word_tags().get(core)
    return tag is None or tag in PROPER_TAGS


_FIRM_NAME = r"[\u3400-\u9fff]{2,4}(?:" + "|".join(w for w in lx.FIRM_WORDS if w not in ("公司", "集团")) + ")"
_FIRM_RUN = re.compile(rf"({_FIRM_NAME})((?:、{_FIRM_NAME})+)")


def _firm_runs(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Firms listed by their short names, each ending with a word of its trade ("推进并完成甲安钢铁、
    乙宇钢铁搬迁工作"): industrial plants; a trade's name alone (钢铁、化工) or a common word before
    it (传统钢铁) is no firm."""
    out: list[Mention] = []
    if text.find("、", c_start, c_end) < 0:
        return out
    for m in _FIRM_RUN.finditer(text, c_start, c_end):
        first = strip_openers(m.group(1))
        members = [first, *m.group(2).split("、")[1:]]
        if not all(_firm_prefix(p) for p in members):
            continue
        cursor = m.end(1) - len(first)
        for member in members:
            at = text.find(member, cursor, m.end())
            cursor = at + len(member)
            out.append(Mention(member, "industrial_plant", at, at + len(member), c_start, c_end))
    return out


def _firm_prefix(member: str) -> bool:
    """A firm's short name: its words before the trade word (甲安 in 甲安钢铁) two to four characters,
    no generic or common word of the dictionary."""
    trade = next((w for w in lx.FIRM_WORDS if member.endswith(w)), "")
    prefix = member[: len(member) - len(trade)]
    tag = word_tags().get(prefix)
    return 2 <= len(prefix) <= 4 and not is_generic(prefix) and (tag is None or tag in PROPER_TAGS) and \
        not prefix.startswith(ALL_VERBS) and _company_name(member)


def _company_lists(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Companies a list names before 等 and the word enterprises ("依托甲生物、乙新材料等龙头企业",
    "以甲公司、乙公司等为代表"): each member an industrial plant — or, named for a plant (宁能热电),
    a plant of that kind. Every member must be a company's name (:func:`_company_name`), else the
    list names sectors (钢铁、化工等重点企业) and gives nothing."""
    out: list[Mention] = []
    if text.find("等", c_start, c_end) < 0:
        return out
    for m in _ENTERPRISES.finditer(text, c_start, c_end):
        if m.group(2) == "为代表" and m.group(1):
            continue  # "等为代表": nothing between
        span_start = _left_span(text, m.start(), c_start)
        span = strip_openers(text[span_start:m.start()])
        opener = next(reversed(list(_EXAMPLE_OPENER.finditer(span))), None)
        if opener is not None and opener.start() < len(span.split("、")[0]):
            span = span[opener.end():]  # "一批像甲、乙": the list starts after 像
        particle = max(span.split("、")[0].rfind(p) for p in "对把向让使由")
        if particle >= 0 and len(span) - particle > 3:
            span = span[particle + 1:]  # "按要求对甲、乙等企业": the list starts after 对
        follows = first_word(text[m.end():m.end() + 8])
        if word_tags().get(follows, "").startswith("n") and len(follows) > 1:
            continue  # "甲、乙等企业地块": the enterprises qualify another noun, they are no subject
        span_start = m.start() - len(span)
        members = [p for p in span.split("、") if p]
        if not members or not all(_company_name(p) for p in members):
            continue
        if m.group(2) == "为代表" and not all(p.endswith(("公司", "集团", "厂")) for p in members):
            continue  # "以甲、乙等为代表": an example of anything; of companies when named as such
        cursor = span_start
        for member in members:
            at = text.find(member, cursor, m.start())
            cursor = at + len(member)
            plant = next((h for h in lx.PLANT_HEADS if member.endswith(h)), None)
            category = category_of(member, plant) if plant else "industrial_plant"
            out.append(Mention(member, category, at, at + len(member), c_start, c_end))
    return out


_PROJECT_CLOSER = "|".join(sorted(lx.PROJECT_CLOSERS, key=len, reverse=True))
_PROJECT_LIST = re.compile("等([^，,。；;：:、等的]{0,12}?)(" + _PROJECT_CLOSER + ")")
_SEGMENT_CUT = re.compile(r"[，,。；;：:]")
_FIRM = re.compile(r"(?<=[\u3400-\u9fff]{2})(?:" + "|".join(lx.FIRM_WORDS) + ")")
_FIGURE = re.compile(r"[\d０-９]")


def _named_project(member: str) -> bool:
    """A member of a list of projects that names one (not a kind of works: 电池回收利用, 测土配方施肥):
    it opens with a place of the dictionary, a county, a proper noun, a firm (甲化工…) or a proper
    name before a figure (甲涛90万吨…)."""
    if not 4 <= len(member) <= 40 or is_generic(member) or "的" in member:
        return False
    if any(h.group() not in lx.WATER_HEADS for h in HEAD_RE.finditer(member)):
        return False  # "甲水库扩容提升": the head's own rule reads the facility (甲水库)
    word = first_word(member)
    tag = word_tags().get(word, "")
    if (len(word) >= 2 and tag in PROPER_TAGS) or (ADMIN.match(member) and not tag.startswith(("n", "v", "a"))):
        return True
    if _FIRM.search(member[:12]):
        return True
    figure = _FIGURE.search(member)
    lead = member[:figure.start()] if figure else ""
    return 2 <= len(lead) <= 6 and CJK.fullmatch(lead[0]) is not None and not is_generic(lead) and \
        not lead.startswith(("年", "日", "月", "新增", "累计", "建设", "新建"))


def _project_lists(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Projects a list names before 等项目 ("实施甲化工年产8万吨染料升级改造、乙化工煤焦油综合利用等项目"):
    each member a project of the category its words say (:func:`works_category`); a member ending
    with a facility head is read by the head's own rule, a member naming a kind of works is none."""
    out: list[Mention] = []
    if text.find("等", c_start, c_end) < 0:
        return out
    for m in _PROJECT_LIST.finditer(text, c_start, c_end):
        kind = m.group(1)  # "甲2号机、乙3号机等高温亚临界改造项目": each member's works
        if kind.startswith("容量") or (kind and (is_generic(kind) or HEAD_RE.search(kind) or not CJK.match(kind))):
            continue  # "等新能源项目", "等光伏发电项目": a sector's or a head's list, read elsewhere
        cut = max((c.end() for c in _SEGMENT_CUT.finditer(text, max(c_start, m.start() - 160), m.start())),
                  default=c_start)
        raws = text[max(cut, c_start):m.start()].split("、")
        cursor = max(cut, c_start)
        for k, raw in enumerate(raws):
            at = text.find(raw, cursor, m.start())
            cursor = at + len(raw)
            member = strip_openers(raw, front_only=True) if k == 0 else raw
            if _named_project(member):
                start = at + len(raw) - len(member)
                category = works_category(PHASE.sub("", member + kind))
                name = member + kind + ("项目" if kind else "")
                out.append(Mention(name, category, start, at + len(raw), c_start, c_end))
    return out


_COUNTED_KIND = re.compile(r"等([\d一二三四五六七八九十两]{1,3})(?:个|大|处|座|家|条)([^，,。；;：:“”]{4,24}?)"
                          r"(?=[，,。；;]|建设|入围|入选|列入|$)")


def _place_like(member: str) -> bool:
    """A member of a counted list that names a place or a site (甲湖, 乙片区, 丙洲): a toponym, a
    proper word of the dictionary, a figure (601片区) or characters the dictionary knows no word of;
    a common word (窑炉改造, 电力) is a kind, no place."""
    word = first_word(member)
    return is_toponym(member) or word_tags().get(word) in PROPER_TAGS or len(word) == 1 or \
        _FIGURE.match(member) is not None


def _counted_members(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Members of a list that a count closes, each one of the kind the count names when no facility
    head ends the kind: "甲、乙和丙等3个现代生态循环农业整建制推进县(市、区)" → 甲现代生态…县(市、区), …;
    "甲片区、乙片区等15个城市片区雨污分流改造" → 甲片区雨污分流改造 (the kind's restatement of what
    the members are, 城市片区, left out); a member complete in itself (甲污水处理厂) stays as it is.
    Every member must be a place or site (:func:`_place_like`), else the list names kinds."""
    out: list[Mention] = []
    if text.find("等", c_start, c_end) < 0:
        return out
    for m in _COUNTED_KIND.finditer(text, c_start, c_end):
        kind = m.group(2)
        if "的" in kind or any(h.group() not in lx.WATER_HEADS for h in HEAD_RE.finditer(kind)):
            continue  # a head ends the kind: the head's own rule reads the list
        span_start = _left_span(text, m.start(), c_start)
        members = list_items(strip_openers(text[span_start:m.start()]))
        if not members or not all(2 <= len(p) <= 14 and not is_generic(p) and _place_like(p) for p in members):
            continue
        ending = members[0][-2:]
        if len(members) > 1 and all(p.endswith(ending) for p in members) and ending in kind[:6]:
            kind = kind[kind.find(ending) + len(ending):]  # "甲片区、乙片区等2个城市片区改造": 改造
        cursor = span_start
        category = works_category(kind)  # the kind's words, not the places' (霞湾港 is no port works)
        for member in members:
            at = text.find(member, cursor, m.start())
            cursor = at + len(member) if at >= 0 else cursor
            name = member if member.endswith(lx.COMPLETE_ENDINGS) else member + kind
            out.append(Mention(name, category, max(at, span_start), max(at, span_start) + len(member), c_start, c_end))
    return out


_COLON_HEADING = re.compile(r"(“[^”]{1,8}”[\u3400-\u9fff]{1,6}"
                            r"|[^，,。；;：:\n“”]{3,20}?(?:工程|项目|场景|行动|计划|试点))[：:]")


def _colon_headings(text: str, c_start: int, c_end: int) -> list[Mention]:
    """A line that opens with a programme's or sub-programme's name and a colon ("甲燃料电池公共交通
    示范应用工程：…", "“光伏+”住宅：新增装机…"): the name is an entry of a list of works, its category
    by its sector words (else ``other``)."""
    if c_start and text[c_start - 1] != "\n":
        return []
    m = _COLON_HEADING.match(text, c_start, c_end)
    if m is None:
        return []
    name = strip_openers(m.group(1), front_only=True)
    if is_generic(name) or len(name) < 4 or re.search(r"[\d]|专栏|表", name):
        return []
    start = m.end(1) - len(name)
    return [Mention(name, works_category(name), start, m.end(1), c_start, c_end)]


_PLACE_KINDS = (*lx.PROGRAMME_HEADS, "社区", "岛", "示范县", "示范城市")
_PLACE_PROGRAMME = re.compile(r"(?:在|将)([^，,。；;、在将的]{2,8}?)(?:布局|开展|打造成为|打造成|建设成为|建成|创建)"
                              r"([^，,。；;、的]{2,16}?(?:" + "|".join(_PLACE_KINDS) + r"))(?=建设|[，,。；;]|$)")


def _place_programmes(text: str, c_start: int, c_end: int) -> list[Mention]:
    """A programme or zone laid in one place: "在甲布局低碳发展示范区" → 甲低碳发展示范区, "将乙打造成为零碳岛"
    → 乙零碳岛 (the place a toponym or a name of its own, :func:`_place_like`; the kind a programme, a
    community or an island; the category by the kind's words)."""
    out: list[Mention] = []
    if text.find("在", c_start, c_end) < 0 and text.find("将", c_start, c_end) < 0:
        return out
    for m in _PLACE_PROGRAMME.finditer(text, c_start, c_end):
        place, kind = m.group(1), m.group(2)
        if is_generic(place) or not _place_like(place) or HEAD_RE.search(kind):
            continue
        category = next((cat for key, cat in lx.SECTOR_KEYWORDS if key in kind), None) or works_category(kind)
        out.append(Mention(place + kind, category, m.start(1), m.end(1), c_start, c_end))
    return out


_SINGLE_PROJECT = re.compile(r"(?:^|(?<=[，,。；;、：:\n]))([^，,。；;、：:\n等]{4,44}?项目)(?=建设|[，,。；;、]|$)")
#: words that make a name ending with 项目 a class of projects, not one ("十四五"重点能源建设项目, 79个工业项目)
_PROJECT_CLASS = re.compile(r"十[三四五]五|规划|重大|重点|待批|新建项目|[\d一二三四五六七八九十]+个|一批|各类")


def _single_projects(text: str, c_start: int, c_end: int) -> list[Mention]:
    """A project its clause names in full, ending with 项目, a place or a firm opening it ("加快推进甲县
    医疗废弃物收转运系统项目建设", "实施乙稀土15万吨绿色冶炼升级改造项目"): the category by its words;
    a name a head of the lexicon ends, a class of projects (重点项目, 79个工业项目) or a list is none."""
    out: list[Mention] = []
    if text.find("项目", c_start, c_end) < 0:
        return out
    for m in _SINGLE_PROJECT.finditer(text, c_start, c_end):
        name = strip_openers(m.group(1), front_only=True)
        core = re.sub(r"(?:建设)?项目$", "", name)
        if len(core) < 4 or _PROJECT_CLASS.search(name) or re.search(r"[的和及与\-－—]", name) or \
                any(h.group() not in lx.WATER_HEADS for h in HEAD_RE.finditer(name)) or \
                is_generic(core) or not (_opens_with_admin(name) or opens_with_proper(name) or _FIRM.search(name[:8])):
            continue
        start = m.end(1) - len(name)
        out.append(Mention(name, works_category(PHASE.sub("", core)), start, m.end(1), c_start, c_end))
    return out


_DESIGNATED_SUBJECT = re.compile(
    r"(?:^|(?<=[，,。；;：:\n]))([^，,。；;：:\n、]{4,20}?)(?:成功)?(?:入围|入选|列入|获批|被评为|获评)"
    r"(?:首批|第[一二三四五六七八九十]批)?((?:国家|省级|市级|省|全国)?[^，,。；;、]{2,16}?(?:试点|示范区|示范县|示范点))"
    r"(?=[，,。；;]|建设|名单|$)")


def _designated_subjects(text: str, c_start: int, c_end: int) -> list[Mention]:
    """A place or site the plan says was designated a pilot or demonstration ("甲县乙镇入选首批省级低碳
    城镇试点" → 甲县乙镇省级低碳城镇试点): the subject must be named by a place or a proper name."""
    out: list[Mention] = []
    for m in _DESIGNATED_SUBJECT.finditer(text, c_start, c_end):
        subject = strip_openers(m.group(1), front_only=True)
        if is_generic(subject) or "的" in subject or _COUNT_WORD.search(subject) or \
                not (_opens_with_admin(subject) or opens_with_proper(subject)):
            continue
        name = subject + m.group(2)
        category = next((cat for key, cat in lx.SECTOR_KEYWORDS if key in m.group(2)), None) or \
            works_category(m.group(2))
        start = m.end(1) - len(subject)
        out.append(Mention(name, category, start, m.end(1), c_start, c_end))
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
            admin = strip_openers(raw) if len(raw) > 3 or i == 0 else raw
            if admin and ADMIN.fullmatch(admin):
                out.append(Mention(admin + head, category, pos + len(raw) - len(admin), pos + len(raw), c_start,
                                   c_end))
            pos += len(raw) + 1
    return out


def _opens_with_admin(name: str) -> bool:
    """Whether a county, town or district (甲县…) or a place of the dictionary opens ``name``, not a
    common word that ends like one (低碳城镇, 城市)."""
    admin = ADMIN.match(name)
    word = first_word(name)
    tag = word_tags().get(word)
    if (tag is not None and tag not in PROPER_TAGS) or word in GENERIC_SET:
        return False
    return (admin is not None and len(admin.group()) <= 6 and not is_generic(admin.group())) or \
        opens_with_place(name)


_PROGRAMME_MEMBER = r"[\u3400-\u9fff“”]{4,20}?(?:" + "|".join(lx.PROGRAMME_HEADS) + ")"


def _listed_programme(text: str, h_start: int, h_end: int, c_start: int, c_end: int) -> bool:
    """Whether the programme whose head spans ``h_start:h_end`` is a member of a list of programmes
    that each end with a programme head ("推进甲百万亩优质粮食示范带、乙特优产业发展示范带、丙生态农业
    示范带建设"): such a list names them, each with words of its own."""
    after = re.match(rf"、{_PROGRAMME_MEMBER}(?=[、，,。；;和及等]|建设|$)", text[h_end:min(c_end, h_end + 40)])
    window = text[max(c_start, h_start - 48):h_start]
    before = re.search(rf"{_PROGRAMME_MEMBER}、[\u3400-\u9fff“”]{{4,20}}$", window)
    return after is not None or before is not None


def _placed_programme(span: str, qualifier: str) -> bool:
    """Whether a programme without a sector word is named by its place: the name opens with a
    county, town or district (甲县…示范区) or a place of the dictionary, and says more than the
    place and generic words."""
    return _opens_with_admin(span) and not is_generic(qualifier) and len(qualifier) >= 4 and "的" not in qualifier and \
        len(list_items(span)) == 1


def _programmes(text: str, c_start: int, c_end: int, skip: Spans) -> list[Mention]:
    """Demonstration programmes named by their sector: "城市绿色货运配送示范工程", "市级能源互联网试点"."""
    out = []
    for m in _PROGRAMME_HEAD_RE.finditer(text, c_start, c_end):
        if skip.covers(m.start()):
            continue
        if text.startswith(lx.PROGRAMME_HEADS, m.end()):
            continue  # "综合试点示范项目": the longer programme name ends later
        span_start = _left_span(text, m.start(), c_start)
        span = strip_openers(text[span_start:m.end()])
        members: list[str] = []
        if "等" in span:
            cut = span.rfind("等")
            members = [strip_openers(raw) for raw in list_items(span[:cut])]
            span = span[:cut] + span[cut + 1:]
        span = span.split("、")[-1]
        qualifier = span[: len(span) - len(m.group())]
        category = next((cat for key, cat in lx.SECTOR_KEYWORDS if key in qualifier), None)
        if category is None and not members and (_placed_programme(span, qualifier) or
                                                 _listed_programme(text, m.start(), m.end(), c_start, c_end)):
            category = works_category(span)  # "甲县农业现代化发展示范区": a place's programme of another sector
        if category is None or qualifier.startswith("全国") or qualifier.endswith("项目"):
            continue
        if is_generic(qualifier) and len(qualifier) < 6:
            continue  # a short generic qualifier names no programme ("微电网示范项目")
        start = text.rfind(span[:4], c_start, m.end())
        out.append(Mention(span, category, max(start, c_start), m.end(), c_start, c_end))
        kind = span[len(members[-1]):] if members and span.startswith(members[-1]) else ""
        if any(key in kind[: len(kind) - len(m.group())] for key, _ in lx.SECTOR_KEYWORDS):
            # "甲、乙、丙等一流城市配电网示范区": each member is such a programme (the last one is above);
            # the kind after 等 names the sector ("甲冶金、乙冶金等示范工程" is no list of programmes)
            for member in members[:-1]:
                at = text.find(member, max(c_start, span_start), m.end())
                if at >= 0 and len(member) >= 2 and not is_generic(member) and not ends_with_head(member):
                    out.append(Mention(member + kind, category, at, at + len(member), c_start, c_end))
    listed = text.find("在", c_start, c_end) >= 0 and text.find("、", c_start, c_end) >= 0
    for m in (_PLACES_PROGRAMME.finditer(text, c_start, c_end) if listed else ()):
        # "在甲、乙、丙开展光伏扶贫试点": the programme in each place
        kind = m.group(2)
        category = next((cat for key, cat in lx.SECTOR_KEYWORDS if key in kind), None)
        if category is None or (is_generic(kind[:-2]) and len(kind) < 6):
            continue
        # "在资源好、条件优越的县(市、区)开展": a description, no list of places
        places = _listed_places(text, m, _list_member, 8)
        out.extend(Mention(place + kind, category, at, end, c_start, c_end) for place, at, end in places or ())
    return out


def _listed_places(text: str, m: re.Match[str], first: Callable[[str], str],
                   longest: int, parks: bool = False) -> list[tuple[str, int, int]] | None:
    """The places listed in group 1 of ``m`` (甲、乙、丙), each with its span in ``text``: the first
    item read by ``first`` (what opens the list is cut off), every one 2 to ``longest`` characters, no
    generic word, no facility head, no 的 or bracket; ``None`` when any item is not such a place."""
    cursor = m.start(1)
    raws = list_items(m.group(1))
    places = []
    for k, raw in enumerate(raws):
        at = text.find(raw, cursor, m.end(1))
        cursor = at + len(raw) if at >= 0 else cursor
        place = first(raw) if k == 0 else raw
        park = parks and any(place.endswith(h) and lx.HEADS[h] == "industrial_park" for h in lx.LAND_HEADS)
        if at < 0 or not 2 <= len(place) <= longest or is_generic(place) or (ends_with_head(place) and not park) or \
                re.search(r"[的()（）]", place):
            return None
        places.append((place, at + len(raw) - len(place), at + len(raw)))
    return places


_PLACES_FACILITY = re.compile(r"在((?:[^，,。；;、在]{2,10}、)+[^，,。；;、在]{2,10}?)"
                              r"(?:等(?:[\u3400-\u9fff]{0,4}?(?:区域|地区|地|区县|县区|园区|片区))?)?"
                              r"(?:布局|建设|新建|建成|布点)(?:一批|若干|多个)?([^，,。；;、]{2,12}?)(?=[，,。；;]|$)")


def _placed_facilities(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Facilities of one kind laid out over listed places: "在甲新片区、乙、丙化工区等区域布局一批加氢站"
    → 甲新片区加氢站, 乙加氢站, 丙化工区加氢站 (the kind a head of the lexicon with generic words only;
    every member a short name, else no list of places)."""
    out: list[Mention] = []
    if text.find("在", c_start, c_end) < 0 or text.find("、", c_start, c_end) < 0:
        return out  # a quick test before the expression's search (在 and a list)
    for m in _PLACES_FACILITY.finditer(text, c_start, c_end):
        kind = m.group(2)
        head = next((h for h in lx.LAND_HEADS if kind.endswith(h)), None)
        if head is None or not is_generic(kind[: len(kind) - len(head)]):
            continue
        places = _listed_places(text, m, strip_openers, 10, parks=True)  # the list opens right after 在
        out.extend(Mention(place + kind, category_of(place + kind, head), at, end, c_start, c_end)
                   for place, at, end in places or ())
    return out


_PLACES_PROGRAMME = re.compile(r"在((?:[^，,。；;、在]{2,8}、)+[^，,。；;、在]{2,8}?)(?:等地区?|等区县|等县区)?"
                               r"(?:开展|实施|推进|推广|建设)([^，,。；;、]{2,14}?(?:试点|示范))(?=[，,。；;]|$)")


#: the words one of the readers of :func:`_works_by_structure` needs, each mapped to its reader
_STRUCTURE_WORDS = re.compile("千伏|kV|电入|送出|接入|并网|兆帕|MPa|在")


def _works_by_structure(text: str, c_start: int, c_end: int) -> list[Mention]:
    """The works named by route, pressure or a list of places or facilities, each reader run only
    on a clause holding a word it needs (one search for all of them: most clauses hold none)."""
    words = set(_STRUCTURE_WORDS.findall(text, c_start, c_end))
    if not words:
        return []
    out: list[Mention] = []
    if words & {"千伏", "kV", "电入"}:
        out += _transmission_works(text, c_start, c_end)
    if words & {"送出", "接入", "并网"}:
        out += _connection_works(text, c_start, c_end)
    if "在" in words:
        out += _placed_facilities(text, c_start, c_end)
    if words & {"兆帕", "MPa"}:
        out += _pressure_networks(text, c_start, c_end)
    return out


_PROGRAMME_HEAD_RE = re.compile("|".join(re.escape(h) for h in lx.PROGRAMME_HEADS))
_WATER_CONTEXT = re.compile("|".join(re.escape(w) for w in lx.WATER_CONTEXT))


def mentions(text: str, *, start: int = 0, leave: Sequence[tuple[int, int]] = (),
             extra: Sequence[Mention] = ()) -> list[Mention]:
    """Every specific facility mention of the text, lists expanded, in order of appearance.

    ``leave``: sorted spans (table rows) whose clauses another reader has read, and ``extra``
    the mentions it found there, kept with these when they name another entity.
    """
    found: list[Mention] = []
    skip = Spans([(m.start(), m.end()) for m in _RESPONSIBLE.finditer(text)])
    left = Spans(list(leave))
    for c_start, c_end in clauses(text, start=start):
        if left.covers(c_start):
            continue
        water_clause = _WATER_CONTEXT.search(text, c_start, c_end) is not None
        counted, counted_spans = _counted_lists(text, c_start, c_end)
        found.extend(counted)
        for m in HEAD_RE.finditer(text, c_start, c_end):
            h_start, h_end = m.start(), m.end()
            if skip.covers(h_start) or counted_spans.covers(h_start):
                continue
            if not _water_ok(text, m.group(), h_end, water_clause, c_start):
                continue
            if m.group() not in lx.WATER_HEADS and text.startswith(lx.LAND_HEADS, h_end):
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
                got = [Mention(name, category_of(name, m.group()), h_end - len(m.group()), designation.end(),
                               c_start, c_end)]
            found.extend(got)
        found.extend(_quoted_programmes(text, c_start, c_end))
        found.extend(_parenthesised_members(text, c_start, c_end))
        found.extend(_programme_headings(text, c_start, c_end))
        found.extend(_colon_headings(text, c_start, c_end))
        found.extend(_admin_scoped(text, c_start, c_end))
        found.extend(_wetland_constructions(text, c_start, c_end))
        found.extend(_water_lists(text, c_start, c_end))
        found.extend(_grid_routes(text, c_start, c_end))
        found.extend(_works_by_structure(text, c_start, c_end))
        found.extend(_placed_sectors(text, c_start, c_end))
        found.extend(_piloted_places(text, c_start, c_end))
        found.extend(_designations(text, c_start, c_end))
        found.extend(_company_lists(text, c_start, c_end))
        found.extend(_firm_runs(text, c_start, c_end))
        found.extend(_project_lists(text, c_start, c_end))
        found.extend(_counted_members(text, c_start, c_end))
        found.extend(_place_programmes(text, c_start, c_end))
        found.extend(_single_projects(text, c_start, c_end))
        found.extend(_designated_subjects(text, c_start, c_end))
        found.extend(p for p in _programmes(text, c_start, c_end, skip) if not counted_spans.covers(p.start))
    return _dedupe([*found, *extra])



_HEADING_END = re.compile(r"(工程|项目|示范|试点|计划)[。.]?\s*$")


def _programme_headings(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Numbered headings of a project list that name a programme: "5. 风力发电挖潜工程。"."""
    clause = text[c_start:c_end]
    line_start = c_start == 0 or text[c_start - 1] == "\n"
    numbered = bool(ENUMERATOR.match(clause))
    if not (numbered or line_start) or len(clause) > (40 if numbered else 20) or not _HEADING_END.search(clause):
        return []
    if not numbered and clause.startswith(ALL_VERBS):
        return []  # a sentence that opens with a verb is no heading
    name = strip_openers(ENUMERATOR.sub("", clause).strip().rstrip("。."), front_only=True)  # "1. 加强甲工程。"
    head = next((h for h in lx.HEAD_LIST if h in name), None)
    keyword = next((cat for key, cat in lx.SECTOR_KEYWORDS if key in name), None)
    if head is None and keyword is None:
        if not numbered or is_generic(name[:-2]) or len(name) > 30 or \
                not (opens_with_proper(name) or _opens_with_admin(name)):
            return []  # a section's title (重大项目, 节能降碳重点工程) names no project
        keyword = works_category(name)  # "1.甲县旅游业数字化升级项目。": a numbered project of any sector
    category = category_of(name, head) if head else str(keyword)
    start = text.find(name, c_start, c_end)
    return [Mention(name, category, start, start + len(name), c_start, c_end)]



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
        prefix = strip_openers(text[prefix_start:start])
        if prefix and specific_enough(prefix, "") and prefix.endswith(("网", "电网")):
            start -= len(prefix)
        out.append(Mention(text[start:end], category, start, end, c_start, c_end))
    return out


_MEMBERS = re.compile(r"“[^”]{2,12}”[（(]([^）)]{4,80})[）)]")


#: a sector noun after a quoted structure's members: "“三区一域”(A、B)和…等重点地区电网建设"
_MEMBER_SECTORS = {"配电网": "substation", "电网": "substation", "管网": "gas_oil", "物流": "logistics",
                   "湿地": "wetland"}
_MEMBERS_SECTOR = re.compile(r"[^，,。；;：:（）()]{0,14}?(" + "|".join(_MEMBER_SECTORS) + ")")


def _parenthesised_members(text: str, c_start: int, c_end: int) -> list[Mention]:
    """Members listed in parentheses after a quoted structure: “一区三园”(A、B、C) — each a
    facility of its own head, or, when a sector noun follows in the clause ("…等重点地区电网建设"),
    each the structure's part of that sector: “三区一域”A电网."""
    out = []
    for m in _MEMBERS.finditer(text, c_start, c_end):
        pos = m.start(1)
        sector = _MEMBERS_SECTOR.match(text, m.end(), c_end)
        quoted = text[m.start():m.start(1) - 1]
        for part in re.split(r"[、，,]", m.group(1)):
            h = HEAD_RE.search(part)
            if h and h.end() == len(part) and len(part) >= 3:
                out.append(Mention(part, category_of(part, h.group()), pos, pos + len(part), c_start, c_end))
            elif sector and len(part) >= 2 and not is_generic(part):
                name = quoted + part + sector.group(1)
                out.append(Mention(name, _MEMBER_SECTORS[sector.group(1)], pos, pos + len(part), c_start, c_end))
            pos += len(part) + 1
    return out



def _short_water_name(key: str) -> bool:
    """A two-character water body (甲湖, 乙江): a proper character and a water word."""
    return len(key) == 2 and key.endswith(_RIVER_END) and CJK.fullmatch(key[0]) is not None and \
        key[0] not in lx.TOPONYM_CHARS and key[0] not in "水" and not is_generic(key) and \
        not key.startswith(ALL_VERBS)


def _variant(category: str, name: str) -> str:
    """What tells two facilities of one name apart: a grid facility's voltages (甲110千伏变电站,
    甲220千伏变电站), a wind farm's side (甲海上风电, 甲陆上风电); ``""`` when the name states none."""
    if category == "substation":
        return "/".join(f"{q.value:g}" for q in quantities_from_text(name) if q.dimension == "voltage")
    if category == "wind":
        return "offshore" if re.search("海上|近海|深远海|海域", name) else "onshore" if "陆上" in name else ""
    return ""


def _dedupe(found: list[Mention]) -> list[Mention]:
    """One entity, one candidate: keep the first mention of each normalised name (and variant:
    :func:`_variant`)."""
    out: dict[tuple[str, str, str, str], Mention] = {}
    variants: dict[tuple[str, str, str], set[str]] = {}
    places = _Places()
    for mention in found:
        if any(spam in mention.name for spam in lx.SPAM):
            continue
        name = mention.name
        if name.count("“") != name.count("”") or name.count("(") + name.count("（") != \
                name.count(")") + name.count("）"):
            continue  # a cut quoted title or bracket, not a name
        if re.search(r"[:：]|(?<![\u3400-\u9fff])-|-(?![\u3400-\u9fff])", name) or \
                "等" in name.replace("等容量", "") or "或" in name:  # 等容量替代: like-for-like; 甲-乙 is a route
            continue  # "天然气发电或热电联产项目": a choice of kinds, not a name
        key = normal_name(name)
        if len(key) < 3 and not (mention.category == "wetland" and _short_water_name(key)) and \
                mention.category != "industrial_plant":  # a firm's short name (晶盛) is read only in a list of firms
            continue
        proper, head = entity_key(key)
        phase = PHASE.search(name)
        if mention.category not in _HEAD_MATTERS:
            head = ""  # 凤凰湖 and 凤凰湖湿地 are one wetland, 垣曲县光伏 and 垣曲县光伏发电项目 one project
        if phase:
            head += phase.group(0)
        if not phase and places.same_place(mention.category, proper):
            continue
        base = (mention.category, proper, head)
        variant = _variant(mention.category, name)
        seen = variants.setdefault(base, set())
        if (seen and not variant) or "" in seen or variant in seen:
            continue  # a name without a variant is any of them; 甲风电 is 甲海上风电 or 甲陆上风电
        seen.add(variant)
        out[(*base, variant)] = mention
        places.add(mention.category, proper)
    return sorted(out.values(), key=lambda m: (m.start, m.end))


#: categories where the head tells two projects of one place apart (变电站 vs 送出工程)
_HEAD_MATTERS = {"substation", "transport", "port_waterway", "industrial_park", "forest_ecology"}


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

