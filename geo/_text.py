"""Linear-time text helpers of the plan reader and the validator: positions found by bisection,
word splits, the longest run two texts share.

The reader asks, for each of possibly thousands of mentions in a clause, where the nearest
comma, line end or "(… 负责)" note lies. Scanning the clause for each would make reading
quadratic in the clause's length; these helpers index the text once and answer each
question in logarithmic time.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache


class Marks:
    """Sorted positions of some characters in a text, searched by bisection.

    Parameters
    ----------
    text : str
    chars : str
        The characters whose positions are kept.
    """

    def __init__(self, text: str, chars: str) -> None:
        self.at = [m.start() for m in re.finditer("[" + re.escape(chars) + "]", text)]

    def last(self, lo: int, hi: int) -> int:
        """The greatest position in ``[lo, hi)``, else -1 (as ``text.rfind(c, lo, hi)`` for each char)."""
        i = bisect_left(self.at, hi) - 1
        return self.at[i] if i >= 0 and self.at[i] >= lo else -1

    def first(self, lo: int, hi: int) -> int:
        """The least position in ``[lo, hi)``, else -1 (as ``text.find(c, lo, hi)`` for each char)."""
        i = bisect_left(self.at, lo)
        return self.at[i] if i < len(self.at) and self.at[i] < hi else -1


class Spans:
    """Sorted, non-overlapping ``[start, end)`` spans, searched by bisection.

    Parameters
    ----------
    spans : list of (int, int)
        In increasing order, none overlapping (as ``re.finditer`` yields them).
    """

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def covers(self, pos: int) -> bool:
        """Whether a span holds ``pos``."""
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def last_end(self, pos: int, *, default: int) -> int:
        """The greatest span end at or before ``pos``, else ``default``."""
        i = bisect_right(self.ends, pos) - 1
        return self.ends[i] if i >= 0 else default


@lru_cache(maxsize=16)
def _lengths(words: frozenset[str]) -> tuple[int, ...]:
    return tuple(sorted({len(w) for w in words}))


def words_only(text: str, words: frozenset[str]) -> bool:
    """Whether ``text`` is a sequence of ``words``, in any split (分布式光伏 = 分布式 + 光伏 too).

    Dynamic programming over positions, linear in ``len(text)`` (times the number of
    distinct word lengths): a regular expression ``(?:word|word|…)+`` backtracks through
    every split of overlapping words and takes exponential time on a long run of them that
    ends in another character.

    Examples
    --------
    >>> words_only("绿色物流", frozenset({"绿色", "物流"}))
    True
    >>> words_only("绿色甲", frozenset({"绿色", "物流"}))
    False
    """
    lengths = _lengths(words)
    reachable = [True] + [False] * len(text)
    for i in range(len(text)):
        if reachable[i]:
            for n in lengths:
                if i + n > len(text):
                    break
                if text[i:i + n] in words:
                    reachable[i + n] = True
    return bool(text) and reachable[-1]


def longest_common_run(a: str, b: str) -> int:
    """Length of the longest run of characters that ``a`` and ``b`` share (longest common substring).

    Linear in ``len(a) + len(b)``: a suffix automaton of ``b`` (every substring of ``b`` is a
    path from its root; at most ``2 * len(b)`` states), then one walk along ``a`` that keeps the
    longest suffix of the text read so far that is a substring of ``b``. The table of
    dynamic programming takes ``len(a) * len(b)`` steps, which long quotes make slow.

    Examples
    --------
    >>> longest_common_run("新马220千伏变电站", "醴陵东220千伏变电站")
    8
    >>> longest_common_run("风电", "光伏")
    0
    """
    if not a or not b:
        return 0
    nexts: list[dict[str, int]] = [{}]
    link, length = [-1], [0]
    last = 0
    for ch in b:
        cur = len(nexts)
        nexts.append({})
        link.append(-1)
        length.append(length[last] + 1)
        p = last
        while p >= 0 and ch not in nexts[p]:
            nexts[p][ch] = cur
            p = link[p]
        if p < 0:
            link[cur] = 0
        else:
            q = nexts[p][ch]
            if length[p] + 1 == length[q]:
                link[cur] = q
            else:
                clone = len(nexts)
                nexts.append(dict(nexts[q]))
                link.append(link[q])
                length.append(length[p] + 1)
                while p >= 0 and nexts[p].get(ch) == q:
                    nexts[p][ch] = clone
                    p = link[p]
                link[q] = link[cur] = clone
        last = cur
    best = run = state = 0
    for ch in a:
        while state and ch not in nexts[state]:
            state = link[state]
            run = length[state]
        if ch in nexts[state]:
            state = nexts[state][ch]
            run += 1
            best = max(best, run)
    return best
