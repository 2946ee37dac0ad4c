"""The text parsers take time linear in their input: no input makes them backtrack or rescan.

Two kinds of test:

* **growth**: hypothesis builds adversarial texts (a short seed of digit runs, spaces,
  units, separators, county lists, facility heads, verbs, CJK and other scripts repeated
  between a prefix and a suffix) at a size n and at 8n, and the CPU time per call may grow
  at most 20-fold. Linear work grows about 8-fold, quadratic work 64-fold.
* **regressions**: the inputs of the findings (issue 11, finding 4), at sizes that took
  tens of seconds or more before, each run in a subprocess with a generous timeout, so a
  regression fails instead of hanging the suite.

Why the growth tests cannot flake on a loaded machine: they measure the CPU time of this
process (``time.process_time``), which other processes do not add to; each figure is the
best of 5 measurements, and each measurement repeats the call until it has used at least
10 ms of CPU, so timer resolution and one-off interruptions (a context switch, a page fault)
do not decide it; the garbage collector is off while measuring; the examples are
derandomised (the same in every run); the two sizes are measured in turn, so that a slow spell
of the machine slows both; and the bound (20×) is 2.5 times what linear work
needs, while quadratic work exceeds it 3-fold.
"""

from __future__ import annotations

import csv
import gc
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.quantities import capacity_from_text
from geo.reader import candidates_from_text, names
from geo.reader.clauses import MAX_CLAUSE
from geo.timeline import interval_from_text

from .conftest import ROOT, edit_csv
from .texts import TOKENS

GROWTH = 8
BOUND = 20.0

token_lists = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6).map("".join)
shapes = st.tuples(token_lists, token_lists, token_lists)  # prefix, repeated core, suffix


def _build(shape: tuple[str, str, str], size: int) -> str:
    prefix, core, suffix = shape
    return prefix + core * max(1, size // len(core)) + suffix


def _cpu_per_call(fn: Callable[[str], object], text: str) -> float:
    """CPU seconds one call takes, measured over calls worth at least 10 ms."""
    calls, start = 0, time.process_time()
    while True:
        fn(text)
        calls += 1
        spent = time.process_time() - start
        if spent >= 0.01:
            return spent / calls


def _assert_linear(fn: Callable[[str], object], shape: tuple[str, str, str], size: int) -> None:
    small, large = _build(shape, size), _build(shape, GROWTH * size)
    t_small = t_large = float("inf")
    gc.disable()
    try:
        for _ in range(5):  # interleaved, so that a slow spell of the machine slows both sizes
            t_small = min(t_small, _cpu_per_call(fn, small))
            t_large = min(t_large, _cpu_per_call(fn, large))
    finally:
        gc.enable()
    assert t_large <= BOUND * t_small, (
        f"{len(small)} → {len(large)} characters ({len(large) / len(small):.1f}×): "
        f"{t_small * 1e3:.2f} ms → {t_large * 1e3:.2f} ms ({t_large / t_small:.1f}×) for {shape!r}")


growth = settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow])

# The shapes of the findings and of the patterns that backtracked, always tried first.
KNOWN = (
    ("", "1", ""),                       # a run of digits
    ("", "1,", "千瓦"),                  # a run of digits and thousands separators
    ("", "1,000", "千瓦"),               # groups of three after one another
    ("", " ", ""),                       # a run of spaces
    ("2025", " ", ""),                   # a year, then spaces
    ("", "2021-2025年，", ""),           # many ranges (each was replaced through the whole text)
    ("在", "甲县和", "乙县推进"),        # a county list no sector word follows (exponential)
    ("“一区三园”（", "分布式光伏", "甲风电场）"),  # generic words that split two ways (exponential)
    ("完成甲县光伏发电项目建设，", "规模", ""),  # capacity cues, each read to the clause end
    ("，", "在", "甲县和乙县风电"),      # openers before a county list
    ("湿地保护修复", "甲乙湖、", ""),    # water heads, each scanning the clause for context
    ("湿地", "）风电", ""),              # closing brackets, each searching back for an opening
    ("", "（市发改委负责）风电场", ""),  # notes, each head checked against every note
    ("建设", "风电场、", ""),            # a long list of heads
    ("1", "-至甲县", "1"),               # a chain of dashes no line head ends (a route, read from every place)
    ("推进", "甲乙、", "2个配网试点"),   # a long list a count closes
    ("", "甲县、", "创建国家森林城市"),  # a long list of places to earn a designation
)


