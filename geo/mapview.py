"""The folium map of the projects: one GeoJSON layer per category, boundaries, legend, basemaps.

The app no longer draws this map: it uses :mod:`geo.mapcomponent`. This module stays as the
baseline that ``bench/app.py`` measures (the full rebuild on every change); the colours, basemaps
and :class:`geo.mapstyle.MapOptions` it shares with the component live in :mod:`geo.mapstyle`.

Not for untrusted text: folium and branca compile rendered child scripts as Jinja templates, so a
name holding ``{{7*7}}`` would be evaluated on the server. :func:`build_map` therefore refuses
data holding Jinja delimiters (``{{``, ``{%``, ``{#``) with :class:`geo.errors.MapDataError`
instead of rendering it. Tooltips are built in the browser with ``textContent`` and the legend
is escaped here.

Leaflet is served by the app itself (``static/vendor/leaflet-1.9.4``, Streamlit static
serving), never from a CDN: only map tiles come from the network.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

import folium
from branca.element import MacroElement
from folium.utilities import JsCode
from jinja2 import Template

from .crs import TargetCRS, frame_from_wgs84
from .errors import MapDataError
from .i18n import label, ui
from .mapstyle import PHASE_COLOURS, STATUS_COLOURS, TIANDITU_LABELS, TILES, MapOptions
from .query import TIMELINE_PHASE
from .vocabulary import CATEGORY_COLOURS, Category, Precision, Status

if TYPE_CHECKING:
    import geopandas as gpd

def marker_radius(power_mw: float | None) -> float:
    """Square-root scaled radius in pixels; a fixed small size where no capacity is known."""
    if power_mw is None or power_mw != power_mw or power_mw <= 0:
        return 4.0
    return round(min(24.0, 4.0 + 0.6 * math.sqrt(power_mw)), 2)


def marker_style(power_mw: float | None, precision: str, colour: str) -> dict[str, Any]:
    """Leaflet path options of one project's circle marker.

    Exact and site points are filled; town and corridor points half-filled; county and region points are
    hollow dashed rings, so that a county centroid is never mistaken for a site.
    """
    approximate = precision in (Precision.COUNTY.value, Precision.REGION.value)
    partial = precision in (Precision.TOWN.value, Precision.CORRIDOR.value)   # a town, a point on a schematic line
    fill = 0.0 if approximate else (0.45 if partial else 0.85)
    return {"radius": marker_radius(power_mw), "color": colour, "fillColor": colour, "fillOpacity": fill,
            "weight": 2 if approximate else 1, "opacity": 0.95, "dashArray": "3 3" if approximate else None}


def colour_for(row: Any, colour_by: str) -> str:
    """The colour of a project under the chosen scheme."""
    if colour_by == "status":
        return STATUS_COLOURS.get(row["status"], "#9e9e9e")
    if colour_by == "phase":
        return PHASE_COLOURS.get(row.get(TIMELINE_PHASE, "no_year"), "#9e9e9e")
    return CATEGORY_COLOURS.get(row["category"], "#9e9e9e")


def features_for_map(frame: gpd.GeoDataFrame, *, colour_by: str, lang: str) -> dict[str, list[dict[str, Any]]]:
    """Lightweight GeoJSON features per category: only what the map draws and the tooltip says.

    The detail panel looks the project up by ``id``; nothing else travels to the browser.
    """
    import numpy as np

    xy = np.round(np.column_stack([frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()]), 6).tolist()
    sharing: dict[tuple[float, float], int] = {}
    for lon, lat in xy:
        sharing[(lon, lat)] = sharing.get((lon, lat), 0) + 1
    out: dict[str, list[dict[str, Any]]] = {}
    records = frame.drop(columns=frame.geometry.name).to_dict("records")
    for row, coords in zip(records, xy, strict=True):
        _refuse_template_syntax(row)
        power = row.get("power_mw")
        power = None if power is None or power != power else float(power)
        name = row["name_zh"] if lang == "zh" or not row.get("name_en") else row["name_en"]
        detail = " · ".join(p for p in (
            label("category", row["category"], lang), label("status", row["status"], lang),
            f"{power:g} MW" if power else "", label("precision", row["precision"], lang)) if p)
        others = sharing[(coords[0], coords[1])] - 1
        if others:
            detail += (f" · 与另外{others}个项目共用此点" if lang == "zh"
                       else f" · {others} other project{'s' if others > 1 else ''} share this point")
        style = marker_style(power, row["precision"], colour_for(row, colour_by))
        feature = {
            "type": "Feature",
            # compact: radius, colour and fill level; _POINT_TO_LAYER expands them into a style
            "properties": {"id": row["id"], "name": name, "label": detail, "r": style["radius"],
                           "c": style["color"], "f": style["fillOpacity"]},
            "geometry": {"type": "Point", "coordinates": coords},
        }
        out.setdefault(row["category"], []).append(feature)
    return out


_JINJA_DELIMITERS = ("{{", "{%", "{#")


def _refuse_template_syntax(row: dict[str, Any]) -> None:
    """Refuse a project whose text would be Jinja source once folium renders the map."""
    for field in ("id", "name_zh", "name_en"):
        value = row.get(field)
        if isinstance(value, str) and any(d in value for d in _JINJA_DELIMITERS):
            raise MapDataError(f"project {row.get('id')!r}, field {field}: {value[:60]!r} holds Jinja template "
                               "syntax, which the folium map would evaluate; draw it with geo.mapcomponent")


# Tooltips are DOM nodes filled with textContent: names and quotes from data never reach innerHTML.
_ON_EACH_FEATURE = JsCode("""
function(feature, layer) {
    var box = document.createElement('div');
    var title = document.createElement('strong');
    title.textContent = feature.properties.name;
    var line = document.createElement('div');
    line.textContent = feature.properties.label;
    box.appendChild(title);
    box.appendChild(line);
    layer.bindTooltip(box, {sticky: true, className: 'cpm-tip'});
}
""")
_POINT_TO_LAYER = JsCode("""
function(feature, latlng) {
    var p = feature.properties, hollow = p.f === 0;
    return L.circleMarker(latlng, {radius: p.r, color: p.c, fillColor: p.c, fillOpacity: p.f, opacity: 0.95,
                                   weight: hollow ? 2 : 1, dashArray: hollow ? '3 3' : null});
}
""")
class _Legend(MacroElement):
    """A fixed legend box; its HTML is built from escaped labels."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <details open class="cpm-legend" style="position: absolute; z-index: 640; bottom: 28px; right: 10px;
             background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 6px; font: 12px sans-serif;
             max-height: 55%; max-width: 60%; overflow-y: auto; box-shadow: 0 1px 4px rgba(0,0,0,.3);">
        {{ this.body }}
        </details>
        {% endmacro %}
    """)

    def __init__(self, body: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.body = body


def legend_html(items: list[tuple[str, str]], *, lang: str) -> str:
    """The legend body: colour swatches, precision symbols and the size rule (escaped)."""
    esc = html.escape
    rows = [f"<summary><b>{esc(ui('legend', lang))}</b></summary>",
            '<div style="display:grid;grid-template-columns:repeat(2,auto);column-gap:12px">']
    for text, colour in items:
        rows.append(f'<div><span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
                    f'background:{esc(colour)};margin-right:6px"></span>{esc(text)}</div>')
    rows.append("</div>")
    rows.append('<hr style="margin:4px 0">')
    rows.append('<div><span style="display:inline-block;width:10px;height:10px;border-radius:50%;background:#555;'
                f'margin-right:6px"></span>{esc(label("precision", "site", lang))} / '
                f'{esc(label("precision", "exact", lang))}</div>')
    rows.append('<div><span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
                'background:rgba(85,85,85,.45);border:1px solid #555;margin-right:5px"></span>'
                f'{esc(label("precision", "town", lang))}</div>')
    rows.append('<div><span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
                f'border:2px dashed #555;margin-right:4px"></span>{esc(ui("precision_note", lang))}</div>')
    rows.append(f"<div>{esc('marker size ∝ √capacity (MW)' if lang == 'en' else '圆大小 ∝ √装机容量 (MW)')}</div>")
    return "\n".join(rows)


def build_map(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, options: MapOptions,
              *, fit_regions: tuple[str, ...] = ()) -> folium.Map:
    """The map of a selection of projects over the region and county boundaries.

    Parameters
    ----------
    frame : GeoDataFrame
        Projects in EPSG:4326 (colouring by phase uses the ``timeline_phase`` column that
        :func:`geo.query.filter_projects` adds).
    boundaries : GeoDataFrame
        Regions and counties (``level``), EPSG:4326.
    options : MapOptions
    fit_regions : tuple of str, keyword-only
        Regions to fit the view to (default: the selection's regions, else all).

    With the Gaode basemap (GCJ-02 tiles) every overlay is shifted to GCJ-02 so that points
    land on the right streets.
    """
    if options.basemap == "gaode":
        frame = frame_from_wgs84(frame, TargetCRS.GCJ02)
        boundaries = frame_from_wgs84(boundaries, TargetCRS.GCJ02)
    m = folium.Map(location=[30.0, 112.0], zoom_start=6, tiles=None, control_scale=True, prefer_canvas=True)
    m.default_js = [("leaflet", f"{options.assets_base}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{options.assets_base}/leaflet.css")]
    _add_basemap(m, options)
    regions = fit_regions or tuple(sorted(set(frame["region"]))) or tuple(sorted(set(boundaries["region"])))
    _add_boundaries(m, boundaries, regions)
    groups = features_for_map(frame, colour_by=options.colour_by, lang=options.lang)
    for category in Category:
        features = groups.get(category.value)
        if not features:
            continue
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=f"{label('category', category.value, options.lang)} ({len(features)})",
            on_each_feature=_ON_EACH_FEATURE, pointToLayer=_POINT_TO_LAYER,
        ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    m.add_child(_Legend(legend_html(_legend_items(frame, options), lang=options.lang)))
    bounds = boundaries[boundaries["region"].isin(regions)].total_bounds
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    _stable_ids(m)
    return m


def _stable_ids(m: folium.Map) -> None:
    """Name every element by its place in the tree instead of a random uuid.

    The same selection then renders to the same JavaScript on every rerun, so the browser
    component keeps its map (zoom, open tooltips) instead of being rebuilt.
    """
    def walk(element: Any) -> Any:
        yield element
        for child in list(getattr(element, "_children", {}).values()):
            yield from walk(child)

    for i, element in enumerate(walk(m)):
        element._id = f"{i:08x}"


def _legend_items(frame: gpd.GeoDataFrame, options: MapOptions) -> list[tuple[str, str]]:
    lang = options.lang
    if options.colour_by == "status":
        return [(label("status", s.value, lang), STATUS_COLOURS[s.value]) for s in Status
                if s.value in set(frame["status"])]
    if options.colour_by == "phase":
        present = set(frame[TIMELINE_PHASE]) if TIMELINE_PHASE in frame.columns else set()
        return [(label("phase", p, lang), c) for p, c in PHASE_COLOURS.items() if p in present]
    return [(label("category", c.value, lang), CATEGORY_COLOURS[c.value]) for c in Category
            if c.value in set(frame["category"])]


def _add_basemap(m: folium.Map, options: MapOptions) -> None:
    name = options.basemap
    if name == "none":
        return
    if name == "tianditu":
        if not options.tianditu_key:
            raise ValueError("the Tianditu basemap needs TIANDITU_KEY")
        url, attr = TILES["tianditu"]
        folium.TileLayer(url.replace("{key}", options.tianditu_key), attr=attr, name="天地图", subdomains="01234567",
                         max_zoom=18).add_to(m)
        folium.TileLayer(TIANDITU_LABELS.replace("{key}", options.tianditu_key), attr=attr, name="天地图注记",
                         subdomains="01234567", overlay=True, max_zoom=18).add_to(m)
        return
    url, attr = TILES[name]
    subdomains = "1234" if name == "gaode" else "abc"
    folium.TileLayer(url, attr=attr, name=label("basemap", name, options.lang), subdomains=subdomains,
                     max_zoom=18).add_to(m)


def _add_boundaries(m: folium.Map, boundaries: gpd.GeoDataFrame, regions: tuple[str, ...]) -> None:
    import json

    from .layers import frame_to_geojson

    shown = boundaries[boundaries["region"].isin(regions)]
    counties = shown[shown["level"] == "county"]
    outlines = shown[shown["level"] == "region"]
    for part, style in ((counties, {"color": "#607d8b", "weight": 1, "fill": False, "dashArray": "2 4"}),
                        (outlines, {"color": "#37474f", "weight": 2.5, "fill": False})):
        if part.empty:
            continue
        data = json.loads(frame_to_geojson(part, name="boundaries", web_gcj02=True))
        for f in data["features"]:
            f["properties"] = {"name_zh": f["properties"]["name_zh"], "style": style}
        # not interactive: the outlines must never catch the pointer meant for a project marker
        folium.GeoJson(data, name="boundaries", control=False, interactive=False).add_to(m)


def naive_marker_map(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> folium.Map:
    """The naive approach, for benchmarks only: one folium ``Marker`` with a popup per project
    (over the same boundaries, so that only the project markers differ)."""
    m = folium.Map(location=[30.0, 112.0], zoom_start=6, tiles=None)
    _add_boundaries(m, boundaries, tuple(sorted(set(boundaries["region"]))))
    for row in frame.itertuples():
        folium.Marker([row.geometry.y, row.geometry.x], popup=html.escape(str(row.name_zh)),
                      tooltip=html.escape(str(row.name_zh))).add_to(m)
    return m


def map_html(m: folium.Map) -> str:
    """The standalone HTML of a map (what a browser would receive)."""
    return str(m.get_root().render())
