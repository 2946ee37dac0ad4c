"""Carbon-Peak Project Map — the Streamlit app (``make run``).

Thin by design: it wires widgets to ``geo`` functions. Loading, filtering, map building
and exports live in the library (``geo.layers``, ``geo.query``, ``geo.mapcomponent``,
``geo.export``), which the tests exercise without Streamlit.
"""

from __future__ import annotations

import hashlib
from functools import partial

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.appdata import AppData, app_data_from_settings, data_version
from geo.card import card_from_project
from geo.errors import GeoError
from geo.export import EXPORT_BASENAME, Format, selection_export
from geo.i18n import LANGUAGES, counted_labels, label, ui
from geo.mapcomponent import MapData, map_component, map_data_from_frames
from geo.mapstyle import MapOptions, basemaps
from geo.plans import sources_from_dir
from geo.query import (
    DEFAULT_YEAR,
    TIMELINE_PHASE,
    YEAR_MAX,
    YEAR_MIN,
    Filters,
    Phase,
    facet_counts_all,
    filter_projects,
    power_range,
    sharing_point,
)
from geo.settings import load_settings
from geo.summary import chart_labels, region_summary
from geo.table import COLUMNS, table_frame
from geo.viewstate import View, Vocabularies, notice_text, params_from_view, view_from_filters, view_from_params
from geo.vocabulary import Category, Status

st.set_page_config(page_title="Carbon-Peak Project Map / 碳达峰项目地图", layout="wide")
#: a fixed style (no data in it): less empty space above the header, so the map starts higher
COMPACT = "<style>[data-testid='stMainBlockContainer']{padding-top:1.25rem}</style>"
try:  # a bad setting (CPM_DATABASE_URL …) or a broken register is a message on the page, not a traceback
    SETTINGS = load_settings()
    REGISTER = sources_from_dir(SETTINGS.plans_dir)  # regions and their names come from the plan register
except GeoError as err:
    st.error(f"{ui('data_unavailable', 'zh')} / {ui('data_unavailable', 'en')}")
    st.text(str(err))  # plain text: a message may hold markdown characters
    st.stop()


def region_label(code: str, lang: str) -> str:
    return REGISTER[code].region_name(lang) if code in REGISTER else code


PROJECT = "project"  # session state: the chosen project's id (a table row, a map click, the URL)
VIEW_TAB = "view_tab"  # session state: the open tab (its label); only the open tab's content is built
TABS = ("map", "table", "summary")  # the tabs, by their UI word
URL_NOTICES, URL_VIEW = "url_notices", "url_view"  # what a shared URL asked for, and what of it was ignored

@st.cache_resource(max_entries=1, show_spinner=False)
def _app_data(version: tuple[tuple[str, int, int], ...]) -> AppData:
    """One copy per server, shared by every session (never mutated); a rebuild's new version
    replaces it (``max_entries=1``)."""
    return app_data_from_settings(SETTINGS)


def app_data() -> AppData:
    return _app_data(data_version(SETTINGS))


def downloads(data: AppData, ids: tuple[str, ...], lang: str) -> None:
    """One button per format; a file is built only when its button is clicked (deferred data),
    never for a selection nobody downloads, and not kept afterwards."""
    st.subheader(ui("downloads", lang))
    if not ids:
        return
    for col, fmt in zip(st.columns(len(Format)), Format, strict=True):
        col.download_button(fmt.display_name, data=partial(_export_bytes, data, ids, fmt),
                            file_name=EXPORT_BASENAME + fmt.suffix, mime=fmt.media_type, key=f"dl_{fmt.value}",
                            on_click="ignore")


def _export_bytes(data: AppData, ids: tuple[str, ...], fmt: Format) -> bytes:
    return selection_export(data.projects, ids, fmt, boundaries=data.boundaries, targets=data.targets).data


def _option_label(kind: str, lang: str, value: str) -> str:
    return region_label(value, lang) if kind == "region" else label(kind, value, lang)


def _facet(name: str, kind: str, options: list[str], lang: str, placeholder: str) -> tuple[list[str], object]:
    """A multiselect with fixed labels (never counts: a label that changes makes Streamlit drop the
    choice) and a caption slot below it for the counts, filled once every filter is known."""
    chosen = st.multiselect(ui(kind if kind != "phase" else "phases", lang), options, key=name,
                            placeholder=placeholder, select_all=False,
                            format_func=partial(_option_label, kind, lang))
    return chosen, st.empty()


