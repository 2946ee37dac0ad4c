"""Names in plan prose: generic words, clause openers, proper parts and the category a head implies.

Pure string functions the mention finder (:mod:`geo.reader.mentions`) and the scorer
(:mod:`geo.reader.compare`) share: whether words are only generic modifiers
(:func:`is_generic`), a name without the verbs that open its clause (:func:`strip_openers`),
its proper part and generic tail (:func:`split_tail`), the key that makes two mentions of one
entity one candidate (:func:`normal_name`, :func:`entity_key`). Where a character could open a
clause or start a word (将 in 将军山), jieba's bundled dictionary decides (:func:`first_word`).
"""

from __future__ import annotations

import logging
import re
import warnings
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from geo._text import words_only
from geo.quantities import fold_width, quantities_from_text

from . import lexicon as lx
from .clauses import CJK, ENUMERATOR

ADMIN = re.compile(r"[\u3400-\u9fff]{1,5}(?:自治县|县|区|市|旗|镇|乡|街道)")


GENERIC_WORDS: tuple[str, ...] = tuple(sorted((set(lx.GENERIC) | set(lx.HEAD_LIST)) - lx.WATER_HEADS, key=len,
                                               reverse=True))


PHASE = re.compile(r"[一二三四五]期")
PHASE_BRACKETED = re.compile(r"[（(][一二三四五]期[）)]|[一二三四五]期")


GENERIC_SET = frozenset(GENERIC_WORDS)
#: every facility head, longest first
HEAD_RE = re.compile("|".join(re.escape(h) for h in lx.HEAD_LIST))


def without_quantities(text: str) -> str:
    """``text`` with every capacity (number + unit) taken out."""
    kept, done = [], 0
    for q in quantities_from_text(text):
        kept.append(text[done:q.start])
        done = q.end
    return "".join(kept) + text[done:]


@lru_cache(maxsize=65536)
def is_generic(qualifier: str) -> bool:
    """Whether words are only generic modifiers and heads (no proper name among them)."""
    rest = without_quantities(re.sub(r"[“”\"'()（）·\-—\s]", "", qualifier))
    rest = re.sub(r"[\dA-Za-z.]+", "", rest)
    return not rest or words_only(rest, GENERIC_SET)


_STRONG_VERBS = tuple(sorted((v for v in lx.VERBS if v not in lx.WEAK_VERBS and (len(v) > 1 or v == "的")),
                             key=len, reverse=True))
ALL_VERBS = tuple(sorted(lx.VERBS, key=len, reverse=True))


def _by_first_char(words: tuple[str, ...]) -> dict[str, tuple[tuple[int, str], ...]]:
    """``words`` grouped by their first character, each with its rank in ``words``: a name is
    only tried against the words that can occur in it, in the order of ``words``."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for rank, word in enumerate(words):
        groups.setdefault(word[0], []).append((rank, word))
    return {ch: tuple(group) for ch, group in groups.items()}


_VERBS_BY_CHAR = _by_first_char(ALL_VERBS)
_STRONG_BY_CHAR = _by_first_char(_STRONG_VERBS)


@lru_cache(maxsize=65536)
def first_word(text: str) -> str:
    """The first word of ``text`` by jieba's dictionary (no HMM guessing, no model download)."""
    return next(iter(load_jieba().cut(text, HMM=False)), "")


@lru_cache(maxsize=1)
def load_jieba() -> Any:
    """jieba with its bundled dictionary loaded (once per process, about half a second), quietly."""
    with warnings.catch_warnings():  # jieba 0.42 has old-style escapes and imports that newer Pythons warn of
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def opens_with(name: str, verb: str) -> bool:
    """Whether ``name`` opens with the verb or particle ``verb`` — not with a word that starts with
    its character: 将 opens "将城北物流园…" but not 将军山风电场, 向 not 向阳湖, 和 not 和县."""
    if not name.startswith(verb):
        return False
    return len(verb) > 1 or first_word(name) == verb


#: a time before a name ("到2025年农村电网"): never part of it
_TIME_OPENER = re.compile(r"^(?:到|至|在|于)?(?:19|20)\d{2}年(?:底|前|末)?")


