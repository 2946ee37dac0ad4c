"""Benchmark the plan reader: recall and precision on the five plans and the golden lists, and throughput.

Prints the comparison with the curated catalogue and with the golden lists of the development
plans (tests/data/golden; per plan, per category, misses and extras), the extraction speed,
and the time the parsers take on the worst inputs of issue 11 (each once, CPU time).

Extraction speed: :func:`geo.reader.candidates_from_text` over the texts of the five plans
(data/plans, as :func:`geo.plans.plans_from_dir` reads them), in MB/s of plan text (UTF-8
bytes) and characters/s, best of ``--repeat`` runs, wall-clock and CPU time (on a shared
machine the CPU figure is the steadier one). What is timed: clauses, tables, mentions and
candidates, from the text in memory to the candidate records. Not timed: reading the files,
and loading jieba's dictionary (once per process, done and reported before). Each run starts
with the reader's caches cleared (every ``functools`` cache of :mod:`geo.reader.names` but
the loaded jieba); the regular expressions are compiled by then (the comparison ran first).

Then, apart from extraction, the speed of reading PDFs (text layer to
:class:`geo.reader.PlanText`) on the development PDFs of ../shared/devplans (or
$CPM_DEVPLANS), in pages/s and MB/s, best of ``--pdf-repeat`` runs per PDF; skipped when the
PDFs are not there. Run: ``python bench/extract.py [--limit 50] [--repeat 5] [--pdf-only]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.plans import plans_from_dir
from geo.quantities import capacity_from_text, quantities_from_text
from geo.reader import candidates_from_text
from geo.reader.compare import compare_lists, compare_plans, report
from geo.settings import load_settings
from geo.timeline import interval_from_text

#: the inputs of issue 11, finding 4, and two patterns that were exponential (README: the times before)
WORST: list[tuple[str, Callable[[], object]]] = [
    ("quantities_from_text, 16,000 digits", lambda: quantities_from_text("1" * 16000)),
    ("interval_from_text, 64,000 spaces", lambda: interval_from_text(" " * 64000)),
    ("reader, a sentence with 24,000 digits",
     lambda: candidates_from_text("完成甲县光伏发电项目建设，总装机" + "1" * 24000 + "万千瓦。", "X")),
    ("capacity_from_text, 120,000 characters", lambda: capacity_from_text("2×35万千瓦 " * 12000)),
    ("reader, a list of 30 counties, no sector word",
     lambda: candidates_from_text("在" + "甲县和" * 30 + "乙县推进。", "X")),
    ("reader, the same list after a sector word",  # without one, the clause is skipped unread
     lambda: candidates_from_text("发展风电，在" + "甲县和" * 30 + "乙县推进。", "X")),
    ("reader, 600 names of 14 two-way generic words",
     lambda: candidates_from_text("，".join("分布式光伏" * 14 + f"甲{i}乙风电场" for i in range(600)), "X")),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=50, help="misses and extras to list")
    parser.add_argument("--repeat", type=int, default=5, help="extraction runs (the best is reported)")
    parser.add_argument("--pdf-repeat", type=int, default=3, help="readings of each PDF (the best is reported)")
    parser.add_argument("--pdf-only", action="store_true", help="only measure reading the development PDFs")
    args = parser.parse_args()
    if args.pdf_only:
        pdf_reading(args.pdf_repeat)
        return
    settings = load_settings()
    from geo.reader import names

    start = time.perf_counter()
    names.load_jieba()
    loaded = time.perf_counter() - start
    print(report(compare_plans(settings), compare_lists(ROOT / "tests" / "data" / "golden"), list_limit=args.limit))
    plans = plans_from_dir(settings.plans_dir)
    chars = sum(len(p.text) for p in plans.values())
    mb = sum(len(p.text.encode("utf-8")) for p in plans.values()) / 1e6
    caches = [f for f in vars(names).values() if hasattr(f, "cache_clear") and f is not names.load_jieba]
    best, best_cpu = float("inf"), float("inf")
    for _ in range(args.repeat):
        for cached in caches:
            cached.cache_clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        for code, plan in plans.items():
            candidates_from_text(plan.text, code)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    print(f"\njieba dictionary loaded in {loaded:.2f} s (once per process, not timed below)")
    print(f"extraction, {len(plans)} plans, {chars:,} characters = {mb:.3f} MB (UTF-8), best of {args.repeat} runs, "
          f"caches of geo.reader.names cleared before each ({', '.join(f.__name__ for f in caches)}); "
          f"load average {os.getloadavg()[0]:.1f}:")
    for label, seconds in (("CPU", best_cpu), ("wall", best)):
        print(f"  {label:<5}{seconds:6.3f} s = {mb / seconds:5.2f} MB/s = {chars / seconds:>9,.0f} characters/s")
    print("\nworst inputs of issue 11 (CPU time, one run each)")
    for label, run in WORST:
        start_cpu = time.process_time()
        run()
        print(f"  {label:<48}{time.process_time() - start_cpu:>8.3f} s")
    pdf_reading(args.pdf_repeat)


def pdf_reading(repeat: int) -> None:
    """Reading speed of the development PDFs, apart from extraction: pages/s and MB/s."""
    from geo.reader import text_from_pdf

    candidates = [Path(os.environ["CPM_DEVPLANS"])] if os.environ.get("CPM_DEVPLANS") else []
    candidates += [ROOT.parent / "shared" / "devplans", ROOT.parent.parent / "shared" / "devplans"]
    folder = next((c for c in candidates if c.is_dir()), None)
    if folder is None:
        print("\nPDF reading: the development PDFs are not here (../shared/devplans or $CPM_DEVPLANS); not measured")
        return
    print(f"\nPDF reading (text layer to lines; best of {repeat} runs; wall and CPU time):")
    print("| PDF | pages | MB | characters out | wall s | CPU s | pages/s | MB/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    totals = [0, 0.0, 0, 0.0, 0.0]
    for path in sorted(folder.glob("*.pdf")):
        wall = cpu = float("inf")
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            plan = text_from_pdf(path)
            wall, cpu = min(wall, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
        mb = path.stat().st_size / 1e6
        print(f"| {path.name} | {plan.pages} | {mb:.2f} | {len(plan.text):,} | {wall:.2f} | {cpu:.2f} "
              f"| {plan.pages / wall:.1f} | {mb / wall:.2f} |")
        for i, value in enumerate((plan.pages, mb, len(plan.text), wall, cpu)):
            totals[i] += value
    pages, mb, chars, wall, cpu = totals
    print(f"| **all** | {pages:.0f} | {mb:.2f} | {chars:,.0f} | {wall:.2f} | {cpu:.2f} | {pages / wall:.1f} "
          f"| {mb / wall:.2f} |")


if __name__ == "__main__":
    main()
