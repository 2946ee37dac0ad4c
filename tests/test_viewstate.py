"""Shareable views: URL query parameters to a view and back; bad values ignored with a notice."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.query import DEFAULT_YEAR, Filters
from geo.viewstate import (
    MAX_SEARCH,
    View,
    Vocabularies,
    notice_text,
    params_from_view,
    view_from_filters,
    view_from_params,
)

KNOWN = Vocabularies(regions=("JINSHI", "JIAXING", "ZHUZHOU", "YUNCHENG", "KUNDULUN"),
                     categories=("wind", "solar", "other"), statuses=("operating", "construction"),
                     project_ids=frozenset({"ZHUZHOU-002", "JINSHI-001"}))


def test_a_shared_url_gives_its_view() -> None:
    view, notices = view_from_params({"region": ["YUNCHENG,ZHUZHOU"], "category": ["wind"],
                                      "project": ["ZHUZHOU-002"], "lang": ["en"], "year": ["2030"],
                                      "phase": ["under_way"], "search": ["风电"]}, KNOWN)
    assert notices == ()
    assert view == View(regions=("YUNCHENG", "ZHUZHOU"), categories=("wind",), year=2030, phases=("under_way",),
                        search="风电", lang="en", project="ZHUZHOU-002")


def test_repeated_and_lower_case_values_are_read() -> None:
    view, notices = view_from_params({"region": ["yuncheng", "Zhuzhou", "YUNCHENG"], "status": ["OPERATING"],
                                      "project": ["zhuzhou-002"]}, KNOWN)
    assert notices == () and view.regions == ("YUNCHENG", "ZHUZHOU") and view.statuses == ("operating",)
    assert view.project == "ZHUZHOU-002"


@pytest.mark.parametrize(("params", "param", "reason"), [
    ({"region": ["BEIJING,ZHUZHOU"]}, "region", "unknown_value"),
    ({"category": ["windmill"]}, "category", "unknown_value"),
    ({"year": ["20x5"]}, "year", "not_a_year"),
    ({"year": ["1999"]}, "year", "year_out_of_range"),
    ({"year": ["9" * 400]}, "year", "not_a_year"),
    ({"lang": ["fr"]}, "lang", "unknown_value"),
    ({"project": ["ZHUZHOU-999"]}, "project", "unknown_value"),
    ({"phase": ["soon"]}, "phase", "unknown_value"),
    ({"colour": ["red"]}, "colour", "unknown_param"),
    ({"search": ["x" * (MAX_SEARCH + 1)]}, "search", "too_long"),
])
def test_bad_values_are_ignored_with_a_notice(params: dict[str, list[str]], param: str, reason: str) -> None:
    view, notices = view_from_params(params, KNOWN)
    assert [(n.param, n.reason) for n in notices] == [(param, reason)]
    assert view.year == DEFAULT_YEAR and view.lang == "zh" and view.project is None
    assert view.regions in ((), ("ZHUZHOU",))  # the good value of a list is kept
    assert len(view.search) <= MAX_SEARCH
    assert notice_text(notices[0], "en").startswith(f"{param}=")


def test_params_hold_only_what_differs_from_the_defaults() -> None:
    assert params_from_view(View()) == {}
    view = View(regions=("YUNCHENG", "ZHUZHOU"), categories=("wind",), lang="en", project="ZHUZHOU-002")
    assert params_from_view(view) == {"region": "YUNCHENG,ZHUZHOU", "category": "wind", "lang": "en",
                                      "project": "ZHUZHOU-002"}
    assert view_from_params({k: [v] for k, v in params_from_view(view).items()}, KNOWN) == (view, ())


def test_the_view_of_the_filters() -> None:
    filters = Filters(regions=("JINSHI",), year=2030, phases=("due",), search="x", power_mw=(1.0, 2.0))
    assert view_from_filters(filters, lang="en", project=None) == View(regions=("JINSHI",), year=2030,
                                                                       phases=("due",), search="x", lang="en")


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(st.dictionaries(st.sampled_from(["region", "category", "status", "year", "phase", "search", "lang",
                                        "project", "zoom", ""]), st.lists(st.text(max_size=30), max_size=3)))
def test_any_url_gives_a_view_never_an_exception(params: dict[str, list[str]]) -> None:
    view, _ = view_from_params(params, KNOWN)
    assert set(view.regions) <= set(KNOWN.regions) and set(view.categories) <= set(KNOWN.categories)
    again, notices = view_from_params({k: [v] for k, v in params_from_view(view).items()}, KNOWN)
    assert again == view and notices == ()  # what the app writes back reads back the same
