"""Fuzz suite for the parsers and the plan reader (hypothesis; bounded examples, derandomised).

Properties on arbitrary text: no exception escapes but the documented ones, every quantity
and candidate points at verbatim text, units are normalised, round trips hold. And the
linear-time patterns against the patterns they replaced (which backtracked without
bound): on short inputs inside the documented limits they find exactly the same matches.
"""

from __future__ import annotations

import math
import re
import tempfile
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from geo import quantities, timeline
from geo._text import words_only
from geo.errors import ExtractError
from geo.quantities import (
    MAX_DECIMALS,
    MAX_DIGITS,
    MAX_GAP,
    MAX_NUMERAL,
    MAX_QUANTITY_CHARS,
    capacity_from_text,
    chinese_number,
    fold_width,
    leading_quantity,
    quantities_from_text,
)
from geo.reader import candidates_from_text, names, networks, text_from_txt
from geo.reader import lexicon as lx
from geo.reader.clauses import soft_joined
from geo.timeline import Interval, interval_from_text

from .texts import TOKENS

fuzz = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
fuzz_reader = settings(fuzz, max_examples=120)

plan_like = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=200), plan_like)

DIMENSIONS = {"power", "energy", "generation", "voltage", "apparent", "area", "mass", "mass_per_hour",
              "coal_equivalent", "tonnage_class", "volume", "length"}


@pytest.fixture(scope="module", autouse=True)
def _jieba_loaded() -> None:
    names.load_jieba()


# --- quantities ----------------------------------------------------------------------------------

@fuzz
@given(any_text)
def test_quantities_point_at_their_text(text: str) -> None:
    found = quantities_from_text(text)
    end = 0
    for q in found:
        assert text[q.start:q.end] == q.text and q.start >= end  # verbatim, in order, not overlapping
        end = q.end
        assert 0 < len(q.text) <= MAX_QUANTITY_CHARS
        assert q.dimension in DIMENSIONS
        assert math.isfinite(q.value) and q.value >= 0
    capacity = capacity_from_text(text)
    for _, value in capacity.items():
        assert value is None or (math.isfinite(value) and value >= 0)


@fuzz
@given(any_text, any_text)
def test_the_leading_quantity_is_the_first_at_the_start(head: str, tail: str) -> None:
    text = head + tail
    first = next(iter(quantities_from_text(text)), None)
    assert leading_quantity(text) == (first if first is not None and first.start == 0 else None)


# unit, field, factor to the field's unit
UNITS = [("万千瓦", "power_mw", 10.0), ("兆瓦", "power_mw", 1.0), ("MW", "power_mw", 1.0), ("千瓦", "power_mw", 1e-3),
         ("GW", "power_mw", 1e3), ("万千瓦时", "storage_mwh", 10.0), ("MWh", "storage_mwh", 1.0),
         ("千伏", "voltage_kv", 1.0), ("kV", "voltage_kv", 1.0), ("万千伏安", "transformer_mva", 10.0),
         ("MVA", "transformer_mva", 1.0), ("公顷", "area_ha", 1.0), ("亩", "area_ha", 1 / 15),
         ("万亩", "area_ha", 1e4 / 15), ("平方公里", "area_ha", 100.0), ("万吨", "throughput_t_per_yr", 1e4),
         ("吨", "throughput_t_per_yr", 1.0), ("公里", "length_km", 1.0), ("km", "length_km", 1.0)]
numbers = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)
#: words around a quantity that neither extend nor change it
calm = st.text(alphabet="建设推进项目的，。；新城区", max_size=6)


@fuzz
@given(numbers, st.sampled_from(UNITS), calm, calm)
def test_a_number_and_unit_normalise(number: object, unit: tuple[str, str, float], before: str,
                                     after: str) -> None:
    name, field, factor = unit
    digits = format(number, "f")
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    text = f"{before}{digits}{name}{after}"
    (q,) = quantities_from_text(text)
    assert q.text == f"{digits}{name}" and text[q.start:q.end] == q.text
    assert getattr(capacity_from_text(text), field) == pytest.approx(float(digits) * factor, rel=1e-6, abs=1e-6)
    # full-width digits and letters read the same, at the same offsets
    wide = text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    (w,) = quantities_from_text(wide)
    assert (w.start, w.end, w.value) == (q.start, q.end, q.value) and wide[w.start:w.end] == w.text


@fuzz
@given(st.integers(1, 9), st.integers(1, 999), st.integers(1, 999), st.sampled_from(UNITS))
def test_multipliers_and_ranges(k: int, a: int, b: int, unit: tuple[str, str, float]) -> None:
    name, field, factor = unit
    assume(field != "voltage_kv")
    assert getattr(capacity_from_text(f"{k}×{a}{name}"), field) == pytest.approx(k * a * factor, abs=1e-6)
    low, high = sorted((a, b))
    assert getattr(capacity_from_text(f"{low}-{high}{name}"), field) == pytest.approx(high * factor, abs=1e-6)


