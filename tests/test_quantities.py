"""Capacities in plan prose are found and normalised to one unit per dimension."""

from __future__ import annotations

import pytest

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
