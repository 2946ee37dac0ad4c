"""Carbon-Peak Project Map — the Streamlit app (``make run``).

Thin by design: it wires widgets to ``geo`` functions. Loading, filtering, map building
and exports live in the library (``geo.layers``, ``geo.explore``, ``geo.mapview``,
``geo.export``), which the tests exercise without Streamlit.
"""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.boundaries import boundaries_from_dir
from geo.explore import (
    TIMELINE_PHASE,
    YEAR_MAX,
    YEAR_MIN,
    Filters,
    Phase,
    capacity_by_category,
    counts_by,
    filter_projects,
    phase_in_year,
    power_range,
    sharing_point,
    targets_vs_catalogue,
)
from geo.export import export_to_bytes, targets_table
from geo.i18n import label, ui
from geo.layers import boundaries_frame, boundaries_from_layers, projects_from_layers
from geo.mapview import MapOptions, basemaps, build_map
from geo.settings import load_settings
from geo.vocabulary import Category, Status

st.set_page_config(page_title="Carbon-Peak Project Map / 碳达峰项目地图", layout="wide")
SETTINGS = load_settings()
REGIONS = ("JINSHI", "JIAXING", "ZHUZHOU", "YUNCHENG", "KUNDULUN")
TABLE_COLUMNS = ["id", "name_zh", "name_en", "region", "category", "status", "power_mw", "voltage_kv", "area_ha",
                 "year_start", "year_end", TIMELINE_PHASE, "phase", "precision", "place_text"]


@st.cache_data(show_spinner=False)
def load_projects(layers_dir: str) -> gpd.GeoDataFrame:
    return projects_from_layers(Path(layers_dir))


@st.cache_data(show_spinner=False)
def load_boundaries(boundaries_dir: str) -> gpd.GeoDataFrame:
    folder = Path(boundaries_dir)
    return boundaries_frame(boundaries_from_dir(folder, level="region"), boundaries_from_dir(folder, level="county"))


@st.cache_data(show_spinner=False)
def load_web_boundaries(layers_dir: str) -> gpd.GeoDataFrame:
    return boundaries_from_layers(Path(layers_dir))  # simplified as a coverage: borders stay shared


@st.cache_data(show_spinner=False)
def load_targets(layers_dir: str) -> pd.DataFrame:
    return targets_table(Path(layers_dir))


@st.cache_data(max_entries=32, show_spinner=False)
def download(ids: tuple[str, ...], fmt: str) -> tuple[str, bytes, str]:
    frame = load_projects(str(SETTINGS.layers_dir))
    export = export_to_bytes(frame[frame["id"].isin(ids)], fmt,
                             boundaries=load_boundaries(str(SETTINGS.boundaries_dir)),
                             targets=load_targets(str(SETTINGS.layers_dir)))
    return export.filename, export.data, export.media_type