@fuzz
@given(st.integers(MAX_DIGITS + 1, 60), st.sampled_from(UNITS))
def test_a_number_longer_than_the_limit_is_no_quantity(n: int, unit: tuple[str, str, float]) -> None:
    assert quantities_from_text("1" * n + unit[0]) == []
    assert quantities_from_text("3." + "1" * (MAX_DECIMALS + n % 5 + 1) + unit[0]) == []
    assert len(quantities_from_text("9" * MAX_DIGITS + unit[0])) == 1


def _chinese(n: int) -> str:
    """``n`` (1–9999) in Chinese numerals, the way plans write it (一千零五, 三百二十)."""
    digits = "零一二三四五六七八九"
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            out += ("零" if zero and out else "") + digits[d] + unit
            zero = False
        else:
            zero = True
    return out


@fuzz
@given(st.integers(1, 9999))
def test_chinese_numbers_round_trip(n: int) -> None:
    assert chinese_number(_chinese(n)) == n
    assert chinese_number(str(n)) == n
    (q,) = quantities_from_text(f"建设{_chinese(n)}亩")
    assert q.value == pytest.approx(n / 15)


@fuzz
@given(any_text)
def test_folding_keeps_length_and_offsets(text: str) -> None:
    folded = fold_width(text)
    assert len(folded) == len(text)
    assert fold_width(folded) == folded
    for a, b in zip(text, folded, strict=True):
        assert a == b or unicodedata.normalize("NFKC", a) == b


# --- timeline ------------------------------------------------------------------------------------

@fuzz
@given(any_text)
def test_intervals_hold_years_of_the_text(text: str) -> None:
    got = interval_from_text(text)
    if got is None:
        return
    assert got.start is not None or got.end is not None
    for year in (got.start, got.end):
        if year is not None:
            assert 1900 <= year <= 2099


@fuzz
@given(st.integers(1900, 2099), st.integers(1900, 2099), calm, calm)
def test_years_round_trip(a: int, b: int, before: str, after: str) -> None:
    assume(not after.startswith(("开工", "启动", "开始", "起", "建成")))
    assert interval_from_text(f"{before}{a}年") == Interval(a, a)
    assert interval_from_text(f"{before}到{a}年{after}") == Interval(None, a)
    low, high = sorted((a, b))
    assert interval_from_text(f"{before}{low}—{high}年{after}") == Interval(low, high)
    cn = str(a).translate(str.maketrans("0123456789", "〇一二三四五六七八九"))
    if cn.startswith("二〇"):
        assert interval_from_text(f"{cn}年") == Interval(a, a)


# --- the plan reader -----------------------------------------------------------------------------

VERBATIM = ("quote", "capacity_text", "status_text", "timeline_text", "place_text")


@fuzz_reader
@given(any_text)
@example("加快建设甲县和乙县风电场，总装机35万千瓦，2025年建成。\n"
         "在丙县、丁县等区域探索分散式风电。")
@example("湿地保护\r与修复：盐湖、伍姓湖\n和\r\n北湖。")
# PDF line wraps inside a year, a status word and a capacity: joined for reading, never quoted joined
@example("加快推进甲县风电场建设，总装机容量达到35万\n千瓦，项目各项前期工作有序推进力争到2025\n年底建成投产并网发电运行。")
@example("项目各项工作有序推进重点建设甲县风电场开\n工建设，总装机容量达到35万千瓦和乙县风电场。")
@example("各项前期工作有序推进加快建设甲县35万千\n瓦风电场，总装机容量达到35万千瓦。")
def test_reader_candidates_quote_the_text(text: str) -> None:
    found = candidates_from_text(text, "TEST")
    assert len({c.id for c in found}) == len(found)
    for c in found:
        assert c.quote and text[c.quote_offset:c.quote_offset + len(c.quote)] == c.quote
        for field in VERBATIM:
            value = getattr(c, field)
            assert not value or value in text, (field, value)
        assert c.capacity_text in c.quote
        for year in (c.year_start, c.year_end):
            assert year is None or 1900 <= year <= 2099
    assert candidates_from_text(text, "TEST") == found  # deterministic


#: plan-like text with many line breaks between long lines (PDF wraps)
wrapped = st.lists(st.sampled_from([*TOKENS, "\n", "\n", "甲乙丙丁戊己庚辛壬癸甲乙丙丁戊", "（一）", "1 "]),
                   max_size=40).map("".join)


