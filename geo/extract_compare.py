"""Score the plan reader against the curated catalogue: recall and precision, misses and extras.

A candidate matches a catalogue row of its region when their names agree on the proper
part (the words before the generic head: 新马 in 新马220千伏变电站) and their quotes overlap
in the plan, or when the proper parts agree strongly wherever the mention is (one entity
mentioned twice is one catalogue row). Matching is one to one. Per category, a match
counts only when the candidate's category is the row's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .catalog import Project
from .extract import _normal, _split_tail
from .settings import Settings

FOCUS = ("wind", "pumped_storage", "substation", "wetland", "logistics")


def _proper(name: str) -> str:
    normal = _normal(name)
    proper, _ = _split_tail(normal)
    for head in sorted(_heads(), key=len, reverse=True):
        if proper.endswith(head) and len(proper) > len(head):
            proper = proper[: -len(head)]
            break
    return proper or normal


def _heads() -> tuple[str, ...]:
    from ._lexicon import HEAD_LIST

    return HEAD_LIST


def _lcs(a: str, b: str) -> int:
    best = 0
    table = [0] * (len(b) + 1)
    for ca in a:
        prev = 0
        for j, cb in enumerate(b, start=1):
            cur = table[j]
            table[j] = prev + 1 if ca == cb else 0
            best = max(best, table[j])
            prev = cur
    return best


def similarity(a: str, b: str, *, containment: bool = False) -> float:
    """Agreement of two names on their proper parts, 0–1.

    With ``containment`` (the two quotes overlap) the common part is measured against the
    shorter name: 棉花仓储 in 中储粮集团棉花仓储 agrees fully.
    """
    if _normal(a) == _normal(b):
        return 1.0
    pa, pb = _proper(a), _proper(b)
    if not pa or not pb:
        return 0.0
    return _lcs(pa, pb) / (min if containment else max)(len(pa), len(pb))


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


@dataclass
class Comparison:
    """Scores of one or several plans, with the pairs, misses and extras."""

    pairs: list[tuple[Project, Project]] = field(default_factory=list)
    misses: list[Project] = field(default_factory=list)
    extras: list[Project] = field(default_factory=list)
    by_region: dict[str, Score] = field(default_factory=dict)
    by_category: dict[str, Score] = field(default_factory=dict)
    overall: Score = field(default_factory=Score)

    def extend(self, other: Comparison) -> None:
        """Add another plan's comparison."""
        self.pairs += other.pairs
        self.misses += other.misses
        self.extras += other.extras
        for mine, theirs in ((self.by_region, other.by_region), (self.by_category, other.by_category)):
            for key, s in theirs.items():
                t = mine.setdefault(key, Score())
                t.rows += s.rows
                t.matched_rows += s.matched_rows
                t.candidates += s.candidates
                t.matched_candidates += s.matched_candidates
        for attr in ("rows", "matched_rows", "candidates", "matched_candidates"):
            setattr(self.overall, attr, getattr(self.overall, attr) + getattr(other.overall, attr))


def compare(candidates: Sequence[Project], catalogue: Sequence[Project]) -> Comparison:
    """Match one plan's candidates to its catalogue rows and count."""
    scored = []
    for c in candidates:
        for r in catalogue:
            if c.region != r.region:
                continue
            near = _overlap(c, r)
            sim = similarity(c.name_zh, r.name_zh, containment=near)
            far = similarity(c.name_zh, r.name_zh, containment=True)
            if (near and sim >= 0.6) or sim >= 0.8 or (far >= 0.99 and min(len(_proper(c.name_zh)),
                                                                               len(_proper(r.name_zh))) >= 4):
                scored.append((sim + (0.5 if near else 0.0) + (0.2 if c.category == r.category else 0.0), c, r))
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
    pair_of_row = {id(r): c for c, r in result.pairs}
    pair_of_cand = {id(c): r for c, r in result.pairs}
    for r in catalogue:
        for key, table in ((r.region, result.by_region), (r.category.value, result.by_category)):
            s = table.setdefault(key, Score())
            s.rows += 1
            found = pair_of_row.get(id(r))
            if found is not None and (table is result.by_region or found.category == r.category):
                s.matched_rows += 1
    for c in candidates:
        for key, table in ((c.region, result.by_region), (c.category.value, result.by_category)):
            s = table.setdefault(key, Score())
            s.candidates += 1
            row = pair_of_cand.get(id(c))
            if row is not None and (table is result.by_region or row.category == c.category):
                s.matched_candidates += 1
    result.overall = Score(len(catalogue), len(result.pairs), len(candidates), len(result.pairs))
    return result


def compare_plans(settings: Settings) -> Comparison:
    """Run the reader over every registered plan and compare with the curated catalogue."""
    from .catalog import catalog_from_dir
    from .extract import candidates_from_text
    from .plans import plans_from_dir

    plans = plans_from_dir(settings.plans_dir)
    catalogue = catalog_from_dir(settings.projects_dir, root=settings.root)
    total = Comparison()
    for code, plan in plans.items():
        total.extend(compare(candidates_from_text(plan.text, code), [p for p in catalogue if p.region == code]))
    return total


def report(comparison: Comparison, *, list_limit: int = 400) -> str:
    """Figures per region and per category, then misses and extras."""
    def line(key: str, s: Score) -> str:
        rec = "   -" if s.rows == 0 else f"{s.recall:5.2f}"
        pre = "   -" if s.candidates == 0 else f"{s.precision:5.2f}"
        return f"{key:<18}{s.rows:>6}{s.matched_rows:>8}{rec:>8}{s.candidates:>11}{s.matched_candidates:>8}{pre:>10}"

    head = f"{'':<18}{'rows':>6}{'found':>8}{'recall':>8}{'candidates':>11}{'right':>8}{'precision':>10}"
    lines = ["by region (a match on name and quote position)", head]
    lines += [line(k, s) for k, s in sorted(comparison.by_region.items())]
    lines.append(line("all", comparison.overall))
    lines += ["", "by category (the candidate's category must be the row's)", head]
    order = sorted(comparison.by_category, key=lambda k: (k not in FOCUS, k))
    lines += [line(k + (" *" if k in FOCUS else ""), comparison.by_category[k]) for k in order]
    lines += ["", f"misses ({len(comparison.misses)}): catalogue rows no candidate found"]
    lines += [f"  {r.id} [{r.category.value}] {r.name_zh}" for r in comparison.misses[:list_limit]]
    lines += ["", f"extras ({len(comparison.extras)}): candidates that match no catalogue row"]
    lines += [f"  {c.region} [{c.category.value}] {c.name_zh}  @{c.quote_offset}"
              for c in comparison.extras[:list_limit]]
    return "\n".join(lines)


