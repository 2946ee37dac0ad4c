"""What every map of the projects shares, without a map library: the colours of the status and
timeline schemes, the basemaps on offer and their tiles, and :class:`MapOptions`.

The app's map (:mod:`geo.mapcomponent`) and the folium baseline of ``bench/app.py``
(:mod:`geo.mapview`) both read it; importing it imports neither folium nor Streamlit. Category
colours live with the vocabulary (:data:`geo.vocabulary.CATEGORY_COLOURS`).
"""

from __future__ import annotations

from dataclasses import dataclass

#: where Streamlit serves ``static/`` (``server.enableStaticServing``): the folium map's Leaflet
ASSETS_BASE = "/app/static/vendor/leaflet-1.9.4"

STATUS_COLOURS: dict[str, str] = {
    "announced": "#9e9e9e", "pre-construction": "#f9a825", "construction": "#ef6c00", "operating": "#2e7d32",
    "shelved": "#795548", "cancelled": "#424242", "retired": "#5d4037", "protection": "#00897b",
}
PHASE_COLOURS: dict[str, str] = {"due": "#2e7d32", "under_way": "#ef6c00", "planned": "#1e88e5",
                                 "no_year": "#9e9e9e"}

#: ``{basemap: (tile URL template, attribution)}``; the attributions are the project's own HTML
TILES: dict[str, tuple[str, str]] = {
    "carto": ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
              "&copy; OpenStreetMap contributors &copy; CARTO"),
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "&copy; OpenStreetMap contributors"),
    "satellite": ("https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                  "Tiles &copy; Esri — Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community"),
    "gaode": ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
              "&copy; 高德地图 AutoNavi (GCJ-02)"),
    "tianditu": ("https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec"
                 "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
                 "&copy; 天地图 Tianditu"),
}
#: Tianditu's label layer, drawn over its vector tiles
TIANDITU_LABELS = ("https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=cva"
                   "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}")


def basemaps(*, tianditu_key: str | None) -> tuple[str, ...]:
    """Basemaps on offer: Tianditu only with a key."""
    names = ["carto", "osm", "satellite", "gaode", "none"]
    if tianditu_key:
        names.insert(3, "tianditu")
    return tuple(names)


@dataclass(frozen=True, slots=True)
class MapOptions:
    """How to draw the map."""

    colour_by: str = "category"
    basemap: str = "carto"
    lang: str = "zh"
    tianditu_key: str | None = None
    assets_base: str = ASSETS_BASE