def strip_openers(name: str, *, keep: int = 0, front_only: bool = False) -> str:
    """Drop enumerators, a time, and clause-opening verbs and particles from the front of a name.

    Strong verbs (推进, 建设 ...) cut the name wherever they stand before its last ``keep``
    characters (the head); weak ones (发展, 改造 ...) only at the very front. With ``front_only``,
    every verb only at the very front (a project named by its works holds verbs: 甲路拓宽改造工程).
    """
    name = _TIME_OPENER.sub("", ENUMERATOR.sub("", name))
    changed = True
    while changed and name:
        changed = False
        front = name[: len(name) - keep] if keep else name
        for _, verb in _VERBS_BY_CHAR.get(front[:1], ()):
            if opens_with(front, verb) and len(name) - len(verb) >= 2:
                name = name[len(verb):]
                changed = True
                break
        if changed or front_only:
            continue
        for _, verb in sorted(v for ch in set(front) for v in _STRONG_BY_CHAR.get(ch, ())):
            at = front.rfind(verb)
            if at >= 0 and len(name) - (at + len(verb)) >= 2:
                name = name[at + len(verb):]
                changed = True
                break
    while name and name[0] in "等和及与、了" and (name[0] == "、" or opens_with(name, name[0])):  # 了: 启动了甲
        name = name[1:]
    return name



_IGNORED = re.compile(r"[“”\"'()（）·\-—\s]")
#: the lengths of the generic words that start with each character, shortest first
_GENERIC_LENGTHS: dict[str, tuple[int, ...]] = {
    ch: tuple(sorted({len(w) for w in GENERIC_SET if w[0] == ch})) for ch in {w[0] for w in GENERIC_SET}}
_DIGIT_OR_LETTER = re.compile(r"[\dA-Za-z.]")
#: characters that may start a number (the left context a quantity depends on; see geo.quantities)
_NUMERAL_CHARS = frozenset("零〇一二两三四五六七八九十百千")


def _generic_suffixes(name: str) -> tuple[list[bool], list[bool]]:
    """For each cut of ``name``: whether ``is_generic(name[cut:])`` follows from one pass over the
    name, and whether the cut is *safe* (the suffix's quantities are the name's quantities after
    the cut, so the one-pass answer is exact).

    :func:`is_generic` strips punctuation, then quantities, then digits and letters, and asks
    whether the rest is a run of generic words. The same steps done once on the whole name,
    with a right-to-left pass marking where a run of generic words to the end can start, answer
    it for every suffix at once — except where a quantity's reading depends on what lies left of
    the cut (inside a quantity, or right after a digit, a sign, a letter or a numeral), which
    the caller asks :func:`is_generic` itself.
    """
    kept = [i for i, ch in enumerate(name) if not _IGNORED.match(ch)]  # positions of the stripped name
    stripped = "".join(name[i] for i in kept)
    folded = fold_width(stripped)
    removed = [False] * len(stripped)
    inside = [False] * (len(stripped) + 1)
    for q in quantities_from_text(stripped):
        for k in range(q.start, q.end):
            removed[k] = True
        for k in range(q.start + 1, q.end):
            inside[k] = True
    for m in _DIGIT_OR_LETTER.finditer(stripped):
        removed[m.start()] = True
    rest = [k for k in range(len(stripped)) if not removed[k]]
    chars = "".join(stripped[k] for k in rest)
    run = [False] * (len(chars) + 1)  # run[r]: chars[r:] is empty or a sequence of generic words
    run[len(chars)] = True
    for r in range(len(chars) - 1, -1, -1):
        for n in _GENERIC_LENGTHS.get(chars[r], ()):
            if r + n > len(chars):
                break
            if run[r + n] and chars[r:r + n] in GENERIC_SET:
                run[r] = True
                break
    # for each position of the stripped name, the first kept character at or after it
    next_rest = [len(chars)] * (len(stripped) + 1)
    r = len(chars)
    for k in range(len(stripped) - 1, -1, -1):
        if not removed[k]:
            r -= 1
        next_rest[k] = r
    generic, safe = [False] * len(name), [False] * len(name)
    for cut in range(len(name)):
        k = bisect_left(kept, cut)  # the stripped name's position of this cut
        left = folded[max(0, k - 2):k]
        safe[cut] = not inside[k] and all("\u3400" <= ch <= "\u9fff" and ch not in _NUMERAL_CHARS for ch in left)
        generic[cut] = run[next_rest[k]]
    return generic, safe