@fuzz
@given(st.one_of(any_text, wrapped))
@example("一二三四五六七八九十一二三四五六七八九十\n甲乙丙\n\n一二三四五六七八九十一二三四五六七八九十\n（二）乙")
def test_soft_joining_drops_only_breaks_after_long_untabbed_lines(text: str) -> None:
    joined, index = soft_joined(text)
    assert len(index) == len(joined) and all(text[i] == ch for i, ch in zip(index, joined, strict=True))
    assert all(a < b for a, b in pairwise(index))  # in order, each character once
    kept = set(index)
    for i in (i for i in range(len(text)) if i not in kept):
        assert text[i] == "\n"  # only line breaks are dropped, and only inside a sentence of long lines
        line = text[text.rfind("\n", 0, i) + 1:i]
        end = text.find("\n", i + 1)
        nxt = text[i + 1:len(text) if end < 0 else end]
        assert len(line) >= 15 and nxt and "\t" not in line + nxt
        assert line[-1] not in "。；;！!？?" and not nxt.startswith(("（二）", "1 "))


@fuzz_reader
@given(st.binary(max_size=300) | st.builds(lambda t, e: t.encode(e, "replace"), any_text,
                                             st.sampled_from(["utf-8", "gb18030", "utf-16", "latin-1"])))
