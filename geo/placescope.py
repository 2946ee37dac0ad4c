"""Reviewed readings of place words that are no finer than a county (``data/place_scopes.csv``).

A catalogue row's ``place_text`` holds the finest place words of its quote. Most of them name a
town, a site or a division of the plan register, which :class:`geo.towns_match.TownIndex` tells
apart. Some do not name anything a point could stand for, and a reviewer says so here, one line per
region and words, with the reason:

``division``
    the words name a division of the register in other words (昆区 for 昆都仑区, 常德市津市市,
    嘉善片区 for the whole of 嘉善县); ``adcode`` says which;
``wide``
    an area across several counties or beyond the region: a basin (澧水流域), a range (罗霄山脉),
    a city cluster (长株潭), a belt along rivers (黄汾);
``urban``
    a city's or county's urban area (中心城区, 运城市区), whose limits no source of the project draws;
``generic``
    kinds of places rather than a place (全市医院、学校、机关…, 国省道);
``outside``
    a place outside the region (长沙 for the incubator 津市 keeps there).

These rows are not counted among the rows with place words finer than a county (the aim of issue
12), and ``python -m geo geocode`` prints how many there are of each. The file changes no point:
such rows keep their honest county or region point and their division area. ``python -m geo
validate`` checks the file: known scopes, words that are some row's ``place_text`` of that region,
an ``adcode`` of the region where the scope is ``division``, one line per region and words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from ._csvio import read_rows
from .errors import Problem

if TYPE_CHECKING:
    from .boundaries import Division
    from .catalog import Project

SCOPES_FILE = "place_scopes.csv"
COLUMNS = ("region", "words", "scope", "adcode", "reason")
REQUIRED = ("region", "words", "scope", "reason")


class Scope(StrEnum):
    """Why place words are no finer than a county (see the module docstring)."""

    DIVISION = "division"
    WIDE = "wide"
    URBAN = "urban"
    GENERIC = "generic"
    OUTSIDE = "outside"


@dataclass(frozen=True, slots=True)
class ScopeReading:
    """One reviewed line of ``data/place_scopes.csv``."""

    region: str
    words: str
    scope: Scope
    adcode: str
    reason: str
    source_row: int


@dataclass(frozen=True, slots=True)
class ScopeReport:
    """The readings that loaded, by ``(region, words)``, and every problem found."""

    readings: Mapping[tuple[str, str], ScopeReading]
    problems: tuple[Problem, ...]


def read_place_scopes(path: Path, *, display_name: str | None = None) -> ScopeReport:
    """Load the reviewed readings, keeping good lines and collecting every problem (file, row,
    field). A missing file is no readings and no problem (the file is optional)."""
    if not path.exists():
        return ScopeReport({}, ())
    name = display_name or str(path)
    rows, read_problems = read_rows(path, COLUMNS, required=REQUIRED)
    problems = [Problem(name, p.row, p.field, p.message) for p in read_problems]
    readings: dict[tuple[str, str], ScopeReading] = {}
    for row in rows:
        row_no = int(row["__row__"])
        region, words, adcode = row["region"].strip(), row["words"].strip(), row["adcode"].strip()
        bad = [Problem(name, row_no, col, "is empty but required") for col in REQUIRED if not row[col].strip()]
        scope = row["scope"].strip()
        if scope and scope not in set(Scope):
            bad.append(Problem(name, row_no, "scope", f"{scope!r} is not one of {', '.join(Scope)}"))
        elif scope == Scope.DIVISION and not adcode:
            bad.append(Problem(name, row_no, "adcode", "is empty: a 'division' reading names the division"))
        if (region, words) in readings:
            bad.append(Problem(name, row_no, "words",
                               f"{words!r} of {region} is read already in row {readings[(region, words)].source_row}"))
        if bad:
            problems.extend(bad)
            continue
        readings[(region, words)] = ScopeReading(region, words, Scope(scope), adcode, row["reason"].strip(), row_no)
    return ScopeReport(readings, tuple(problems))


def scope_problems(readings: Iterable[ScopeReading], projects: Sequence[Project],
                   divisions: Sequence[Division] | None, *, display_name: str = f"data/{SCOPES_FILE}",
                   complete: bool = True) -> list[Problem]:
    """What the readings say must hold of the catalogue and the register: the words are the
    ``place_text`` of some row of their region (``complete``: ``projects`` is the whole
    catalogue, so a reading of no row is stale), and an ``adcode`` is a division of the region."""
    used = {(p.region, p.place_text.strip()) for p in projects}
    known = {(d.region, d.adcode) for d in divisions or ()}
    out: list[Problem] = []
    for r in readings:
        if complete and (r.region, r.words) not in used:
            out.append(Problem(display_name, r.source_row, "words",
                               f"{r.words!r} is the place_text of no catalogue row of {r.region}"))
        if r.adcode and divisions is not None and (r.region, r.adcode) not in known:
            out.append(Problem(display_name, r.source_row, "adcode",
                               f"{r.adcode!r} is not a division of {r.region} (data/boundaries/divisions.csv)"))
    return out


__all__ = ["COLUMNS", "SCOPES_FILE", "Scope", "ScopeReading", "ScopeReport", "read_place_scopes", "scope_problems"]