@lru_cache(maxsize=65536)
def split_tail(name: str) -> tuple[str, str]:
    """Split a name into its proper part and its generic tail (heads and modifiers): the first
    cut whose suffix :func:`is_generic` accepts.

    Linear in the name's length: one pass answers every cut (:func:`_generic_suffixes`) but the
    few whose quantities depend on the left context, which :func:`is_generic` reads; asking it
    of every cut reads every suffix, quadratic work.
    """
    generic, safe = _generic_suffixes(name)
    for cut in range(len(name)):
        if generic[cut] if safe[cut] else is_generic(name[cut:]):
            return name[:cut], name[cut:]
    return name, ""


_DESIGNATION_AFTER = re.compile(r"[（(][^（）()]{1,8}[）)]$")


def ends_with_head(part: str) -> bool:
    """Whether a list member is a name of its own (a water word like 湖 does not count); a short
    designation in brackets after it changes nothing (甲河道拓浚工程（乙片）)."""
    part = _DESIGNATION_AFTER.sub("", part)
    return part.endswith(lx.LAND_HEADS) or part.endswith(lx.COMPLETE_ENDINGS)


def is_toponym(qualifier: str) -> bool:
    """A place name: a toponym morpheme (县, 湖, 江 ...) after at least two other characters, or a
    name that opens with a word jieba's dictionary tags as a place (株洲, 嘉定: tag ``ns``)."""
    if ADMIN.search(qualifier) and not is_generic(qualifier):
        return True
    core = [c for c in qualifier if CJK.match(c)]
    plain = [c for c in core if c not in lx.TOPONYM_CHARS]
    if len(plain) >= 2 and len(plain) < len(core) and not is_generic(qualifier):
        return True
    return len(core) >= 2 and not is_generic(qualifier) and opens_with_place(qualifier)


PROPER_TAGS = {"nr", "ns", "nt", "nz", "nrt", "nrfg"}


def opens_with_proper(text: str) -> bool:
    """Whether ``text`` opens with a proper name: a word of two or more characters that jieba's
    dictionary tags as a place, person or organisation (湖南省, 天津大学), Latin letters (SAP), or
    the state (国家…: a national institution)."""
    word = first_word(text)
    if len(word) >= 2 and word_tags().get(word) in PROPER_TAGS and not is_generic(word):
        return True
    return re.match(r"[A-Za-z]{2}", text) is not None or text.startswith("国家")


def opens_with_place(text: str) -> bool:
    """Whether the first word of ``text`` (:func:`first_word`) is a place name of two or more
    characters by jieba's dictionary (its part-of-speech tag ``ns``)."""
    word = first_word(text)
    return len(word) >= 2 and word_tags().get(word) == "ns"


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """The part-of-speech tag of every word of jieba's bundled dictionary (read once per process)."""
    load_jieba()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba.posseg

    tags: dict[str, str] = jieba.posseg.dt.word_tag_tab
    return tags


#: the last characters of a generic compound of water words before a water head (河湖, 江河, 河渠)
_WATER_COMPOUND = tuple("河湖江渠塘沟")
#: generic water words that make the words before a head a description of water, no name (农村河道拦河)
_WATER_WORDS = ("河道", "河塘", "沟渠", "水体", "水系", "河湖")


def is_water_name(proper: str, *, listed: bool = False, head: str = "") -> bool:
    """The proper part of a water body's name: two or more characters that are not generic
    (one is enough inside a list of water bodies: 盐湖、伍姓湖), no compound of water words
    before a one-character ``head`` (主要河湖 is no name; 甲江干流 is) and no phrase (辖区内的河)."""
    core = re.sub(r"[^\u3400-\u9fff]", "", proper)
    plain = [c for c in core if c not in lx.TOPONYM_CHARS]
    return len(plain) >= (1 if listed else 2) and len(plain) == len(core) - (len(core) - len(plain)) and \
        not is_generic(core) and "“" not in proper and not core.startswith(ALL_VERBS) and \
        not (len(head) == 1 and core.endswith(_WATER_COMPOUND)) and "的" not in core and \
        not any(w in core for w in _WATER_WORDS)


_CONJUNCTION = re.compile(r"以及|、|和|及|与")