def sidebar(frame: gpd.GeoDataFrame) -> tuple[Filters, MapOptions, str]:
    """All the chrome: language, filters with live counts, colour scheme and basemap."""
    with st.sidebar:
        lang = st.radio(ui("language", "zh"), ["zh", "en"], horizontal=True, key="lang",
                        format_func=lambda v: "中文" if v == "zh" else "English")
        st.header(ui("filters", lang))
        region_counts = counts_by(frame, "region")
        everything = "全部" if lang == "zh" else "All"
        regions = st.multiselect(ui("region", lang), REGIONS, key="regions", placeholder=ui("all_regions", lang),
                                 format_func=lambda r: f"{label('region', r, lang)} ({region_counts.get(r, 0)})")
        scoped = frame[frame["region"].isin(regions)] if regions else frame
        cat_counts = counts_by(scoped, "category")
        categories = st.multiselect(ui("category", lang), [c.value for c in Category if c.value in cat_counts],
                                    key="categories", placeholder=everything,
                                    format_func=lambda c: f"{label('category', c, lang)} ({cat_counts.get(c, 0)})")
        status_counts = counts_by(scoped, "status")
        statuses = st.multiselect(ui("status", lang), [s.value for s in Status if s.value in status_counts],
                                  key="statuses", placeholder=everything,
                                  format_func=lambda s: f"{label('status', s, lang)} ({status_counts.get(s, 0)})")
        _, high = power_range(frame)
        power = st.slider(ui("capacity", lang), 0.0, float(max(high, 1.0)), (0.0, float(max(high, 1.0))),
                          key="power")
        no_capacity = st.checkbox(ui("include_no_capacity", lang), value=True, key="no_capacity")
        year = st.slider(ui("year", lang), YEAR_MIN, YEAR_MAX, 2025, key="year")
        phase_counts = counts_by(phase_in_year(scoped, year).to_frame(), TIMELINE_PHASE)  # follow the slider
        phases = st.multiselect(ui("phases", lang), [p.value for p in Phase], key="phases", placeholder=everything,
                                format_func=lambda p: f"{label('phase', p, lang)} ({phase_counts.get(p, 0)})")
        search = st.text_input(ui("search", lang), key="search", help=ui("search_help", lang))
        colour_by = st.radio(ui("colour_by", lang), ["category", "status", "phase"], horizontal=True,
                             key="colour_by", format_func=lambda c: label("colour_by", c, lang))
        offered = basemaps(tianditu_key=SETTINGS.tianditu_key)
        basemap = st.selectbox(ui("basemap", lang), offered, key="basemap",
                               format_func=lambda b: label("basemap", b, lang))
        if not SETTINGS.tianditu_key:
            st.caption(ui("tianditu_missing", lang))
        if basemap == "gaode":
            st.caption(ui("gaode_note", lang))
    power_filter = None if power == (0.0, float(max(high, 1.0))) and no_capacity else power
    filters = Filters(regions=tuple(regions), categories=tuple(categories), statuses=tuple(statuses),
                      power_mw=power_filter, include_no_capacity=no_capacity, year=year, phases=tuple(phases),
                      search=search)
    options = MapOptions(colour_by=colour_by, basemap=basemap, lang=lang, tianditu_key=SETTINGS.tianditu_key)
    return filters, options, lang


def detail_panel(frame: gpd.GeoDataFrame, project_id: str | None, shown: tuple[str, ...], lang: str) -> None:
    st.subheader(ui("detail", lang))
    if not project_id or project_id not in set(frame["id"]):
        st.caption(ui("detail_hint", lang))
        return
    if project_id not in shown:
        st.caption(ui("outside_filters", lang))
    else:  # a stack of projects at one county or region point: only its top marker can be clicked
        stack = sharing_point(frame[frame["id"].isin(shown)], project_id)
        if len(stack) > 1:
            names = dict(zip(frame["id"], frame["name_zh"], strict=True))
            st.selectbox(f"{ui('same_point', lang)} ({len(stack)})", stack, index=stack.index(project_id),
                         key=f"stack-{project_id}", format_func=lambda i: f"{i} {names[i]}",
                         on_change=choose_from_stack, args=(f"stack-{project_id}",))
    row = frame[frame["id"] == project_id].iloc[0]
    st.markdown(f"**{ui('name', lang)}**")  # data goes through st.text: never rendered as markdown
    names = [row["name_zh"], row["name_en"] if isinstance(row["name_en"], str) else ""]
    st.text("\n".join(n for n in names if n) + f"\n{row['id']} · {label('category', row['category'], lang)}"
            f" · {label('status', row['status'], lang)}")
    st.markdown(f"**{ui('plan_title', lang)}**")
    st.text(f"{row['plan_title']} ({row['plan']})")
    st.markdown(f"**{ui('quote', lang)}**")
    st.text(row["quote"])
    st.markdown(f"**{ui('source', lang)}**")
    st.text(f"{label('precision', row['precision'], lang)} — {row['geocode_source']}")
    attributes = row.drop(labels=["geometry"]).astype(str).replace({"<NA>": "", "nan": ""})
    st.dataframe(pd.DataFrame({"field": attributes.index, "value": attributes.values}), hide_index=True,
                 width="stretch", key="detail_table")


