"""Mention rules for networks and the places they run over: water bodies, grid and gas works, energy sectors.

Wetlands named after a designation ("以汾河流域(运城段)为主的湿地系统"), lists of rivers and basins
("甲江、乙水等重要支流"), power lines and transmission works by route and voltage ("甲-乙500千伏线路"),
connection works of listed facilities, gas networks by pressure, facilities laid over listed places,
and energy sectors laid over counties or places ("在攸县、茶陵县等区域探索分散式风电", "陆上风电重点布局在
甲岛、乙州"). Each rule reads one clause ``text[c_start:c_end]`` and gives
:class:`~geo.reader.spans.Mention` records; :func:`~geo.reader.mentions.mentions` runs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from . import lexicon as lx
from .clauses import CJK
from .names import (
    ADMIN,
    ALL_VERBS,
    category_of,
    is_generic,
    list_items,
    strip_openers,
)
from .spans import COUNT_WORD, MAX_NAME, Mention, left_span, list_member, listed_places

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
class AdminList:
    """A list of county names before a sector word: where it starts, where the list of names
    ends, the sector head after it and where the match ends."""

    start: int
    list_end: int
    head: str
    end: int


def admin_lists(text: str, c_start: int, c_end: int) -> Iterator[AdminList]:
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
        yield AdminList(p, list_end, tail.group(1), tail.end())
        pos = tail.end()


def admin_scoped(text: str, c_start: int, c_end: int) -> list[Mention]:
    """County-scoped sector entries: "在攸县、茶陵县、炎陵县等区域探索分散式风电" → one per county
    (wind, solar, geothermal)."""
    out = []
    for m in admin_lists(text, c_start, c_end):
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


_CENTRED = re.compile(r"以([^，,。；;以、]{2,20}?)为(?:主|重点|核心)的(湿地系统|湿地|流域)")
_WETLAND_WORD = re.compile("湿地|流域")
_APPOSITION = re.compile(
    r"(?:省|国家)?(?:级)?重要(沼泽湿地|湿地公园|湿地)([\u3400-\u9fff]{2,6}?)(?=为|、|和|等|，|,|。)")


def wetland_constructions(text: str, c_start: int, c_end: int) -> list[Mention]:
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
RIVER_END = tuple("江河水溪湖渠港")


def _water_members(text: str, end: int, c_start: int) -> list[tuple[int, str]]:
    """``(start, name)`` of the short names listed right before ``end`` (separated by 、 和 及),
    the list cut where a member is long (the words that open the clause)."""
    span_start = left_span(text, end, c_start)
    out: list[tuple[int, str]] = []
    cursor = span_start
    raws = list_items(text[span_start:end])
    for raw in raws:
        at = text.find(raw, cursor, end)
        cursor = at + len(raw) if at >= 0 else cursor
        name = list_member(raw)
        if at < 0 or not 2 <= len(name) <= 4 or is_generic(name) or not CJK.fullmatch(name[-1]):
            out = []  # a long member opens the list: the names start after it
            if name and 2 <= len(name) <= 4 and at >= 0:
                out.append((at + len(raw) - len(name), name))
            continue
        out.append((at + len(raw) - len(name), name))
    return [(at, name) for at, name in out if all(CJK.fullmatch(ch) for ch in name)
            and not name.startswith(ALL_VERBS)]


def water_lists(text: str, c_start: int, c_end: int) -> list[Mention]:
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
            if name.endswith(RIVER_END) and not is_generic(name[:-1]):
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


def grid_routes(text: str, c_start: int, c_end: int) -> list[Mention]:
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
        cut = len(first) - len(list_member(first))  # "随着淮南-南京": the route starts at 淮南
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
            # (a route of dashes, 甲-乙-丙, is read by grid_routes)
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
            name = list_member(raw) if k == 0 else raw
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
            if at < 0 or len(CJK.findall(name)) < 3 or is_generic(name) or COUNT_WORD.search(name):
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


def placed_sectors(text: str, c_start: int, c_end: int) -> list[Mention]:
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
        places = listed_places(text, m, strip_openers, 10, parks=True)  # the list opens right after 在
        out.extend(Mention(place + kind, category_of(place + kind, head), at, end, c_start, c_end)
                   for place, at, end in places or ())
    return out


#: the words one of the readers of :func:`works_by_structure` needs, each mapped to its reader
_STRUCTURE_WORDS = re.compile("千伏|kV|电入|送出|接入|并网|兆帕|MPa|在")


def works_by_structure(text: str, c_start: int, c_end: int) -> list[Mention]:
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
