"""The detail card of one project, as a planner reads it.

:func:`card_from_project` turns a published row into a :class:`Card`: the names, then the planning
facts with interface labels (category, status with the plan's own status words, capacities with
units and the plan's words, timeline, place, precision with its uncertainty radius and the source
of the coordinate), the verbatim quote with the plan's title, and the quote's paragraph of the
plan (:func:`passage_at`) with the headings it sits under. Blank fields are left out: a card never
says ``None``. Everything in a card is plain text; the app shows data strings as text elements,
never as Markdown or HTML.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .i18n import label, region_name, ui

if TYPE_CHECKING:
    from .plans import Plan

#: the normalised quantities of a project: column, interface label key, unit
QUANTITIES: tuple[tuple[str, str, str], ...] = (
    ("power_mw", "q_power", "MW"), ("storage_mwh", "q_storage", "MWh"), ("voltage_kv", "q_voltage", "kV"),
    ("transformer_mva", "q_transformer", "MVA"), ("area_ha", "q_area", "ha"),
    ("throughput_t_per_yr", "q_throughput", "t/yr"), ("length_km", "q_length", "km"),
)
#: the uncertainty radius of a point (metres), when the layers carry it
UNCERTAINTY = "coord_uncertainty_m"
#: headings of a plan's sections: 一、…  (一)…  第一章 …  (a short line)
_NUMERAL = "[一二三四五六七八九十]+"
_HEADING = re.compile(rf"^(?:{_NUMERAL}、|[(（]{_NUMERAL}[)）]|第{_NUMERAL}[章节部分篇])")
_HEADING_MAX = 40


@dataclass(frozen=True, slots=True)
class Fact:
    """One line of the card: an interface label and the project's value as text."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Passage:
    """The quote in its paragraph of the plan: the headings above it (outermost first), the
    paragraph's text before the quote, the quote as the plan has it, and the text after."""

    headings: tuple[str, ...]
    before: str
    quote: str
    after: str


@dataclass(frozen=True, slots=True)
class Card:
    """What the detail panel shows of one project (plain text throughout)."""

    id: str
    names: tuple[str, ...]
    facts: tuple[Fact, ...]
    quote: str
    plan: str
    passage: Passage | None
    notes: str


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        if value is pd.NA:
            return True
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return isinstance(value, str) and not value.strip()


def number_text(value: float) -> str:
    """``1200.0`` → ``1,200``; ``0.25`` → ``0.25`` (no trailing zeros, thousands separated)."""
    return format(float(value), ",.10g")


def radius_text(metres: float) -> str:
    """``25000`` → ``± 25 km``; ``800`` → ``± 800 m``."""
    if metres >= 1000:
        return f"± {number_text(round(metres / 1000, 1))} km"
    return f"± {number_text(round(metres))} m"


def _plan_words(text: Any, lang: str) -> str:
    return "" if _blank(text) else f"{ui('plan_words', lang)}{text}"


def _joined(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _facts(row: Mapping[str, Any], lang: str, year: int | None) -> list[Fact]:
    facts = [Fact(ui("region", lang), _joined(region_name(row, lang), _text(row, "county_zh"))),
             Fact(ui("category", lang), _joined(label("category", row["category"], lang),
                                                ui("programme", lang) if row.get("is_programme") is True else ""))]
    status = label("status", row["status"], lang)
    facts.append(Fact(ui("status", lang), _joined(status, _plan_words(row.get("status_text"), lang))))
    if not _blank(row.get("action")):
        facts.append(Fact(ui("action", lang), label("action", str(row["action"]), lang)))
    amounts = [f"{ui(key, lang)} {number_text(row[col])} {unit}" for col, key, unit in QUANTITIES
               if not _blank(row.get(col))]
    if amounts or not _blank(row.get("capacity_text")):
        facts.append(Fact(ui("capacity_short", lang), _joined(*amounts, _plan_words(row.get("capacity_text"), lang))))
    start, end = row.get("year_start"), row.get("year_end")
    years = "–".join(str(int(y)) for y in (start, end) if y is not None and not _blank(y))
    phase = "" if _blank(row.get("timeline_phase")) or year is None else \
        ui("in_year", lang).format(year=year) + label("phase", str(row["timeline_phase"]), lang)
    if years or phase or not _blank(row.get("timeline_text")):
        facts.append(Fact(ui("timeline", lang), _joined(years, _plan_words(row.get("timeline_text"), lang), phase)))
    for column, key in (("phase", "project_phase"), ("project_group", "project_group")):
        if not _blank(row.get(column)):
            facts.append(Fact(ui(key, lang), str(row[column])))
    if not _blank(row.get("place_text")):
        facts.append(Fact(ui("place", lang), str(row["place_text"])))
    radius = row.get(UNCERTAINTY)
    spread = "" if radius is None or _blank(radius) else radius_text(float(radius))
    facts.append(Fact(ui("precision", lang), _joined(label("precision", row["precision"], lang), spread)))
    facts.append(Fact(ui("source", lang), _text(row, "geocode_source")))
    return facts


def _text(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if _blank(value) else str(value)


def card_from_project(row: Mapping[str, Any], lang: str, *, plan: Plan | None = None,
                      year: int | None = None) -> Card:
    """The card of one published project (a row of :func:`geo.layers.projects_from_layers`, or of
    :func:`geo.query.filter_projects`, which adds the phase in ``year``).

    Parameters
    ----------
    row : mapping
        The project's fields.
    lang : {"zh", "en"}
    plan : Plan, optional, keyword-only
        The project's plan (its text gives the passage, its register entry the document number).
    year : int, optional, keyword-only
        The timeline year the phase refers to.
    """
    names = tuple(n for n in (_text(row, "name_zh"), _text(row, "name_en")) if n)
    if lang == "en":
        names = names[::-1]
    title = _text(row, "plan_title")
    if plan is not None and plan.source.document_number:
        title = f"{title} ({plan.source.document_number})"
    passage = None
    if plan is not None and not _blank(row.get("quote_offset")):
        passage = passage_at(plan.text, int(row["quote_offset"]), _text(row, "quote"))
    return Card(id=str(row["id"]), names=names, facts=tuple(f for f in _facts(row, lang, year) if f.text),
                quote=_text(row, "quote"), plan=title, passage=passage, notes=_text(row, "notes"))


def passage_at(text: str, offset: int, quote: str) -> Passage | None:
    """The paragraph (line) of ``text`` holding ``quote`` at ``offset``, split around the quote,
    with the section headings above it; None when the quote is not at that offset (nor, as a
    fallback, anywhere in the text)."""
    if not quote:
        return None
    if not (0 <= offset <= len(text) - len(quote) and text.startswith(quote, offset)):
        offset = text.find(quote)
        if offset < 0:
            return None
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset + len(quote))
    end = len(text) if end < 0 else end
    return Passage(headings=_headings_above(text, start), before=text[start:offset], quote=quote,
                   after=text[offset + len(quote):end])


def _level(line: str) -> int | None:
    if len(line) > _HEADING_MAX or not _HEADING.match(line):
        return None
    if line.startswith("第"):
        return 0
    return 1 if line[0] not in "(（" else 2


def _headings_above(text: str, start: int) -> tuple[str, ...]:
    """The nearest heading of each level above ``start``, outermost first."""
    found: dict[int, str] = {}
    lines = text[:start].splitlines()
    for line in reversed(lines):
        line = line.strip()
        level = _level(line)
        if level is None or level in found or any(k < level for k in found):
            continue
        found[level] = line
        if level == 0:
            break
    return tuple(found[k] for k in sorted(found))
