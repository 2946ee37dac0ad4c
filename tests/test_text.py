"""geo/_text.py: the longest run two texts share (the scorer's name agreement, the validator's
quote check), against the table of dynamic programming it replaced."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from geo._text import longest_common_run

ROOT = Path(__file__).resolve().parent.parent


def _table(a: str, b: str) -> int:
    """The quadratic table: the longest common suffix of every pair of prefixes."""
    best, row = 0, [0] * (len(b) + 1)
    for ca in a:
        prev = 0
        for j, cb in enumerate(b, start=1):
            cur = row[j]
            row[j] = prev + 1 if ca == cb else 0
            best = max(best, row[j])
            prev = cur
    return best


few = st.text(alphabet="风电光伏站ab", max_size=30)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(few, few)
def test_longest_common_run_is_the_tables(a: str, b: str) -> None:
    assert longest_common_run(a, b) == _table(a, b) == longest_common_run(b, a)


def test_longest_common_run_examples() -> None:
    assert longest_common_run("新马220千伏变电站", "醴陵东220千伏变电站") == 8
    assert longest_common_run("盐湖", "运城市盐湖区") == 2
    assert longest_common_run("风电", "光伏") == 0
    assert longest_common_run("", "光伏") == 0
    # a repeated text: the automaton's cloned states (abab… within baba…)
    assert longest_common_run("ab" * 50, "b" + "ab" * 20) == 41


def test_the_readers_modules_import_one_way() -> None:
    """geo/reader/: each module imports only the modules before it in this order, and no
    module imports another's private (``_``) names (``_layout`` is reading's own)."""
    order = ["lexicon", "_layout", "reading", "clauses", "names", "spans", "networks", "structures", "mentions",
             "tables", "candidates", "compare"]
    folder = ROOT / "geo" / "reader"
    found = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    assert set(found) <= set(order), found
    for stem in found:
        tree = ast.parse((folder / f"{stem}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                target = node.module or ""
                names = [a.name for a in node.names]
                if not target:  # from . import lexicon
                    targets = names
                else:
                    targets = [target]
                    private = [n for n in names if n.startswith("_")]
                    assert not private, f"{stem} borrows {private} from {target}"
                for t in targets:
                    assert order.index(t) < order.index(stem), f"{stem} imports {t}, which comes after it"
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("geo.reader"):
                raise AssertionError(f"{stem} imports {node.module} absolutely; import the wing relatively")