@st.cache_resource(max_entries=1, show_spinner=False)
def _vocabularies(version: tuple[tuple[str, int, int], ...]) -> Vocabularies:
    """Once per server and data version (the set of ids of a large catalogue is slow to build)."""
    return vocabularies(_app_data(version))


def vocabularies(data: AppData) -> Vocabularies:
    """The values the filters offer and a URL may name: what the published layers hold."""
    present = set(data.projects["category"].unique()), set(data.projects["status"].unique())
    return Vocabularies(regions=data.regions, categories=tuple(c.value for c in Category if c.value in present[0]),
                        statuses=tuple(s.value for s in Status if s.value in present[1]),
                        project_ids=frozenset(data.projects["id"]))


def view_from_url(known: Vocabularies) -> None:
    """On a session's first run, the URL's view becomes the widgets' state (before they exist)."""
    if URL_NOTICES in st.session_state:
        return
    view, notices = view_from_params({k: st.query_params.get_all(k) for k in st.query_params}, known)
    st.session_state.update({"regions": list(view.regions), "categories": list(view.categories),
                             "statuses": list(view.statuses), "year": view.year, "phases": list(view.phases),
                             "search": view.search, "lang": view.lang})
    if view.project:
        st.session_state[PROJECT] = view.project
    st.session_state[URL_NOTICES] = notices
    st.session_state[URL_VIEW] = view


def view_to_url(view: View, lang: str) -> None:
    """Every change shows in the URL (only what differs from the defaults); the notices about a
    shared URL's ignored values stay until the planner changes the view."""
    params = params_from_view(view)
    if {k: ",".join(st.query_params.get_all(k)) for k in st.query_params} != params:
        st.query_params.from_dict(params)
    notices = st.session_state.get(URL_NOTICES, ())
    if notices and view == st.session_state.get(URL_VIEW):
        with st.container(border=True, key="url_notices"):
            st.markdown(f":material/warning: **{ui('url_notice', lang)}**")
            for notice in notices:
                st.text(notice_text(notice, lang))


@st.cache_resource(max_entries=2, show_spinner=False)
def _map_data(version: tuple[tuple[str, int, int], ...], gcj02: bool) -> MapData:
    """The compact map data of the whole catalogue, once per server and data version (and datum)."""
    data = _app_data(version)
    return map_data_from_frames(data.projects, data.boundaries, lines=data.lines, gcj02=gcj02)


def sidebar(frame: gpd.GeoDataFrame, known: Vocabularies) -> tuple[Filters, MapOptions, str]:
    """All the chrome: language, filters (counts beside them), colour scheme and basemap."""
    with st.sidebar:
        lang = st.radio(ui("language", "zh"), ["zh", "en"], horizontal=True, key="lang",
                        format_func=lambda v: "中文" if v == "zh" else "English")
        everything = ui("all", lang)
        regions, region_slot = _facet("regions", "region", list(known.regions), lang, ui("all_regions", lang))
        categories, category_slot = _facet("categories", "category", list(known.categories), lang, everything)
        statuses, status_slot = _facet("statuses", "status", list(known.statuses), lang, everything)
        _, high = power_range(frame)
        power = st.slider(ui("capacity", lang), 0.0, float(max(high, 1.0)), (0.0, float(max(high, 1.0))),
                          key="power")
        no_capacity = st.checkbox(ui("include_no_capacity", lang), value=True, key="no_capacity")
        year = st.slider(ui("year", lang), YEAR_MIN, YEAR_MAX, key="year")  # starts from the URL's view
        phases, phase_slot = _facet("phases", "phase", [p.value for p in Phase], lang, everything)
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
    counts = facet_counts_all(frame, filters)
    for slot, kind, column, chosen in ((region_slot, "region", "region", filters.regions),
                                       (category_slot, "category", "category", filters.categories),
                                       (status_slot, "status", "status", filters.statuses),
                                       (phase_slot, "phase", TIMELINE_PHASE, filters.phases)):
        names = {code: region_label(code, lang) for code in known.regions} if kind == "region" else None
        slot.caption(counted_labels(kind, counts[column], lang, chosen=chosen, names=names))
    options = MapOptions(colour_by=colour_by, basemap=basemap, lang=lang, tianditu_key=SETTINGS.tianditu_key)
    return filters, options, lang


