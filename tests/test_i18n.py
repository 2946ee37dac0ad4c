"""Interface words: vocabulary labels and the counts beside the filters."""

from __future__ import annotations

from geo.i18n import counted_labels, label


def test_counted_labels_put_the_chosen_first_then_the_largest() -> None:
    counts = {"solar": 30, "wind": 14, "hydro": 4, "nuclear": 2, "ccus": 0}
    assert counted_labels("category", counts, "zh", limit=2) == "光伏 30 · 风电 14 · +2"
    assert counted_labels("category", counts, "en", chosen=("nuclear",), limit=2) == "Nuclear 2 · Solar 30 · +2"
    # every chosen value is shown, even past the limit; a value with no project is left out
    assert counted_labels("category", counts, "en", chosen=("hydro", "nuclear", "wind"), limit=1) == \
        "Hydro 4 · Nuclear 2 · Wind 14 · +1"
    assert counted_labels("category", {}, "zh") == "无"


def test_labels_of_every_vocabulary_in_both_languages() -> None:
    assert label("status", "operating", "zh") == "运行" and label("status", "operating", "en") == "Operating"
    assert label("precision", "county", "en") == "County point"
    assert label("category", "no-such-value", "en") == "no-such-value"
