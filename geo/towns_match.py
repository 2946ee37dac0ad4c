"""Scoped matching of a project's place words to the towns and villages of its region.

:class:`TownIndex` answers place words (``攸县丫江桥``, ``淦田``, ``风陵渡``) with the unit they name
inside the plan's region, and inside the row's county when the row has one. Matching is whole-name
only: the words equal a unit's name, its name of 2016, or its name without the unit word (``淦田``
↔ ``淦田镇``, ``沔渡`` ↔ ``沔渡镇``); a county name at the start scopes the search (``攸县丫江桥`` →
丫江桥镇 of 攸县). Homonyms are resolved by scope or reported as ambiguous, never guessed, and words
that are the name of a county or of the region (``桐乡``, ``盐湖``, ``南湖``) are not taken for a town.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .boundaries import Division
from .errors import GeocodeAmbiguous, GeocodeNotFound
from .towns import PointStatus, Town, TownLevel, base_name, place_name


class MatchStatus(StrEnum):
    """Outcome of matching place words."""

    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    NO_POINT = "no_point"


@dataclass(frozen=True, slots=True)
class TownMatch:
    """The answer to one project's place words.

    Attributes
    ----------
    query, region : str
    status : MatchStatus
    town : Town or None
        The unit the words name (``found`` and ``no_point``).
    point : Town or None
        The unit whose point locates it: the unit itself, or the town of a village that has no
        usable point of its own (``found`` only).
    candidates : tuple of Town
        The competing units (``ambiguous``).
    county : str
        The county the search was scoped to ('' for the whole region).
    reason : str
        Why it matched or did not, in words a reviewer can check.
    """

    query: str
    region: str
    status: MatchStatus
    town: Town | None = None
    point: Town | None = None
    candidates: tuple[Town, ...] = ()
    county: str = ""
    reason: str = ""


class TownIndex:
    """Whole-name lookup of towns and villages, scoped to a region and a county.

    Parameters
    ----------
    towns : iterable of Town
    divisions : sequence of Division
        The register of regions and counties (:func:`geo.boundaries.divisions_from_dir`): their
        names scope the search and are never taken for a town.
    """

    def __init__(self, towns: Iterable[Town], divisions: Sequence[Division]) -> None:
        self.towns = tuple(towns)
        self.by_source = {t.source_code: t for t in self.towns}
        self._exact: dict[tuple[str, str], list[Town]] = {}
        self._base: dict[tuple[str, str], list[Town]] = {}
        for t in self.towns:
            for name in dict.fromkeys((t.name, t.source_name, place_name(t.name), place_name(t.source_name))):
                self._exact.setdefault((t.region, name), []).append(t)
            for base in dict.fromkeys((base_name(t.name), base_name(t.source_name))):
                if len(base) >= 2:
                    self._base.setdefault((t.region, base), []).append(t)
        self.county_names: dict[str, str] = {}
        self._scopes: dict[str, list[tuple[str, str]]] = {}   # region -> [(name form, county adcode or '')]
        for d in divisions:
            forms = {d.name_zh}
            short = re.sub(r"(市|县|区|旗)$", "", d.name_zh)
            if len(short) >= 2:
                forms.add(short)
            if d.level == "county":
                self.county_names[d.adcode] = d.name_zh
            for form in forms:
                self._scopes.setdefault(d.region, []).append((form, d.adcode if d.level == "county" else ""))
        for scopes in self._scopes.values():
            scopes.sort(key=lambda s: (-len(s[0]), s[0], not s[1], s[1]))   # 津市市 the county before the region

    # the one method the geocoding chain needs ----------------------------------------------
    def locate(self, words: str, *, region: str, county: str | None = None) -> TownMatch:
        """The unit that a project's place words name inside ``region`` (and ``county``).

        Parameters
        ----------
        words : str
            The place words as the plan gives them (``攸县丫江桥``, ``淦田``).
        region : str
            Plan code; only units of this region are considered.
        county : str, optional
            The row's county adcode; only units of this county are considered.
        """
        words = words.strip()
        scope = county or ""
        if not words:
            return TownMatch(words, region, MatchStatus.NOT_FOUND, county=scope, reason="no place words")
        if re.search(r"[、，,;；/]", words) or re.search(r"\S[-—–~～]\S", words):
            return TownMatch(words, region, MatchStatus.NOT_FOUND, county=scope,
                             reason=f"{words!r} names several places; a point cannot stand for them")
        rest, named = self._strip_scope(words, region)
        if named and county and named != county:
            return TownMatch(words, region, MatchStatus.NOT_FOUND, county=scope,
                             reason=f"the words name {self.county_names.get(named, named)} ({named}) but the row is "
                                    f"in {self.county_names.get(county, county)} ({county})")
        scope = county or named
        found = self._candidates(words, region, scope) or (self._candidates(rest, region, scope) if rest else [])
        division = self._division_reading(words, region)
        if division is not None:
            # the words are a division's own name: 桐乡 is 桐乡市, 南湖 is 南湖区, even though 南湖街道
            # shortens to 南湖 too (a plan names a town with its unit word when it means the town)
            also = f"; it is also {_names(found)} without the unit word (name it in full to mean it)" if found else ""
            return TownMatch(words, region, MatchStatus.NOT_FOUND, candidates=tuple(found), county=scope,
                             reason=f"{words!r} is the name of {division}, not of a town or village{also}")
        if not found:
            return self._compound(words, rest, region, scope)
        return self._decide(words, region, scope, found)

    def point(self, words: str, *, region: str, county: str | None = None) -> TownMatch:
        """Like :meth:`locate`, raising when there is no usable point (for a geocoding provider).

        Raises
        ------
        GeocodeNotFound
            No unit of the region (and county) bears the name, or the unit has no usable point.
        GeocodeAmbiguous
            Several units bear it and scope does not decide.
        """
        match = self.locate(words, region=region, county=county)
        if match.status is MatchStatus.AMBIGUOUS:
            raise GeocodeAmbiguous(f"towns: {match.reason}")
        if match.status is not MatchStatus.FOUND:
            raise GeocodeNotFound(f"towns: {match.reason}")
        return match

    def names_a_division(self, words: str, region: str) -> bool:
        """Whether ``words`` are only the name of the region or of one of its counties (full or
        short: 攸县, 醴陵, 盐湖区): place words no finer than a county."""
        return self._division_reading(words.strip(), region) is not None

    # internals ----------------------------------------------------------------------------------
    def _strip_scope(self, words: str, region: str) -> tuple[str, str]:
        """Leading region and county names removed; returns the rest and the county they named."""
        rest, county = words, ""
        changed = True
        while changed:
            changed = False
            for form, adcode in self._scopes.get(region, ()):
                if rest.startswith(form) and len(rest) > len(form):
                    rest = rest[len(form):]
                    county = adcode or county
                    changed = True
                    break
        return (rest, county) if rest != words else ("", "")

    def _division_reading(self, words: str, region: str) -> str | None:
        for form, adcode in self._scopes.get(region, ()):
            if words == form:
                return f"the county {self.county_names[adcode]} ({adcode})" if adcode else f"the region {region}"
        return None

    def _candidates(self, words: str, region: str, county: str) -> list[Town]:
        """Units named ``words``: by their full name; else by the name without the unit word, which
        for a village needs a county scope (village names such as 黄河, 湘江, 新桥 are also rivers
        and common words; 淦田, 沔渡, 白关 name towns region-wide)."""
        key = place_name(words)
        hits = self._exact.get((region, words), []) or self._exact.get((region, key), [])
        if not hits:
            base = base_name(key)
            hits = self._base.get((region, base), []) if len(base) >= 2 else []
            hits = [t for t in hits if t.level is TownLevel.TOWN or county]
        return [t for t in dict.fromkeys(hits) if not county or t.county_adcode == county]

    def _within(self, town: Town, village: Town) -> bool:
        return village.level is TownLevel.VILLAGE and village.town_source_code == town.source_code

    def _decide(self, words: str, region: str, county: str, found: list[Town]) -> TownMatch:
        where = f"{self.county_names.get(county, county)} ({county})" if county else f"region {region}"
        if not found:
            return TownMatch(words, region, MatchStatus.NOT_FOUND, county=county,
                             reason=f"no town or village of {where} is named {words!r}")
        towns = [t for t in found if t.level is TownLevel.TOWN]
        covered = ""
        if len(towns) == 1:
            # 白关 names 白关镇, not the 白关村 inside it; and 清水塘 names 清水塘街道 when the 清水塘社区
            # next door lies within the town's own uncertainty circle: the answer covers every reading
            others = [t for t in found if t is not towns[0]]
            near = [t for t in others if not self._within(towns[0], t) and self._covered(towns[0], t)]
            if all(self._within(towns[0], t) or t in near for t in others):
                found = towns
                if near:
                    covered = (f"; also the name of {_names(near)}, within the town's "
                               f"{towns[0].uncertainty_m} m uncertainty radius")
        parents = {t.town_source_code for t in found if t.level is TownLevel.VILLAGE}
        if not towns and len(parents) == 1 and len(found) > 1 and (common := self.by_source.get(parents.pop())):
            # 海宁尖山: 尖山社区 and 尖山村 are both villages of one town, which holds every reading
            return self._located(words, region, county, common,
                                 f"{words!r} names {_names(found)}, all villages of {_label(common)}")
        if len(found) > 1:
            return TownMatch(words, region, MatchStatus.AMBIGUOUS, candidates=tuple(found), county=county,
                             reason=f"{words!r} names {len(found)} units of {where}: {_names(found)}; "
                                    "scope the row to its county or name the town")
        return self._located(words, region, county, found[0], f"{words!r} is the name of {_label(found[0])}{covered}")

    def _usable(self, town: Town) -> Town | None:
        """The unit itself when its point is usable, else its (2016) town when that one's is."""
        if town.has_point:
            return town
        parent = self.by_source.get(town.town_source_code)
        return parent if parent is not None and parent.has_point else None

    def _covered(self, town: Town, other: Town) -> bool:
        from .crs import offset_metres

        here, there = self._usable(town), self._usable(other)
        if here is not town or there is None:
            return False
        assert town.lon is not None and town.lat is not None and there.lon is not None and there.lat is not None
        return offset_metres(town.lon, town.lat, there.lon, there.lat) <= town.uncertainty_m

    def _located(self, words: str, region: str, county: str, town: Town, why: str) -> TownMatch:
        if town.has_point:
            return TownMatch(words, region, MatchStatus.FOUND, town, town, county=county, reason=why)
        lack = "has no centre point" if town.point_status is PointStatus.NONE else \
            f"has a point outside its county polygon (in {town.point_county or 'no county of the regions'})"
        parent = self._usable(town)
        if parent is not None:
            return TownMatch(words, region, MatchStatus.FOUND, town, parent, county=county,
                             reason=f"{why}; it {lack}, so it is located at its (2016) town {_label(parent)}")
        return TownMatch(words, region, MatchStatus.NO_POINT, town, county=county, reason=f"{why}, which {lack}")

    def _compound(self, words: str, rest: str, region: str, county: str) -> TownMatch:
        """Words that join a town and a unit inside it (``淦田太湖``): the finer unit, if they nest."""
        text = rest or words
        for cut in range(len(text) - 2, 1, -1):
            head = [t for t in self._candidates(text[:cut], region, county) if t.level is TownLevel.TOWN]
            if not head:
                continue
            # the town named first scopes the rest to its county (太湖 after 淦田 may be a village)
            counties = {h.county_adcode for h in head}
            tail = self._candidates(text[cut:], region, county or (counties.pop() if len(counties) == 1 else ""))
            if not tail:
                continue
            nested = [t for t in tail if any(self._within(h, t) for h in head)]
            if len(nested) == 1:
                return self._located(words, region, county, nested[0],
                                     f"{words!r} names {_label(nested[0])} inside {nested[0].town_name}")
            return TownMatch(words, region, MatchStatus.AMBIGUOUS, candidates=tuple(dict.fromkeys(head + tail)),
                             county=county,
                             reason=f"{text[:cut]!r} names {_names(head)} and {text[cut:]!r} names {_names(tail)}, "
                                    "which do not nest; not guessed")
        return self._decide(words, region, county, [])


def town_index_from_dir(data_dir: Path, *, check_conversion: bool = True) -> TownIndex:
    """The index of ``<data_dir>/towns.csv``, scoped by the register in ``<data_dir>/boundaries``.

    Raises
    ------
    GazetteerError
        The town file is missing or malformed.
    BoundaryError
        The register of divisions is.
    """
    from .boundaries import divisions_from_dir
    from .towns import towns_from_csv

    return TownIndex(towns_from_csv(data_dir / "towns.csv", check_conversion=check_conversion),
                     divisions_from_dir(data_dir / "boundaries"))


def _label(t: Town) -> str:
    return f"{t.name} ({t.level.value} {t.place_id}, {t.county_name})"


def _names(towns: Sequence[Town]) -> str:
    return ", ".join(_label(t) for t in towns[:6]) + (f" and {len(towns) - 6} more" if len(towns) > 6 else "")
