"""Interface words: vocabulary labels and the counts beside the filters."""

from __future__ import annotations

from geo.i18n import counted_labels, label, region_name


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


def test_region_names_come_from_the_register_through_the_rows() -> None:
    """No region name is kept in the interface words: the rows' names are the register's."""
    import pytest

    from geo.card import card_from_project
    from geo.layers import projects_from_layers
    from geo.plans import sources_from_dir
    from geo.query import Filters, filter_projects
    from geo.table import table_frame

    from .conftest import ROOT

    register = sources_from_dir(ROOT / "data" / "plans")
    frame = filter_projects(projects_from_layers(ROOT / "layers"), Filters())  # with the phase the table shows
    for lang in ("zh", "en"):
        expected = [register[r].region_name(lang) for r in frame["region"]]
        assert [region_name(row, lang) for row in frame.to_dict("records")] == expected
        assert list(table_frame(frame, lang)["region"]) == expected
    card = card_from_project(frame.iloc[0].to_dict(), "en", plan=None, year=2025)
    assert card.facts[0].text.startswith(register[frame.iloc[0]["region"]].region_en)
    with pytest.raises(KeyError):
        label("region", "ZHUZHOU", "en")  # not a vocabulary of this module
    assert region_name({"region": "NEWCODE"}, "en") == "NEWCODE"  # a row without names shows its code
