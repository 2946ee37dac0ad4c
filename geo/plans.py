"""Read the plan register (``data/plans/sources.toml``) and the plan texts.

Offsets into a plan count Unicode code points of the decoded UTF-8 text, i.e.
Python ``str`` indices, never bytes.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .errors import PlanError, Problem

log = logging.getLogger(__name__)

REGISTER_NAME = "sources.toml"
_URL = re.compile(r"https?://[\x21-\x7e]+")
_REQUIRED = (
    "code", "region_zh", "region_en", "province_zh", "level", "adcode", "parent_adcode",
    "title", "issuer", "document_number", "date", "file", "sha256", "body_marker",
)


@dataclass(frozen=True, slots=True)
class PlanSource:
    """One plan as registered in ``sources.toml``.

    Attributes
    ----------
    code : str
        Region code used throughout the project (``JINSHI``, ``YUNCHENG`` ...).
    region_zh, region_en : str
        Region name in Chinese and English.
    province_zh : str
        Province the region belongs to.
    level : str
        Administrative level of the region (``prefecture-level city`` ...).
    adcode, parent_adcode : str
        Six-digit administrative division codes of the region and its parent.
    title, issuer, document_number, date : str
        Bibliographic data of the plan; empty where the text does not state it.
    file : str
        File name of the text inside ``data/plans/``.
    sha256 : str
        Checksum of the exact bytes of the text.
    body_marker : str
        The first occurrence of this string starts the document proper.
    noise : tuple of str
        Strings injected into the scraped text that must never appear in a name.
    source_url : str
        The plan's official publication (a government site), ``''`` where none was found: only an
        address a search returned as the publication itself, never a guessed or mirror one.
    copy_url : str
        The page the project's copy of the text was taken from, found by searching for the copy's own
        opening words: a republication or a mirror, never the official publication; ``''`` where none
        was found.
    """

    code: str
    region_zh: str
    region_en: str
    province_zh: str
    level: str
    adcode: str
    parent_adcode: str
    title: str
    issuer: str
    document_number: str
    date: str
    file: str
    sha256: str
    body_marker: str
    noise: tuple[str, ...] = ()
    source_url: str = ""
    copy_url: str = ""

    def region_name(self, lang: str) -> str:
        """The region's name in ``lang`` (``zh``, else English)."""
        return self.region_zh if lang == "zh" else self.region_en


@dataclass(frozen=True, slots=True)
class Plan:
    """A plan's register entry with its decoded text.

    Attributes
    ----------
    source : PlanSource
    text : str
        The decoded text, unchanged (noise included).
    body_start : int
        Offset where the document proper starts (see ``PlanSource.body_marker``).
    """

    source: PlanSource
    text: str
    body_start: int

    @property
    def code(self) -> str:
        """The plan's region code."""
        return self.source.code