def detail_panel(data: AppData, shown: gpd.GeoDataFrame, project_id: str | None, lang: str, year: int) -> None:
    """The card of the chosen project (geo.card); every data string goes out as plain text."""
    st.subheader(ui("detail", lang))
    frame = data.projects
    if not project_id or not (frame["id"] == project_id).any():
        st.caption(ui("detail_hint", lang))
        return
    if not (shown["id"] == project_id).any():
        st.caption(ui("outside_filters", lang))
        row = frame[frame["id"] == project_id].iloc[0]
    else:  # a stack of projects at one county or region point: only its top marker can be clicked
        row = shown[shown["id"] == project_id].iloc[0]
        stack = sharing_point(shown, project_id)
        if len(stack) > 1:
            names = dict(zip(frame["id"], frame["name_zh"], strict=True))
            st.selectbox(f"{ui('same_point', lang)} ({len(stack)})", stack, index=stack.index(project_id),
                         key=f"stack-{project_id}", format_func=lambda i: f"{i} {names[i]}",
                         on_change=choose_from_stack, args=(f"stack-{project_id}",))
    card = card_from_project(row.to_dict(), lang, plan=data.plans.get(str(row["plan"])), year=year)
    with st.container(key="card"):
        if not row.get("reviewed", True):
            st.warning(ui("unreviewed", lang))
        for name in card.names:
            st.text(name)
        st.text(f"{card.id} · {region_label(str(row['region']), lang)}")
        for fact in card.facts:  # label above value: the panel is narrow
            st.caption(fact.label)
            st.text(fact.text)
        st.markdown(f"**{ui('quote', lang)}**")
        with st.container(border=True):
            st.text(card.quote)
            st.caption(ui("plan_title", lang))
            st.text(card.plan)
        if card.passage is not None:
            with st.expander(ui("read_in_plan", lang)):
                if card.passage.headings:
                    st.text(" › ".join(card.passage.headings))
                st.text(card.passage.before)
                with st.container(border=True):
                    st.text(card.passage.quote)
                st.text(card.passage.after)
        if card.notes:
            with st.expander(ui("notes", lang)):
                st.text(card.notes)


def summary_tab(frame: gpd.GeoDataFrame, targets: pd.DataFrame, all_regions: tuple[str, ...],
                regions: tuple[str, ...], lang: str) -> None:
    """Per region: projects by category, status and precision, capacity by category, targets beside
    the catalogued capacity; a chart only where there is data (geo.summary)."""
    titles = chart_labels(lang)
    for region in regions or all_regions:
        summary = region_summary(frame, targets, region, lang)
        if summary.counts["category"].empty:
            continue
        st.subheader(region_label(region, lang))
        cols = st.columns(3)
        for col, kind in zip(cols, ("category", "status", "precision"), strict=True):
            with col:
                st.caption(ui(f"by_{kind}", lang))
                st.bar_chart(summary.counts[kind], x="label", y="projects", horizontal=True, x_label=titles["projects"],
                             y_label="", height=max(120, 28 * len(summary.counts[kind])))
        st.caption(ui("capacity_by_category", lang))
        if summary.capacity.empty:
            st.text(ui("no_capacity", lang))
        else:
            st.bar_chart(summary.capacity, x="label", y="MW", horizontal=True, x_label=titles["MW"], y_label="",
                         height=max(120, 28 * len(summary.capacity)))
        st.caption(ui("targets_vs", lang))
        if summary.targets.empty:
            st.text(ui("no_targets", lang))
            continue
        chart = summary.targets.rename(columns=titles)
        st.bar_chart(chart, x="label", y=[titles["target"], titles["catalogued"]], stack=False, horizontal=True,
                     x_label=titles["MW"], y_label="", height=max(140, 56 * len(chart)))
        st.dataframe(chart.rename(columns={"label": ui("indicator", lang)}), hide_index=True, width="stretch",
                     column_config={titles["target"]: st.column_config.NumberColumn(format="localized"),
                                    titles["catalogued"]: st.column_config.NumberColumn(format="localized")})


