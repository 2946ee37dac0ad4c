"""Deterministic RFC 7946 GeoJSON: fixed key order, 6-decimal coordinates, CCW exteriors.

Used for every ``.geojson`` the project writes, so that rebuilding from the same
inputs gives byte-identical files. No ``crs`` member (RFC 7946 §4: always WGS-84).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

DECIMALS = 6


def _round(value: float) -> float:
    rounded = round(float(value), DECIMALS)
    return 0.0 if rounded == 0 else rounded


def _coords(obj: Any) -> Any:
    if isinstance(obj, list | tuple):
        if obj and isinstance(obj[0], int | float):
            return [_round(v) for v in obj[:2]]
        return [_coords(o) for o in obj]
    return obj


def geometry_to_mapping(geom: BaseGeometry) -> dict[str, Any]:
    """A shapely geometry as an RFC 7946 mapping: right-hand rule, rounded coordinates."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    mapping = json.loads(shapely.to_geojson(geom))
    return {"type": mapping["type"], "coordinates": _coords(mapping["coordinates"])}


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 2**53:
            return value
        return float(f"{value:.10g}")
    return value


def feature(geom: BaseGeometry | None, properties: Mapping[str, Any], *,
            feature_id: str | None = None) -> dict[str, Any]:
    """One Feature with properties in the given order (NaN becomes null)."""
    out: dict[str, Any] = {"type": "Feature"}
    if feature_id is not None:
        out["id"] = feature_id
    out["properties"] = {k: _clean(v) for k, v in properties.items()}
    out["geometry"] = geometry_to_mapping(geom) if geom is not None else None
    return out


def collection_to_bytes(features: Iterable[Mapping[str, Any]], *, name: str | None = None) -> bytes:
    """A FeatureCollection as UTF-8 bytes: one feature per line, deterministic."""
    head: dict[str, Any] = {"type": "FeatureCollection"}
    if name:
        head["name"] = name
    features = list(features)
    prefix = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    if not features:
        return (prefix + ',"features":[\n]}\n').encode("utf-8")
    # one C-level dump, then a line break before each feature; the separator cannot occur
    # inside a JSON string, where its quotes would be escaped
    body = json.dumps(features, ensure_ascii=False, separators=(",", ":"), allow_nan=False)[1:-1]
    body = body.replace('},{"type":"Feature",', '},\n{"type":"Feature",')
    return (prefix + ',"features":[\n' + body + "\n]}\n").encode("utf-8")
