"""The Streamlit app through AppTest: widgets, state, counts, detail and downloads."""

from __future__ import annotations

import json
import re
from typing import Any

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n import label
from geo.layers import projects_from_layers
from geo.query import Filters, filter_projects
from geo.vocabulary import Status

from .conftest import COUNTS, ROOT, TOTAL, ZHUZHOU, ZHUZHOU_PUMPED

KUNDULUN = sum(n for (region, _), n in COUNTS.items() if region == "KUNDULUN")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


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
    assert app.subheader[0].value == "碳达峰项目地图"


def test_filters_change_the_counts(app: AppTest) -> None:
    app.multiselect(key="regions").set_value(["ZHUZHOU"]).run()
    assert _shown(app) == f"{ZHUZHOU} / {TOTAL}"
    # fixed labels (a label that changes makes Streamlit drop the choice); counts in the caption below
    assert "抽水蓄能" in app.multiselect(key="categories").options
    top, n = max(((c, n) for (r, c), n in COUNTS.items() if r == "ZHUZHOU"), key=lambda x: x[1])
    assert any(c.value.startswith(f"{label('category', top, 'zh')} {n} · ") for c in app.caption)
    app.multiselect(key="categories").set_value(["pumped_storage"]).run()
    assert any(c.value.startswith(f"抽水蓄能 {ZHUZHOU_PUMPED} · ") for c in app.caption)  # the chosen come first
    assert ZHUZHOU_PUMPED >= 2 and _shown(app) == f"{ZHUZHOU_PUMPED} / {TOTAL}"
    app.text_input(key="search").set_value("罗萍江").run()
    assert _shown(app) == f"1 / {TOTAL}"


def _count(filters: Filters) -> int:
    return len(filter_projects(projects_from_layers(ROOT / "layers"), filters))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_filters_hold_under_any_order_of_changes(app: AppTest, lang: str) -> None:
    app.radio(key="lang").set_value(lang).run()
    app.multiselect(key="categories").set_value(["wind"]).run()
    app.multiselect(key="regions").set_value(["YUNCHENG"]).run()
    assert _shown(app) == f"{_count(Filters(regions=('YUNCHENG',), categories=('wind',)))} / {TOTAL}"
    app.multiselect(key="regions").set_value(["YUNCHENG", "ZHUZHOU"]).run()
    wind = _count(Filters(regions=("YUNCHENG", "ZHUZHOU"), categories=("wind",)))
    assert wind == COUNTS["YUNCHENG", "wind"] + COUNTS["ZHUZHOU", "wind"] and _shown(app) == f"{wind} / {TOTAL}"
    assert app.multiselect(key="categories").value == ["wind"]
    app.multiselect(key="categories").set_value([]).run()
    app.multiselect(key="regions").set_value([]).run()
    app.multiselect(key="phases").set_value(["under_way"]).run()
    app.slider(key="year").set_value(2021).run()
    app.slider(key="year").set_value(2035).run()
    assert app.multiselect(key="phases").value == ["under_way"]
    assert _shown(app) == f"{_count(Filters(year=2035, phases=('under_way',)))} / {TOTAL}"


def test_phase_counts_follow_the_chosen_year(app: AppTest) -> None:
    def phase_caption() -> str:
        return next(c.value for c in app.caption if "推进中" in c.value)

    app.slider(key="year").set_value(2021).run()
    early = phase_caption()
    app.slider(key="year").set_value(2030).run()
    late = phase_caption()
    frame = projects_from_layers(ROOT / "layers")
    assert f"推进中 {len(filter_projects(frame, Filters(year=2021, phases=('under_way',))))}" in early
    assert f"推进中 {len(filter_projects(frame, Filters(year=2030, phases=('under_way',))))}" in late
    assert early != late
    assert app.multiselect(key="phases").options == ["到期（应已完成）", "推进中", "计划中（之后）", "未注明年份"]


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
    assert app.subheader[0].value == "Carbon-Peak Project Map"
    assert app.multiselect(key="regions").label == "Region"


def test_the_open_tab_survives_a_language_switch(app: AppTest) -> None:
    app.session_state["view_tab"] = "项目表"   # the planner reads the table
    app.run()
    assert app.dataframe
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.session_state["view_tab"] == "Table"
    assert any("status" in getattr(df.value, "columns", []) for df in app.dataframe)   # still the table, built
    app.radio(key="lang").set_value("zh").run()
    assert app.session_state["view_tab"] == "项目表" and app.dataframe


def test_selection_shows_the_card(app: AppTest) -> None:
    app.session_state["project"] = "ZHUZHOU-020"
    app.run()
    texts = [t.value for t in app.text]
    at = texts.index("炎陵县罗萍江抽水蓄能项目")  # the card starts with the names, in full
    assert texts[at:at + 3] == ["炎陵县罗萍江抽水蓄能项目", "Luopingjiang Pumped Storage Power Station",
                                "ZHUZHOU-020 · 株洲市"]
    assert "装机 1,200 MW · 方案原文：120万千瓦" in texts and "在建/推进 · 方案原文：建设进度" in texts
    assert any(t.startswith("加快炎陵县罗萍江120万千瓦抽水蓄能项目") for t in texts)
    assert "株洲市碳达峰实施方案 (株政发〔2023〕9号)" in texts
    assert any(t.startswith("乡镇") and "10" in t for t in texts)  # precision with its radius (10 km for a town)
    assert any("Zhongcun" in t for t in texts)  # geocoding source
    assert "三、重点任务 › (一)能源结构低碳转型" in texts  # the quote in its paragraph of the plan
    assert not any(t == "None" or "None" in t.split() for t in texts)
    assert not [df for df in app.dataframe if "field" in getattr(df.value, "columns", [])]  # no raw grid


