"""Years and plan periods in plan prose, read as an interval ``(year_start, year_end)``.

``十四五`` is 2021–2025 and ``十五五`` 2026–2030; ``到2025年`` / ``2025年前`` /
``2025年底`` mean *by* 2025 (no start); ``2023年开工`` starts in 2023; ``2021—2025年``
is that interval. Several parts combine into the widest interval they state.

Linear in the length of the text: every pattern is tried once per position and years
have a fixed length (four digits, or 二〇 and two Chinese digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: five-year plan periods by their Chinese ordinal
PERIODS: dict[str, tuple[int, int]] = {
    "十一五": (2006, 2010),
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
    "十六五": (2031, 2035),
}

YEAR_MIN, YEAR_MAX = 1990, 2060

_CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_YEAR = r"((?:19|20)\d{2}|二[〇零][一二三四五六七八九〇零]{2})"
# Linear: whitespace runs are possessive (what follows them never starts with whitespace),
# and a match without a cue word may not start inside a whitespace run, where a match
# would already have started at the run's first character.
_RANGE = re.compile(_YEAR + r"\s*+(?:年\s*+)?(?:-|—|–|~|～|至|到)\s*+" + _YEAR + r"\s*+年?")
_SINGLE = re.compile(r"(?:(到|至|截至|截止|力争到|力争|争取到|争取)|(?<!\s))\s*+" + _YEAR +
                     r"\s*+年(底|前|以前|末|年底)?")
_START_CUES = ("开工", "启动", "开始", "起")
_END_CUES = ("建成", "投产", "投运", "完成", "实现", "达到", "并网", "竣工")


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed interval of years; ``start`` is ``None`` for "by ``end``"."""

    start: int | None
    end: int | None


def _year(text: str) -> int:
    return int(text.translate(_CN_YEAR_DIGITS))


def interval_from_text(text: str) -> Interval | None:
    """Read the interval that a ``timeline_text`` states.

    Parameters
    ----------
    text : str
        For example ``"十四五"``, ``"到2025年"``, ``"2023年开工、2025年建成"``.

    Returns
    -------
    Interval or None
        ``None`` when the text states no year or period.

    Examples
    --------
    >>> interval_from_text("“十四五”期间")
    Interval(start=2021, end=2025)
    >>> interval_from_text("到2030年")
    Interval(start=None, end=2030)
    """
    starts: list[int] = []
    ends: list[int] = []
    for name, (a, b) in PERIODS.items():
        if name in text:
            starts.append(a)
            ends.append(b)
    pieces: list[str] = []
    done = 0
    for m in _RANGE.finditer(text):
        starts.append(_year(m.group(1)))
        ends.append(_year(m.group(2)))
        pieces += [text[done:m.start()], " " * (m.end() - m.start())]
        done = m.end()
    consumed = "".join([*pieces, text[done:]])  # the ranges blanked out, offsets kept
    for m in _SINGLE.finditer(consumed):
        year = _year(m.group(2))
        before, after = m.group(1), m.group(3)
        following = consumed[m.end():m.end() + 6]
        if before or after:
            ends.append(year)
        elif any(following.startswith(c) or c in following[:4] for c in _START_CUES):
            starts.append(year)
        elif any(c in following[:4] for c in _END_CUES):
            ends.append(year)
        else:
            starts.append(year)
            ends.append(year)
    if not starts and not ends:
        return None
    return Interval(min(starts) if starts else None, max(ends) if ends else None)
