"""Candidates: catalogue rows proposed from a plan's mentions, with quote, status, years and capacity.

Candidates come out as :class:`~geo.catalog.Project` records, so they are written with the
catalogue's columns; quotes are verbatim substrings of the plan at their offsets, and so are
the status, timeline, capacity and place words. The reader never writes to the curated
catalogue: a reviewer merges.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from pathlib import Path
from typing import Any, cast

from geo._text import Marks
from geo.catalog import Project, catalog_to_csv
from geo.errors import ExtractError
from geo.quantities import MAX_QUANTITY_CHARS, capacity_from_text, leading_quantity, quantities_from_text
from geo.timeline import Interval, interval_from_text
from geo.vocabulary import Action, Category, Status

from . import lexicon as lx
from .clauses import ENUMERATOR, body_start, soft_joined
from .mentions import mentions
from .names import ADMIN, ALL_VERBS, PHASE, PHASE_BRACKETED, is_programme
from .spans import Mention
from .tables import table_mentions

log = logging.getLogger(__name__)

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
            trimmed = ENUMERATOR.sub("", part)
            start, part = start + len(part) - len(trimmed), trimmed
        word = next((w for w in lx.STATUS_LIST if w in part), None)
        verbatim = word is not None and self._verbatim(start + part.find(word), len(word))
        return word, verbatim, part.startswith(ALL_VERBS)

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


#: words that announce a figure of the facility, and the dimensions each may announce
_CUE_DIMENSIONS = {
    "总装机": ("power", "energy"), "装机容量": ("power", "energy"), "装机规模": ("power", "energy"),
    "装机": ("power", "energy"), "规模": ("power", "energy", "mass", "area"), "容量": ("power", "energy", "apparent"),
    "主变容量": ("apparent",), "变电容量": ("apparent",), "占地面积": ("area",), "占地": ("area",),
    "面积": ("area",), "处理能力": ("mass",), "年处理": ("mass",), "日处理": ("mass",), "吞吐能力": ("mass",),
    "吞吐量": ("mass",), "年吞吐": ("mass",), "年产": ("mass",), "产能": ("mass",), "全长": ("length",),
    "总长": ("length",), "长约": ("length",), "长度": ("length",), "里程": ("length",),
}
_CAPACITY_CUE = re.compile("(" + "|".join(sorted(_CUE_DIMENSIONS, key=len, reverse=True)) + ")"
                           r"(?:容量)?(?:约|达|达到|为|共|合计|超过|近)?")


def _capacity_after(text: str, mention: Mention, next_start: int) -> str:
    """A figure of the facility stated after its name in the same clause, before the next
    mention, of the dimension its cue announces: "完成某县光伏发电项目建设,总装机33.2万千瓦" →
    "33.2万千瓦", "某垃圾焚烧发电厂,日处理生活垃圾1500吨" → "日处理生活垃圾1500吨" (a cue and its figure
    may stand a few words apart: 日处理 + 生活垃圾 + 1500吨)."""
    end = min(mention.clause_end, next_start)
    for cue in _CAPACITY_CUE.finditer(text, mention.end, end):
        dimensions = _CUE_DIMENSIONS[cue.group(1)]
        at = cue.end()
        if "mass" in dimensions:  # 日处理生活垃圾1500吨: a short object between the cue and its figure
            skip = re.match(r"[\u3400-\u9fff]{0,4}?(?=[\d０-９])", text[at:min(end, at + 5)])
            at += skip.end() if skip else 0
        # no quantity is longer than MAX_QUANTITY_CHARS: reading further would only cost time
        q = leading_quantity(text[at:min(end, at + MAX_QUANTITY_CHARS + 7)])
        if q is not None and q.dimension in dimensions:
            # a mass with its cue: 日处理 makes it per day (the capacity text states it whole)
            return text[cue.start(1):at + q.end] if q.dimension == "mass" else q.text
    return ""


def candidates_from_text(text: str, region: str) -> list[Project]:
    """Catalogue-format candidates of one plan text.

    Parameters
    ----------
    text : str
        The plan's text (:attr:`~geo.reader.PlanText.text`; never modified: quotes index it).
    region : str
        Plan / region code written into the rows (upper-case letters).
    """
    if not re.fullmatch(r"[A-Z]+", region):
        raise ExtractError(f"region code {region!r} must be upper-case letters, e.g. ZHUZHOU")
    out: list[Project] = []
    groups: dict[str, str] = {}
    joined, index = soft_joined(text)
    body = body_start(joined)
    in_tables, rows = table_mentions(joined, start=body)
    found = mentions(joined, start=body, leave=rows, extra=in_tables)
    facts = _Clauses(text, joined, index)
    starts: dict[int, list[int]] = {}  # clause start -> starts of its mentions, sorted
    for o in found:
        starts.setdefault(o.clause_start, []).append(o.start)
    for clause_starts in starts.values():
        clause_starts.sort()
    for i, m in enumerate(found, start=1):
        quote, offset = facts.quote(m)
        phase_match = PHASE.search(m.name)
        phase = phase_match.group(0) if phase_match else ""
        name = PHASE_BRACKETED.sub("", m.name, count=1) if phase else m.name
        group = groups.setdefault(name, f"{region}-G{len(groups) + 1:02d}") if phase else ""
        capacity = next((q.text for q in quantities_from_text(m.name)), "") or m.capacity
        if not capacity:
            clause_starts = starts[m.clause_start]
            at = bisect_left(clause_starts, m.end)
            capacity = _capacity_after(joined, m, clause_starts[at] if at < len(clause_starts) else m.clause_end)
        if capacity not in quote:
            capacity = ""  # the capacity must be verbatim text of the quoted line (a wrapped line joins words)
        normalised = capacity_from_text(capacity)
        timeline, interval = facts.timeline(m)
        if m.timeline:  # a table's time cell (its own or a merged one above): the row's years
            timeline, interval = m.timeline, interval_from_text(m.timeline)
        status, status_text = facts.status(m)
        if m.status and status_text not in lx.STAGE_WORDS:
            # a table's section heading (一、预计建成) outranks the row's own verbs of action (建设)
            status, status_text = m.status, ""
        place = next((a.group(0) for a in ADMIN.finditer(m.name)), "")
        out.append(Project(
            id=f"{region}-{i:03d}", region=region, name_zh=name, category=Category(m.category),
            phase=phase, project_group=group,
            is_programme=is_programme(m.name),
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
