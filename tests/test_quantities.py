"""Capacities in plan prose are found and normalised to one unit per dimension."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.quantities import capacity_from_text, chinese_number, quantities_from_text


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("120万千瓦", "power_mw", 1200.0),
        ("50兆瓦", "power_mw", 50.0),
        ("100MW", "power_mw", 100.0),
        ("2×35万千瓦", "power_mw", 700.0),
        ("两台35万千瓦机组", "power_mw", 700.0),
        ("百万千瓦级", "power_mw", 1000.0),
        ("6000千瓦", "power_mw", 6.0),
        ("10-20万千瓦", "power_mw", 200.0),  # a range normalises to its upper bound
        ("240万千瓦时", "storage_mwh", 2400.0),
        ("200MWh", "storage_mwh", 200.0),
        ("500千伏", "voltage_kv", 500.0),
        ("110kV", "voltage_kv", 110.0),
        ("2×18万千伏安", "transformer_mva", 360.0),
        ("2.55万亩", "area_ha", 1700.0),
        ("1万亩", "area_ha", 666.666667),
        ("3000亩", "area_ha", 200.0),
        ("520公顷", "area_ha", 520.0),
        ("12平方公里", "area_ha", 1200.0),
        ("年产30万吨", "throughput_t_per_yr", 300000.0),
        ("1500吨/日", "throughput_t_per_yr", 547500.0),
        ("日处理生活垃圾1500吨", "throughput_t_per_yr", 547500.0),
        ("96千米", "length_km", 96.0),
        ("１２０万千瓦", "power_mw", 1200.0),  # full-width digits
        ("1,200千瓦", "power_mw", 1.2),  # a thousands separator
        ("１，２００千瓦", "power_mw", 1.2),  # full-width, with a full-width comma
        ("12,000,000千瓦", "power_mw", 12000.0),
        ("2×240兆伏安", "transformer_mva", 480.0),
        ("3×1,000千伏安", "transformer_mva", 3.0),
        ("50万千瓦时", "storage_mwh", 500.0),
        ("800千瓦时", "storage_mwh", 0.8),
        ("3000㎡", "area_ha", 0.3),
        ("12万㎡", "area_ha", 12.0),
        ("2㎢", "area_ha", 200.0),
        ("5万亩", "area_ha", 3333.333333),
        ("20公顷", "area_ha", 20.0),
        ("50万吨/年", "throughput_t_per_yr", 500000.0),
        ("处理能力1,500吨/日", "throughput_t_per_yr", 547500.0),
        ("1000千伏", "voltage_kv", 1000.0),
        ("12㎞", "length_km", 12.0),
    ],
)
def test_normalised(text: str, field: str, expected: float) -> None:
    assert getattr(capacity_from_text(text), field) == pytest.approx(expected, rel=1e-6)


def test_voltage_is_not_power_and_kva_is_not_voltage() -> None:
    cap = capacity_from_text("220千伏变电站，主变容量2×18万千伏安")
    assert cap.voltage_kv == 220.0
    assert cap.transformer_mva == 360.0
    assert cap.power_mw is None


def test_power_and_energy_of_storage() -> None:
    cap = capacity_from_text("10万千瓦/20万千瓦时")
    assert (cap.power_mw, cap.storage_mwh) == (100.0, 200.0)


def test_annual_generation_is_not_storage() -> None:
    found = quantities_from_text("年发电量2亿千瓦时")
    assert [q.dimension for q in found] == ["generation"]
    assert capacity_from_text("年发电量2亿千瓦时").storage_mwh is None


def test_standard_coal_is_not_throughput() -> None:
    assert capacity_from_text("节约30万吨标准煤").throughput_t_per_yr is None


def test_several_mentions_add_up_but_voltage_takes_the_highest() -> None:
    assert capacity_from_text("一期60万千瓦、二期60万千瓦").power_mw == 1200.0
    assert capacity_from_text("500千伏及220千伏").voltage_kv == 500.0


def test_offsets_point_into_the_text() -> None:
    text = "加快炎陵县罗萍江120万千瓦抽水蓄能项目"
    (q,) = quantities_from_text(text)
    assert text[q.start:q.end] == q.text == "120万千瓦"


def test_no_capacity_in_plain_text() -> None:
    assert quantities_from_text("推进屋顶分布式光伏") == []
    assert all(v is None for _, v in capacity_from_text("").items())


@pytest.mark.parametrize(("text", "value"), [("35", 35), ("3.5", 3.5), ("两", 2), ("十二", 12), ("三百", 300),
                                              ("百", 100)])
def test_chinese_number(text: str, value: float) -> None:
    assert chinese_number(text) == value


def test_chinese_number_rejects_words() -> None:
    with pytest.raises(ValueError, match="not a number"):
        chinese_number("千瓦")


def test_a_tonnage_class_is_no_throughput() -> None:
    """千吨级航道, 5万吨级泊位: the ships a waterway or berth takes, not tonnes a year."""
    for text in ("千吨级航道", "5万吨级泊位", "建设3个10万吨级码头"):
        assert [q.dimension for q in quantities_from_text(text)] == ["tonnage_class"], text
        assert capacity_from_text(text).throughput_t_per_yr is None


def test_a_broken_group_is_no_number() -> None:
    # "1,2345" is no thousands grouping, and no smaller number is read out of it
    assert quantities_from_text("1,2345千瓦") == []
    assert quantities_from_text("1,200,300,400,500千瓦") == []  # more than MAX_DIGITS digits


# --- properties ----------------------------------------------------------------------------------

props = settings(max_examples=200, deadline=None, derandomize=True, database=None)
GRADES = ("国家级", "省级", "市级", "县级", "4A级", "5A级", "AAAA级", "一级", "二级", "三级", "Ⅰ级", "Ⅱ类",
          "一类", "甲级", "一星级", "三星级", "二期", "十四五")


@props
@given(st.sampled_from(GRADES), st.sampled_from(["", "景区", "公路", "保护区", "电站", "湿地公园"]),
       st.sampled_from(["", "建设", "创建", "打造一批"]))
def test_grades_and_levels_are_never_quantities(grade: str, noun: str, verb: str) -> None:
    assert quantities_from_text(verb + grade + noun) == []


@props
@given(st.integers(min_value=1000, max_value=999_999_999), st.sampled_from([",", "，"]),
       st.sampled_from([("千瓦", "power_mw", 1e-3), ("千瓦时", "storage_mwh", 1e-3),
                        ("千伏安", "transformer_mva", 1e-3),
                        ("㎡", "area_ha", 1e-4), ("公顷", "area_ha", 1.0), ("吨/年", "throughput_t_per_yr", 1.0),
                        ("公里", "length_km", 1.0)]))
def test_grouped_numbers_read_as_their_value(n: int, comma: str, unit: tuple[str, str, float]) -> None:
    word, field, factor = unit
    text = f"{n:,}".replace(",", comma) + word
    (q,) = quantities_from_text(f"建设{text}项目")
    assert q.text == text
    assert getattr(capacity_from_text(text), field) == pytest.approx(round(n * factor, 6), rel=1e-9, abs=1e-6)


@props
@given(st.integers(min_value=1, max_value=9), st.integers(min_value=1, max_value=2000),
       st.sampled_from([("兆伏安", "transformer_mva", 1.0), ("万千伏安", "transformer_mva", 10.0),
                        ("万千瓦", "power_mw", 10.0), ("兆瓦时", "storage_mwh", 1.0)]),
       st.sampled_from(["×", "x", "台"]))
def test_units_times_a_count_multiply(count: int, each: int, unit: tuple[str, str, float], times: str) -> None:
    word, field, factor = unit
    cap = capacity_from_text(f"{count}{times}{each}{word}")
    assert getattr(cap, field) == pytest.approx(count * each * factor)
    assert cap.voltage_kv is None  # 千伏安 is never a voltage


@props
@given(st.integers(min_value=1, max_value=1500), st.sampled_from(["千伏", "kV"]),
       st.sampled_from(["", "变电站", "输变电工程", "线路"]))
def test_voltages_are_voltages(kv: int, unit: str, head: str) -> None:
    cap = capacity_from_text(f"{kv}{unit}{head}")
    assert (cap.voltage_kv, cap.power_mw, cap.transformer_mva) == (kv, None, None)
