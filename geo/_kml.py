"""KML exports written with ElementTree: placemark ids = project ids, one style per category and
precision, typed ExtendedData (a ``Schema`` of int, double, bool and string fields).

Google Earth renders names, descriptions and extended data as HTML, so every text is
HTML-escaped before ElementTree escapes it for XML: ``<img src=x onerror=…>`` shows literally.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from .fields import PROJECTS, FieldType
from .vocabulary import CATEGORY_COLOURS, Category, Precision

if TYPE_CHECKING:
    import geopandas as gpd

KML_NS = "http://www.opengis.net/kml/2.2"
_KML_TYPES = {FieldType.STRING: "string", FieldType.INTEGER: "int", FieldType.NUMBER: "double",
              FieldType.BOOLEAN: "bool"}
_APPROXIMATE = (Precision.COUNTY.value, Precision.REGION.value)


def _kml_colour(hex_colour: str, alpha: int) -> str:
    """``#rrggbb`` → KML's ``aabbggrr``."""
    value = hex_colour.lstrip("#")
    return f"{alpha:02x}{value[4:6]}{value[2:4]}{value[0:2]}"


def style_id(category: str, precision: str) -> str:
    """The style of a placemark: its category, filled (a site) or hollow (a county or region point)."""
    return f"{category}-{'approximate' if precision in _APPROXIMATE else 'site'}"


def _styles(document: ET.Element) -> None:
    for category in Category:
        colour = CATEGORY_COLOURS[category.value]
        for kind, alpha in (("site", 255), ("approximate", 0)):
            style = ET.SubElement(document, "Style", {"id": f"{category.value}-{kind}"})
            icon = ET.SubElement(style, "IconStyle")
            ET.SubElement(icon, "color").text = _kml_colour(colour, 255)
            ET.SubElement(icon, "scale").text = "0.8" if kind == "site" else "0.6"
            ET.SubElement(ET.SubElement(icon, "Icon"), "href").text = (
                "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png" if kind == "site"
                else "http://maps.google.com/mapfiles/kml/shapes/open-diamond.png")
            poly = ET.SubElement(style, "PolyStyle")
            ET.SubElement(poly, "color").text = _kml_colour(colour, alpha)


def _text(value: Any, kind: FieldType) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    if kind is FieldType.BOOLEAN:
        return "1" if bool(value) else "0"
    if kind is FieldType.INTEGER:
        return str(int(value))
    if kind is FieldType.NUMBER:
        return f"{float(value):.10g}"
    return html.escape(str(value), quote=False)


def kml_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """A KML document of WGS-84 project points (one placemark per row, in the frame's order)."""
    root = ET.Element("kml", {"xmlns": KML_NS})
    document = ET.SubElement(root, "Document", {"id": "carbon_peak_projects"})
    ET.SubElement(document, "name").text = "carbon_peak_projects"
    schema = ET.SubElement(document, "Schema", {"name": "projects", "id": "projects"})
    fields = [f for f in PROJECTS.fields if f.name in frame.columns]
    for f in fields:
        simple = ET.SubElement(schema, "SimpleField", {"name": f.name, "type": _KML_TYPES[f.type]})
        ET.SubElement(simple, "displayName").text = html.escape(f.title, quote=False)
    _styles(document)
    folder = ET.SubElement(document, "Folder")
    ET.SubElement(folder, "name").text = "projects"
    columns = {f.name: frame[f.name].astype(object).tolist() for f in fields}
    for i, (x, y) in enumerate(zip(frame.geometry.x.tolist(), frame.geometry.y.tolist(), strict=True)):
        row = {name: values[i] for name, values in columns.items()}
        placemark = ET.SubElement(folder, "Placemark", {"id": str(row["id"])})
        ET.SubElement(placemark, "name").text = _text(row["name_zh"], FieldType.STRING)
        ET.SubElement(placemark, "description").text = _text(row["quote"], FieldType.STRING)
        ET.SubElement(placemark, "styleUrl").text = "#" + style_id(str(row["category"]), str(row["precision"]))
        data = ET.SubElement(ET.SubElement(placemark, "ExtendedData"), "SchemaData", {"schemaUrl": "#projects"})
        for f in fields:
            ET.SubElement(data, "SimpleData", {"name": f.name}).text = _text(row[f.name], f.type)
        point = ET.SubElement(placemark, "Point")
        ET.SubElement(point, "coordinates").text = f"{round(x, 6)!r},{round(y, 6)!r}"
    ET.indent(root, space=" ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"
