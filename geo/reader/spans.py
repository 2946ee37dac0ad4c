"""The mention record and the span helpers every rule of the mention finder uses.

A :class:`Mention` is one facility a clause names, with its span in the text; :func:`left_span`
reads back from a head over the words of a name (list separators and 等 included),
:func:`list_member` cuts a member of a list free of the words that open its clause, and
:func:`listed_places` reads a list of short place names. The rules are in
:mod:`~geo.reader.networks` and :mod:`~geo.reader.structures`; :mod:`~geo.reader.mentions` runs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import lexicon as lx
from .names import (
    ends_with_head,
    is_generic,
    list_items,
    load_jieba,
    strip_openers,
)

_HARD_STOP = set("，,。；;：:！!？?\n\t（）()【】[]《》")  # a name never spans these (but see left_span)
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


def left_span(text: str, head_start: int, clause_start: int) -> int:
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


COUNT_WORD = re.compile(r"[\d一二三四五六七八九十两]+个|一批")


def list_member(raw: str) -> str:
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


def listed_places(text: str, m: re.Match[str], first: Callable[[str], str],
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
