"""Capacities in plan prose: find ``number + unit`` and normalise to one unit per dimension.

Used by the catalogue validator (``capacity_text`` must agree with the normalised
fields) and by the plan reader (candidate capacities).

Normalised fields and their units::

    power_mw              MW    万千瓦 ×10, 兆瓦/MW ×1, 千瓦/kW ×0.001, GW ×1000
    storage_mwh           MWh   万千瓦时 ×10, 兆瓦时/MWh ×1, GWh ×1000
    voltage_kv            kV    千伏/kV (a voltage is not a capacity)
    transformer_mva       MVA   万千伏安 ×10, 千伏安/kVA ×0.001, MVA ×1
    area_ha               ha    亩 ÷15, 万亩, 公顷, 平方公里/㎢ ×100, 平方米/㎡ ×0.0001
    throughput_t_per_yr   t/yr  吨, 万吨 ×10⁴, 亿吨 ×10⁸; per day ×365
    length_km             km    公里, 千米, km

Rules: ``N×X`` and ``N台X`` multiply; a range ``a–b`` normalises to its upper bound
``b``; several mentions of one dimension add up, except voltage, which takes the
highest. Energy preceded by 发电量/年 etc. is annual generation, not storage, and
is recognised but not normalised; so are tonnes of standard coal, cubic metres and a
tonnage class (``5万吨级泊位``: the ships a berth takes, no throughput). A magnitude class
of power (``百万千瓦级``) is a capacity; grades without a unit (``国家级``, ``4A级``, ``一级``)
are no quantity. Thousands separators are read (``1,200千瓦``, ``１，２００千瓦``).

Limits: what is longer than these is not part of a quantity, so the parser is linear in
its input (it tries each start position once and backtracks only within a bounded token):

- a number has at most :data:`MAX_DIGITS` digits before the decimal point and
  :data:`MAX_DECIMALS` after it (a run of 13 digits before 万千瓦 is no capacity, and no
  shorter number is read out of it); a dotted run such as ``1.5.6`` is not a number;
- a number in Chinese numerals has at most :data:`MAX_NUMERAL` characters;
- at most :data:`MAX_GAP` whitespace characters separate the parts of a quantity
  (``2 × 35 万千瓦``).

Full-width digits and letters are read as ASCII (NFKC, character by character, so that
offsets stay those of the text).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, fields

# unit text -> (dimension, factor to the normalised unit)
_UNITS: dict[str, tuple[str, float]] = {
    # energy before power: 万千瓦时 must not read as 万千瓦 + 时
    "亿千瓦时": ("energy", 1e5), "万千瓦时": ("energy", 10.0), "千瓦时": ("energy", 1e-3),
    "兆瓦时": ("energy", 1.0), "吉瓦时": ("energy", 1e3),
    "GWh": ("energy", 1e3), "MWh": ("energy", 1.0), "kWh": ("energy", 1e-3),
    # apparent power before voltage: 千伏安 must not read as 千伏
    "万千伏安": ("apparent", 10.0), "千伏安": ("apparent", 1e-3), "兆伏安": ("apparent", 1.0),
    "MVA": ("apparent", 1.0), "kVA": ("apparent", 1e-3),
    "万千瓦": ("power", 10.0), "千瓦": ("power", 1e-3), "兆瓦": ("power", 1.0),
    "吉瓦": ("power", 1e3), "GW": ("power", 1e3), "MWp": ("power", 1.0), "MW": ("power", 1.0),
    "万kW": ("power", 10.0), "kWp": ("power", 1e-3), "kW": ("power", 1e-3),
    "千伏": ("voltage", 1.0), "kV": ("voltage", 1.0), "KV": ("voltage", 1.0), "kv": ("voltage", 1.0),
    "平方公里": ("area", 100.0), "平方千米": ("area", 100.0), "km²": ("area", 100.0),
    "km2": ("area", 100.0), "万公顷": ("area", 1e4), "公顷": ("area", 1.0),
    "万平方米": ("area", 1.0), "平方米": ("area", 1e-4), "万平米": ("area", 1.0),
    "平米": ("area", 1e-4), "m²": ("area", 1e-4), "m2": ("area", 1e-4),
    "万㎡": ("area", 1.0), "㎡": ("area", 1e-4), "k㎡": ("area", 100.0), "㎢": ("area", 100.0),
    "万亩": ("area", 1e4 / 15), "亩": ("area", 1 / 15),
    "万立方米": ("volume", 1e4), "亿立方米": ("volume", 1e8), "立方米": ("volume", 1.0),
    "亿吨": ("mass", 1e8), "万吨": ("mass", 1e4), "吨": ("mass", 1.0),
    "公里": ("length", 1.0), "千米": ("length", 1.0), "km": ("length", 1.0), "㎞": ("length", 1.0),
}

#: dimension -> field of :class:`Capacity` (dimensions absent here are recognised only)
DIMENSION_FIELD: dict[str, str] = {
    "power": "power_mw",
    "energy": "storage_mwh",
    "voltage": "voltage_kv",
    "apparent": "transformer_mva",
    "area": "area_ha",
    "mass": "throughput_t_per_yr",
    "length": "length_km",
}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}

#: most digits of a number before its decimal point (longer digit runs are not quantities)
MAX_DIGITS = 12
#: most digits after the decimal point
MAX_DECIMALS = 6
#: most characters of a number written in Chinese numerals (一千二百五十 has 6)
MAX_NUMERAL = 10
#: most whitespace characters between the parts of one quantity
MAX_GAP = 6

# Linear by construction. A token may start a match only where the same token could not
# have started one character earlier (the lookbehinds): a match found from inside a digit
# run would have been found from the run's start, so these positions are skipped instead
# of rescanned. The exception is a resumption right after a unit ending in a digit (km2,
# m2). Quantifiers are possessive where the next element can never begin with what they
# give back, and every token is bounded, so each start position costs a bounded amount.
_CN_ALL = "零〇一二两三四五六七八九十百千"
_CN_MULT = "一二两三四五六七八九十"
_GAP = rf"\s{{0,{MAX_GAP}}}+"
#: groups of three digits after a thousands separator (1,200; 12,000,000): MAX_DIGITS digits at most
_GROUPS = (MAX_DIGITS - 1) // 3
# an arabic number: not inside a digit run or a dotted run on either side
_ARABIC = (rf"(?:(?<!\d)(?<!\d\.)(?<!\d,)|(?<=m2))"
           rf"(?:\d{{1,3}}+(?:,\d{{3}}+){{1,{_GROUPS}}}+(?!\d)|\d{{1,{MAX_DIGITS}}}+)"
           rf"(?:\.\d{{1,{MAX_DECIMALS}}}+)?+(?!\.?\d)")
_NUM = rf"(?:{_ARABIC}|(?<![{_CN_ALL}])[{_CN_ALL}]{{1,{MAX_NUMERAL}}})"
_MULT = rf"(?:{_ARABIC}|(?<![{_CN_MULT}])[{_CN_MULT}]{{1,{MAX_NUMERAL}}}+)"
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
#: every quantity starts with a digit or a numeral (of its multiplier or its number): the
#: lookahead turns every other position away at once (a quick test, the same matches)
_QUANTITY = re.compile(
    rf"(?=[\d{_CN_ALL}])"
    rf"(?:(?P<mult>{_MULT}){_GAP}(?:[×xX*＊]|台|套|组){_GAP})?"
    rf"(?P<low>{_NUM}){_GAP}(?:(?:-|—|–|~|～|至|到){_GAP}(?P<high>{_NUM}){_GAP})?"
    rf"(?P<unit>{_UNIT_ALT})(?![a-zA-Z])"
    rf"(?P<per>{_GAP}(?:/|每){_GAP}(?:年|日|天|小时|h)|(?:每年|/年))?"
)
_NUMBER_CHARS = max(MAX_DIGITS + _GROUPS + 1 + MAX_DECIMALS, MAX_NUMERAL)
#: the most characters one quantity can span (follows from the limits above): a multiplier,
#: a range of two numbers, the longest unit and a "per year" part, with every gap at its widest
MAX_QUANTITY_CHARS = ((_NUMBER_CHARS + 2 * MAX_GAP + 1) * 2 + _NUMBER_CHARS + MAX_GAP
                      + max(map(len, _UNITS)) + 2 * MAX_GAP + 3)
# words that make a following energy figure annual generation, not storage
_GENERATION_CUES = ("发电量", "电量", "年发电", "年均发电", "年节约", "节电", "年供", "年输送", "年用电")
# words right before a mass figure that make it per day
_PER_DAY_CUES = ("日产", "日处理", "日均处理", "每日", "每天", "日处置", "日焚烧")
# words after a mass figure that make it something other than throughput
_MASS_NOT_THROUGHPUT = ("标准煤", "标煤", "标准煤当量")


class _Fold(dict[int, str]):
    """``str.translate`` table: each character to its NFKC form where that is one character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        self[code] = value = folded if len(folded) == 1 else char
        return value


