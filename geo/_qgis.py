"""QGIS documents stored inside the published GeoPackage: layer styles (QML) and layer metadata (QMD).

QGIS reads a layer's default style from the GeoPackage's ``layer_styles`` table and its metadata
from ``gpkg_metadata`` rows whose standard is ``http://mrcc.com/qgis.dtd``; a GIS user who opens
the file gets projects coloured by category, county and region points drawn as hollow dashed
rings (they are not sites), finer points filled, and Chinese labels. Built with ElementTree, so
every text from the registry is escaped as XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable

from .fields import AREAS, BOUNDARIES, DATASET, LINES, PROJECTS, Field, Table
from .vocabulary import CATEGORY_COLOURS, DEFINITIONS, Category, Precision

QGIS_DTD = "http://mrcc.com/qgis.dtd"
_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
#: fonts for the Chinese labels, first found wins in QGIS (family lists are not supported: one name)
LABEL_FONT = "Noto Sans CJK SC"
#: precisions whose point is a representative point of a polygon, not a site
APPROXIMATE = (Precision.COUNTY.value, Precision.REGION.value)


def _rgba(hex_colour: str, alpha: int = 255) -> str:
    value = hex_colour.lstrip("#")
    return f"{int(value[0:2], 16)},{int(value[2:4], 16)},{int(value[4:6], 16)},{alpha}"


def _option(parent: ET.Element, name: str, value: str, kind: str = "QString") -> None:
    ET.SubElement(parent, "Option", {"name": name, "type": kind, "value": value})


def _options(parent: ET.Element, values: Iterable[tuple[str, str]]) -> None:
    box = ET.SubElement(parent, "Option", {"type": "Map"})
    for name, value in values:
        _option(box, name, value)


def _data_defined(parent: ET.Element, expressions: dict[str, str]) -> None:
    box = ET.SubElement(ET.SubElement(parent, "data_defined_properties"), "Option", {"type": "Map"})
    _option(box, "name", "")
    props = ET.SubElement(box, "Option", {"name": "properties", "type": "Map"})
    for prop, expression in expressions.items():
        one = ET.SubElement(props, "Option", {"name": prop, "type": "Map"})
        _option(one, "active", "true", "bool")
        _option(one, "expression", expression)
        _option(one, "type", "3", "int")
    _option(box, "type", "collection")


def _marker(parent: ET.Element, name: str, colour: str) -> None:
    symbol = ET.SubElement(parent, "symbol", {"type": "marker", "name": name, "alpha": "1",
                                              "clip_to_extent": "1", "force_rhr": "0"})
    layer = ET.SubElement(symbol, "layer", {"class": "SimpleMarker", "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, [("name", "circle"), ("color", _rgba(colour)), ("outline_color", _rgba(colour)),
                     ("outline_style", "solid"), ("outline_width", "0.5"), ("outline_width_unit", "MM"),
                     ("size", "3"), ("size_unit", "MM")])
    approximate = ", ".join(f"'{p}'" for p in APPROXIMATE)
    _data_defined(layer, {
        # hollow ring for a county / region point, half-filled for a town, filled for a site
        "fillColor": (f"CASE WHEN \"precision\" IN ({approximate}) THEN set_color_part(@symbol_color, 'alpha', 0) "
                      f"WHEN \"precision\" = '{Precision.TOWN.value}' THEN "
                      "set_color_part(@symbol_color, 'alpha', 115) ELSE @symbol_color END"),
        "outlineStyle": f"CASE WHEN \"precision\" IN ({approximate}) THEN 'dash' ELSE 'solid' END",
    })


def _fill(parent: ET.Element, name: str, outline: str, width: str, style: str) -> None:
    symbol = ET.SubElement(parent, "symbol", {"type": "fill", "name": name, "alpha": "1",
                                              "clip_to_extent": "1", "force_rhr": "0"})
    layer = ET.SubElement(symbol, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, [("style", "no"), ("color", "255,255,255,0"), ("outline_color", _rgba(outline)),
                     ("outline_style", style), ("outline_width", width), ("outline_width_unit", "MM")])


def _line(parent: ET.Element, name: str, colour: str) -> None:
    symbol = ET.SubElement(parent, "symbol", {"type": "line", "name": name, "alpha": "1",
                                              "clip_to_extent": "1", "force_rhr": "0"})
    layer = ET.SubElement(symbol, "layer", {"class": "SimpleLine", "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, [("line_color", _rgba(colour)), ("line_style", "dash"), ("line_width", "0.8"),
                     ("line_width_unit", "MM"), ("capstyle", "round"), ("joinstyle", "round")])


def _area(parent: ET.Element, name: str, colour: str) -> None:
    symbol = ET.SubElement(parent, "symbol", {"type": "fill", "name": name, "alpha": "1",
                                              "clip_to_extent": "1", "force_rhr": "0"})
    layer = ET.SubElement(symbol, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, [("style", "solid"), ("color", _rgba(colour, 40)), ("outline_color", _rgba(colour)),
                     ("outline_style", "dash"), ("outline_width", "0.3"), ("outline_width_unit", "MM")])


def _labels(root: ET.Element, field: str, size: str) -> None:
    settings = ET.SubElement(ET.SubElement(root, "labeling", {"type": "simple"}), "settings",
                             {"calloutType": "simple"})
    ET.SubElement(settings, "text-style", {"fieldName": field, "isExpression": "0", "fontFamily": LABEL_FONT,
                                           "fontSize": size, "fontSizeUnit": "Point",
                                           "textColor": "50,50,50,255", "textOpacity": "1"})
    ET.SubElement(settings, "text-buffer", {"bufferDraw": "1", "bufferSize": "0.7", "bufferSizeUnits": "MM",
                                            "bufferColor": "255,255,255,255", "bufferOpacity": "1"})
    ET.SubElement(settings, "placement", {"placement": "6", "dist": "1", "distUnits": "MM"})
    ET.SubElement(settings, "rendering", {"obstacle": "1", "drawLabels": "1", "displayAll": "0"})


def field_alias(field: Field) -> str:
    """What QGIS shows as a field's name: its Chinese description, with the unit."""
    return f"{field.description_zh} ({field.unit})" if field.unit else field.description_zh