def test_projects_stacked_at_one_point_can_each_be_chosen(app: AppTest) -> None:
    # ZHUZHOU-038 (攸县石漠化综合治理) sits at the 攸县 county point with other 攸县 projects
    points = gpd.read_file(ROOT / "layers" / "projects.geojson")
    mine = points[points["id"] == "ZHUZHOU-038"].geometry.iloc[0]
    stacked = points[(points.geometry.x == mine.x) & (points.geometry.y == mine.y)]
    assert len(stacked) > 1
    app.session_state["project"] = "ZHUZHOU-038"
    app.run()
    box = app.selectbox(key="stack-ZHUZHOU-038")
    assert sorted(box.options) == sorted(f"{i} {n}" for i, n in zip(stacked["id"], stacked["name_zh"], strict=True))
    other = next(i for i in stacked["id"] if i != "ZHUZHOU-038")
    box.select_index(list(stacked["id"]).index(other)).run()
    assert app.session_state["project"] == other
    assert any(t.value.startswith(str(stacked.loc[stacked["id"] == other, "name_zh"].iloc[0])) for t in app.text)


def test_downloads_are_offered_in_five_formats_and_built_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import geo.export

    built: list[str] = []
    original = geo.export.export_to_bytes

    def spy(selection: Any, fmt: Any, **kwargs: Any) -> Any:
        built.append(str(fmt))
        return original(selection, fmt, **kwargs)

    monkeypatch.setattr(geo.export, "export_to_bytes", spy)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.get("download_button") and not at.dataframe  # the map's tab is open: no table is built
    at.session_state["view_tab"] = "项目表"  # the planner opens the table's tab
    at.run()
    at.multiselect(key="regions").set_value(["KUNDULUN"]).run()
    at.multiselect(key="regions").set_value(["KUNDULUN", "JINSHI"]).run()
    assert not at.exception
    buttons = {b.label for b in at.get("download_button")}
    assert buttons == {"GeoJSON", "GeoPackage", "CSV", "Shapefile (zip)", "KML"}
    assert built == []  # three selections, no download asked for: nothing was built


def test_summary_and_table_speak_the_interface_language(app: AppTest) -> None:
    app.multiselect(key="regions").set_value(["ZHUZHOU"]).run()
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert "Zhuzhou" not in [s.value for s in app.subheader]  # the summary's tab is closed: nothing built
    app.session_state["view_tab"] = "Regional summary"
    app.run()
    assert "Zhuzhou" in [s.value for s in app.subheader]
    frames = [df.value for df in app.dataframe]
    targets = next(df for df in frames if "Catalogued projects" in df.columns)
    assert "New-energy capacity 2025" in set(targets["Indicator"])
    assert not any(re.search(r"[\u4e00-\u9fff]", str(v)) for v in targets["Indicator"])  # no Chinese label in English
    app.session_state["view_tab"] = "Table"
    app.run()
    frames = [df.value for df in app.dataframe]
    table = next(df for df in frames if "status" in df.columns and len(df) == ZHUZHOU)
    assert set(table["status"]) <= {label("status", s.value, "en") for s in Status}
    assert not {"other", "operating", "county"} & (set(table["category"]) | set(table["status"])
                                                    | set(table["precision"]))
    assert list(table.columns[:4]) == ["name", "region", "category", "status"]


def _opened(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_shared_url_opens_its_view() -> None:
    at = _opened(region="YUNCHENG,ZHUZHOU", category="wind", project="ZHUZHOU-002", lang="en")
    wind = COUNTS["YUNCHENG", "wind"] + COUNTS["ZHUZHOU", "wind"]
    assert _shown(at) == f"{wind} / {TOTAL}"
    assert at.subheader[0].value == "Carbon-Peak Project Map"
    assert at.multiselect(key="regions").value == ["YUNCHENG", "ZHUZHOU"]
    assert any(t.value.startswith("甘田太湖风电项目") or "Gantian Taihu Wind Power Project" in t.value for t in at.text)
    # a change in a widget shows in the URL
    at.multiselect(key="regions").set_value(["ZHUZHOU"]).run()
    assert dict(at.query_params) == {"region": "ZHUZHOU", "category": "wind", "lang": "en", "project": "ZHUZHOU-002"}


def test_bad_url_values_are_ignored_with_a_notice() -> None:
    at = _opened(region="YUNCHENG,ATLANTIS", year="3000", lang="xx", category="{{7*7}}", project="<b>x</b>")
    assert _shown(at) == f"{sum(n for (r, _), n in COUNTS.items() if r == 'YUNCHENG')} / {TOTAL}"
    notices = [t.value for t in at.text]
    assert "region=ATLANTIS: 未知的值，已忽略" in notices and "category={{7*7}}: 未知的值，已忽略" in notices
    assert any(n.startswith("year=3000") for n in notices) and any(n.startswith("project=<b>x</b>") for n in notices)
    assert at.subheader[0].value == "碳达峰项目地图"
    # the bad values leave the URL; the notice goes once the planner changes the view
    assert dict(at.query_params) == {"region": "YUNCHENG"}
    at.multiselect(key="regions").set_value([]).run()
    assert not any(t.value.startswith("region=ATLANTIS") for t in at.text)


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
    at.session_state["view_tab"] = "项目表"
    at.run()
    assert not at.exception, at.exception
    texts = "\n".join(t.value for t in at.text)
    for field in ("name_zh", "name_en", "quote", "plan_title", "geocode_source"):
        assert values[field] in texts, field
    table = next(d.value for d in at.dataframe if "name" in d.value.columns)  # the table shows the name as data
    assert values["name_zh"] in set(table["name"])
    assert "49 " not in texts
    markdown = "\n".join(m.value for m in at.markdown)
    assert not any(v in markdown for v in values.values())  # data never goes through markdown