def _reader(text: str) -> object:
    names.is_generic.cache_clear()  # measure the work, not the cache
    names.split_tail.cache_clear()
    names.first_word.cache_clear()
    return candidates_from_text(text, "TEST")


@pytest.fixture(scope="module", autouse=True)
def _jieba_loaded() -> None:
    names.load_jieba()  # loaded once per process; not part of any measurement


def _with_known(test: Callable[..., None]) -> Callable[..., None]:
    for shape in KNOWN:
        test = example(shape)(test)
    return test


@growth
@_with_known
@given(shapes)
def test_quantities_and_capacities_grow_linearly(shape: tuple[str, str, str]) -> None:
    _assert_linear(capacity_from_text, shape, 2000)  # every quantity of the text, then their sums


@growth
@_with_known
@given(shapes)
def test_timeline_grows_linearly(shape: tuple[str, str, str]) -> None:
    _assert_linear(interval_from_text, shape, 2000)


@growth
@_with_known
@given(shapes)
def test_reader_grows_linearly_within_a_clause(shape: tuple[str, str, str]) -> None:
    # both sizes below MAX_CLAUSE: the work inside one clause must be linear, not merely bounded
    assert GROWTH * 120 < MAX_CLAUSE
    _assert_linear(_reader, shape, 120)


@pytest.mark.parametrize("shape", KNOWN, ids=[core for _, core, _ in KNOWN])
def test_reader_grows_linearly_over_a_long_text(shape: tuple[str, str, str]) -> None:
    _assert_linear(_reader, shape, 1000)  # 1,000 to 8,000 characters: long clauses are cut


def test_reader_grows_linearly_over_real_plans(repo_settings) -> None:  # type: ignore[no-untyped-def]
    from geo.plans import plans_from_dir

    plan = plans_from_dir(repo_settings.plans_dir)["ZHUZHOU"].text
    _assert_linear(_reader, ("", plan, ""), len(plan))


# --- the findings, at sizes that took tens of seconds or more before ---------------------------------

TIMEOUT = 20  # seconds; each of these takes well under a second now


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=TIMEOUT, check=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {TIMEOUT} s: the parser is super-linear again")


def test_a_run_of_16000_digits_is_no_quantity() -> None:
    """Before: 16k digits took up to 100 s in quantities_from_text."""
    result = _run("""
        from geo.quantities import quantities_from_text
        print(len(quantities_from_text("1" * 16000)), len(quantities_from_text("1" * 16000 + "万千瓦")))
    """)
    assert result.stdout.split() == ["0", "0"]  # 16,000 digits are no number (MAX_DIGITS)


def test_64000_spaces_are_no_interval() -> None:
    """Before: 53–95 s in interval_from_text."""
    result = _run("""
        from geo.timeline import interval_from_text
        print(interval_from_text(" " * 64000), interval_from_text("2025" + " " * 64000 + "年前"))
    """)
    assert result.stdout.split() == ["None", "Interval(start=None,", "end=2025)"]