def sources_from_dir(plans_dir: Path) -> dict[str, PlanSource]:
    """Read the register of plans.

    Parameters
    ----------
    plans_dir : Path
        Folder holding ``sources.toml`` and the texts.

    Returns
    -------
    dict
        ``{code: PlanSource}`` in register order.

    Raises
    ------
    PlanError
        The register is missing, not valid TOML, or an entry lacks a field.
    """
    path = plans_dir / REGISTER_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise PlanError([Problem(str(path), None, None, "plan register not found")]) from err
    except OSError as err:
        raise PlanError([Problem(str(path), None, None, f"cannot read: {err.strerror or err}")]) from err
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise PlanError([Problem(str(path), None, None, f"not UTF-8 at byte {err.start} (line {line}); save "
                                 "the register as UTF-8")]) from err
    try:
        raw = tomllib.loads(text)
    except ValueError as err:  # TOMLDecodeError, and a number too long to convert
        raise PlanError([Problem(str(path), None, None, f"not valid TOML: {err}")]) from err
    problems: list[Problem] = []
    out: dict[str, PlanSource] = {}
    entries = raw.get("plan", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise PlanError([Problem(str(path), None, "plan", "must be an array of tables: write each entry as "
                                 "[[plan]]")])
    for i, entry in enumerate(entries, start=1):
        missing = [k for k in _REQUIRED if not isinstance(entry.get(k), str)]
        if missing:
            problems.append(Problem(str(path), i, ",".join(missing), "missing or not a string"))
            continue
        if entry["code"] in out:
            problems.append(Problem(str(path), i, "code", f"duplicate plan code {entry['code']!r}"))
            continue
        noise = entry.get("noise", [])
        if not isinstance(noise, list) or not all(isinstance(n, str) and n for n in noise):
            problems.append(Problem(str(path), i, "noise", f"{noise!r} must be a list of strings, e.g. "
                                    "noise = [\"365体育投注\"]"))
            continue
        urls = {key: entry.get(key, "") for key in ("source_url", "copy_url")}
        bad = [key for key, url in urls.items() if not isinstance(url, str) or (url and not _URL.fullmatch(url))]
        if bad:
            problems.extend(Problem(str(path), i, key, f"{urls[key]!r} is not an http(s) URL: give the page's "
                                    "address, or '' where none is known") for key in bad)
            continue
        out[entry["code"]] = PlanSource(
            **{k: entry[k] for k in _REQUIRED}, noise=tuple(str(n) for n in noise),
            source_url=str(urls["source_url"]), copy_url=str(urls["copy_url"]),
        )
    if not out and not problems:
        problems.append(Problem(str(path), None, "plan", "the register lists no plan"))
    if problems:
        raise PlanError(problems, f"{path}: the plan register is broken")
    return out


def plan_from_source(source: PlanSource, plans_dir: Path, *, verify: bool = True) -> Plan:
    """Read and decode one plan text.

    Parameters
    ----------
    source : PlanSource
    plans_dir : Path
    verify : bool, keyword-only
        Check the SHA-256 of the bytes against the register (default).

    Raises
    ------
    PlanError
        The file is missing, altered (checksum), not UTF-8, or lacks its body marker.
    """
    path = plans_dir / source.file
    try:
        data = path.read_bytes()
    except OSError as err:
        raise PlanError([Problem(str(path), None, None, f"cannot read plan text: {err.strerror}")]) from err
    if verify:
        digest = hashlib.sha256(data).hexdigest()
        if digest != source.sha256:
            raise PlanError([Problem(
                str(path), None, "sha256",
                f"checksum {digest} differs from the register's {source.sha256}: "
                "the text was altered; restore it from ../shared/plans/",
            )])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise PlanError([Problem(str(path), None, None, f"not UTF-8 at byte {err.start}")]) from err
    start = text.find(source.body_marker)
    if start < 0:
        raise PlanError([Problem(
            str(path), None, "body_marker", f"body marker {source.body_marker!r} not found in the text"
        )])
    return Plan(source=source, text=text, body_start=start)


def plans_from_dir(plans_dir: Path, *, verify: bool = True) -> dict[str, Plan]:
    """Read every registered plan.

    Parameters
    ----------
    plans_dir : Path
    verify : bool, keyword-only
        Check checksums (default).

    Returns
    -------
    dict
        ``{code: Plan}`` in register order.

    Raises
    ------
    PlanError
        With every problem found across all plans.
    """
    read = read_plans(plans_dir, verify=verify)
    if read.problems:
        raise PlanError(read.problems, "plan texts are broken")
    return read.plans


class PlansRead(NamedTuple):
    """The outcome of :func:`read_plans`."""

    plans: dict[str, Plan]
    problems: list[Problem]
    codes: frozenset[str]  # every registered code, those of broken texts included


def read_plans(plans_dir: Path, *, verify: bool = True) -> PlansRead:
    """Read every registered plan that is intact, and the problems of those that are not.

    A broken text costs only its own plan: the validator goes on checking the quotes of the
    others. Raises :class:`PlanError` only when the register itself cannot be read.
    """
    sources = sources_from_dir(plans_dir)
    plans: dict[str, Plan] = {}
    problems: list[Problem] = []
    for code, source in sources.items():
        try:
            plans[code] = plan_from_source(source, plans_dir, verify=verify)
        except PlanError as err:
            problems.extend(err.problems)
    log.info("read %d plans (%d characters)", len(plans), sum(len(p.text) for p in plans.values()))
    return PlansRead(plans, problems, frozenset(sources))


# --- editing the register ------------------------------------------------------------------

_HEADER = "[[plan]]"


def _toml_string(value: str) -> str:
    """``value`` as a TOML basic string (every control character escaped)."""
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def register_with_entry(text: str, entry: dict[str, str | list[str]]) -> str:
    """The register's text with ``entry`` appended as one more ``[[plan]]`` table.

    The text before it is kept byte for byte, so :func:`register_without_entry` gives it back.
    """
    lines = [_HEADER]
    for key, value in entry.items():
        if isinstance(value, list):
            lines.append(f"{key} = [{', '.join(_toml_string(v) for v in value)}]")
        else:
            lines.append(f"{key} = {_toml_string(value)}")
    head = text if text.endswith("\n") or not text else text + "\n"
    return head + "\n" + "\n".join(lines) + "\n"


def register_without_entry(text: str, code: str, *, path: str = REGISTER_NAME) -> str:
    """The register's text without the ``[[plan]]`` table of ``code`` (and the blank line before it).

    Raises
    ------
    PlanError
        No table of the register has that code.
    """
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    starts = [i for i, line in enumerate(lines) if line.strip() == _HEADER]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        try:
            table = tomllib.loads("".join(lines[start:end]))["plan"][0]
        except (ValueError, KeyError, IndexError):
            continue
        if table.get("code") == code:
            if end < len(lines):  # a table in the middle goes with the blank lines after it
                return "".join(lines[:start] + lines[end:])
            cut = start - 1 if start > 0 and not lines[start - 1].strip() else start  # the last: the one before
            return "".join(lines[:cut])
    raise PlanError([Problem(path, None, "code", f"no plan {code!r} in the register")])