def list_items(list_part: str) -> list[str]:
    """The members of a list: split at 、 and at conjunctions that stand as words (和 in 和县 does not)."""
    parts: list[str] = []
    start = 0
    for m in _CONJUNCTION.finditer(list_part):
        follows = list_part[m.end():m.end() + 1]
        if m.group() == "、" or ((not follows or follows not in "、，,")
                                and opens_with(list_part[m.start():], m.group())):
            # 和 before a separator ends a name (泰和、华夏): it joins nothing
            parts.append(list_part[start:m.start()])
            start = m.end()
    parts.append(list_part[start:])
    parts = [p for p in parts if p]
    if len(parts) > 1 and all(p.endswith("型") for p in parts):
        return [list_part]  # "多式联运型和干支衔接型": kinds of one facility, not a list of names
    return parts



def drop_list_closer(words: str) -> str:
    """Words after 等 without a closing place word: "地光伏发电项目" → "光伏发电项目"."""
    for closer in lx.LIST_CLOSERS:
        if words.startswith(closer) and not words.startswith(lx.HEAD_LIST):
            return words[len(closer):]
    return words


def shared_tail(tail: str) -> str:
    """A head shared by a list, without the modifiers that describe the list rather than each
    member: "现有大型水电站" after "柘溪等" → "水电站"."""
    changed = True
    while changed:
        changed = False
        for word in lx.SHARED_ONLY:
            if tail.startswith(word) and len(tail) > len(word):
                tail, changed = tail[len(word):], True
    return tail


def specific_enough(proper: str, head: str) -> bool:
    core = re.sub(r"[^\u3400-\u9fffA-Za-z0-9]", "", proper)
    if head in lx.WATER_HEADS:
        # a water body needs a proper name of its own (伍姓湖, 姚暹渠), not a stray character
        return len(CJK.findall(core)) >= 2
    return len(core) >= 2



def category_of(name: str, head: str) -> str:
    category = lx.HEADS[head]
    if category == "coal_power" and re.search(r"生物质|垃圾|秸秆|农林废弃物|沼气", name):
        return "biomass_waste"
    if category == "coal_power" and re.search(r"燃机|燃气|天然气|LNG", name):
        return "gas_oil"  # gas-fired power and CHP (燃机热电联产) burn gas, not coal
    if re.search(r"港[一二三四五]期", name):
        return "port_waterway"
    if category in ("industrial_park", "other", "transport") and "物流" in name:
        return "logistics"
    if "湿地" in name and category not in ("logistics", "transport"):
        return "wetland"
    return category



def works_category(name: str) -> str:
    """The category of a project named by its works, not by a facility head ("甲化工年产8万吨染料升级
    改造", "乙年处理30万吨弃渣综合利用"): the words of :data:`~geo.reader.lexicon.WORKS_WORDS`, then a
    facility head or a sector word in the name, else ``other``."""
    word = next((cat for key, cat in lx.WORKS_WORDS if key in name), None)
    if word is not None:
        return word
    head = next((h for h in HEAD_RE.finditer(name) if h.group() not in lx.WATER_HEADS), None)
    if head is not None:
        return category_of(name, head.group())
    return next((cat for key, cat in (*lx.SECTOR_KEYWORDS, *lx.TABLE_KEYWORDS) if key in name), "other")


def normal_name(name: str) -> str:
    """Name without capacities, brackets and spaces: for de-duplication and matching."""
    return re.sub(r"[－—–]", "-", re.sub(r"[\s“”\"'（）()·]", "", without_quantities(name)))



#: the heads that end with each character, longest first
_HEADS_BY_LAST: dict[str, tuple[str, ...]] = {
    ch: tuple(h for h in lx.HEAD_LIST if h[-1] == ch) for ch in {h[-1] for h in lx.HEAD_LIST}}


def entity_key(normal: str) -> tuple[str, str]:
    """``(proper part, final head)`` of a name: the same entity written with or without its
    capacity or generic words gets the same key."""
    head = next((h for h in _HEADS_BY_LAST.get(normal[-1:], ()) if normal.endswith(h)), "")
    proper, _ = split_tail(normal)
    for h in _HEADS_BY_LAST.get(proper[-1:], ()):
        if proper.endswith(h) and len(proper) > len(h):
            proper = proper[: -len(h)]
            break
    return (proper if len(proper) >= 2 else normal), head



def is_programme(name: str) -> bool:
    """A named programme (计划, 行动, 试点, 示范…, a 工程 that is no facility type) rather than one
    facility: 输变电工程, 送出工程, 疏浚工程 are facilities."""
    if re.search(r"计划|行动|试点|示范$|示范工程$", name):
        return True
    return name.endswith("工程") and not name.endswith(lx.HEAD_LIST)
