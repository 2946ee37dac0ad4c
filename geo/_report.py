"""Text the command line prints: tables and summaries of what a stage did.

The stages compute; this module only formats their results for a terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .vocabulary import Precision

if TYPE_CHECKING:
    import geopandas as gpd

    from .geocode import GeocodedRow, GeocodeRun
    from .validate import ValidationReport


def precision_table(rows: Sequence[GeocodedRow]) -> str:
    """Counts by region (rows) × precision (columns), with totals."""
    counts = Counter((r.region, r.result.precision) for r in rows)
    return _count_table(counts, list(dict.fromkeys(r.region for r in rows)), list(Precision),
                        corner="region", row_width=10, sep="", total_width=8)


def _count_table(counts: Mapping[tuple[Any, Any], int], row_keys: Sequence[Any], column_keys: Sequence[Any], *,
                 corner: str, row_width: int, sep: str, total_width: int) -> str:
    """A text table of ``counts[(row, column)]``: one line per row key, one column per column key
    (headed by its ``value`` where it has one), a total column and a total line."""
    def name(key: Any) -> str:
        return str(getattr(key, "value", key))

    def line(label: str, cells: Sequence[int]) -> str:
        return f"{label:<{row_width}}{sep}" + sep.join(f"{n:>9}" for n in cells) + f"{sep}{sum(cells):>{total_width}}"

    grid = [[counts.get((r, c), 0) for c in column_keys] for r in row_keys]
    head = (f"{corner:<{row_width}}{sep}" + sep.join(f"{name(c):>9}" for c in column_keys)
            + f"{sep}{'total':>{total_width}}")
    lines = [head, *(line(name(r), cells) for r, cells in zip(row_keys, grid, strict=True))]
    lines.append(line("total", [sum(col) for col in zip(*grid, strict=True)] if grid else [0] * len(column_keys)))
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
    by_region = report.counts()
    categories = sorted({c for _, c in by_region})
    counts = {(c, r): n for (r, c), n in by_region.items()}
    return _count_table(counts, categories, list(dict.fromkeys(p.region for p in report.projects)),
                        corner="category", row_width=max([len(c) for c in categories] + [8]), sep=" ",
                        total_width=6)
