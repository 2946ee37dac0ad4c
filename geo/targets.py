"""Regional quantitative targets of the plans (``data/projects/targets.csv``).

The app sets them against the capacity of the catalogued projects.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from ._csvio import MAX_LONG_TEXT, RowParser, read_rows
from .catalog import TARGETS_FILE
from .errors import CatalogError, Problem
from .vocabulary import TARGET_INDICATORS, Comparator, TargetUnit

log = logging.getLogger(__name__)

TARGET_ID = re.compile(r"^(?P<region>[A-Z]{2,20})-T(?P<num>\d{2,6})$", re.ASCII)
#: the largest value a target may state in each unit: above any plan's figure, far below nonsense
VALUE_MAX: dict[TargetUnit, float] = {
    TargetUnit.MW: 1e7, TargetUnit.MWH: 1e8, TargetUnit.PERCENT: 1e4, TargetUnit.HA: 1e9, TargetUnit.M3: 1e13,
    TargetUnit.T: 1e12, TargetUnit.T_PER_YR: 1e12, TargetUnit.TCE: 1e12, TargetUnit.GCE_PER_KWH: 1e4,
    TargetUnit.KM: 1e6, TargetUnit.COUNT: 1e9,
}


@dataclass(frozen=True, slots=True)
class Target:
    """One quantitative target of a plan.

    Attributes
    ----------
    id : str
        ``REGION-Tnn``.
    region : str
        Plan code.
    indicator : str
        Key from :data:`geo.vocabulary.TARGET_INDICATORS`.
    indicator_text : str
        The plan's own words for the indicator (e.g. ``风电装机``).
    value : float
        Normalised value in ``unit``.
    unit : TargetUnit
    value_text : str
        The figure as written (e.g. ``9万千瓦``, ``23%左右``); a substring of ``quote``.
    comparator : Comparator
    year : int or None
        The year the target is due; ``None`` where the plan states none (never guessed).
    baseline_year : int or None
        For reductions: the year compared against.
    quote : str
        The verbatim sentence; ``quote_offset`` its position in the plan text.
    notes : str
    """

    id: str
    region: str
    indicator: str
    indicator_text: str
    value: float
    unit: TargetUnit
    value_text: str
    comparator: Comparator
    year: int | None
    quote: str
    quote_offset: int
    baseline_year: int | None = None
    notes: str = ""
    source_file: str = ""
    source_row: int = 0


COLUMNS: tuple[str, ...] = (
    "id", "region", "indicator", "indicator_text", "value", "unit", "value_text", "comparator",
    "year", "baseline_year", "quote", "quote_offset", "notes",
)
REQUIRED: tuple[str, ...] = (
    "id", "region", "indicator", "indicator_text", "value", "unit", "value_text", "comparator",
    "quote", "quote_offset",
)


@dataclass(frozen=True, slots=True)
class TargetsReport:
    """Good target rows and every problem found."""

    targets: tuple[Target, ...]
    problems: tuple[Problem, ...]


def _parse(name: str, row: dict[str, str]) -> tuple[Target | None, list[Problem]]:
    p = RowParser(name, row)
    rid = p.text("id", required=True)
    region = p.text("region", required=True)
    m = TARGET_ID.match(rid)
    if rid and not m:
        p.problem("id", f"{rid!r} does not look like REGION-Tnn (e.g. JINSHI-T01)")
    elif m and region and m.group("region") != region:
        p.problem("id", f"{rid!r} does not start with the row's region {region!r}")
    indicator = p.text("indicator", required=True)
    if indicator and indicator not in TARGET_INDICATORS:
        p.problem("indicator", f"{indicator!r} is not in the vocabulary; use one of: {', '.join(TARGET_INDICATORS)}")
    unit = p.choice("unit", TargetUnit)
    comparator = p.choice("comparator", Comparator)
    value = p.number("value", minimum=None, required=True)
    year = p.year("year")
    baseline = p.year("baseline_year")
    offset = p.integer("quote_offset", required=True)
    if offset is not None and offset < 0:
        p.problem("quote_offset", f"{offset} is negative")
    indicator_text = p.text("indicator_text", required=True)
    value_text = p.text("value_text", required=True)
    notes = p.text("notes", max_length=MAX_LONG_TEXT)
    if value is not None and unit is not None and abs(value) > VALUE_MAX[unit]:
        p.problem("value", f"{value:g} {unit.value} is beyond {VALUE_MAX[unit]:g} {unit.value}, more than any "
                  "plan states")
    quote = row.get("quote", "")
    if len(quote) > MAX_LONG_TEXT:
        p.problem("quote", f"is {len(quote):,} characters long; quote one sentence (at most {MAX_LONG_TEXT:,})")
    elif not quote:
        p.problem("quote", "is empty but required")
    elif "\n" in quote or "\r" in quote:
        p.problem("quote", "contains a line break; quote one sentence or clause")
    if p.problems or value is None or unit is None or comparator is None or offset is None:
        return None, p.problems
    return Target(
        id=rid, region=region, indicator=indicator, indicator_text=indicator_text, value=value, unit=unit,
        value_text=value_text, comparator=comparator, year=year, baseline_year=baseline, quote=quote,
        quote_offset=offset, notes=notes, source_file=name, source_row=p.row_no,
    ), []


def read_targets(projects_dir: Path, *, root: Path | None = None) -> TargetsReport:
    """Load ``targets.csv``, keeping good rows and collecting every problem."""
    path = projects_dir / TARGETS_FILE
    name = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    rows, problems = read_rows(path, COLUMNS, required=REQUIRED)
    problems = [Problem(name, p.row, p.field, p.message, p.record_id) for p in problems]
    targets: list[Target] = []
    for row in rows:
        target, row_problems = _parse(name, row)
        problems.extend(row_problems)
        if target is not None:
            targets.append(target)
    log.info("targets: %d read, %d problems", len(targets), len(problems))
    return TargetsReport(tuple(targets), tuple(problems))


def targets_from_dir(projects_dir: Path, *, root: Path | None = None) -> tuple[Target, ...]:
    """Load the targets table or fail with every problem.

    Raises
    ------
    CatalogError
    """
    report = read_targets(projects_dir, root=root)
    if report.problems:
        raise CatalogError(report.problems, "the targets table has problems")
    return report.targets
