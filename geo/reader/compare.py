"""Score the plan reader against the curated catalogue: recall and precision, misses and extras.

A candidate matches a catalogue row of its region and category when their names agree on
the proper part (the words before the generic head: 新马 in 新马220千伏变电站) and their
quotes overlap in the plan (similarity ≥ 0.6), or — one entity mentioned twice is one
catalogue row — when the names agree strongly wherever the mention is (≥ 0.8, and the same
capacities where both names state one). Matching is one to one, exact names first. Every
figure, per region, per category and overall, counts only such same-category matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from geo._text import longest_common_run
from geo.catalog import Project, projects_from_csv
from geo.errors import ExtractError
from geo.quantities import quantities_from_text
from geo.settings import Settings

from .candidates import candidates_from_text
from .lexicon import HEAD_LIST
from .names import normal_name, split_tail
from .reading import text_from_txt

FOCUS = ("wind", "pumped_storage", "substation", "wetland", "logistics")


def _proper(name: str) -> str:
    """The proper part of a name; never cut below two characters (盐湖 stays 盐湖, not 盐)."""
    normal = normal_name(name)
    proper, _ = split_tail(normal)
    for head in HEAD_LIST:
        if proper.endswith(head) and len(proper) - len(head) >= 2:
            proper = proper[: -len(head)]
            break
    return proper if len(proper) >= 2 else normal


def _quantities(name: str) -> tuple[float, ...]:
    return tuple(sorted(q.value for q in quantities_from_text(name)))



def similarity(a: str, b: str, *, containment: bool = False) -> float:
    """Agreement of two names on their proper parts, 0–1.

    With ``containment`` (the two quotes overlap) the common part is measured against the
    shorter name: 棉花仓储 in 中储粮集团棉花仓储 agrees fully.
    """
    if normal_name(a) == normal_name(b):
        return 1.0
    pa, pb = _proper(a), _proper(b)
    if not pa or not pb:
        return 0.0
    return longest_common_run(pa, pb) / (min if containment else max)(len(pa), len(pb))


def _overlap(c: Project, r: Project) -> bool:
    return c.quote_offset < r.quote_offset + len(r.quote) and r.quote_offset < c.quote_offset + len(c.quote)


@dataclass
class Score:
    """Counts behind recall and precision."""

    rows: int = 0
    matched_rows: int = 0
    candidates: int = 0
    matched_candidates: int = 0

    @property
    def recall(self) -> float:
        """Share of catalogue rows found."""
        return self.matched_rows / self.rows if self.rows else float("nan")

    @property
    def precision(self) -> float:
        """Share of candidates that are catalogue rows."""
        return self.matched_candidates / self.candidates if self.candidates else float("nan")

    def __iadd__(self, other: Score) -> Score:
        self.rows += other.rows
        self.matched_rows += other.matched_rows
        self.candidates += other.candidates
        self.matched_candidates += other.matched_candidates
        return self


@dataclass
class Comparison:
    """Scores of one or several plans, with the pairs, misses and extras."""

    pairs: list[tuple[Project, Project]] = field(default_factory=list)
    misses: list[Project] = field(default_factory=list)
    extras: list[Project] = field(default_factory=list)
    by_region: dict[str, Score] = field(default_factory=dict)
    by_category: dict[str, Score] = field(default_factory=dict)
    overall: Score = field(default_factory=Score)

    @property
    def focus(self) -> Score:
        """The headline categories (:data:`FOCUS`) together."""
        total = Score()
        for category in FOCUS:
            total += self.by_category.get(category, Score())
        return total

    def extend(self, other: Comparison) -> None:
        """Add another plan's comparison."""
        self.pairs += other.pairs
        self.misses += other.misses
        self.extras += other.extras
        for mine, theirs in ((self.by_region, other.by_region), (self.by_category, other.by_category)):
            for key, s in theirs.items():
                mine[key] = mine.get(key, Score())
                mine[key] += s
        self.overall += other.overall


def compare(candidates: Sequence[Project], catalogue: Sequence[Project]) -> Comparison:
    """Match one plan's candidates to its catalogue rows and count."""
    scored = []
    for c in candidates:
        for r in catalogue:
            if c.region != r.region or c.category != r.category:
                continue
            exact = normal_name(c.name_zh) == normal_name(r.name_zh)
            near = _overlap(c, r)
            sim = similarity(c.name_zh, r.name_zh, containment=near)
            if near and sim >= 0.6:
                scored.append((sim + 0.5 + exact, c, r))
            elif sim >= 0.8 and (not _quantities(c.name_zh) or not _quantities(r.name_zh)
                                 or _quantities(c.name_zh) == _quantities(r.name_zh)):
                scored.append((sim + exact, c, r))  # the same entity, mentioned elsewhere
    scored.sort(key=lambda t: -t[0])
    used_c: set[int] = set()
    used_r: set[int] = set()
    result = Comparison()
    for _, c, r in scored:
        if id(c) in used_c or id(r) in used_r:
            continue
        used_c.add(id(c))
        used_r.add(id(r))
        result.pairs.append((c, r))
    result.misses = [r for r in catalogue if id(r) not in used_r]
    result.extras = [c for c in candidates if id(c) not in used_c]
    for items, used, is_row in ((catalogue, used_r, True), (candidates, used_c, False)):
        for item in items:
            found = id(item) in used
            tally = Score(1, int(found), 0, 0) if is_row else Score(0, 0, 1, int(found))
            for key, table in ((item.region, result.by_region), (item.category.value, result.by_category)):
                table[key] = table.get(key, Score())
                table[key] += tally
            result.overall += tally
    return result


