"""2016 town and village names checked against the statistics bureau's 2023 list.

Towns (乡/镇/街道), in this order, within today's county (a town that moved to another county
would come out ``not_found``; none of the five regions' towns did between 2016 and 2023):

1. the same place name (``中城街道办事处`` = ``中城街道``): **current**;
2. the same name without the unit word (``角杯乡`` → ``角杯镇``): **renamed**;
3. neither, but most of the town's 2016 villages (by name) are under one 2023 town: **renamed**
   to it when no other 2016 town continues as that town, else **merged** into it;
4. else **not_found**.

Villages (村/社区), within their town's county: the same place name (**current**, preferring the
one under the town's 2023 successor), else the same name without the unit word among villages
not already matched (**renamed**), else **not_found**: the 2023 list does not say whether an
absent village was merged or renamed (Yuncheng went from 3,349 villages in 2016 to 2,395).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .towns import NameStatus, TownLevel, base_name, place_name

if TYPE_CHECKING:
    from .towns_build import SourceUnit

#: a town is identified by its villages when at least this many and this share of them agree
MIN_VILLAGE_VOTES = 2
MIN_VILLAGE_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class CurrentUnit:
    """A town or village of the 2023 list (12-digit codes; a town's ends in 000)."""

    code: str
    name: str
    level: TownLevel
    town_code: str
    county_adcode: str


@dataclass(frozen=True, slots=True)
class NameMatch:
    """What the 2023 list says of one 2016 unit.

    ``name`` is today's name (the 2016 name when the unit is not in the list), ``code`` today's
    code or '', ``county`` today's county, ``into`` the code of the 2023 town a merged town
    joined, ``town_name`` today's name of a village's town.
    """

    status: NameStatus
    name: str
    code: str
    county: str
    note: str = ""
    into: str = ""
    town_name: str = ""


def match_towns(towns: Sequence[SourceUnit], villages: Sequence[SourceUnit], current: Sequence[CurrentUnit],
                county_map: Mapping[str, str]) -> dict[str, NameMatch]:
    """``{2016 code: NameMatch}`` for every 2016 town."""
    cur_towns = [c for c in current if c.level is TownLevel.TOWN]
    by_code = {c.code: c for c in cur_towns}
    claimed: dict[str, str] = {}   # 2023 code -> 2016 code continuing as it
    out: dict[str, NameMatch] = {}
    for u in sorted(towns, key=lambda u: u.code):
        county = county_map[u.county]
        pool = [c for c in cur_towns if c.county_adcode == county and c.code not in claimed]
        hit = _one([c for c in pool if place_name(c.name) == place_name(u.name)]) or \
            _one([c for c in pool if base_name(c.name) == base_name(u.name)])
        if hit is None:
            continue
        status = NameStatus.CURRENT if place_name(hit.name) == place_name(u.name) else NameStatus.RENAMED
        note = f"2016 name {u.name}" if status is NameStatus.RENAMED else ""
        out[u.code] = NameMatch(status, place_name(hit.name), hit.code, county, note)
        claimed[hit.code] = u.code
    vote_pool = [c for c in current if c.level is TownLevel.VILLAGE]
    for u in sorted(towns, key=lambda u: u.code):
        if u.code in out:
            continue
        county = county_map[u.county]
        votes, voters = _village_votes(u, villages, vote_pool, county)
        if votes:
            (top, n), = votes.most_common(1)
            if n >= MIN_VILLAGE_VOTES and n >= MIN_VILLAGE_SHARE * voters and top in by_code:
                target = by_code[top]
                evidence = f"{n} of its {voters} villages found in 2023 are under {target.name}"
                if top in claimed:
                    out[u.code] = NameMatch(NameStatus.MERGED, place_name(u.name), "", county,
                                            f"merged into {target.name} ({target.code}): {evidence}", into=top)
                else:
                    out[u.code] = NameMatch(NameStatus.RENAMED, place_name(target.name), target.code, county,
                                            f"2016 name {u.name}; {evidence}")
                    claimed[top] = u.code
                continue
        out[u.code] = NameMatch(NameStatus.NOT_FOUND, place_name(u.name), "", county,
                                f"not in the 2023 list of county {county}" + (
                                    f" ({voters} of its villages found, under no single town)" if voters else ""))
    return out


def _village_votes(town: SourceUnit, villages: Sequence[SourceUnit], pool: Sequence[CurrentUnit],
                   county: str) -> tuple[Counter[str], int]:
    """For each 2023 town, how many of the 2016 town's villages (same base name, unique in the
    county) are under it; and how many villages could be placed at all."""
    by_base: dict[str, list[CurrentUnit]] = {}
    for c in pool:
        if c.county_adcode == county:
            by_base.setdefault(base_name(c.name), []).append(c)
    votes: Counter[str] = Counter()
    voters = 0
    for v in villages:
        if v.parent != town.code:
            continue
        hits = by_base.get(base_name(v.name), [])
        if len(hits) == 1:
            votes[hits[0].town_code] += 1
            voters += 1
    return votes, voters


def match_villages(villages: Sequence[SourceUnit], towns: Mapping[str, NameMatch], current: Sequence[CurrentUnit],
                   county_map: Mapping[str, str]) -> dict[str, NameMatch]:
    """``{2016 code: NameMatch}`` for every 2016 village, given the towns' matches."""
    cur_villages = [c for c in current if c.level is TownLevel.VILLAGE]
    town_names = {c.code: place_name(c.name) for c in current if c.level is TownLevel.TOWN}
    by_county: dict[str, list[CurrentUnit]] = {}
    for c in cur_villages:
        by_county.setdefault(c.county_adcode, []).append(c)
    claimed: set[str] = set()
    out: dict[str, NameMatch] = {}
    ordered = sorted(villages, key=lambda v: v.code)
    for exact in (True, False):
        for v in ordered:
            if v.code in out:
                continue
            town = towns.get(v.parent)
            county = town.county if town else county_map[v.county]
            expected = (town.code or town.into) if town else ""
            key = place_name(v.name) if exact else base_name(v.name)
            pool = [c for c in by_county.get(county, []) if c.code not in claimed and
                    (place_name(c.name) if exact else base_name(c.name)) == key]
            under = [c for c in pool if c.town_code == expected]
            hit = _one(under) or _one(pool)
            if hit is None:
                continue
            notes = [] if exact else [f"2016 name {v.name}"]
            if expected and hit.town_code != expected:
                notes.append(f"now under {town_names.get(hit.town_code, hit.town_code)}")
            status = NameStatus.CURRENT if exact else NameStatus.RENAMED
            out[v.code] = NameMatch(status, place_name(hit.name), hit.code, county,
                                    "; ".join(notes), town_name=town_names.get(hit.town_code, ""))
            claimed.add(hit.code)
    for v in ordered:
        if v.code not in out:
            town = towns.get(v.parent)
            county = town.county if town else county_map[v.county]
            out[v.code] = NameMatch(NameStatus.NOT_FOUND, place_name(v.name), "", county,
                                    "not in the 2023 list (merged or renamed since 2016; the list does not say which)",
                                    town_name=town.name if town else "")
    return out


def _one(items: Sequence[CurrentUnit]) -> CurrentUnit | None:
    return items[0] if len(items) == 1 else None
