"""Clauses of a plan's text: where the plan proper starts, page noise, sentences, PDF wraps.

The first step of finding candidates in a text (:mod:`geo.reader.reading` gives the text):
:func:`clauses` cuts it into sentences at 。；！？ and line ends, skipping noise lines
(URLs, page chrome, spam); :func:`soft_joined` undoes the line wraps that a copied PDF
leaves inside sentences, keeping an index back into the text for verbatim quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import lexicon as lx

CJK = re.compile(r"[\u3400-\u9fff]")
_CLAUSE_END = re.compile(r"[。；;！!？?\n]")


_BODY_MARKERS = ("全文如下", "原文如下", "正文如下")


def body_start(text: str) -> int:
    """Where the plan proper starts: after a "全文如下"-style marker, else 0."""
    for marker in _BODY_MARKERS:
        at = text.find(marker)
        if at >= 0:
            return at + len(marker)
    return 0


_URL_LINE = re.compile(r"^(https?://|www\.)\S+$")
_CHROME = re.compile("|".join(re.escape(m) for m in lx.CHROME_MARKERS))
#: three CJK characters, wherever they stand
_THREE_CJK = re.compile(r"[\u3400-\u9fff](?:[^\u3400-\u9fff]*[\u3400-\u9fff]){2}")


#: what the name of an office, a company or an authority ends with
_OFFICE_END = re.compile(r"(?:局|委|委员会|厅|办|办公室|公司|集团|政府|管委会|单位|部门|中心|部)$")
_ADDRESSEE_SPLIT = re.compile(r"[、，,]")


def _is_addressee_line(line: str) -> bool:
    """The addressees of a notice ("各区县发展改革委、甲新区经济运行局、乙公司："): a line ending with
    a colon whose members are two or more offices, companies or authorities (a plan's own line that
    ends with a colon introduces its items, which are no offices)."""
    if not line.endswith(("：", ":")):
        return False
    parts = [p for p in _ADDRESSEE_SPLIT.split(line[:-1]) if p]
    return len(parts) >= 2 and sum(1 for p in parts if _OFFICE_END.search(p)) * 3 >= len(parts) * 2


def _is_noise_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return True
    if _is_addressee_line(stripped):
        return True
    if _URL_LINE.match(stripped):
        return True
    if _CHROME.search(stripped):
        return True
    if ">" in stripped and "首页" in stripped:
        return True
    return not _THREE_CJK.search(stripped)


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



ENUMERATOR = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十]+[）)、.．]|[（(]?\d+[）).．、]|[0-9]+\s|"
                        r"[一二三四五六七八九十]是(?=[\u3400-\u9fff]))\s*")


_SOFT_PREV = re.compile(r"[\u3400-\u9fffA-Za-z0-9、，,“”（）()]")
_SOFT_NEXT = re.compile(r"[\u3400-\u9fffA-Za-z0-9、，,”）)]")


def soft_joined(text: str) -> tuple[str, list[int]]:
    """Undo PDF line wrapping: drop line breaks inside a sentence.

    A break is soft when the line is long (≥ 15 characters), does not end a sentence,
    the next line does not open a heading, and neither line is a table row (cells joined by
    tabs: the reader has put a row on one line already). Returns the joined text and, for each of its
    characters, the index of that character in ``text`` (quotes are cut from ``text``).
    """
    out: list[str] = []
    index: list[int] = []
    lines = text.split("\n")
    at = 0  # where the line starts in ``text``
    for k, line in enumerate(lines):
        out.append(line)
        index.extend(range(at, at + len(line)))
        at += len(line)  # the line's break, if another line follows
        if k + 1 == len(lines):
            break
        nxt = lines[k + 1]
        soft = len(line) >= 15 and _SOFT_PREV.match(line[-1]) and nxt and _SOFT_NEXT.match(nxt[0]) and \
            not ENUMERATOR.match(text[at + 1:at + 8]) and "\t" not in line and "\t" not in nxt
        if not soft:
            out.append("\n")
            index.append(at)
        at += 1
    return "".join(out), index

