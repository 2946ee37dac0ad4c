"""The app's map as it was before geo.mapcomponent, for bench/app.py only: the full folium map
rebuilt and re-sent on every change (streamlit-folium), with the same search box.

Run by bench/app.py with ``CPM_ROOT`` naming the project root to read. Never used by the app.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st
from streamlit_folium import st_folium

from geo.boundaries import boundaries_from_dir
from geo.layers import boundaries_frame, projects_from_layers
from geo.mapstyle import MapOptions
from geo.mapview import build_map
from geo.query import Filters, filter_projects
from geo.settings import load_settings

st.set_page_config(layout="wide")
SETTINGS = load_settings()


@st.cache_data(show_spinner=False)
def _load(layers: str, boundaries: str):  # type: ignore[no-untyped-def]
    folder = Path(boundaries)
    return projects_from_layers(Path(layers)), boundaries_frame(boundaries_from_dir(folder, level="region"),
                                                                boundaries_from_dir(folder, level="county"))


frame, bounds = _load(str(SETTINGS.layers_dir), str(SETTINGS.boundaries_dir))
search = st.text_input("search", key="search")
selection = filter_projects(frame, Filters(search=search))
st.metric("shown", f"{len(selection)} / {len(frame)}")
st_folium(build_map(selection, bounds, MapOptions()), key="map", height=560, use_container_width=True,
          returned_objects=[])
