"""Facility mentions in a plan's clauses: a head of the lexicon and the name before it, lists expanded.

The head rule is here: an enumeration before a common head ("新马、醴陵东和攸县南等220千伏变电站" is
three substations). The structural rules that Chinese plans share — county lists before a sector
word, lists of rivers, grid routes (:mod:`~geo.reader.networks`), quoted programme names,
parenthesised member lists, lists of firms and projects (:mod:`~geo.reader.structures`) — each give
:class:`~geo.reader.spans.Mention` records; :func:`mentions` runs them all over every clause and
keeps one mention per entity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from geo._text import Spans
from geo.quantities import quantities_from_text

from . import lexicon as lx
from .clauses import CJK, clauses
from .names import (
    ADMIN,
    ALL_VERBS,
    HEAD_RE,
    PHASE,
    PROPER_TAGS,
    category_of,
    drop_list_closer,
    ends_with_head,
    entity_key,
    is_generic,
    is_toponym,
    is_water_name,
    list_items,
    load_jieba,
    normal_name,
    opens_with_proper,
    shared_tail,
    specific_enough,
    split_tail,
    strip_openers,
    word_tags,
)
from .networks import (
    RIVER_END,
    admin_scoped,
    grid_routes,
    placed_sectors,
    water_lists,
    wetland_constructions,
    works_by_structure,
)
from .spans import COUNT_WORD, Mention, left_span
from .structures import (
    colon_headings,
    company_lists,
    counted_lists,
    counted_members,
    designated_subjects,
    designations,
    firm_runs,
    parenthesised_members,
    piloted_places,
    place_programmes,
    programme_headings,
    programmes,
    project_lists,
    quoted_programmes,
    single_projects,
)

_RESPONSIBLE = re.compile(r"[（(][^（）()]{0,240}?(?:负责|牵头)[）)]")


_PHASE_AFTER_HEAD = re.compile(r"[一二三四五]期(?:项目|工程)?")


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


#: one-character words that end a common noun of a site (茶叶园, 种植地, 养殖场)
_SITE_CHARS = frozenset("园地场区棚田林")


def _common_nouns(item: str) -> bool:
    """Whether a list member is only common words of the dictionary (茶叶园, 中药种植地, 道路): it opens
    with a word of two or more characters, every word is in jieba's dictionary with no proper tag, a
    one-character word only a site's ending (园, 地, 场); no county, digit or letter in it."""
    if not CJK.fullmatch(item[:1] or "a") or re.search(r"[^\u3400-\u9fff]", item) or ADMIN.search(item):
        return False
    words = list(load_jieba().cut(item, HMM=False))
    tags = word_tags()
    return len(words[0]) >= 2 and all(tags.get(w, "nz") not in PROPER_TAGS and tags.get(w, "x") != "x" and
                                      (len(w) >= 2 or w in _SITE_CHARS) for w in words)


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
    if len(items) > 2 and sum(_common_nouns(strip_openers(raw)) for raw in items) * 2 > len(items):
        return []  # "大棚、茶叶园、蔬菜地、养殖场等光伏发电项目": kinds of site, no names
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
        if "并" in item or COUNT_WORD.search(item):
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
        counted, counted_spans = counted_lists(text, c_start, c_end)
        found.extend(counted)
        for m in HEAD_RE.finditer(text, c_start, c_end):
            h_start, h_end = m.start(), m.end()
            if skip.covers(h_start) or counted_spans.covers(h_start):
                continue
            if not _water_ok(text, m.group(), h_end, water_clause, c_start):
                continue
            if m.group() not in lx.WATER_HEADS and text.startswith(lx.LAND_HEADS, h_end):
                continue  # 风电 in 风电光伏项目, 港区 in 港区锚地: the next head ends the name
            span_start = max(left_span(text, h_start, c_start), skip.last_end(h_start, default=c_start))
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
        found.extend(quoted_programmes(text, c_start, c_end))
        found.extend(parenthesised_members(text, c_start, c_end))
        found.extend(programme_headings(text, c_start, c_end))
        found.extend(colon_headings(text, c_start, c_end))
        found.extend(admin_scoped(text, c_start, c_end))
        found.extend(wetland_constructions(text, c_start, c_end))
        found.extend(water_lists(text, c_start, c_end))
        found.extend(grid_routes(text, c_start, c_end))
        found.extend(works_by_structure(text, c_start, c_end))
        found.extend(placed_sectors(text, c_start, c_end))
        found.extend(piloted_places(text, c_start, c_end))
        found.extend(designations(text, c_start, c_end))
        found.extend(company_lists(text, c_start, c_end))
        found.extend(firm_runs(text, c_start, c_end))
        found.extend(project_lists(text, c_start, c_end))
        found.extend(counted_members(text, c_start, c_end))
        found.extend(place_programmes(text, c_start, c_end))
        found.extend(single_projects(text, c_start, c_end))
        found.extend(designated_subjects(text, c_start, c_end))
        found.extend(p for p in programmes(text, c_start, c_end, skip) if not counted_spans.covers(p.start))
    kept = [c for c in (_after_predicate(text, m) for m in found) if c is not None]
    return _dedupe([*kept, *extra])


#: words that join two parts of a clause: a name holding one is a fragment of a sentence
_PREDICATES = frozenset(("向", "在", "为", "要求", "是", "将"))


def _after_predicate(text: str, m: Mention) -> Mention | None:
    """A mention whose name holds a preposition or a predicate after its first word is a fragment
    of a sentence: the name is what follows it when that is a name of its own with a head ("甲产业
    在乙产业园" → 乙产业园), else none ("丙车在港区", "丁发电向热电联产", "生态用水要求湿地")."""
    if not any(w in m.name for w in _PREDICATES):
        return m
    words = list(load_jieba().cut(m.name, HMM=False))
    cut = max((i for i, w in enumerate(words) if i > 0 and w in _PREDICATES), default=0)
    if not cut:
        return m
    rest = "".join(words[cut + 1:])
    if len(rest) < 4 or is_generic(rest) or not HEAD_RE.search(rest):
        return None
    at = text.find(rest[:4], m.start, m.end)
    return replace(m, name=rest, start=at if at >= 0 else m.start)


def _short_water_name(key: str) -> bool:
    """A two-character water body (甲湖, 乙江): a proper character and a water word."""
    return len(key) == 2 and key.endswith(RIVER_END) and CJK.fullmatch(key[0]) is not None and \
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
        if _COUNT_OPENER.match(name):
            continue  # "若干个成品油库", "一批分布式光伏发电应用示范项目": a number of a kind, no name
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
    named = {(m.clause_start, m.name) for m in out.values()}
    return sorted((m for m in out.values() if not any((m.clause_start, m.name + w) in named for w in _WORKS_AFTER)),
                  key=lambda m: (m.start, m.end))


#: a count that opens a phrase: a number of facilities of a kind, never one named facility
_COUNT_OPENER = re.compile(r"若干|一批|一些|多个|多座|多家|[\d一二三四五六七八九十两几数]+(?:个|座|批)")


#: what a clause may add after a name to name the same entity's works (甲基地 and 甲基地建设项目)
_WORKS_AFTER = ("建设项目", "建设工程", "项目", "工程", "建设")


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