def summary_tab(frame: gpd.GeoDataFrame, targets: pd.DataFrame, regions: tuple[str, ...], lang: str) -> None:
    for region in regions or REGIONS:
        mine = frame[frame["region"] == region]
        st.subheader(label("region", region, lang))
        table = capacity_by_category(mine)
        table["category"] = table["category"].map(lambda c: label("category", c, lang))
        st.caption(ui("capacity_by_category", lang))
        st.bar_chart(table[table["power_mw"] > 0], x="category", y="power_mw", horizontal=True)
        versus = targets_vs_catalogue(targets, mine, region)
        st.caption(ui("targets_vs", lang))
        if versus.empty:
            st.text(ui("no_targets", lang))
            continue
        versus["label"] = versus["indicator_text"] + " " + versus["year"].astype(str)
        chart = versus.rename(columns={"target_mw": ui("target", lang), "catalogued_mw": ui("catalogued", lang)})
        st.bar_chart(chart, x="label", y=[ui("target", lang), ui("catalogued", lang)], stack=False)
        st.dataframe(versus, hide_index=True, width="stretch")


def choose_from_map() -> None:
    """Callback of a click on a map marker: it selects that project (the newest click wins)."""
    drawing = (st.session_state.get("map") or {}).get("last_active_drawing") or {}
    project_id = (drawing.get("properties") or {}).get("id")
    if project_id:
        st.session_state["selected_id"] = project_id


def choose_from_stack(key: str) -> None:
    """Callback of the list of projects that share the chosen one's point."""
    st.session_state["selected_id"] = st.session_state[key]


def choose_from_table(table_key: str, shown_ids: tuple[str, ...]) -> None:
    """Callback of a click on a table row: it selects the project of the row that was shown."""
    rows = st.session_state[table_key].selection.rows
    if rows and rows[0] < len(shown_ids):
        st.session_state["selected_id"] = shown_ids[rows[0]]


def main() -> None:
    frame = load_projects(str(SETTINGS.layers_dir))
    filters, options, lang = sidebar(frame)
    st.title(ui("title", lang))
    st.caption(ui("subtitle", lang))
    selection = filter_projects(frame, filters)
    st.metric(ui("projects_shown", lang), f"{len(selection)} / {len(frame)}")
    ids = tuple(selection["id"])
    left, right = st.columns([5, 2], gap="medium")
    with left:
        map_tab, table_tab, summary = st.tabs([ui("map", lang), ui("table", lang), ui("summary", lang)])
        with map_tab:
            if selection.empty:
                st.info(ui("nothing", lang))
            m = build_map(selection, load_web_boundaries(str(SETTINGS.layers_dir)), options,
                          fit_regions=filters.regions)
            st_folium(m, key="map", height=620, use_container_width=True, returned_objects=["last_active_drawing"],
                      on_change=choose_from_map)
        with table_tab:
            shown = selection[TABLE_COLUMNS].reset_index(drop=True)
            # a new key for each selection: a row chosen in another selection never carries over to this one
            table_key = f"table-{hashlib.sha1(' '.join(ids).encode()).hexdigest()[:12]}"
            st.dataframe(shown, hide_index=True, width="stretch", selection_mode="single-row", key=table_key,
                         on_select=partial(choose_from_table, table_key, ids))
            st.subheader(ui("downloads", lang))
            if ids:
                for col, fmt in zip(st.columns(3), ("geojson", "gpkg", "csv"), strict=True):
                    name, data, mime = download(ids, fmt)
                    col.download_button(fmt.upper(), data=data, file_name=name, mime=mime, key=f"dl_{fmt}")
        with summary:
            summary_tab(selection, load_targets(str(SETTINGS.layers_dir)), filters.regions, lang)
    with right:
        detail_panel(frame, st.session_state.get("selected_id"), ids, lang)


main()