_FOLD = _Fold()


def fold_width(text: str) -> str:
    """Full-width digits, letters and signs as ASCII, character by character.

    Every character maps to its NFKC form where that form is one character (１２０ → 120,
    ｋＷ → kW) and stays itself otherwise (…, ㎡), so offsets in the result are offsets in
    ``text``. Linear in the length of ``text``.
    """
    return text if text.isascii() else text.translate(_FOLD)


def chinese_number(text: str) -> float:
    """Convert a number written in arabic digits or in Chinese numerals (up to 千).

    Parameters
    ----------
    text : str
        ``"35"``, ``"3.5"``, ``"两"``, ``"十二"``, ``"三百"``, ``"百"``.

    Raises
    ------
    ValueError
        The text is not a number.
    """
    text = unicodedata.normalize("NFKC", text)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")  # thousands separators: 1,200
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if not text or any(c not in _CN_DIGITS and c not in _CN_SMALL_UNITS for c in text):
        raise ValueError(f"not a number: {text!r}")
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_SMALL_UNITS[ch]
            current = 0
    return float(total + current)


@dataclass(frozen=True, slots=True)
class Quantity:
    """One ``number + unit`` found in a text.

    Attributes
    ----------
    text : str
        The matched text, verbatim.
    start, end : int
        Offsets of the match in the searched text.
    dimension : str
        ``power``, ``energy``, ``generation``, ``voltage``, ``apparent``, ``area``,
        ``mass``, ``mass_per_hour``, ``coal_equivalent``, ``tonnage_class``, ``volume``, ``length``.
    value : float
        Normalised value (see module docstring); upper bound for ranges.
    """

    text: str
    start: int
    end: int
    dimension: str
    value: float