def _aliases(root: ET.Element, table: Table) -> None:
    """Field aliases (QGIS 3.22 does not read ``gpkg_data_columns``): the attribute table and the
    identify panel show each field's description instead of its bare name."""
    box = ET.SubElement(root, "aliases")
    for i, f in enumerate(table.fields, start=1):  # field 0 is the GeoPackage's fid
        ET.SubElement(box, "alias", {"field": f.name, "index": str(i), "name": field_alias(f)})


def _document(root: ET.Element) -> str:
    ET.indent(root, space=" ")
    return _DOCTYPE + ET.tostring(root, encoding="unicode") + "\n"


def _by_category(table: Table, symbol: Callable[[ET.Element, str, str], None], geometry_type: str) -> str:
    root = ET.Element("qgis", {"version": "3.28.0", "styleCategories": "Fields|Symbology|Labeling"})
    renderer = ET.SubElement(root, "renderer-v2", {"type": "categorizedSymbol", "attr": "category",
                                                   "symbollevels": "0", "enableorderby": "0", "forceraster": "0"})
    categories = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, category in enumerate(Category):
        ET.SubElement(categories, "category", {"symbol": str(i), "value": category.value, "render": "true",
                                               "label": f"{category.value}: {DEFINITIONS[category]}"})
        symbol(symbols, str(i), CATEGORY_COLOURS[category.value])
    _labels(root, "name_zh", "8")
    _aliases(root, table)
    ET.SubElement(root, "layerGeometryType").text = geometry_type
    return _document(root)


def projects_qml() -> str:
    """QML of the projects layer: categorised by ``category`` (the map's colours), precision shown
    by fill (hollow dashed ring = county or region point, not a site), labels ``name_zh``."""
    return _by_category(PROJECTS, _marker, "0")


def lines_qml() -> str:
    """QML of the lines layer: dashed lines (schematic, not surveyed) coloured by category, labels ``name_zh``."""
    return _by_category(LINES, _line, "1")


def areas_qml() -> str:
    """QML of the areas layer: the division of a county- or region-wide project, lightly filled in its
    category's colour with a dashed outline, labels ``name_zh``."""
    return _by_category(AREAS, _area, "2")


def boundaries_qml() -> str:
    """QML of the boundaries layer: regions drawn bold, counties thin and dashed, no fill,
    labels ``name_zh``."""
    root = ET.Element("qgis", {"version": "3.28.0", "styleCategories": "Fields|Symbology|Labeling"})
    renderer = ET.SubElement(root, "renderer-v2", {"type": "categorizedSymbol", "attr": "level",
                                                   "symbollevels": "0", "enableorderby": "0", "forceraster": "0"})
    categories = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, (level, colour, width, style) in enumerate((("region", "#333333", "0.8", "solid"),
                                                        ("county", "#777777", "0.3", "dash"))):
        ET.SubElement(categories, "category", {"symbol": str(i), "value": level, "label": level, "render": "true"})
        _fill(symbols, str(i), colour, width, style)
    _labels(root, "name_zh", "9")
    _aliases(root, BOUNDARIES)
    ET.SubElement(root, "layerGeometryType").text = "2"
    return _document(root)


def layer_qmd(table: Table, *, crs_description: str) -> str:
    """QGIS layer metadata (QMD) of one table: title, abstract, licence, rights, attribution."""
    root = ET.Element("qgis", {"version": "3.28.0"})
    ET.SubElement(root, "identifier").text = table.name
    ET.SubElement(root, "parentidentifier").text = DATASET.title
    ET.SubElement(root, "language").text = "zho"
    ET.SubElement(root, "type").text = "dataset"
    ET.SubElement(root, "title").text = f"{table.description_zh} / {table.description}"
    ET.SubElement(root, "abstract").text = (
        f"{DATASET.title_zh}。{DATASET.title}. Version {DATASET.version}, released {DATASET.release_date}. "
        f"Coordinates: {crs_description}.")
    keywords = ET.SubElement(root, "keywords", {"vocabulary": "gmd:topicCategory"})
    ET.SubElement(keywords, "keyword").text = "utilitiesCommunication"
    ET.SubElement(keywords, "keyword").text = "planningCadastre"
    ET.SubElement(root, "fees")
    ET.SubElement(root, "rights").text = DATASET.attribution
    ET.SubElement(root, "license").text = DATASET.licence
    ET.SubElement(root, "encoding").text = "UTF-8"
    extent = ET.SubElement(root, "extent")
    ET.SubElement(extent, "temporal")
    history = ET.SubElement(root, "history")
    history.text = f"{DATASET.release_date}: version {DATASET.version} built by python -m geo build"
    return _document(root)
