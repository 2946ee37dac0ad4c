"""A shareable view: the planner's filters, language and chosen project as URL query parameters.

``?region=YUNCHENG,ZHUZHOU&category=wind&project=ZHUZHOU-002&lang=en`` opens the twelve wind
projects of two regions with one project's card, in English. :func:`view_from_params` reads what a
URL holds, keeping every value it knows and returning a :class:`Notice` for each one it ignores
(an unknown region, a year out of range, an unknown parameter ...), never an exception;
:func:`params_from_view` writes a view back (only what differs from the defaults). Lists may be
comma-separated or repeated (``region=A&region=B``); codes are matched case-insensitively.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from .i18n import LANGUAGES
from .query import DEFAULT_YEAR, YEAR_MAX, YEAR_MIN, Filters, Phase

#: the query parameters of a view, in the order they are written
PARAMS = ("region", "category", "status", "year", "phase", "search", "lang", "project")
#: the longest search text a URL may carry (characters)
MAX_SEARCH = 200


@dataclass(frozen=True, slots=True)
class View:
    """What the planner looks at; empty tuples mean "all"."""

    regions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    year: int = DEFAULT_YEAR
    phases: tuple[str, ...] = ()
    search: str = ""
    lang: str = LANGUAGES[0]
    project: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A value of the URL that was ignored (or cut), and why.

    ``reason`` is one of ``unknown_value``, ``not_a_year``, ``year_out_of_range``, ``too_long``,
    ``unknown_param``.
    """

    param: str
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class Vocabularies:
    """The values a view may name (what the published layers hold)."""

    regions: tuple[str, ...]
    categories: tuple[str, ...]
    statuses: tuple[str, ...]
    project_ids: Collection[str]


def _values(raw: Sequence[str]) -> list[str]:
    return [part.strip() for item in raw for part in item.split(",") if part.strip()]


def _pick(param: str, raw: Sequence[str], known: Sequence[str], notices: list[Notice]) -> tuple[str, ...]:
    by_key = {k.casefold(): k for k in known}
    chosen: list[str] = []
    for value in _values(raw):
        match = by_key.get(value.casefold())
        if match is None:
            notices.append(Notice(param, value, "unknown_value"))
        elif match not in chosen:
            chosen.append(match)
    return tuple(chosen)


def _year(raw: Sequence[str], notices: list[Notice]) -> int:
    values = _values(raw)
    if not values:
        return DEFAULT_YEAR
    text = values[-1]
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        notices.append(Notice("year", text, "not_a_year"))
        return DEFAULT_YEAR
    year = int(text)
    if not YEAR_MIN <= year <= YEAR_MAX:
        notices.append(Notice("year", text, "year_out_of_range"))
        return DEFAULT_YEAR
    return year


def view_from_params(params: Mapping[str, Sequence[str]], known: Vocabularies) -> tuple[View, tuple[Notice, ...]]:
    """The view a URL's query parameters describe, and what was ignored.

    Parameters
    ----------
    params : mapping
        Parameter name → every value given for it (``st.query_params.get_all``).
    known : Vocabularies
    """
    notices: list[Notice] = []
    for name, raw in params.items():
        if name not in PARAMS:
            notices.append(Notice(name, ",".join(raw), "unknown_param"))
    regions = _pick("region", params.get("region", ()), known.regions, notices)
    categories = _pick("category", params.get("category", ()), known.categories, notices)
    statuses = _pick("status", params.get("status", ()), known.statuses, notices)
    phases = _pick("phase", params.get("phase", ()), [p.value for p in Phase], notices)
    year = _year(params.get("year", ()), notices)
    search = " ".join(params.get("search", ())).strip()
    if len(search) > MAX_SEARCH:
        notices.append(Notice("search", search[:20] + "…", "too_long"))
        search = search[:MAX_SEARCH]
    langs = _pick("lang", params.get("lang", ())[-1:], LANGUAGES, notices)
    projects = _pick("project", params.get("project", ())[-1:], sorted(known.project_ids), notices)
    view = View(regions=regions, categories=categories, statuses=statuses, year=year, phases=phases,
                search=search, lang=langs[0] if langs else LANGUAGES[0], project=projects[0] if projects else None)
    return view, tuple(notices)


def params_from_view(view: View) -> dict[str, str]:
    """The query parameters of a view: only what differs from the defaults, lists comma-joined."""
    out = {"region": ",".join(view.regions), "category": ",".join(view.categories),
           "status": ",".join(view.statuses), "year": "" if view.year == DEFAULT_YEAR else str(view.year),
           "phase": ",".join(view.phases), "search": view.search.strip(),
           "lang": "" if view.lang == LANGUAGES[0] else view.lang, "project": view.project or ""}
    return {name: out[name] for name in PARAMS if out[name]}


def view_from_filters(filters: Filters, *, lang: str, project: str | None) -> View:
    """The shareable part of the app's filters (the capacity range and bounding box stay out)."""
    return View(regions=filters.regions, categories=filters.categories, statuses=filters.statuses,
                year=filters.year if filters.year is not None else DEFAULT_YEAR, phases=filters.phases,
                search=filters.search, lang=lang, project=project)


_REASONS = {
    "unknown_value": ("未知的值，已忽略", "unknown value, ignored"),
    "not_a_year": ("不是年份，已忽略", "not a year, ignored"),
    "year_out_of_range": (f"年份须在 {YEAR_MIN}–{YEAR_MAX} 之间，已忽略",
                          f"year must be {YEAR_MIN}–{YEAR_MAX}, ignored"),
    "too_long": (f"过长，只保留前 {MAX_SEARCH} 个字符", f"too long, cut to {MAX_SEARCH} characters"),
    "unknown_param": ("未知的参数，已忽略", "unknown parameter, ignored"),
}


def notice_text(notice: Notice, lang: str) -> str:
    """One line for the planner (plain text: the value is shown as typed, never as markup)."""
    zh, en = _REASONS[notice.reason]
    return f"{notice.param}={notice.value}: {zh if lang == 'zh' else en}"
