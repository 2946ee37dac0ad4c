"""Reading and writing the project's CSV files (UTF-8, comma, header row, one line per row)."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from .errors import Problem
from .timeline import YEAR_MAX, YEAR_MIN

E = TypeVar("E", bound=StrEnum)


def format_number(value: float | int | None) -> str:
    """Render a number without float noise: at most 6 decimals, no trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


#: no cell of the project's CSV files is longer (the longest real one has under 1,000): a longer
#: cell is refused before any parser looks at it
MAX_CELL = 10_000
#: stands for a NUL while the csv module parses (U+FFFF is a noncharacter: never in real text)
_NUL = "\uffff"


def read_rows(path: Path, columns: Sequence[str], *, required: Sequence[str] = ()) -> tuple[
    list[dict[str, str]], list[Problem]
]:
    """Read a CSV file into dicts, checking the header and the shape of each row.

    Returns the rows that have the right shape (others become problems) with
    ``__row__`` holding the 1-based data-row number. Unknown columns are problems;
    missing optional columns read as empty. Never raises for what the file holds.
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        return [], [Problem(str(path), None, None, f"cannot read: {err.strerror or err}")]
    return rows_from_bytes(raw, str(path), columns, required=required)


def rows_from_bytes(raw: bytes, name: str, columns: Sequence[str], *, required: Sequence[str] = ()) -> tuple[
    list[dict[str, str]], list[Problem]
]:
    """:func:`read_rows` of bytes already read; ``name`` names the file in problems."""
    problems: list[Problem] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return [], [Problem(name, None, None, f"not UTF-8 at byte {err.start}; save the file as UTF-8")]
    text = text.replace("\x00", _NUL)  # the csv module stops at a NUL; this way only its row is lost
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [Problem(name, None, None, "empty file: no header row")]
    except csv.Error as err:
        return [], [Problem(name, None, None, f"not valid CSV: {_csv_error(err)}")]
    header = [h.strip().replace(_NUL, "\\x00") for h in header]
    unknown = [h for h in header if h not in columns]
    if unknown:
        shown = ",".join(h if len(h) <= 40 else h[:40] + "…" for h in unknown[:10])
        problems.append(Problem(name, None, shown, f"unknown column(s); expected some of {list(columns)}"))
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(Problem(name, None, ",".join(missing), "required column(s) missing from the header"))
        return [], problems
    dupes = {h for h in header if header.count(h) > 1}
    if dupes:
        problems.append(Problem(name, None, ",".join(sorted(dupes)), "column repeated in the header"))
        return [], problems
    rows: list[dict[str, str]] = []
    row_no = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            problems.append(Problem(name, row_no + 1, None, f"not valid CSV: {_csv_error(err)}"))
            break
        row_no += 1
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(
                name, row_no, None,
                f"has {len(cells)} cells but the header has {len(header)} columns (a stray comma or quote?)",
            ))
            continue
        long = [(h, len(v)) for h, v in zip(header, cells, strict=True) if len(v) > MAX_CELL]
        if long:
            problems.extend(Problem(name, row_no, h, f"is {n:,} characters long; a cell holds at most {MAX_CELL:,}")
                            for h, n in long)
            continue
        nul = [h for h, v in zip(header, cells, strict=True) if _NUL in v]
        if nul:
            problems.extend(Problem(name, row_no, h, "holds a NUL character: not text") for h in nul)
            continue
        row = {c: "" for c in columns}
        row.update({h: v for h, v in zip(header, cells, strict=True) if h in columns})
        row["__row__"] = str(row_no)
        rows.append(row)
    return rows, problems


def _csv_error(err: csv.Error) -> str:
    text = str(err)
    if "field larger than field limit" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return text


#: characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def neutralise_formula(text: str) -> str:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe.

    A cell starting with ``=``, ``+``, ``-``, ``@``, TAB or CR becomes ``'=…``: Excel, LibreOffice
    and Google Sheets show it as text (OWASP's advice for CSV injection). Other text is unchanged.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: str) -> str:
    """One CSV cell: quoted (quotes doubled) when it holds a comma, a quote, a CR or a LF.

    The standard library's writer leaves a lone CR unquoted when lines end in LF, and its own
    reader then splits the row there; this writer quotes it.
    """
    return '"' + value.replace('"', '""') + '"' if _NEEDS_QUOTES.search(value) else value


def csv_line(cells: Sequence[str]) -> str:
    """One CSV row with a ``\\n`` line end (a row of one empty cell is written ``""``)."""
    if len(cells) == 1 and cells[0] == "":
        return '""\n'
    return ",".join(csv_cell(c) for c in cells) + "\n"


def rows_to_csv(rows: Iterable[Mapping[str, str]], columns: Sequence[str]) -> str:
    """Render rows as CSV text with the given column order and ``\\n`` line ends."""
    return csv_line(columns) + "".join(csv_line([row.get(c, "") for c in columns]) for row in rows)


#: longest text of a short field (names, codes, verbatim capacity words); long fields say their own
MAX_TEXT = 500
#: longest text of a long field (quotes, notes, citations)
MAX_LONG_TEXT = 5_000
#: longest text of a number cell: more digits than any real figure, few enough to parse at once
MAX_NUMBER_TEXT = 32
#: default bounds of numbers and whole numbers (fields set tighter ones)
MAX_NUMBER = 1e15
MAX_INTEGER = 2**31 - 1

_BOOL = {"true": True, "false": False}
_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)  # no units, no separators, no full-width digits
_WHOLE = re.compile(r"-?\d+", re.ASCII)


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:60] + "…"


class RowParser:
    """Turns one CSV row (as :func:`read_rows` gives it) into typed values, recording a problem
    per bad field; shared by the catalogue and the targets table."""

    def __init__(self, file: str, row: Mapping[str, str]) -> None:
        self.file = file
        self.row = row
        self.row_no = int(row["__row__"])
        self.record_id = row.get("id", "").strip() or None
        self.problems: list[Problem] = []

    def problem(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.row_no, field_name, message, self.record_id))

    def text(self, name: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
        value = self.row.get(name, "")
        if len(value) > max_length:
            self.problem(name, f"is {len(value):,} characters long; this field holds at most {max_length:,}")
            return ""
        if "\n" in value or "\r" in value:
            self.problem(name, "contains a line break; keep each row on one line")
        if value != value.strip():
            self.problem(name, f"{_short(value)!r} has leading or trailing spaces")
        if required and not value.strip():
            self.problem(name, "is empty but required")
        return value.strip()

    def number(self, name: str, *, minimum: float | None = 0.0, maximum: float = MAX_NUMBER,
               required: bool = False) -> float | None:
        """A decimal number (digits and a point) within ``minimum`` … ``maximum``; never inf or nan."""
        raw = self.text(name, required=required, max_length=MAX_NUMBER_TEXT)
        if not raw:
            return None
        if not _DECIMAL.fullmatch(raw):
            self.problem(name, f"{raw!r} is not a number (use digits and a decimal point, no units)")
            return None
        value = float(raw)
        if minimum is not None and value < minimum:
            self.problem(name, f"{raw!r} is below {format_number(minimum)}")
            return None
        if not math.isfinite(value) or abs(value) > maximum:
            self.problem(name, f"{raw!r} is beyond {maximum:g}, the largest value this field can hold")
            return None
        return value

    def integer(self, name: str, *, required: bool = False, maximum: int = MAX_INTEGER) -> int | None:
        """A whole number of at most ``maximum`` in absolute value."""
        raw = self.text(name, required=required, max_length=MAX_NUMBER_TEXT)
        if not raw:
            return None
        if not _WHOLE.fullmatch(raw):
            self.problem(name, f"{raw!r} is not a whole number")
            return None
        value = int(raw)
        if abs(value) > maximum:
            self.problem(name, f"{raw!r} is beyond {maximum:,}, the largest value this field can hold")
            return None
        return value

    def year(self, name: str, *, required: bool = False) -> int | None:
        """A year within the plausible range of the plans (:data:`geo.timeline.YEAR_MIN` … ``YEAR_MAX``)."""
        value = self.integer(name, required=required)
        if value is not None and not YEAR_MIN <= value <= YEAR_MAX:
            self.problem(name, f"{value} is outside the plausible range {YEAR_MIN}–{YEAR_MAX}")
            return None
        return value

    def choice(self, name: str, vocab: type[E], *, required: bool = True) -> E | None:
        raw = self.text(name, required=required)
        if not raw:
            return None
        try:
            return vocab(raw)
        except ValueError:
            allowed = ", ".join(v.value for v in vocab)
            self.problem(name, f"{raw!r} is not in the vocabulary; use one of: {allowed}")
            return None

    def boolean(self, name: str) -> bool | None:
        raw = self.text(name, required=True)
        if not raw:
            return None
        if raw not in _BOOL:
            self.problem(name, f"{raw!r} is not a boolean; use true or false")
            return None
        return _BOOL[raw]
