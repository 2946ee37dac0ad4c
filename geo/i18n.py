"""Interface labels in Chinese and English, and the translation of vocabulary values.

Only interface words live here; data (names, quotes) is shown as the plans give it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .vocabulary import Action, Category, Precision, Status

if TYPE_CHECKING:
    from collections.abc import Mapping

LANGUAGES = ("zh", "en")

_UI: dict[str, tuple[str, str]] = {
    "title": ("碳达峰项目地图", "Carbon-Peak Project Map"),
    "subtitle": ("各地区碳达峰方案中的具体项目——每个项目附方案原文", "Concrete projects of the regions' carbon-peak plans — each with the plan's own sentence"),
    "language": ("语言 / Language", "Language / 语言"),
    "data_source": ("数据来源", "Data source"),
    "data_unavailable": ("无法读取数据", "The data cannot be read"),
    "filters": ("筛选", "Filters"),
    "all": ("全部", "All"),
    "url_notice": ("网址中的部分设置无法识别，已忽略：", "Some settings in the URL were not understood and are ignored:"),
    "region": ("地区", "Region"),
    "all_regions": ("全部地区", "All regions"),
    "category": ("类别", "Category"),
    "status": ("状态", "Status"),
    "capacity": ("装机容量 (MW)", "Power capacity (MW)"),
    "include_no_capacity": ("包括未注明容量的项目", "Include projects without a stated capacity"),
    "year": ("时间轴年份", "Timeline year"),
    "phases": ("该年份的进度", "Phase in that year"),
    "search": ("按名称搜索", "Search by name"),
    "search_help": ("中文或英文名称、编号", "Chinese or English name, or id"),
    "colour_by": ("着色依据", "Colour by"),
    "basemap": ("底图", "Basemap"),
    "projects_shown": ("显示项目", "Projects shown"),
    "map": ("地图", "Map"),
    "table": ("项目表", "Table"),
    "summary": ("地区概要", "Regional summary"),
    "detail": ("项目详情", "Project detail"),
    "outside_filters": ("该项目不在当前筛选结果中。", "This project is outside the current filters."),
    "same_point": ("同一位置的项目", "Projects at this point"),
    "detail_hint": ("点击地图上的项目或表格中的一行查看详情。", "Click a project on the map or a row of the table to see its detail."),
    "quote": ("方案原文", "The plan's words"),
    "downloads": ("下载当前选择", "Download the current selection"),
    "precision_note": ("空心圆：县级或市级代表点，并非项目场址。", "Hollow circle: a county or region representative point, not the site."),
    "capacity_by_category": ("各类别已注明装机容量 (MW)", "Stated power capacity by category (MW)"),
    "targets_vs": ("方案目标与已编目项目容量对比 (MW)", "Plan targets against catalogued capacity (MW)"),
    "no_targets": ("该地区方案没有以兆瓦计的装机目标。", "This plan sets no capacity target in MW."),
    "target": ("目标", "Target"),
    "n_projects": ("项目数", "Projects"),
    "indicator": ("指标", "Indicator"),
    "mw": ("装机容量 (MW)", "Power capacity (MW)"),
    "by_category": ("各类别项目数", "Projects by category"),
    "by_status": ("各状态项目数", "Projects by status"),
    "by_precision": ("各位置精度项目数", "Projects by location precision"),
    "no_capacity": ("所选项目均未注明装机容量。", "No selected project states a power capacity."),
    "catalogued": ("已编目项目", "Catalogued projects"),
    "legend": ("图例", "Legend"),
    "map_area_note": ("阴影区域：县级或市级项目（代表点并非场址），数字为项目数。",
                      "Shaded division: county- or region-wide projects (no site known), with their count."),
    "map_cluster_note": ("圆形数字：重叠的项目，点击展开。", "Numbered disc: projects close together; click to open."),
    "map_boundaries": ("行政边界", "Boundaries"),
    "map_projects": ("项目点", "Project points"),
    "map_areas": ("县级/市级项目区域", "County- and region-wide projects"),
    "map_lines": ("线性工程示意线", "Linear works (schematic lines)"),
    "map_line_note": ("线：线性工程的示意线，经过方案所列地点。", "Line: a linear work, schematic through the places its plan names."),
    "map_in_area": ("个项目位于", "projects in"),
    "nothing": ("没有符合筛选条件的项目。", "No project matches the filters."),
    "tianditu_missing": ("未设置 TIANDITU_KEY，天地图不可用。", "TIANDITU_KEY is not set: Tianditu is unavailable."),
    "gaode_note": ("高德底图为 GCJ-02 坐标：叠加图层已转换为 GCJ-02。", "Gaode tiles are GCJ-02: overlays are shifted to GCJ-02."),
    "source": ("坐标来源", "Coordinate source"),
    "plan_title": ("方案", "Plan"),
    "name": ("项目名称", "Project name"),
    "unreviewed": ("未审核：方案阅读器提取的候选项目，尚未经人工核对。", "Unreviewed: a candidate of the plan reader that no person has checked yet."),
    "plan_words": ("方案原文：", "plan's words: "),
    "programme": ("计划/项目群，非单一场址", "programme, not a single site"),
    "action": ("建设性质", "Action"),
    "capacity_short": ("规模", "Size"),
    "q_power": ("装机", "power"), "q_storage": ("储能", "storage"), "q_voltage": ("电压", "voltage"),
    "q_transformer": ("变电容量", "transformer"), "q_area": ("面积", "area"),
    "q_throughput": ("处理/吞吐", "throughput"), "q_length": ("长度", "length"),
    "timeline": ("时间", "Timeline"),
    "in_year": ("{year} 年：", "in {year}: "),
    "project_phase": ("分期", "Phase of the project"),
    "project_group": ("所属项目群", "Group"),
    "place": ("方案所述地点", "Place in the plan"),
    "precision": ("位置精度", "Location precision"),
    "read_in_plan": ("在方案原文中阅读这一段", "Read the paragraph in the plan"),
    "notes": ("编目说明（英文）", "Curator's note"),
}

_CATEGORY = {
    Category.WIND: ("风电", "Wind"), Category.SOLAR: ("光伏", "Solar"), Category.HYDRO: ("水电", "Hydro"),
    Category.PUMPED_STORAGE: ("抽水蓄能", "Pumped storage"), Category.ENERGY_STORAGE: ("新型储能", "Energy storage"),
    Category.SUBSTATION: ("变电站与电网", "Substations & grid"), Category.WETLAND: ("湿地", "Wetlands"),
    Category.LOGISTICS: ("物流", "Logistics"), Category.PORT_WATERWAY: ("港口航道", "Ports & waterways"),
    Category.TRANSPORT: ("交通", "Transport"), Category.HYDROGEN: ("氢能", "Hydrogen"),
    Category.BIOMASS_WASTE: ("生物质与垃圾发电", "Biomass & waste-to-energy"),
    Category.GEOTHERMAL: ("地热", "Geothermal"), Category.GAS_OIL: ("油气", "Gas & oil"),
    Category.COAL_POWER: ("煤电", "Coal power"), Category.NUCLEAR: ("核电", "Nuclear"), Category.CCUS: ("CCUS", "CCUS"),
    Category.INDUSTRIAL_PARK: ("产业园区", "Industrial parks"), Category.INDUSTRIAL_PLANT: ("工业企业", "Industrial plants"),
    Category.CIRCULAR_ECONOMY: ("循环经济", "Circular economy"), Category.FOREST_ECOLOGY: ("林业生态", "Forests & ecology"),
    Category.EV_CHARGING: ("充换电设施", "EV charging"), Category.DISTRICT_ENERGY: ("区域能源", "District energy"),
    Category.OTHER: ("其他", "Other"),
}
_STATUS = {
    Status.ANNOUNCED: ("已提出", "Announced"), Status.PRE_CONSTRUCTION: ("前期", "Pre-construction"),
    Status.CONSTRUCTION: ("在建/推进", "Construction"), Status.OPERATING: ("运行", "Operating"),
    Status.SHELVED: ("搁置", "Shelved"), Status.CANCELLED: ("取消", "Cancelled"), Status.RETIRED: ("退役", "Retired"),
    Status.PROTECTION: ("保护修复", "Protection"),
}
_PRECISION = {
    Precision.EXACT: ("精确", "Exact site"), Precision.SITE: ("场址", "Site"), Precision.TOWN: ("乡镇", "Town"),
    Precision.CORRIDOR: ("走廊示意线", "Corridor"),
    Precision.COUNTY: ("县级代表点", "County point"), Precision.REGION: ("市/区级代表点", "Region point"),
}
_ACTION = {
    Action.NEW: ("新建", "new"), Action.EXPANSION: ("扩建", "expansion"), Action.UPGRADE: ("改造升级", "upgrade"),
    Action.CONVERSION: ("转换", "conversion"), Action.RELOCATION: ("搬迁", "relocation"),
    Action.RESTORATION: ("修复", "restoration"), Action.PROTECTION: ("保护", "protection"),
    Action.CLOSURE: ("关停", "closure"), Action.OPERATION: ("运行", "operation"),
}
_PHASE = {
    "due": ("到期（应已完成）", "due by then"), "under_way": ("推进中", "under way"),
    "planned": ("计划中（之后）", "planned later"), "no_year": ("未注明年份", "no year stated"),
}
_INDICATOR = {
    "wind_capacity": ("风电装机", "Wind capacity"), "solar_capacity": ("光伏装机", "Solar capacity"),
    "hydro_capacity": ("水电装机", "Hydro capacity"), "biomass_capacity": ("生物质发电装机", "Biomass capacity"),
    "new_energy_capacity": ("新能源装机", "New-energy capacity"),
    "renewable_capacity": ("可再生能源装机", "Renewable capacity"),
    "clean_energy_capacity": ("清洁能源装机", "Clean-energy capacity"),
    "storage_capacity": ("新型储能规模", "Energy storage capacity"),
    "pumped_storage_capacity": ("抽水蓄能装机", "Pumped-storage capacity"),
}
_COLOUR_BY = {"category": ("类别", "Category"), "status": ("状态", "Status"), "phase": ("时间进度", "Timeline phase")}
_BASEMAP = {
    "carto": ("浅色底图 (CartoDB)", "Light (CartoDB)"), "osm": ("OpenStreetMap", "OpenStreetMap"),
    "satellite": ("卫星影像 (Esri)", "Satellite (Esri)"), "tianditu": ("天地图", "Tianditu"),
    "gaode": ("高德 (GCJ-02)", "Gaode (GCJ-02)"), "none": ("无底图", "No basemap"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def ui(key: str, lang: str) -> str:
    """An interface label."""
    return _pick(_UI[key], lang)


def label(kind: str, value: str, lang: str) -> str:
    """The label of a vocabulary value (``kind``: category, status, precision, action, phase,
    colour_by, basemap); unknown values are shown as they are. Region names come from the plan
    register (:meth:`geo.plans.PlanSource.region_name`), not from here."""
    pair = _LABELS[kind].get(value)
    return _pick(pair, lang) if pair else value


#: every vocabulary's labels, keyed by the plain value
_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "category": {k.value: v for k, v in _CATEGORY.items()},
    "status": {k.value: v for k, v in _STATUS.items()},
    "precision": {k.value: v for k, v in _PRECISION.items()},
    "action": {k.value: v for k, v in _ACTION.items()},
    "phase": _PHASE, "indicator": _INDICATOR, "colour_by": _COLOUR_BY, "basemap": _BASEMAP,
}


def region_name(row: Mapping[str, Any], lang: str) -> str:
    """A project's region in ``lang`` from the names its row carries (``region_zh``,
    ``region_en``: the plan register's, written into every layer by the build), else its code.

    Region names are never kept here: the register (:meth:`geo.plans.PlanSource.region_name`) is
    their one source, for the filters as for the rows."""
    name = row.get("region_zh" if lang == "zh" else "region_en")
    return name if isinstance(name, str) and name else str(row.get("region", ""))


def counted_labels(kind: str, counts: dict[str, int], lang: str, *, chosen: tuple[str, ...] = (),
                   limit: int = 6, names: Mapping[str, str] | None = None) -> str:
    """``风电 5 · 光伏 3 · +4``: the chosen values of a vocabulary with their counts, then the others
    largest first, at most ``limit`` in all (then ``+N``); the text beside a filter, whose own
    labels stay fixed. ``names`` labels the values instead of the vocabulary ``kind`` (regions:
    the register's names)."""
    order = [v for v in chosen if v in counts] + [v for v, n in counts.items() if n and v not in chosen]
    items = [f"{names.get(value, value) if names is not None else label(kind, value, lang)} {counts[value]}"
             for value in order]
    more = len(items) - max(limit, len(chosen))
    shown = " · ".join(items[:max(limit, len(chosen))])
    return f"{shown} · +{more}" if more > 0 else shown or ("无" if lang == "zh" else "none")
