"""The detail card: planning facts with labels and units, no blanks, the quote in its paragraph."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest

from geo.card import QUANTITIES, UNCERTAINTY, card_from_project, number_text, passage_at, radius_text
from geo.i18n import label
from geo.layers import projects_from_layers
from geo.plans import Plan, plans_from_dir
from geo.query import Filters, filter_projects

from .conftest import ROOT


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return filter_projects(projects_from_layers(ROOT / "layers"), Filters(year=2025))


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return plans_from_dir(ROOT / "data" / "plans")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _row(frame: gpd.GeoDataFrame, project_id: str) -> dict[str, object]:
    return dict(frame[frame["id"] == project_id].iloc[0].to_dict())


def test_a_pumped_storage_card_reads_as_the_plan_says(frame: gpd.GeoDataFrame, plans: dict[str, Plan]) -> None:
    row = _row(frame, "ZHUZHOU-020")
    card = card_from_project(row, "zh", plan=plans["ZHUZHOU"], year=2025)
    facts = {f.label: f.text for f in card.facts}
    assert card.names == ("炎陵县罗萍江抽水蓄能项目", "Luopingjiang Pumped Storage Power Station")
    assert facts["规模"] == "装机 1,200 MW · 方案原文：120万千瓦"
    assert facts["状态"] == "在建/推进 · 方案原文：建设进度"
    assert facts["位置精度"] == "乡镇 · ± 10 km" and "Zhongcun" in facts["坐标来源"]
    assert card.plan == "株洲市碳达峰实施方案 (株政发〔2023〕9号)"
    english = card_from_project(row, "en", plan=plans["ZHUZHOU"], year=2025)
    assert english.names[0] == "Luopingjiang Pumped Storage Power Station"
    assert {f.label: f.text for f in english.facts}["Size"] == "power 1,200 MW · plan's words: 120万千瓦"


def test_no_card_shows_a_blank_none_or_a_raw_code(frame: gpd.GeoDataFrame, plans: dict[str, Plan]) -> None:
    for row in frame.to_dict("records"):
        for lang in ("zh", "en"):
            card = card_from_project(row, lang, plan=plans[row["plan"]], year=2025)
            texts = [f.text for f in card.facts] + [f.label for f in card.facts]
            assert all(t and "None" not in t and "nan" not in t.split() and "<NA>" not in t for t in texts), row["id"]
            assert row["name_zh"] in card.names  # never cut
            facts = {f.label: f.text for f in card.facts}
            status = facts["状态" if lang == "zh" else "Status"].split(" · ")[0]
            assert status == label("status", row["status"], lang) != row["status"]  # a word, not the code
            has_amount = any(not _missing(row[c]) for c, _, _ in QUANTITIES) or bool(row["capacity_text"])
            assert has_amount == (("规模" if lang == "zh" else "Size") in facts)
            # the quote sits in its paragraph of the plan, word for word
            assert card.passage is not None, row["id"]
            assert card.passage.quote == row["quote"]
            line = card.passage.before + card.passage.quote + card.passage.after
            assert "\n" not in line and line in plans[row["plan"]].text


def test_the_passage_holds_the_headings_above_it(plans: dict[str, Plan]) -> None:
    text = plans["ZHUZHOU"].text
    quote = "加快炎陵县罗萍江120万千瓦抽水蓄能项目"
    passage = passage_at(text, text.index(quote), quote)
    assert passage is not None and passage.headings == ("三、重点任务", "(一)能源结构低碳转型")
    assert passage_at(text, 0, "这句话不在方案里") is None
    moved = passage_at(text, 5, quote)  # a wrong offset: found by the text itself
    assert moved is not None and moved.quote == quote


def test_the_uncertainty_radius_is_shown_when_the_layers_carry_it(frame: gpd.GeoDataFrame) -> None:
    row = {**_row(frame, "YUNCHENG-010"), UNCERTAINTY: 25_000.0}
    facts = {f.label: f.text for f in card_from_project(row, "en").facts}
    assert facts["Location precision"] == "County point · ± 25 km"
    assert radius_text(800) == "± 800 m" and number_text(0.25) == "0.25" and number_text(1200.0) == "1,200"


def test_markup_in_data_stays_text() -> None:
    payload = "{{7*7}} <img src=x onerror=alert(1)> **b** :red[x]"
    row = {"id": "X-001", "name_zh": payload, "name_en": None, "region": "JINSHI", "category": "wind",
           "status": "announced", "status_text": payload, "precision": "county", "geocode_source": payload,
           "quote": payload, "plan_title": payload, "capacity_text": "", "quote_offset": None}
    card = card_from_project(row, "zh")
    assert card.names == (payload,) and card.quote == payload
    assert any(f.text.endswith(payload) for f in card.facts)
