"""The app's map: a Streamlit component drawing Leaflet in a page of its own, updated in place.

Data reaches the page only as JSON: the catalogue as UTF-8 JSON bytes (a binary argument of the
component: Streamlit neither re-encodes nor escapes it, and the page parses it once), everything
else as the component's JSON arguments; the page builds every label with ``textContent``. No
data string is ever template source (folium and branca compile rendered scripts as Jinja
templates, so ``{{7*7}}`` in a name would be evaluated on the server; this module imports neither).

What travels, and when:

* :class:`MapData` — the compact data of every project the map can show (id, point, category,
  status, precision, the two names, capacity, the division an approximate point stands for), the
  schematic lines of linear works (flat coordinate arrays keyed by the project's row) and the
  simplified boundaries, encoded once per data version (:attr:`MapData.body`) and sent once per
  page: the session remembers what it sent, and a page that lacks the data (a new iframe) asks
  for it in its value, so later reruns send no data and loading triggers no rerun;
* on each rerun only a visibility mask (a base64 bitset over :attr:`MapData.ids`), one colour
  index per project, the labels of the language, the basemap and the selected project. The
  iframe stays mounted, so zoom, pan and the layer choices survive a filter change.

Which projects are visible is decided in Python (:func:`geo.query.filter_projects`); the page
only draws the mask. The component returns the id of a clicked project.

Leaflet 1.9.4, Leaflet.markercluster 1.5.3 (up to :data:`SUPER_ABOVE` point projects) and
supercluster 9.1.0 (above it: only the clusters and points of the view are drawn) are served from
``geo/_assets/mapcomponent/vendor``
(licences beside them): only map tiles come from the network.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .crs import TargetCRS, frame_from_wgs84
from .i18n import label, ui
from .mapstyle import PHASE_COLOURS, STATUS_COLOURS, TIANDITU_LABELS, TILES, MapOptions
from .query import TIMELINE_PHASE
from .vocabulary import CATEGORY_COLOURS, Category, Precision, Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd
    import numpy as np
    import pandas as pd

FRONTEND = Path(__file__).resolve().parent / "_assets" / "mapcomponent"
#: the map's height in pixels before the page has measured the window (and where it cannot)
DEFAULT_HEIGHT = 560
#: the least height the page gives the map when it fills the window below its top
MIN_HEIGHT = 380
#: boundaries are drawn simplified to this tolerance (degrees, about 100 m)
_SIMPLIFY = 0.001
_AREA_PRECISIONS = (Precision.COUNTY.value, Precision.REGION.value)
#: above this many point projects (not drawn as a division) the page draws with supercluster;
#: the same number is ``SUPER_ABOVE`` in ``map.js``
SUPER_ABOVE = 20_000
#: the order of a project's fields in ``MapData.payload["p"]`` (documented for the page's script)
FIELDS = ("id", "lon", "lat", "category", "status", "precision", "name_zh", "name_en", "power_mw", "area")


@dataclass(frozen=True, slots=True)
class MapData:
    """What the page needs once per data version.

    Attributes
    ----------
    version : str
        A digest of ``payload``: the page keeps the data of one version.
    ids : tuple of str
        Project ids in the order of the payload's rows; masks and colours follow it.
    payload : dict
        JSON-ready: ``v`` (the version), ``p`` (one list per project, fields :data:`FIELDS`, vocabulary values as
        indices into ``vocab``), ``vocab``, ``lines`` (``[row, [lon0, lat0, lon1, lat1, ...]]``
        per linear work drawn as a line: ``row`` indexes ``p``, so a line shows, hides and takes
        its colour with its project) and ``divisions`` (simplified boundary polygons by adcode:
        ``level``, ``name_zh``, ``region``, ``geometry``).
    body : bytes
        ``payload`` as compact UTF-8 JSON: what the page receives (encoded once, not per rerun).
    rows : pandas.Index
        ``ids`` as an index: the row of each id, looked up in bulk (:meth:`positions`).
    """

    version: str
    ids: tuple[str, ...]
    payload: dict[str, Any]
    body: bytes = field(repr=False)
    rows: pd.Index = field(repr=False, compare=False)

    def to_json(self) -> str:
        """The payload as compact UTF-8 JSON (what goes over the WebSocket)."""
        return self.body.decode("utf-8")

    def positions(self, ids: Any) -> np.ndarray:
        """The row of each id of ``ids`` in the payload (``-1`` for an id it does not hold)."""
        import numpy as np

        return np.asarray(self.rows.get_indexer(ids))


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number > 0 else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def map_data_from_frames(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, *,
                         lines: gpd.GeoDataFrame | None = None, gcj02: bool = False) -> MapData:
    """The compact map data of every project of ``frame`` (EPSG:4326) over ``boundaries``.

    A county- or region-precision point names the division it stands for (``area``: the
    adcode of a polygon of ``boundaries``), so the page can shade that division with a count
    instead of piling markers on one point. ``lines`` (``layers/lines.geojson``: ``id`` and a
    LineString each) are the schematic lines of linear works: each is drawn as a line of its
    project of ``frame`` (lines of projects not in ``frame`` are left out). With ``gcj02``
    every coordinate is shifted to GCJ-02 (for the Gaode basemap).
    """
    import numpy as np
    import pandas as pd

    if gcj02:
        frame = frame_from_wgs84(frame, TargetCRS.GCJ02)
        boundaries = frame_from_wgs84(boundaries, TargetCRS.GCJ02)
        if lines is not None:
            lines = frame_from_wgs84(lines, TargetCRS.GCJ02)
    vocab = {"category": [c.value for c in Category], "status": [s.value for s in Status],
             "precision": [p.value for p in Precision]}
    index = {kind: {v: i for i, v in enumerate(values)} for kind, values in vocab.items()}
    region_adcode = {r: a for r, a, lvl in zip(boundaries["region"], boundaries["adcode"], boundaries["level"],
                                               strict=True) if lvl == "region"}
    known = set(boundaries["adcode"])
    lon = np.round(frame.geometry.x.to_numpy(), 5).tolist()
    lat = np.round(frame.geometry.y.to_numpy(), 5).tolist()
    rows: list[list[Any]] = []
    columns = ("id", "category", "status", "precision", "name_zh", "name_en", "power_mw", "region",
               "point_county_adcode")
    for (pid, category, status, precision, name_zh, name_en, power, region, county), x, y in zip(
            zip(*(frame[c] for c in columns), strict=True), lon, lat, strict=True):
        area = ""
        if precision == Precision.COUNTY.value and _text(county) in known:
            area = county
        elif precision == Precision.REGION.value and region in region_adcode:
            area = region_adcode[region]
        power_mw = _number(power)
        rows.append([pid, x, y, index["category"].get(category, len(vocab["category"]) - 1),
                     index["status"].get(status, 0), index["precision"].get(precision, 0), _text(name_zh),
                     _text(name_en), round(power_mw, 3) if power_mw is not None else None, area])
    divisions: dict[str, Any] = {}
    for adcode, level, name_zh, region, geometry in zip(boundaries["adcode"], boundaries["level"],
                                                        boundaries["name_zh"], boundaries["region"],
                                                        boundaries.geometry, strict=True):
        simple = geometry.simplify(_SIMPLIFY, preserve_topology=True)
        divisions[adcode] = {"level": level, "name_zh": _text(name_zh), "region": region,
                             "geometry": _rounded(simple.__geo_interface__)}
    payload = {"fields": list(FIELDS), "vocab": vocab, "p": rows, "divisions": divisions,
               "lines": _line_rows(lines, frame)}
    digest = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    version = hashlib.sha256(digest.encode("utf-8")).hexdigest()[:16]
    payload["v"] = version
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    ids = tuple(str(i) for i in frame["id"])
    return MapData(version=version, ids=ids, payload=payload, body=body, rows=pd.Index(ids, dtype=object))


def _line_rows(lines: gpd.GeoDataFrame | None, frame: gpd.GeoDataFrame) -> list[list[Any]]:
    """``[row, [lon0, lat0, lon1, lat1, ...]]`` of each line whose project is a row of ``frame``,
    in row order (coordinates to 5 decimals, as the points)."""
    if lines is None or lines.empty:
        return []
    row_of = {pid: i for i, pid in enumerate(frame["id"])}
    out: list[list[Any]] = []
    for pid, geometry in zip(lines["id"], lines.geometry, strict=True):
        if pid not in row_of or geometry is None or geometry.geom_type != "LineString":
            continue
        flat = [round(float(v), 5) for xy in geometry.coords for v in xy[:2]]
        out.append([row_of[pid], flat])
    return sorted(out, key=lambda r: int(r[0]))


def _rounded(geometry: dict[str, Any]) -> dict[str, Any]:
    def walk(coords: Any) -> Any:
        if isinstance(coords, (int, float)):
            return round(float(coords), 4)
        return [walk(c) for c in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def visibility_mask(ids: Sequence[str], visible: Sequence[str]) -> str:
    """Base64 of a little-endian bitset over ``ids``: bit ``i`` set when ``ids[i]`` is visible."""
    import pandas as pd

    return _packed(pd.Index(list(ids), dtype=object).isin(list(visible)))


def _packed(bits: np.ndarray) -> str:
    import numpy as np

    return base64.b64encode(np.packbits(bits, bitorder="little").tobytes()).decode("ascii")


def _shown(data: MapData, selection: gpd.GeoDataFrame) -> np.ndarray:
    """One flag per payload row: its project is in ``selection`` (ids ``data`` lacks are ignored)."""
    import numpy as np

    rows = data.positions(selection["id"])
    bits = np.zeros(len(data.ids), dtype=bool)
    bits[rows[rows >= 0]] = True
    return bits


def _palette(colour_by: str) -> dict[str, str]:
    if colour_by == "status":
        return STATUS_COLOURS
    if colour_by == "phase":
        return PHASE_COLOURS
    return CATEGORY_COLOURS


def colour_codes(data: MapData, selection: gpd.GeoDataFrame, colour_by: str) -> tuple[list[str], str]:
    """The palette of the scheme and, base64, one palette index per project of ``data`` (0 where
    the project is not in ``selection``; its phase comes from ``selection``'s timeline year)."""
    import numpy as np

    palette = _palette(colour_by)
    colours = list(palette.values())
    where = {c: i for i, c in enumerate(palette)}
    column = TIMELINE_PHASE if colour_by == "phase" else colour_by
    codes = np.zeros(len(data.ids), dtype=np.uint8)
    if column in selection.columns:
        rows = data.positions(selection["id"])
        known = rows >= 0
        values = selection[column].map(where).fillna(0).to_numpy(dtype=np.uint8)  # unknown values: 0
        codes[rows[known]] = values[known]
    return colours, base64.b64encode(codes.tobytes()).decode("ascii")


def legend_items(selection: gpd.GeoDataFrame, colour_by: str, lang: str) -> list[list[str]]:
    """``[label, colour]`` of each value of the scheme present in ``selection``."""
    palette = _palette(colour_by)
    column = TIMELINE_PHASE if colour_by == "phase" else colour_by
    present = set(selection[column].dropna().unique()) if column in selection.columns else set()
    kind = "phase" if colour_by == "phase" else colour_by
    return [[label(kind, value, lang), colour] for value, colour in palette.items() if value in present]


def labels_for(lang: str) -> dict[str, Any]:
    """Interface words of the page in ``lang`` (vocabulary labels in the payload's order)."""
    return {
        "category": [label("category", c.value, lang) for c in Category],
        "status": [label("status", s.value, lang) for s in Status],
        "precision": [label("precision", p.value, lang) for p in Precision],
        "legend": ui("legend", lang),
        "filled": f"{label('precision', 'site', lang)} / {label('precision', 'exact', lang)}",
        "half": label("precision", "town", lang),
        "area": ui("map_area_note", lang),
        "cluster": ui("map_cluster_note", lang),
        "size": "marker size ∝ √capacity (MW)" if lang == "en" else "圆大小 ∝ √装机容量 (MW)",
        "boundaries": ui("map_boundaries", lang),
        "projects": ui("map_projects", lang),
        "areas": ui("map_areas", lang),
        "lines": ui("map_lines", lang),
        "line": ui("map_line_note", lang),
        "in_area": ui("map_in_area", lang),
    }


def tiles_for(options: MapOptions) -> dict[str, Any] | None:
    """The basemap's tile layers for Leaflet (``None`` for no basemap)."""
    name = options.basemap
    if name == "none":
        return None
    if name == "tianditu":
        if not options.tianditu_key:
            raise ValueError("the Tianditu basemap needs TIANDITU_KEY")
        url, attr = TILES["tianditu"]
        return {"name": name, "url": url.replace("{key}", options.tianditu_key), "attribution": attr,
                "subdomains": "01234567", "labels": TIANDITU_LABELS.replace("{key}", options.tianditu_key)}
    url, attr = TILES[name]
    return {"name": name, "url": url, "attribution": attr, "subdomains": "1234" if name == "gaode" else "abc",
            "labels": None}


def fit_bounds(boundaries: gpd.GeoDataFrame, regions: Sequence[str]) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of the regions (all regions when none is given)."""
    shown = boundaries[boundaries["region"].isin(regions)] if regions else boundaries
    west, south, east, north = shown.total_bounds
    return [[round(float(south), 4), round(float(west), 4)], [round(float(north), 4), round(float(east), 4)]]


@cache
def _component() -> Any:
    import streamlit.components.v1 as components

    return components.declare_component("cpm_map", path=str(FRONTEND))


def map_component(data: MapData, selection: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, options: MapOptions,
                  *, selected: str | None, fit_regions: Sequence[str] = (), key: str = "map",
                  height: int | None = None) -> str | None:
    """Draw the map of ``data`` showing the projects of ``selection``; return a newly clicked id.

    Parameters
    ----------
    data : MapData
        From :func:`map_data_from_frames` over the whole catalogue (cache it per data version).
    selection : GeoDataFrame
        The filtered projects (:func:`geo.query.filter_projects`): its ids are the visible ones.
    boundaries : GeoDataFrame
        For the view: the map fits ``fit_regions`` (all regions when empty) when that choice
        changes; other changes keep the planner's zoom and pan.
    options : MapOptions
    selected : str or None, keyword-only
        The project to highlight; the map pans to it when it changes.
    key : str, keyword-only
        Streamlit key of the component (one map per key).
    height : int or None, keyword-only
        A fixed height in pixels; ``None`` (the default): the map fills the browser window from
        its top down (at least ``MIN_HEIGHT``), measured by the page when it first draws and
        whenever the window is resized.

    Returns
    -------
    str or None
        The id of a project clicked on the map since the last rerun, else ``None``.
    """
    import streamlit as st

    # the page's value (which data version it holds, its last click) is known before this run
    # draws the map, so a click is highlighted in the same run that reports it
    held = st.session_state.get(key)
    send = _needs_data(held, data, sent_key=f"{key}__sent")
    clicked = _new_click(held, data, seen_key=f"{key}__seen")
    if clicked is not None:
        selected = clicked
    palette, colours = colour_codes(data, selection, options.colour_by)
    # the view follows the region filter only: other filters keep the planner's zoom and pan
    regions = tuple(fit_regions)
    args: dict[str, Any] = {
        "version": data.version,
        "data": data.body if send else None,  # bytes: a binary argument, neither re-encoded nor escaped
        "mask": _packed(_shown(data, selection)),
        "palette": palette, "colours": colours,
        "legend": legend_items(selection, options.colour_by, options.lang),
        "labels": labels_for(options.lang), "lang": options.lang,
        "tiles": tiles_for(options),
        "fit": fit_bounds(boundaries, regions), "fit_key": ",".join(regions),
        "selected": selected, "frame_height": height, "min_height": MIN_HEIGHT, "default_height": DEFAULT_HEIGHT,
    }
    _component()(**args, key=key, default=None, height=height or DEFAULT_HEIGHT)
    return clicked


def _needs_data(held: Any, data: MapData, *, sent_key: str) -> bool:
    """Whether this run sends the data: the page does not say it holds this version, and this
    session has not sent it since the page's last request (its value's ``ask``; none before the
    page first reports). Sending once per page this way, loading the data triggers no rerun; a
    page that lacks the data (a new iframe, a skipped render) asks again with a new ``ask``."""
    import streamlit as st

    if isinstance(held, dict) and held.get("have") == data.version:
        return False
    asked = f"{data.version}|{held.get('ask') if isinstance(held, dict) else None}"
    if st.session_state.get(sent_key) == asked:
        return False
    st.session_state[sent_key] = asked
    return True


def _new_click(held: Any, data: MapData, *, seen_key: str) -> str | None:
    """The id the page reports as clicked, once per click (each click has a new ``seq``)."""
    import streamlit as st

    if not isinstance(held, dict) or not held.get("seq"):
        return None
    if st.session_state.get(seen_key) == held["seq"]:
        return None
    st.session_state[seen_key] = held["seq"]
    clicked = held.get("click")
    return clicked if isinstance(clicked, str) and data.positions([clicked])[0] >= 0 else None