@dataclass(frozen=True, slots=True)
class Capacity:
    """Normalised capacity fields; ``None`` where the text gives none."""

    power_mw: float | None = None
    storage_mwh: float | None = None
    voltage_kv: float | None = None
    transformer_mva: float | None = None
    area_ha: float | None = None
    throughput_t_per_yr: float | None = None
    length_km: float | None = None

    def items(self) -> Iterator[tuple[str, float | None]]:
        """Yield ``(field name, value)`` pairs in declaration order."""
        for f in fields(self):
            yield f.name, getattr(self, f.name)


CAPACITY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Capacity))


def _reading(text: str, norm: str, m: re.Match[str]) -> Quantity | None:
    """The quantity a match of :data:`_QUANTITY` in ``norm`` (``text`` folded) states, or ``None``
    when its number is not one (十三百)."""
    unit = m.group("unit")
    dimension, factor = _UNITS[unit]
    try:
        value = chinese_number(m.group("high") or m.group("low"))
        if m.group("mult"):
            value *= chinese_number(m.group("mult"))
    except ValueError:
        return None
    per = (m.group("per") or "").strip()
    before = norm[max(0, m.start() - 8):m.start()]
    after = norm[m.end():m.end() + 6]
    if dimension == "energy" and (any(c in before for c in _GENERATION_CUES) or "年" in per):
        dimension = "generation"
    if dimension == "mass":
        if after.startswith("级"):
            dimension = "tonnage_class"  # 千吨级航道, 5万吨级泊位: the ships a waterway or berth takes
        elif any(after.startswith(w) for w in _MASS_NOT_THROUGHPUT):
            dimension = "coal_equivalent"
        elif "小时" in per or per.endswith("h"):
            dimension = "mass_per_hour"
        elif "日" in per or "天" in per or any(c in before for c in _PER_DAY_CUES):
            factor *= 365
    return Quantity(text[m.start():m.end()], m.start(), m.end(), dimension, value * factor)


def quantities_from_text(text: str) -> list[Quantity]:
    """Find every ``number + unit`` in ``text``.

    Parameters
    ----------
    text : str
        Plan prose or a ``capacity_text`` snippet.

    Returns
    -------
    list of Quantity
        In order of appearance.
    """
    norm = fold_width(text)
    found = (_reading(text, norm, m) for m in _QUANTITY.finditer(norm))
    return [q for q in found if q is not None]


def leading_quantity(text: str) -> Quantity | None:
    """The quantity ``text`` starts with, if any: the first of :func:`quantities_from_text` when
    that starts at 0, found with one match attempt (and only the first
    :data:`MAX_QUANTITY_CHARS` characters are read)."""
    head = text[:MAX_QUANTITY_CHARS + 7]  # the quantity, the letter after it, the words after a mass
    norm = fold_width(head)
    m = _QUANTITY.match(norm)
    return _reading(head, norm, m) if m else None


def capacity_from_text(text: str) -> Capacity:
    """Normalise a ``capacity_text`` into :class:`Capacity` fields.

    Several mentions of one dimension add up; voltage takes the highest.

    Examples
    --------
    >>> capacity_from_text("2×35万千瓦").power_mw
    700.0
    >>> capacity_from_text("500千伏").voltage_kv
    500.0
    """
    values: dict[str, float] = {}
    for q in quantities_from_text(text):
        field_name = DIMENSION_FIELD.get(q.dimension)
        if field_name is None:
            continue
        if q.dimension == "voltage":
            values[field_name] = max(values.get(field_name, 0.0), q.value)
        else:
            values[field_name] = values.get(field_name, 0.0) + q.value
    return Capacity(**{k: round(v, 6) for k, v in values.items()})


def same_value(a: float | None, b: float | None) -> bool:
    """Whether two normalised values agree (relative 1e-5, absolute 1e-3)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(1e-3, 1e-5 * max(abs(a), abs(b)))