def test_reading_any_bytes_is_text_or_an_extract_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.txt"
        path.write_bytes(data)
        try:
            text = text_from_txt(path).text
        except ExtractError as err:
            assert str(path) in str(err)  # the message names the input
            return
    decoded = []
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            decoded.append(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    lines = decoded[0].replace("\r\n", "\n").replace("\r", "\n")
    assert text == lines + ("" if lines.endswith("\n") else "\n")  # the first encoding that decodes it
    for c in candidates_from_text(text, "TEST"):
        assert text[c.quote_offset:c.quote_offset + len(c.quote)] == c.quote


@fuzz
@given(st.text(max_size=12))
def test_a_bad_region_code_is_an_extract_error(region: str) -> None:
    assume(re.fullmatch(r"[A-Z]+", region) is None)
    with pytest.raises(ExtractError, match="region code"):
        candidates_from_text("建设甲县风电场。", region)


# --- the linear patterns find what the backtracking ones found -----------------------------------

_OLD_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
OLD_QUANTITY = re.compile(
    rf"(?:(?P<mult>\d+|[一二两三四五六七八九十]+)\s*(?:[×xX*＊]|台|套|组)\s*)?"
    rf"(?P<low>{_OLD_NUM})\s*(?:(?:-|—|–|~|～|至|到)\s*(?P<high>{_OLD_NUM})\s*)?"
    rf"(?P<unit>{quantities._UNIT_ALT})(?![a-zA-Z])"
    rf"(?P<per>\s*(?:/|每)\s*(?:年|日|天|小时|h)|(?:每年|/年))?")


def _inside_limits(folded: str) -> bool:
    """No token beyond the documented limits, no dotted run, no decimal multiplier (read differently on
    purpose: the old pattern took 5×3 out of 2.5×3)."""
    return re.search(rf"\d{{{MAX_DIGITS + 1}}}|\.\d{{{MAX_DECIMALS + 1}}}|[{quantities._CN_ALL}]{{{MAX_NUMERAL + 1}}}|"
                     rf"\s{{{MAX_GAP + 1}}}|\d\.\d+\.\d|\d\.\d+\s*(?:[×xX*＊]|台|套|组)", folded) is None


number_text = st.lists(st.sampled_from([*"0123456789.  ×x台-~至到/每年日h一二两三十百千零", "万千瓦", "千伏", "千伏安",
                                        "km2", "m2", "m²", "MW", "kWh", "亩", "吨", "小时", "甲", "a"]),
                       max_size=25).map("".join)


@settings(fuzz, max_examples=2000)
@given(number_text)
@example("5km23万千瓦")  # a match resumes right after a unit that ends in a digit
@example("十三百万千瓦")
def test_quantity_pattern_matches_the_old_one(text: str) -> None:
    folded = fold_width(text)
    assume(_inside_limits(folded))

    def spans(pattern: re.Pattern[str]) -> list[tuple[object, ...]]:
        return [(m.span(), m.group("mult", "low", "high", "unit", "per")) for m in pattern.finditer(folded)]

    assert spans(quantities._QUANTITY) == spans(OLD_QUANTITY)


_OLD_YEAR = r"((?:19|20)\d{2}|二[〇零][一二三四五六七八九〇零]{2})"
_OLD_RANGE = re.compile(_OLD_YEAR + r"\s*(?:年)?\s*(?:-|—|–|~|～|至|到)\s*" + _OLD_YEAR + r"\s*年?")
_OLD_SINGLE = re.compile(r"(到|至|截至|截止|力争到|力争|争取到|争取)?\s*" + _OLD_YEAR + r"\s*年(底|前|以前|末|年底)?")


def _old_interval(text: str) -> Interval | None:
    """interval_from_text before it was made linear (str.replace per range, backtracking spaces)."""
    starts: list[int] = []
    ends: list[int] = []
    for name, (a, b) in timeline.PERIODS.items():
        if name in text:
            starts.append(a)
            ends.append(b)
    consumed = text
    for m in _OLD_RANGE.finditer(text):
        starts.append(timeline._year(m.group(1)))
        ends.append(timeline._year(m.group(2)))
        consumed = consumed.replace(m.group(0), " " * len(m.group(0)))
    for m in _OLD_SINGLE.finditer(consumed):
        year = timeline._year(m.group(2))
        following = consumed[m.end():m.end() + 6]
        if m.group(1) or m.group(3):
            ends.append(year)
        elif any(following.startswith(c) or c in following[:4] for c in timeline._START_CUES):
            starts.append(year)
        elif any(c in following[:4] for c in timeline._END_CUES):
            ends.append(year)
        else:
            starts.append(year)
            ends.append(year)
    if not starts and not ends:
        return None
    return Interval(min(starts) if starts else None, max(ends) if ends else None)


year_text = st.lists(st.sampled_from([*"0123456789  　年-—~至到底前末起", "2025", "2021", "1999", "二〇二五", "力争",
                                      "截至", "十四五", "年底", "开工", "建成"]), max_size=20).map("".join)


@settings(fuzz, max_examples=2000)
@given(year_text)
def test_timeline_reads_as_before(text: str) -> None:
    assert interval_from_text(text) == _old_interval(text)
    old = [(m.span(), m.groups()) for m in _OLD_SINGLE.finditer(text)]
    assert [(m.span(), m.groups()) for m in timeline._SINGLE.finditer(text)] == old


_OLD_ADMIN_LIST = re.compile(
    r"((?:[\u3400-\u9fff]{1,5}?(?:自治县|县|区|市|旗)(?:、|和|及))+[\u3400-\u9fff]{1,5}?(?:自治县|县|区|市|旗))"
    r"(?:等(?:区域|地区|县市区|县区)?)?[^，,。；;、]{0,16}?((?:集中式|分散式|分布式)?(?:陆上)?(?:风电|光伏)|地热能?)")
admin_text = st.lists(st.sampled_from([*"甲乙丙县区市旗和及、等，。", "自治县", "区域", "地区", "分散式", "陆上",
                                       "风电", "光伏", "地热", "地热能", "探索"]), max_size=16).map("".join)


@settings(fuzz, max_examples=2000)
@given(admin_text, st.integers(0, 3), st.integers(0, 3))
def test_county_lists_as_the_old_pattern_found_them(text: str, lo: int, cut: int) -> None:
    hi = max(lo, len(text) - cut)
    old = [(m.start(1), m.end(1), m.group(2), m.end()) for m in _OLD_ADMIN_LIST.finditer(text, lo, hi)]
    new = [(m.start, m.list_end, m.head, m.end) for m in networks.admin_lists(text, lo, hi)]
    assert new == old


_OLD_GENERIC = re.compile("(?:" + "|".join(re.escape(w) for w in names.GENERIC_WORDS) + ")+")
generic_text = st.lists(st.sampled_from([*lx.GENERIC[:60], *lx.HEAD_LIST[:30], "甲", "分布式光伏", "配电网"]),
                        max_size=8).map("".join)


@fuzz
@given(generic_text)
def test_generic_words_as_the_old_pattern_split_them(text: str) -> None:
    assert words_only(text, names.GENERIC_SET) == (_OLD_GENERIC.fullmatch(text) is not None)


# --- transmission works by route and voltage ------------------------------------------------------

_PLACE_CHARS = "甲乙丙丁戊己庚辛壬癸"
route_names = st.builds(lambda a, b, via: a + ("至" + b if via else b),
                        st.text(_PLACE_CHARS, min_size=2, max_size=3), st.text(_PLACE_CHARS, min_size=1, max_size=3),
                        st.booleans())
line_kinds = st.sampled_from(["±800千伏直流", "±1100千伏直流", "1000千伏特高压交流", "500千伏交流"])


@fuzz_reader
@given(st.lists(st.tuples(route_names, line_kinds), min_size=1, max_size=3, unique_by=lambda m: m[0]),
       st.sampled_from(["输电工程", "工程", "输电通道"]), st.sampled_from(["建成", "加快建设", "推动"]))
def test_every_member_of_a_list_of_transmission_works_takes_the_head(
        members: list[tuple[str, str]], head: str, verb: str) -> None:
    text = verb + "、".join(route + kind for route, kind in members) + head + "。"
    names_found = {c.name_zh for c in candidates_from_text(text, "X") if c.category.value == "substation"}
    for route, kind in members:
        assert route + kind + head in names_found, (text, names_found)