def compare_plans(settings: Settings) -> Comparison:
    """Run the reader over every registered plan and compare with the curated catalogue."""
    from geo.catalog import catalog_from_dir
    from geo.plans import plans_from_dir

    plans = plans_from_dir(settings.plans_dir)
    catalogue = catalog_from_dir(settings.projects_dir, root=settings.root)
    total = Comparison()
    for code, plan in plans.items():
        total.extend(compare(candidates_from_text(plan.text, code), [p for p in catalogue if p.region == code]))
    return total


def compare_lists(folder: Path) -> Comparison:
    """Run the reader over each list's plan text and compare with the list: ``CODE.csv`` (rows in
    the catalogue's columns, quotes verbatim in the text) beside ``CODE.txt`` (the plan's text as
    :func:`~geo.reader.text_from_path` read it), as in ``tests/data/golden/``.

    Raises
    ------
    ExtractError
        The folder holds no list, a list has no text beside it, or a list has bad rows.
    """
    folder = Path(folder)
    lists = sorted(folder.glob("*.csv"))
    if not lists:
        raise ExtractError(f"{folder}: no lists (CODE.csv beside CODE.txt) to compare with")
    total = Comparison()
    for path in lists:
        text_path = path.with_suffix(".txt")
        if not text_path.is_file():
            raise ExtractError(f"{path}: no plan text {text_path.name} beside it")
        read = projects_from_csv(path)
        if read.problems:
            raise ExtractError(f"{path}: {len(read.problems)} bad rows, first: {read.problems[0]}")
        plan = text_from_txt(text_path)
        total.extend(compare(candidates_from_text(plan.text, path.stem), list(read.projects)))
    return total


def _table(comparison: Comparison, title: str) -> list[str]:
    def line(key: str, s: Score) -> str:
        rec = "   -" if s.rows == 0 else f"{s.recall:5.2f}"
        pre = "   -" if s.candidates == 0 else f"{s.precision:5.2f}"
        return f"{key:<18}{s.rows:>6}{s.matched_rows:>8}{rec:>8}{s.candidates:>11}{s.matched_candidates:>8}{pre:>10}"

    head = f"{'':<18}{'rows':>6}{'found':>8}{'recall':>8}{'candidates':>11}{'right':>8}{'precision':>10}"
    lines = [title, "", "by plan", head]
    lines += [line(k, s) for k, s in sorted(comparison.by_region.items())]
    lines.append(line("all", comparison.overall))
    lines.append(line("headline *", comparison.focus))
    lines += ["", "by category", head]
    order = sorted(comparison.by_category, key=lambda k: (k not in FOCUS, k))
    lines += [line(k + (" *" if k in FOCUS else ""), comparison.by_category[k]) for k in order]
    return lines


def report(training: Comparison, development: Comparison | None = None, *, list_limit: int = 400) -> str:
    """Figures per plan and per category, of the training plans and (when given) of the
    development lists, then the misses and extras of each.

    A match: same category, names agreeing near the same quote, or strongly anywhere;
    ``*`` marks the headline categories (:data:`FOCUS`), whose sum is the ``headline`` line.
    """
    sets = [("training plans (data/plans against the curated catalogue data/projects)", training)]
    if development is not None:
        sets.append(("development plans (golden lists; which ones the rules were tuned on and which is held "
                     "out: tests/data/golden/README.md)", development))
    lines: list[str] = []
    for title, comparison in sets:
        lines += [*_table(comparison, title), ""]
    for title, comparison in sets:
        name = title.split(" (")[0]
        lines += [f"{name}: misses ({len(comparison.misses)}): listed rows no candidate found"]
        lines += [f"  {r.id} [{r.category.value}] {r.name_zh}" for r in comparison.misses[:list_limit]]
        lines += ["", f"{name}: extras ({len(comparison.extras)}): candidates that match no listed row"]
        lines += [f"  {c.region} [{c.category.value}] {c.name_zh}  @{c.quote_offset}"
                  for c in comparison.extras[:list_limit]]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