def table_config(lang: str) -> dict[str, object]:
    """Streamlit column settings from geo.table: headers in the interface language, years without
    separators, capacities with them."""
    config: dict[str, object] = {}
    for column in COLUMNS:
        if column.kind == "year":
            config[column.key] = st.column_config.NumberColumn(column.header(lang), format="%d")
        elif column.kind == "number":
            config[column.key] = st.column_config.NumberColumn(column.header(lang), format="localized")
        else:
            config[column.key] = st.column_config.TextColumn(column.header(lang),
                                                             width="large" if column.key == "name" else None)
    return config


def choose_from_stack(key: str) -> None:
    """Callback of the list of projects that share the chosen one's point."""
    st.session_state[PROJECT] = st.session_state[key]


def choose_from_table(table_key: str, shown_ids: tuple[str, ...]) -> None:
    """Callback of a click on a table row: it selects the project of the row that was shown."""
    rows = st.session_state[table_key].selection.rows
    if rows and rows[0] < len(shown_ids):
        st.session_state[PROJECT] = shown_ids[rows[0]]


def main() -> None:
    st.html(COMPACT)
    try:  # files missing, or the database (CPM_DATABASE_URL) unreachable or not published
        data = app_data()
    except GeoError as err:
        st.error(f"{ui('data_unavailable', 'zh')} / {ui('data_unavailable', 'en')}")
        st.text(str(err))  # plain text: a message may hold markdown characters
        st.stop()
    frame = data.projects
    known = _vocabularies(data_version(SETTINGS))
    view_from_url(known)
    filters, options, lang = sidebar(frame, known)
    st.sidebar.text(f"{ui('data_source', lang)}: {data.source}")  # below the chrome: the map keeps its place
    head, counter = st.columns([5, 1], vertical_alignment="center")  # one compact row: the map comes first
    head.subheader(ui("title", lang))
    head.caption(ui("subtitle", lang))
    view_to_url(view_from_filters(filters, lang=lang, project=st.session_state.get(PROJECT)), lang)
    selection = filter_projects(frame, filters)
    counter.metric(ui("projects_shown", lang), f"{len(selection)} / {len(frame)}")
    ids = tuple(selection["id"])
    left, right = st.columns([5, 2], gap="medium")
    with left:
        # the map is always drawn (its iframe, zoom and pan survive); the table and the summary's
        # charts are built only while their tab is open (a tab change reruns the script)
        _open_tab_in(lang)
        map_tab, table_tab, summary = st.tabs([ui(name, lang) for name in TABS], key=VIEW_TAB, on_change="rerun")
        with map_tab:
            if selection.empty:
                st.info(ui("nothing", lang))
            compact = _map_data(data_version(SETTINGS), options.basemap == "gaode")
            clicked = map_component(compact, selection, data.boundaries, options,
                                    selected=st.session_state.get(PROJECT), fit_regions=filters.regions, key="map")
            if clicked:
                st.session_state[PROJECT] = clicked
        with table_tab:
            if table_tab.open:
                table_and_downloads(data, selection, ids, lang)
        with summary:
            if summary.open:
                summary_tab(selection, data.targets, data.regions, filters.regions, lang)
    with right:
        detail_panel(data, selection, st.session_state.get(PROJECT), lang, filters.year or DEFAULT_YEAR)


def _open_tab_in(lang: str) -> None:
    """The open tab survives a language switch: the tabs' value is the open tab's label, so a label
    of the other language is put into this one before the tabs are drawn."""
    open_tab = st.session_state.get(VIEW_TAB)
    for name in TABS:
        if open_tab in {ui(name, other) for other in LANGUAGES}:
            st.session_state[VIEW_TAB] = ui(name, lang)


def table_and_downloads(data: AppData, selection: gpd.GeoDataFrame, ids: tuple[str, ...], lang: str) -> None:
    """The table of the selection (a row click chooses its project) and the download buttons."""
    shown = table_frame(selection, lang)
    # a new key for each selection: a row chosen in another selection never carries over to this one
    table_key = f"table-{hashlib.sha1(' '.join(ids).encode()).hexdigest()[:12]}"
    st.dataframe(shown, hide_index=True, width="stretch", selection_mode="single-row", key=table_key,
                 on_select=partial(choose_from_table, table_key, ids), column_config=table_config(lang))
    downloads(data, ids, lang)


main()
