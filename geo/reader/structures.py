"""Mention rules for the list structures of plans: counted lists, firms, projects, programmes.

Members of a list that a count closes ("甲区、乙港区2个增量配网试点项目"), places to earn a designation,
firms and companies listed before 等企业, projects listed before 等项目, counted members of a kind,
colon headings, programmes laid in one place, single projects named in full, designated pilots,
demonstration programmes named by their sector, numbered programme headings, quoted programmes,
members listed in parentheses after a quoted structure and places where a named grid is piloted.
Each rule reads one clause ``text[c_start:c_end]`` and gives :class:`~geo.reader.spans.Mention`
records; :func:`~geo.reader.mentions.mentions` runs them.
"""

from __future__ import annotations

import re

from geo._text import Spans

from . import lexicon as lx
from .clauses import CJK, ENUMERATOR
from .names import (
    ADMIN,
    ALL_VERBS,
    GENERIC_SET,
    HEAD_RE,
    PHASE,
    PROPER_TAGS,
    category_of,
    ends_with_head,
    first_word,
    is_generic,
    is_toponym,
    list_items,
    opens_with_place,
    opens_with_proper,
    specific_enough,
    strip_openers,
    word_tags,
    works_category,
)
from .spans import COUNT_WORD, Mention, left_span, list_member, listed_places

_COUNTED_LIST = re.compile(r"((?:[^，,。；;、：:（）()]{2,14}、){1,12}[^，,。；;、：:（）()]{2,14}?)"
                           r"[\d一二三四五六七八九十两]{1,3}个([\u3400-\u9fff]{2,12}?(?:试点项目|示范项目|试点|示范区))")


def counted_lists(text: str, c_start: int, c_end: int) -> tuple[list[Mention], Spans]:
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


_PILOTED = re.compile(r"(“[^”]{2,8}”[\u3400-\u9fff]{0,4}?(配电网|微电网|电网))[^。；;]{0,60}?在"
                      r"([^，,。；;在]{2,40}?)等(?:地区|区域|地)(?:率先|开展)?试点")


def piloted_places(text: str, c_start: int, c_end: int) -> list[Mention]:
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


_DESIGNATED = re.compile(r"((?:[\u3400-\u9fff]{2,4}[、和及]){1,12}[\u3400-\u9fff]{2,4}?)(?:创建|争创|建成|建设)"
                         r"((?:国家|省级|省)?(?:森林城市|园林城市|生态园林城市|生态文明建设示范[县市区]|生态文明示范[县市区]))")


_DESIGNATION_WORD = re.compile("森林城市|园林城市|生态文明")


def designations(text: str, c_start: int, c_end: int) -> list[Mention]:
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
            name = list_member(raw) if i == 0 else raw
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


def firm_runs(text: str, c_start: int, c_end: int) -> list[Mention]:
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


def company_lists(text: str, c_start: int, c_end: int) -> list[Mention]:
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
        span_start = left_span(text, m.start(), c_start)
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


def project_lists(text: str, c_start: int, c_end: int) -> list[Mention]:
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


def counted_members(text: str, c_start: int, c_end: int) -> list[Mention]:
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
        span_start = left_span(text, m.start(), c_start)
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


def colon_headings(text: str, c_start: int, c_end: int) -> list[Mention]:
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


def place_programmes(text: str, c_start: int, c_end: int) -> list[Mention]:
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


def single_projects(text: str, c_start: int, c_end: int) -> list[Mention]:
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


def designated_subjects(text: str, c_start: int, c_end: int) -> list[Mention]:
    """A place or site the plan says was designated a pilot or demonstration ("甲县乙镇入选首批省级低碳
    城镇试点" → 甲县乙镇省级低碳城镇试点): the subject must be named by a place or a proper name."""
    out: list[Mention] = []
    for m in _DESIGNATED_SUBJECT.finditer(text, c_start, c_end):
        subject = strip_openers(m.group(1), front_only=True)
        if is_generic(subject) or "的" in subject or COUNT_WORD.search(subject) or \
                not (_opens_with_admin(subject) or opens_with_proper(subject)):
            continue
        name = subject + m.group(2)
        category = next((cat for key, cat in lx.SECTOR_KEYWORDS if key in m.group(2)), None) or \
            works_category(m.group(2))
        start = m.end(1) - len(subject)
        out.append(Mention(name, category, start, m.end(1), c_start, c_end))
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


def programmes(text: str, c_start: int, c_end: int, skip: Spans) -> list[Mention]:
    """Demonstration programmes named by their sector: "城市绿色货运配送示范工程", "市级能源互联网试点"."""
    out = []
    for m in _PROGRAMME_HEAD_RE.finditer(text, c_start, c_end):
        if skip.covers(m.start()):
            continue
        if text.startswith(lx.PROGRAMME_HEADS, m.end()):
            continue  # "综合试点示范项目": the longer programme name ends later
        span_start = left_span(text, m.start(), c_start)
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
        places = listed_places(text, m, list_member, 8)
        out.extend(Mention(place + kind, category, at, end, c_start, c_end) for place, at, end in places or ())
    return out


_PLACES_PROGRAMME = re.compile(r"在((?:[^，,。；;、在]{2,8}、)+[^，,。；;、在]{2,8}?)(?:等地区?|等区县|等县区)?"
                               r"(?:开展|实施|推进|推广|建设)([^，,。；;、]{2,14}?(?:试点|示范))(?=[，,。；;]|$)")


_PROGRAMME_HEAD_RE = re.compile("|".join(re.escape(h) for h in lx.PROGRAMME_HEADS))


_HEADING_END = re.compile(r"(工程|项目|示范|试点|计划)[。.]?\s*$")


def programme_headings(text: str, c_start: int, c_end: int) -> list[Mention]:
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


def quoted_programmes(text: str, c_start: int, c_end: int) -> list[Mention]:
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
        prefix_start = left_span(text, start, c_start)
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


def parenthesised_members(text: str, c_start: int, c_end: int) -> list[Mention]:
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
