"""Text the command line prints: tables and summaries of what a stage did.

The stages compute; this module only formats their results for a terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .vocabulary import Precision

if TYPE_CHECKING:
    import geopandas as gpd

    from .geocode import GeocodedRow, GeocodeRun
    from .validate import ValidationReport


def precision_table(rows: Sequence[GeocodedRow]) -> str:
    """Counts by region (rows) × precision (columns), with totals."""
    regions = list(dict.fromkeys(r.region for r in rows))
    counts = Counter((r.region, r.result.precision) for r in rows)
    head = f"{'region':<10}" + "".join(f"{p.value:>9}" for p in Precision) + f"{'total':>8}"
    lines = [head]
    for region in regions:
        cells = "".join(f"{counts.get((region, p), 0):>9}" for p in Precision)
        lines.append(f"{region:<10}{cells}{sum(counts.get((region, p), 0) for p in Precision):>8}")
    totals = "".join(f"{sum(counts.get((r, p), 0) for r in regions):>9}" for p in Precision)
    lines.append(f"{'total':<10}{totals}{len(rows):>8}")
    return "\n".join(lines)


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "n/a"


def geocode_summary(run: GeocodeRun) -> str:
    """The precision table, the ambiguous and the unresolved rows, and where the results went."""
    names = {p.id: p.name_zh for p in run.projects}
    rows = run.rows
    ambiguous = [r for r in rows if r.status == "ambiguous"]
    fallback = [r for r in rows if r.status == "fallback"]
    lines = [precision_table(rows)]
    if ambiguous:
        fallbacks = ", ".join(sorted({r.result.precision for r in ambiguous}))
        lines.append(f"\n{len(ambiguous)} ambiguous (fell back to {fallbacks}):")
        lines.extend(f"  {r.id} {names[r.id]}: {r.note}" for r in ambiguous)
    lines.append(f"\n{len(fallback)} unresolved below county/region level (shown at their county or region point):")
    lines.extend(f"  {r.id} {names[r.id]} → {r.result.precision.value}" for r in fallback)
    figures = run.figures
    if figures is not None:
        finer, linear = len(figures.finer), len(figures.linear)
        lines.append(f"\nplace words finer than a county: {finer} rows; {len(figures.located)} at town, site or "
                     f"exact precision ({_percent(len(figures.located), finer)}, aim 80 %), "
                     f"{len(figures.on_line)} more on a line (corridor)")
        if figures.read_as:
            kinds = Counter(scope.value for _, scope in figures.read_as)
            lines.append(f"  not counted: {len(figures.read_as)} rows whose place words data/place_scopes.csv "
                         "reads as no finer than a county ("
                         + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")")
        lines.append(f"linear works: {len(figures.drawn)} of {linear} drawn as lines "
                     f"({_percent(len(figures.drawn), linear)}, aim 60 %); kept as points: "
                     + (", ".join(i for i in figures.linear if i not in figures.drawn) or "none"))
    review = " (for review; the layers read data/geocoded.csv)" if run.online else ""
    lines.append(f"\nwrote {len(rows)} points to {run.path}{review}")
    return "\n".join(lines)


def export_summary(selection: gpd.GeoDataFrame) -> str:
    """One line: how many projects of which regions were exported."""
    counts = selection["region"].value_counts().sort_index()
    return f"{len(selection)} projects ({', '.join(f'{k} {v}' for k, v in counts.items())})"


def counts_table(report: ValidationReport) -> str:
    """A text table of project counts: one line per category, one column per region."""
    counts = report.counts()
    regions = list(dict.fromkeys(p.region for p in report.projects))
    categories = sorted({c for _, c in counts})
    width = max([len(c) for c in categories] + [8])
    lines = [f"{'category':<{width}} " + " ".join(f"{r:>9}" for r in regions) + f" {'total':>6}"]
    for c in categories:
        cells = " ".join(f"{counts.get((r, c), 0):>9}" for r in regions)
        lines.append(f"{c:<{width}} {cells} {sum(counts.get((r, c), 0) for r in regions):>6}")
    totals = " ".join(f"{sum(counts.get((r, c), 0) for c in categories):>9}" for r in regions)
    lines.append(f"{'total':<{width}} {totals} {sum(counts.values()):>6}")
    return "\n".join(lines)
