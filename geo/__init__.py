"""Carbon-peak project map: plans → catalogue → geocoding → layers → map.

The records and readers of the catalogue, re-exported here. ``import geo`` needs only the
standard library; the geometry stages (``geo.validate``, ``geo.boundaries``, ``geo.geocode``,
``geo.layers``, ``geo.export``, ``geo.mapview``) import the geometry stack when imported.
"""

from __future__ import annotations

from .catalog import COLUMNS, CatalogReport, Project, catalog_from_dir, catalog_to_csv, read_catalog
from .errors import (
    CatalogError,
    CRSError,
    ExportError,
    GeocodeAmbiguous,
    GeocodeError,
    GeocodeNotFound,
    GeocoderUnavailable,
    GeoError,
    PlanError,
    Problem,
)
from .plans import Plan, PlanSource, plans_from_dir, sources_from_dir
from .quantities import Capacity, capacity_from_text, quantities_from_text
from .settings import Settings, load_settings
from .targets import Target, read_targets, targets_from_dir
from .timeline import Interval, interval_from_text
from .vocabulary import Action, Category, Precision, Status

__all__ = [
    "COLUMNS", "Action", "CRSError", "Capacity", "CatalogError", "CatalogReport", "Category",
    "ExportError", "GeoError", "GeocodeAmbiguous", "GeocodeError", "GeocodeNotFound",
    "GeocoderUnavailable", "Interval", "Plan", "PlanError", "PlanSource", "Precision", "Problem",
    "Project", "Settings", "Status", "Target", "capacity_from_text",
    "catalog_from_dir", "catalog_to_csv", "interval_from_text", "load_settings", "plans_from_dir",
    "quantities_from_text", "read_catalog", "read_targets", "sources_from_dir", "targets_from_dir",
]
