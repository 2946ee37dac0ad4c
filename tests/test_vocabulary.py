"""The documentation of the catalogue lists exactly the vocabularies the code enforces."""

from __future__ import annotations

import re

import pytest

from geo.vocabulary import DEFINITIONS, TARGET_INDICATORS, Action, Category, Precision, Status

from .conftest import ROOT

README = (ROOT / "data" / "projects" / "README.md").read_text(encoding="utf-8")


def _table_values(heading: str) -> set[str]:
    section = README.split(heading, 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", section, flags=re.M))


@pytest.mark.parametrize(
    ("heading", "vocab"),
    [("### category", Category), ("### status", Status), ("### action", Action), ("### override_precision", Precision)],
)
def test_readme_documents_each_value(heading: str, vocab: type) -> None:
    assert _table_values(heading) == {v.value for v in vocab}


def test_every_value_has_a_definition() -> None:
    for vocab in (Category, Status, Action, Precision):
        for value in vocab:
            assert DEFINITIONS[value], value


def test_categories_cover_what_the_catalogue_needs() -> None:
    required = {"wind", "solar", "pumped_storage", "energy_storage", "substation", "wetland", "logistics",
                "port_waterway", "transport", "hydrogen", "biomass_waste", "geothermal", "gas_oil", "coal_power",
                "nuclear", "ccus", "industrial_park", "circular_economy", "forest_ecology", "ev_charging", "other"}
    assert required <= {c.value for c in Category}


def test_target_indicators_have_definitions() -> None:
    assert "other" in TARGET_INDICATORS
    assert all(TARGET_INDICATORS.values())
