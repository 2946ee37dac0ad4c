"""Regional quantitative targets of the plans (``data/projects/targets.csv``).

The app sets them against the capacity of the catalogued projects.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from ._csvio import read_rows
from .catalog import TARGETS_FILE
from .errors import CatalogError, Problem
from .timeline import YEAR_MAX, YEAR_MIN
from .vocabulary import TARGET_INDICATORS, Comparator, TargetUnit

log = logging.getLogger(__name__)

TARGET_ID = re.compile(r"^(?P<region>[A-Z]+)-T(?P<num>\d{2,})$")


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
    row_no = int(row["__row__"])
    rid = row.get("id", "").strip() or None
    problems: list[Problem] = []

    def bad(field_name: str, message: str) -> None:
        problems.append(Problem(name, row_no, field_name, message, rid))

    for col in REQUIRED:
        if not row.get(col, "").strip():
            bad(col, "is empty but required")
    for col in COLUMNS:
        if "\n" in row.get(col, ""):
            bad(col, "contains a line break")
    region = row.get("region", "").strip()
    m = TARGET_ID.match(rid or "")
    if rid and not m:
        bad("id", f"{rid!r} does not look like REGION-Tnn (e.g. JINSHI-T01)")
    elif m and region and m.group("region") != region:
        bad("id", f"{rid!r} does not start with the row's region {region!r}")
    indicator = row.get("indicator", "").strip()
    if indicator and indicator not in TARGET_INDICATORS:
        bad("indicator", f"{indicator!r} is not in the vocabulary; use one of: {', '.join(TARGET_INDICATORS)}")
    unit = comparator = None
    try:
        unit = TargetUnit(row.get("unit", "").strip()) if row.get("unit", "").strip() else None
    except ValueError:
        bad("unit", f"{row['unit']!r} is not a known unit; use one of: {', '.join(u.value for u in TargetUnit)}")
    try:
        comparator = Comparator(row["comparator"].strip()) if row.get("comparator", "").strip() else None
    except ValueError:
        bad("comparator", f"{row['comparator']!r} is not one of: {', '.join(c.value for c in Comparator)}")
    value = year = offset = baseline = None
    raw = row.get("value", "").strip()
    if raw:
        try:
            value = float(raw)
        except ValueError:
            bad("value", f"{raw!r} is not a number")
    for col in ("year", "baseline_year", "quote_offset"):
        raw = row.get(col, "").strip()
        if not raw:
            continue
        if not re.fullmatch(r"\d+", raw):
            bad(col, f"{raw!r} is not a whole number")
            continue
        num = int(raw)
        if col != "quote_offset" and not YEAR_MIN <= num <= YEAR_MAX:
            bad(col, f"{num} is outside the plausible range {YEAR_MIN}–{YEAR_MAX}")
        if col == "year":
            year = num
        elif col == "baseline_year":
            baseline = num
        else:
            offset = num
    if problems or value is None or unit is None or comparator is None or offset is None:
        return None, problems
    return Target(
        id=rid or "", region=region, indicator=indicator,
        indicator_text=row["indicator_text"].strip(), value=value, unit=unit,
        value_text=row["value_text"].strip(), comparator=comparator, year=year,
        baseline_year=baseline, quote=row["quote"], quote_offset=offset,
        notes=row.get("notes", "").strip(), source_file=name, source_row=row_no,
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
