"""Rules that check the catalogue and the targets against the plans and the divisions.

:func:`validate` runs every rule over everything and returns all problems at once;
``python -m geo validate`` prints them with counts by region × category. Each rule is
a small function ``(projects, context) -> list[Problem]`` registered in :data:`RULES`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ._text import longest_common_run
from .boundaries import (
    AdminAreas,
    Division,
    admin_areas_from_frames,
    boundaries_from_dir,
    counties_by_region,
    divisions_from_dir,
)
from .catalog import Project, read_catalog, read_retired_ids
from .errors import BoundaryError, CatalogError, PlanError, Problem
from .gazetteer import Place, read_gazetteer
from .plans import Plan, read_plans
from .quantities import capacity_from_text, quantities_from_text, same_value
from .settings import Settings
from .targets import Target, read_targets
from .timeline import interval_from_text
from .vocabulary import TargetUnit

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Context:
    """What the rules check against."""

    plans: dict[str, Plan]
    divisions: tuple[Division, ...] | None
    retired_ids: frozenset[str] = frozenset()
    places: tuple[Place, ...] = ()
    #: registered plan codes; ``None`` when the register is unreadable (then region checks are skipped).
    #: A registered plan whose text is broken is in ``codes`` but not in ``plans``: only its quotes go unchecked.
    codes: frozenset[str] | None = None
    #: region and county polygons; ``None`` when the boundaries are unreadable (reported once)
    areas: AdminAreas | None = None

    def region_known(self, region: str) -> bool:
        """Whether ``region`` is a registered plan code (``True`` when the register is unreadable)."""
        return self.codes is None or region in self.codes


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Outcome of :func:`validate`."""

    projects: tuple[Project, ...]
    targets: tuple[Target, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """Whether no rule found a problem."""
        return not self.problems

    def counts(self) -> Counter[tuple[str, str]]:
        """Number of projects by ``(region, category)``."""
        return Counter((p.region, p.category.value) for p in self.projects)


def _at(p: Project | Target, field_name: str | None, message: str) -> Problem:
    return Problem(p.source_file, p.source_row or None, field_name, message, p.id)


def rule_unique_ids(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """Ids are unique across all files and never reuse a retired id."""
    seen: dict[str, Project] = {}
    out = []
    for p in projects:
        if p.id in ctx.retired_ids:
            out.append(_at(p, "id", f"{p.id!r} was retired (retired_ids.txt) and must not be reused"))
        if p.id in seen:
            first = seen[p.id]
            out.append(_at(p, "id", f"{p.id!r} is already used by {first.source_file} row {first.source_row}"))
        else:
            seen[p.id] = p
    return out


def rule_plan_known(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """``region`` and ``plan`` name a registered plan, and a row quotes its own region's plan."""
    out = []
    for p in projects:
        if not ctx.region_known(p.region):
            out.append(_at(p, "region", f"{p.region!r} is not a registered plan code "
                           f"({', '.join(sorted(ctx.codes or ()))})"))
        if p.plan != p.region:
            out.append(_at(p, "plan", f"{p.plan!r} differs from region {p.region!r}: a row quotes its region's plan"))
    return out


def _quote_problem(p: Project | Target, plan: Plan) -> Problem | None:
    text = plan.text
    at = text[p.quote_offset:p.quote_offset + len(p.quote)]
    if at == p.quote:
        if p.quote_offset < plan.body_start:
            later = text.find(p.quote, plan.body_start)
            hint = f"; it also occurs at {later} in the document proper" if later >= 0 else ""
            return _at(p, "quote_offset", f"{p.quote_offset} is in the page chrome / preamble before "
                       f"offset {plan.body_start}{hint}")
        return None
    found = text.find(p.quote, plan.body_start)
    if found >= 0:
        return _at(p, "quote_offset", f"{p.quote_offset} is wrong: the quote occurs at {found}")
    short = p.quote if len(p.quote) <= 40 else p.quote[:40] + "…"
    return _at(p, "quote", f"{short!r} is not a verbatim substring of {plan.source.file}")


def rule_quote_in_plan(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """Each quote is real text of its plan at its offset, in the document proper."""
    out = []
    for p in projects:
        plan = ctx.plans.get(p.plan)
        if plan is None:
            continue
        problem = _quote_problem(p, plan)
        if problem:
            out.append(problem)
    return out


def rule_quote_names_project(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """The quote names the project: it shares at least two consecutive characters with ``name_zh``."""
    return [
        _at(p, "quote", f"shares no two consecutive characters with name_zh {p.name_zh!r}: wrong sentence?")
        for p in projects if longest_common_run(p.name_zh, p.quote) < 2
    ]


VERBATIM_FIELDS = ("capacity_text", "status_text", "timeline_text", "place_text")


def rule_verbatim_fields(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """``capacity_text``, ``status_text``, ``timeline_text``, ``place_text`` are the plan's own words."""
    out = []
    for p in projects:
        plan = ctx.plans.get(p.plan)
        if plan is None:
            continue
        for name in VERBATIM_FIELDS:
            value = getattr(p, name)
            if value and plan.text.find(value, plan.body_start) < 0:
                out.append(_at(p, name, f"{value!r} is not verbatim text of {plan.source.file}"))
    return out


def rule_place_in_quote(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """``place_text`` is taken from the row's own quote: the place words of the sentence that names the
    project, not of another sentence of the plan (a county named elsewhere says nothing of this row)."""
    return [
        _at(p, "place_text", f"{p.place_text!r} is not in the row's quote: copy the place words of the quote "
            "itself, or leave the field empty when the quote names no place")
        for p in projects if p.place_text and p.place_text not in p.quote
    ]


def rule_capacity_agrees(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """The normalised capacity fields are exactly what ``capacity_text`` states."""
    out = []
    for p in projects:
        parsed = capacity_from_text(p.capacity_text)
        for name, expected in parsed.items():
            actual = getattr(p, name)
            if not same_value(actual, expected):
                if expected is None:
                    msg = f"{actual} but capacity_text {p.capacity_text!r} states no such figure"
                elif actual is None:
                    msg = f"is empty but capacity_text {p.capacity_text!r} gives {expected:g}"
                else:
                    msg = f"{actual:g} but capacity_text {p.capacity_text!r} gives {expected:g}"
                out.append(_at(p, name, msg))
    return out


def rule_timeline_agrees(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """``year_start`` / ``year_end`` are what ``timeline_text`` states (and need it)."""
    out = []
    for p in projects:
        if not p.timeline_text:
            if p.year_start is not None or p.year_end is not None:
                out.append(_at(p, "timeline_text", "is empty but years are set: quote the words that set them"))
            continue
        interval = interval_from_text(p.timeline_text)
        start, end = (interval.start, interval.end) if interval else (None, None)
        if (p.year_start, p.year_end) != (start, end):
            out.append(_at(p, "year_start", f"years {p.year_start}–{p.year_end} but timeline_text "
                           f"{p.timeline_text!r} reads as {start}–{end}"))
    return out


def rule_no_noise(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """No injected string of the scraped text (e.g. ``365体育投注``) appears in a name or place."""
    out = []
    for p in projects:
        plan = ctx.plans.get(p.plan)
        if plan is None:
            continue
        for noise in plan.source.noise:
            for name in ("name_zh", "name_en", "subtype", "place_text", "status_text", "project_group"):
                if noise in getattr(p, name):
                    out.append(_at(p, name, f"contains the injected string {noise!r} of the scraped text"))
    return out


def rule_county_in_region(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """``county_adcode`` is a county-level division of the row's region."""
    if ctx.divisions is None:
        return []  # the register of divisions is broken: reported once, not once per row
    counties = counties_by_region(ctx.divisions)
    out = []
    for p in projects:
        if p.county_adcode and p.county_adcode not in counties.get(p.region, {}):
            known = ", ".join(f"{d.adcode} {d.name_zh}" for d in counties.get(p.region, {}).values())
            out.append(_at(p, "county_adcode", f"{p.county_adcode} is not a county of {p.region} ({known})"))
    return out


def rule_place_known(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """``place_id`` names a gazetteer place of the row's region."""
    places = {p.place_id: p for p in ctx.places}
    out = []
    for p in projects:
        if not p.place_id:
            continue
        place = places.get(p.place_id)
        if place is None:
            out.append(_at(p, "place_id", f"{p.place_id!r} is not in data/gazetteer.csv"))
        elif place.region != p.region:
            out.append(_at(p, "place_id", f"{p.place_id!r} is a place of {place.region}, not {p.region}"))
        elif p.county_adcode and place.county_adcode and place.county_adcode != p.county_adcode:
            out.append(_at(p, "place_id", f"{p.place_id!r} lies in county {place.county_adcode}, the row "
                           f"declares {p.county_adcode}"))
    return out


def rule_groups_consistent(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """Rows of one ``project_group`` share region and category; phases given are distinct."""
    groups: dict[str, list[Project]] = {}
    for p in projects:
        if p.project_group:
            groups.setdefault(p.project_group, []).append(p)
    out = []
    for name, members in groups.items():
        first = members[0]
        phases: set[str] = set()
        for p in members:
            if p.region != first.region or p.category != first.category:
                out.append(_at(p, "project_group", f"{name!r} mixes regions or categories (see {first.id})"))
            if p.phase and p.phase in phases:
                out.append(_at(p, "phase", f"phase {p.phase!r} of group {name!r} appears twice"))
            phases.add(p.phase)
    return out


def rule_one_row_per_entity(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """One entity is one row: no two rows of a region share name and phase."""
    seen: dict[tuple[str, str, str], Project] = {}
    out = []
    for p in projects:
        key = (p.region, p.name_zh, p.phase)
        if key in seen:
            out.append(_at(p, "name_zh", f"{p.name_zh!r} already has row {seen[key].id}: merge the two rows"))
        else:
            seen[key] = p
    return out


def rule_override_in_region(projects: Sequence[Project], ctx: Context) -> list[Problem]:
    """A reviewed coordinate (``override_*``) lies inside its region's polygon and its declared county's."""
    if ctx.areas is None:
        return []
    out = []
    for p in projects:
        if p.override_lon is None or p.override_lat is None:
            continue
        lon, lat = p.override_lon, p.override_lat
        if not ctx.areas.contains(p.region, lon, lat):
            out.append(_at(p, "override_lon", f"({lon:g}, {lat:g}) lies outside the {p.region} polygon: "
                           "lon and lat swapped, or a coordinate of another place?"))
        elif p.county_adcode and not ctx.areas.county_contains(p.county_adcode, lon, lat):
            inside = ctx.areas.county_of(p.region, lon, lat) or "no county"
            out.append(_at(p, "override_lon", f"({lon:g}, {lat:g}) lies in {inside}, not in the declared "
                           f"county {p.county_adcode}"))
    return out


RuleFn = Callable[[Sequence[Project], Context], list[Problem]]
RULES: dict[str, RuleFn] = {
    "unique_ids": rule_unique_ids,
    "plan_known": rule_plan_known,
    "quote_in_plan": rule_quote_in_plan,
    "quote_names_project": rule_quote_names_project,
    "verbatim_fields": rule_verbatim_fields,
    "place_in_quote": rule_place_in_quote,
    "capacity_agrees": rule_capacity_agrees,
    "timeline_agrees": rule_timeline_agrees,
    "no_noise": rule_no_noise,
    "county_in_region": rule_county_in_region,
    "place_known": rule_place_known,
    "groups_consistent": rule_groups_consistent,
    "one_row_per_entity": rule_one_row_per_entity,
    "override_in_region": rule_override_in_region,
}

_UNIT_DIMENSION = {TargetUnit.MW: "power", TargetUnit.MWH: "energy", TargetUnit.HA: "area",
                   TargetUnit.KM: "length", TargetUnit.T: "mass", TargetUnit.T_PER_YR: "mass",
                   TargetUnit.TCE: "coal_equivalent", TargetUnit.M3: "volume"}


def target_problems(targets: Sequence[Target], ctx: Context) -> list[Problem]:
    """Rules for the targets table: unique ids, known plan, verbatim quote and value."""
    out: list[Problem] = []
    seen: set[str] = set()
    for t in targets:
        if t.id in seen:
            out.append(_at(t, "id", f"{t.id!r} is used twice"))
        seen.add(t.id)
        if not ctx.region_known(t.region):
            out.append(_at(t, "region", f"{t.region!r} is not a registered plan code"))
        plan = ctx.plans.get(t.region)
        problem = _quote_problem(t, plan) if plan is not None else None
        if problem:
            out.append(problem)
        if t.indicator_text not in t.quote:
            out.append(_at(t, "indicator_text", f"{t.indicator_text!r} is not part of the quote"))
        if t.value_text not in t.quote:
            out.append(_at(t, "value_text", f"{t.value_text!r} is not part of the quote"))
            continue
        found = quantities_from_text(t.value_text)
        dimension = _UNIT_DIMENSION.get(t.unit)
        if dimension:
            values = [q.value for q in found if q.dimension == dimension]
            if not values or not same_value(sum(values), t.value):
                out.append(_at(t, "value", f"{t.value:g} {t.unit} but value_text {t.value_text!r} "
                               f"gives {sum(values) if values else 'no ' + dimension}"))
        else:


            numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", t.value_text)]
            if not any(same_value(n, t.value) for n in numbers):
                out.append(_at(t, "value", f"{t.value:g} does not appear in value_text {t.value_text!r}"))
    return out


def gazetteer_problems(places: Sequence[Place], ctx: Context, areas: AdminAreas | None) -> list[Problem]:
    """Places belong to a registered region and lie inside its polygon and their county's."""
    counties = counties_by_region(ctx.divisions or ())
    out: list[Problem] = []
    for place in places:
        def bad(field_name: str, message: str, place: Place = place) -> None:
            out.append(Problem("data/gazetteer.csv", place.source_row, field_name, message, place.place_id))

        if not ctx.region_known(place.region):
            bad("region", f"{place.region!r} is not a registered plan code")
            continue
        if ctx.divisions is not None and place.county_adcode and \
                place.county_adcode not in counties.get(place.region, {}):
            bad("county_adcode", f"{place.county_adcode} is not a county of {place.region}")
            continue
        if areas is None:
            continue
        if not areas.contains(place.region, place.lon, place.lat):
            bad("lon", f"({place.lon}, {place.lat}) lies outside the {place.region} polygon")
        elif place.county_adcode and not areas.county_contains(place.county_adcode, place.lon, place.lat):
            inside = areas.county_of(place.region, place.lon, place.lat)
            bad("county_adcode", f"({place.lon}, {place.lat}) lies in {inside}, not in {place.county_adcode}")
    return out


def lines_problems(settings: Settings, projects: Sequence[Project], ctx: Context, *,
                   complete: bool = True) -> list[Problem]:
    """``data/lines.csv``: every line belongs to a linear work of the catalogue, has its reviewed
    note, its words in the row's quote and every waypoint placed, unambiguous and sourced, and
    enters its region (and declared county). Nothing to check without the file or the polygons.
    ``complete``: ``projects`` is the whole catalogue (no row of it failed to load), so a line of
    an id it does not hold is an error."""
    from .errors import GazetteerError
    from .lines import LINES_FILE, LineBuilder, lines_from_csv
    from .towns_match import town_index_from_dir

    path = settings.data_dir / LINES_FILE
    if not path.exists() or ctx.areas is None:
        return []
    shown = f"data/{LINES_FILE}"
    try:
        towns = (town_index_from_dir(settings.data_dir, check_conversion=False)
                 if (settings.data_dir / "towns.csv").exists() else None)
        lines_from_csv(path, projects, LineBuilder(ctx.areas, towns, ctx.places), whole_catalogue=complete,
                       display_name=shown)
    except GazetteerError as err:
        return list(err.problems)
    return []


def place_scope_problems(settings: Settings, projects: Sequence[Project], divisions: Sequence[Division] | None, *,
                         complete: bool = True) -> list[Problem]:
    """``data/place_scopes.csv``: the reviewed readings of place words no finer than a county load
    (known scope, required fields, one line per region and words) and fit the catalogue and the
    register (:func:`geo.placescope.scope_problems`)."""
    from .placescope import SCOPES_FILE, read_place_scopes, scope_problems

    shown = f"data/{SCOPES_FILE}"
    report = read_place_scopes(settings.data_dir / SCOPES_FILE, display_name=shown)
    return [*report.problems, *scope_problems(report.readings.values(), projects, divisions, display_name=shown,
                                               complete=complete)]


def validate(settings: Settings, *, rules: Sequence[str] | None = None) -> ValidationReport:
    """Load everything and run every rule, collecting all problems in one pass.

    Parameters
    ----------
    settings : Settings
    rules : sequence of str, optional
        Names of :data:`RULES` to run (default: all).
    """
    root = settings.root
    problems: list[Problem] = []
    codes: frozenset[str] | None
    try:
        plans, plan_problems, codes = read_plans(settings.plans_dir)
        problems.extend(plan_problems)
    except PlanError as err:  # the register itself is unreadable
        plans, codes = {}, None
        problems.extend(err.problems)
    divisions: tuple[Division, ...] | None
    try:
        divisions = divisions_from_dir(settings.boundaries_dir)
    except BoundaryError as err:
        divisions = None
        problems.extend(err.problems)
    places: tuple[Place, ...] = ()
    if settings.gazetteer_path.exists():
        gazetteer = read_gazetteer(settings.gazetteer_path, display_name="data/gazetteer.csv")
        places = gazetteer.places
        problems.extend(gazetteer.problems)
    retired = read_retired_ids(settings.projects_dir, root=root)
    problems.extend(retired.problems)
    areas: AdminAreas | None = None
    if divisions is not None:
        try:
            areas = admin_areas_from_frames(boundaries_from_dir(settings.boundaries_dir, level="region"),
                                            boundaries_from_dir(settings.boundaries_dir, level="county"))
        except BoundaryError as err:
            problems.extend(err.problems)
    ctx = Context(plans, divisions, retired.ids, places, codes, areas)
    if places:
        problems.extend(replace(p, rule="gazetteer") for p in gazetteer_problems(places, ctx, areas))
    catalog = read_catalog(settings.projects_dir, root=root)
    problems.extend(catalog.problems)
    unknown = [name for name in rules or () if name not in RULES]
    if unknown:
        raise ValueError(f"unknown rule(s) {', '.join(unknown)}; known: {', '.join(RULES)}")
    for name in RULES if rules is None else rules:
        problems.extend(replace(p, rule=name) for p in RULES[name](catalog.projects, ctx))
    if rules is None:
        problems.extend(replace(p, rule="lines") for p in lines_problems(settings, catalog.projects, ctx,
                                                                          complete=not catalog.problems))
    if rules is None:
        scoped = place_scope_problems(settings, catalog.projects, divisions, complete=not catalog.problems)
        problems.extend(replace(p, rule="place_scopes") for p in scoped)
    targets = read_targets(settings.projects_dir, root=root)
    problems.extend(targets.problems)
    problems.extend(replace(p, rule="targets") for p in target_problems(targets.targets, ctx))
    log.info("validated %d projects and %d targets: %d problems",
             len(catalog.projects), len(targets.targets), len(problems))
    return ValidationReport(catalog.projects, targets.targets, tuple(problems))


def require_valid(settings: Settings) -> ValidationReport:
    """Run :func:`validate` and refuse to go on unless the catalogue passes every rule.

    ``python -m geo geocode`` and ``build`` call it first, so nothing that ``validate`` refuses
    (duplicate ids, a coordinate outside its region, a quote that is not in the plan ...) is
    ever geocoded or published.

    Raises
    ------
    CatalogError
        With every problem, file, row and field named.
    """
    report = validate(settings)
    if report.problems:
        raise CatalogError(report.problems, "the catalogue does not pass python -m geo validate; fix these first")
    return report