def test_extract_of_a_sentence_with_24000_digits(tmp_path: Path) -> None:
    """Before: ``geo extract`` of a sentence with 24,000 digits took 54–65 s."""
    text = (ROOT / "tests" / "data" / "extract" / "sample_plan.txt").read_text(encoding="utf-8")
    path = tmp_path / "plan.txt"
    path.write_text(text + "\n完成甲县光伏发电项目建设，总装机" + "1" * 24000 + "万千瓦。\n", encoding="utf-8")
    out = tmp_path / "candidates.csv"
    try:
        result = subprocess.run([sys.executable, "-m", "geo", "extract", str(path), "--region", "TEST",
                                 "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT,
                                check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"geo extract still running after {TIMEOUT} s")
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and not any("1" * (24000) in r["capacity_text"] for r in rows)


def test_validate_with_a_capacity_text_of_120000_characters(project_root: Path) -> None:
    """Before: ``geo validate`` with a 120k-character capacity text was killed at 60 s."""
    for value in ("1" * 120_000, ("2×35万千瓦 " * 12_000)[:120_000]):
        edit_csv(project_root / "data" / "projects" / "ZHUZHOU.csv", 2, capacity_text=value)
        try:
            result = subprocess.run([sys.executable, "-m", "geo", "validate"], cwd=ROOT, capture_output=True,
                                    text=True, timeout=TIMEOUT, check=False,
                                    env={**os.environ, "CPM_ROOT": str(project_root)})
        except subprocess.TimeoutExpired:
            pytest.fail(f"geo validate still running after {TIMEOUT} s")
        assert result.returncode != 0 and "capacity_text" in result.stdout + result.stderr


def test_a_long_county_list_without_a_sector_word() -> None:
    """Before: exponential in the length of the list (24 counties: 1.6 s, each two more: 2.5 times that)."""
    result = _run("""
        from geo.reader import candidates_from_text
        text = "在" + "甲县和" * 34 + "乙县推进。" + "在" + "丙县、" * 3000 + "丁县等区域探索分散式风电。"
        print(" ".join(f"{c.name_zh}:{c.category}" for c in candidates_from_text(text, "TEST")))
    """)
    # no sector word after the first list: nothing; the second: one row per county name (丙县 once)
    assert result.stdout.split() == ["丙县分散式风电:wind", "丁县分散式风电:wind"]


def test_long_runs_of_generic_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: exponential in the number of words that split two ways (分布式光伏 = 分布式 + 光伏); 600
    such names took 41 s of CPU. Then quadratic in a name's length: ``split_tail`` asked
    ``is_generic`` of every suffix of a name, reading each character of the text 37 times. The
    work is counted, not timed: the characters ``is_generic`` reads, a few per character of text."""
    original = names.is_generic
    read: list[int] = []

    def counted(words: str) -> bool:
        read.append(len(words))
        return original(words)

    from geo.reader import mentions, networks, spans, structures, tables

    for module in (names, spans, networks, structures, mentions, tables):
        monkeypatch.setattr(module, "is_generic", counted)
    original.cache_clear()
    names.split_tail.cache_clear()
    text = "建设" + "，".join("分布式光伏" * 14 + f"甲{i}乙风电场" for i in range(600)) + "。"
    found = candidates_from_text(text, "TEST")
    names.split_tail.cache_clear()  # its entries were made with the counting wrapper
    assert len(found) == 600
    assert all(c.name_zh.endswith(f"甲{i}乙风电场") and c.category == "wind" for i, c in enumerate(found))
    assert sum(read) <= 3 * len(text)


_NAME_PIECES = st.sampled_from(["分布式", "光伏", "分布式光伏", "风电场", "变电站", "绿色", "甲", "乙县", "湖",
                                "2", "２２０", "千伏", "万千瓦", "十", "三期", "“", "”", "（", "）", "-", " ", "m2",
                                ".", "，", "A", "级"])


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(_NAME_PIECES, max_size=14).map("".join))
@example("2m2千伏")  # 2 after m2 is a number of its own: the left context decides the quantity
@example("十m2万千瓦")
def test_split_tail_is_the_first_generic_suffix(name: str) -> None:
    """The one-pass split agrees with asking ``is_generic`` of every suffix, numbers, quantities and
    punctuation included (where a quantity's reading depends on the left context it does ask)."""
    names.split_tail.cache_clear()
    first = next((cut for cut in range(len(name)) if names.is_generic(name[cut:])), len(name))
    assert names.split_tail(name) == (name[:first], name[first:])
