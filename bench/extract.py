"""Benchmark the plan reader: recall and precision on the five plans, and throughput.

Prints the comparison with the curated catalogue (per region, per category, misses and
extras) and the reading speed in characters per second (best of ``--repeat`` runs over
all five plans). Run: ``python bench/extract.py [--limit 50]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.extract import candidates_from_text
from geo.extract_compare import compare_plans, report
from geo.plans import plans_from_dir
from geo.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=50, help="misses and extras to list")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = load_settings()
    from geo import extract

    start = time.perf_counter()
    extract._jieba()
    loaded = time.perf_counter() - start
    print(report(compare_plans(settings), list_limit=args.limit))
    plans = plans_from_dir(settings.plans_dir)
    chars = sum(len(p.text) for p in plans.values())
    best = float("inf")
    for _ in range(args.repeat):
        extract._is_generic.cache_clear()
        extract._split_tail.cache_clear()
        extract._first_word.cache_clear()
        start = time.perf_counter()
        for code, plan in plans.items():
            candidates_from_text(plan.text, code)
        best = min(best, time.perf_counter() - start)
    print(f"\njieba dictionary loaded in {loaded:.2f} s (once per process, not timed below)")
    print(f"throughput: {chars:,} characters in {best:.2f} s = {chars / best:,.0f} characters/s (cold caches)")


if __name__ == "__main__":
    main()
