"""The Streamlit app through AppTest: widgets, state, counts, detail and downloads."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from .conftest import COUNTS, ROOT, TOTAL, ZHUZHOU, ZHUZHOU_PUMPED

KUNDULUN = sum(n for (region, _), n in COUNTS.items() if region == "KUNDULUN")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """Bytes handed to download buttons, by file name."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self: Any, path_or_data: Any, mimetype: str, kind: Any, filename: str | None = None) -> str:
        if isinstance(path_or_data, bytes) and filename:
            files[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    yield files


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _shown(at: AppTest) -> str:
    return str(at.metric[0].value)


def test_starts_with_every_project(app: AppTest) -> None:
    assert _shown(app) == f"{TOTAL} / {TOTAL}"
    assert app.title[0].value == "碳达峰项目地图"


def test_filters_change_the_counts(app: AppTest) -> None:
    app.multiselect(key="regions").set_value(["ZHUZHOU"]).run()
    assert _shown(app) == f"{ZHUZHOU} / {TOTAL}"
    # live counts in the category options follow the region
    options = app.multiselect(key="categories").options
    assert any(o.startswith(f"抽水蓄能 ({ZHUZHOU_PUMPED})") for o in options)
    app.multiselect(key="categories").set_value(["pumped_storage"]).run()
    assert ZHUZHOU_PUMPED >= 2 and _shown(app) == f"{ZHUZHOU_PUMPED} / {TOTAL}"
    app.text_input(key="search").set_value("罗萍江").run()
    assert _shown(app) == f"1 / {TOTAL}"


def test_phase_options_count_the_chosen_year(app: AppTest) -> None:
    def counts() -> dict[str, int]:
        return {o.split(" (")[0]: int(o.rsplit("(", 1)[1].rstrip(")")) for o in app.multiselect(key="phases").options}

    app.slider(key="year").set_value(2021).run()
    early = counts()
    app.slider(key="year").set_value(2030).run()
    late = counts()
    assert early != late and sum(early.values()) == sum(late.values()) == TOTAL


def test_timeline_year_and_phase(app: AppTest) -> None:
    app.slider(key="year").set_value(2024).run()
    app.multiselect(key="phases").set_value(["due"]).run()
    due_2024 = int(_shown(app).split(" / ")[0])
    app.slider(key="year").set_value(2025).run()
    due_2025 = int(_shown(app).split(" / ")[0])
    assert due_2024 < due_2025
    app.multiselect(key="phases").set_value(["planned"]).run()
    planned_2025 = int(_shown(app).split(" / ")[0])
    app.slider(key="year").set_value(2021).run()
    assert int(_shown(app).split(" / ")[0]) >= planned_2025


def test_language_switch(app: AppTest) -> None:
    app.radio(key="lang").set_value("en").run()
    assert app.title[0].value == "Carbon-Peak Project Map"
    assert app.multiselect(key="regions").label == "Region"


def test_selection_shows_the_detail(app: AppTest) -> None:
    app.session_state["project"] = "ZHUZHOU-020"
    app.run()
    texts = [t.value for t in app.text]
    name = next(t for t in texts if t.startswith("炎陵县罗萍江抽水蓄能项目"))  # the name leads the detail
    assert "ZHUZHOU-020" in name and "抽水蓄能" in name
    assert any("加快炎陵县罗萍江120万千瓦抽水蓄能项目" in t for t in texts)
    assert any("株洲市碳达峰实施方案" in t for t in texts)
    assert any("乡镇" in t and "Zhongcun" in t for t in texts)  # precision and geocoding source


def test_projects_stacked_at_one_point_can_each_be_chosen(app: AppTest) -> None:
    # ZHUZHOU-021 (攸县广寒坪) sits at the 攸县 county point with other 攸县 projects
    points = gpd.read_file(ROOT / "layers" / "projects.geojson")
    mine = points[points["id"] == "ZHUZHOU-021"].geometry.iloc[0]
    stacked = points[(points.geometry.x == mine.x) & (points.geometry.y == mine.y)]
    assert len(stacked) > 1
    app.session_state["project"] = "ZHUZHOU-021"
    app.run()
    box = app.selectbox(key="stack-ZHUZHOU-021")
    assert sorted(box.options) == sorted(f"{i} {n}" for i, n in zip(stacked["id"], stacked["name_zh"], strict=True))
    other = next(i for i in stacked["id"] if i != "ZHUZHOU-021")
    box.select_index(list(stacked["id"]).index(other)).run()
    assert app.session_state["project"] == other
    assert any(t.value.startswith(str(stacked.loc[stacked["id"] == other, "name_zh"].iloc[0])) for t in app.text)


def test_downloads_produce_valid_files(captured: dict[str, bytes], tmp_path: Any) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.multiselect(key="regions").set_value(["KUNDULUN"]).run()
    buttons = {b.label for b in at.get("download_button")}
    assert buttons == {"GEOJSON", "GPKG", "CSV"}
    geojson = json.loads(captured["carbon_peak_projects.geojson"])
    assert len(geojson["features"]) == KUNDULUN
    assert {f["properties"]["region"] for f in geojson["features"]} == {"KUNDULUN"}
    (tmp_path / "d.gpkg").write_bytes(captured["carbon_peak_projects.gpkg"])
    gpkg = gpd.read_file(tmp_path / "d.gpkg", layer="projects")
    assert len(gpkg) == KUNDULUN
    csv = pd.read_csv(io.BytesIO(captured["carbon_peak_projects.csv"]), encoding="utf-8-sig")
    assert len(csv) == KUNDULUN and {"lon", "lat", "wkt"} <= set(csv.columns)


def test_summary_tab_sets_targets_against_catalogue(app: AppTest) -> None:
    app.multiselect(key="regions").set_value(["ZHUZHOU"]).run()
    assert not app.exception
    headers = [s.value for s in app.subheader]
    assert "株洲市" in headers
    assert any("new_energy_capacity" in str(df.value["indicator"].tolist()) for df in app.dataframe
               if "indicator" in getattr(df.value, "columns", []))


def test_template_and_html_payloads_in_every_field_stay_text(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jinja and HTML in every text field of a project: the app runs, shows each literally, evaluates nothing."""
    import shutil

    from .payloads import PAYLOADS, TEXT_FIELDS

    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "layers", tmp_path / "layers")
    path = tmp_path / "layers" / "projects.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    target = "ZHUZHOU-020"
    values: dict[str, str] = {}
    for feature in doc["features"]:
        if feature["properties"]["id"] == target:
            for i, field in enumerate(TEXT_FIELDS):
                values[field] = f"{PAYLOADS[i % len(PAYLOADS)]} {field}"
                feature["properties"][field] = values[field]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("CPM_ROOT", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["project"] = target
    at.run()
    assert not at.exception, at.exception
    texts = "\n".join(t.value for t in at.text)
    for field in ("name_zh", "name_en", "quote", "plan_title", "geocode_source"):
        assert values[field] in texts, field
    table = next(d.value for d in at.dataframe if "field" in d.value.columns)
    shown = dict(zip(table["field"], table["value"], strict=True))
    for field, value in values.items():
        assert shown[field] == value, field
    assert "49 " not in texts
    markdown = "\n".join(m.value for m in at.markdown)
    assert not any(v in markdown for v in values.values())  # data never goes through markdown
