"""Exception tree of the ``geo`` package.

Every error the library raises derives from :class:`GeoError`. Subclasses also
inherit the builtin that fits them, so callers may catch either (geopy's model):
``except ValueError`` catches a bad catalogue row as well as ``except CatalogError``.
Third-party errors are translated at the boundary with ``raise ... from err``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of a loader or validator, located precisely.

    Attributes
    ----------
    file : str
        Path of the file, relative to the project root where possible.
    row : int or None
        1-based data row (the header is not counted); ``None`` for file-level problems.
    field : str or None
        Column the problem is in, or ``None``.
    message : str
        What is wrong, showing the offending value and, where possible, the fix.
    record_id : str or None
        The ``id`` of the row, when it has one.
    rule : str
        The validation rule that found it (a key of ``geo.validate.RULES``, or ``targets`` /
        ``gazetteer``); empty for problems found while reading a file against its schema.
    """

    file: str
    row: int | None
    field: str | None
    message: str
    record_id: str | None = None
    rule: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
            if self.record_id:
                where += f" ({self.record_id})"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


class GeoError(Exception):
    """Root of every error raised by the ``geo`` package."""


class ProblemsError(GeoError):
    """An error that carries every problem found in one run, not only the first."""

    def __init__(self, problems: Sequence[Problem], summary: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        head = summary or f"{len(self.problems)} problem(s)"
        self.summary = head
        lines = [head] + [f"  {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        super().__init__("\n".join(lines))


class PlanError(ProblemsError, ValueError):
    """A plan text or the plan register is missing, unreadable or altered."""


class CatalogError(ProblemsError, ValueError):
    """The project catalogue or the targets table breaks the schema or a rule."""


class BoundaryError(ProblemsError, ValueError):
    """Boundary polygons are missing, malformed or inconsistent."""


class GazetteerError(ProblemsError, ValueError):
    """The gazetteer of places breaks its schema or a rule."""


class CRSError(GeoError, ValueError):
    """An unknown or unsupported coordinate reference system."""


class GeocodeError(GeoError):
    """Base of geocoding failures."""


class GeocodeNotFound(GeocodeError, LookupError):
    """No candidate inside the region answers the query."""


class GeocodeBadAnswer(GeocodeNotFound):
    """A service answered with something that is not a usable answer (malformed JSON, missing
    fields, impossible coordinates): the query counts as not answered."""


class GeocodeAmbiguous(GeocodeError, LookupError):
    """Several candidates inside the region answer the query; none is picked."""


class GeocoderUnavailable(GeocodeError, OSError):
    """An online geocoding service could not be reached or refused the request."""


class GeocodeOutsideRegion(GeocodeError, ValueError):
    """A point falls outside the polygon of its region or declared county."""


class LayerError(ProblemsError, ValueError):
    """Layers could not be built from the catalogue and geocoding results."""


class ExportError(GeoError, ValueError):
    """A bad export request: unknown format, CRS or category, or an empty selection."""


class MapDataError(GeoError, ValueError):
    """Data the folium baseline map cannot draw safely (text that would be template source)."""


class ExtractError(GeoError, ValueError):
    """A plan text could not be read for extraction (empty, binary, undecodable)."""


class RegionError(GeoError, ValueError):
    """A region cannot be added or removed (unknown division, a code already used ...)."""


class OutputPathError(GeoError, ValueError):
    """An output path that must not be written: a link, a FIFO or device, or source data (``data/``)."""


class WriteError(GeoError, OSError):
    """A file could not be written completely (full disk, size limit) or does not read back;
    the previous version is unchanged."""


class SettingsError(GeoError, ValueError):
    """An environment variable holds a value the settings cannot use."""


class PublishError(GeoError, RuntimeError):
    """The PostGIS store could not be written (no connection, no PostGIS, a failed statement);
    the previous tables are unchanged."""


class StoreError(GeoError, OSError):
    """The PostGIS store could not be read (bad URL, no connection, no such schema or table, columns
    of another version): the message names the database (without its password) and the fix."""
