"""Years and plan periods read as intervals."""

from __future__ import annotations

import pytest

from geo.timeline import Interval, interval_from_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十四五", Interval(2021, 2025)),
        ("“十四五”期间", Interval(2021, 2025)),
        ("“十五五”时期", Interval(2026, 2030)),
        ("到2025年", Interval(None, 2025)),
        ("2030年前", Interval(None, 2030)),
        ("力争2025年底", Interval(None, 2025)),
        ("2023年开工、2025年建成", Interval(2023, 2025)),
        ("2021—2025年", Interval(2021, 2025)),
        ("2024年", Interval(2024, 2024)),
        ("二〇二五年", Interval(2025, 2025)),
        ("到2025年……到2030年", Interval(None, 2030)),
    ],
)
def test_interval(text: str, expected: Interval) -> None:
    assert interval_from_text(text) == expected


def test_no_year() -> None:
    assert interval_from_text("近期") is None
    assert interval_from_text("加快建设") is None
