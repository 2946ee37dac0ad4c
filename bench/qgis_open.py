"""Open the published GeoPackage in QGIS (headless) as a GIS user would, and report what QGIS sees.

For each layer of ``layers/carbon_peak.gpkg`` (or the file given): whether QGIS opens it, the
styles it finds in the ``layer_styles`` table and whether the default one loads, the renderer
type, its classification field and category count, the label field, the feature count, the
metadata title and licence QGIS reads from ``gpkg_metadata``, and every field with the type QGIS
gives it. The last line is the same report as JSON (``tests/test_gpkg.py`` reads it).

Run with the system Python that has the QGIS bindings (``apt-get install python3-qgis``; not
installed by CI, it is large)::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/qgis_open.py [layers/carbon_peak.gpkg]

Exits 1 if a layer does not open or its stored default style does not load.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("projects", "boundaries", "targets", "lines", "areas")


def layer_report(path: Path, name: str) -> dict[str, Any]:
    """What QGIS sees of one layer of the GeoPackage."""
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    report: dict[str, Any] = {"layer": name, "valid": layer.isValid()}
    if not layer.isValid():
        return report
    count, _ids, names, _descriptions, _error = layer.listStylesInDatabase()
    report["stored_styles"] = list(names)[:count]  # the first `count` are this layer's own
    message, loaded = layer.loadDefaultStyle()
    report["default_style_loaded"] = bool(loaded)
    report["default_style_message"] = message
    renderer = layer.renderer()
    report["renderer"] = renderer.type() if renderer is not None else None
    if renderer is not None and renderer.type() == "categorizedSymbol":
        report["class_field"] = renderer.classAttribute()
        report["categories"] = len(renderer.categories())
        report["category_values"] = [str(c.value()) for c in renderer.categories()]
    labeling = layer.labeling()
    report["label_field"] = labeling.settings().fieldName if labeling is not None and layer.labelsEnabled() else None
    report["features"] = layer.featureCount()
    metadata = layer.metadata()
    report["metadata_title"] = metadata.title()
    report["metadata_licences"] = list(metadata.licenses())
    report["fields"] = {f.name(): f.typeName() for f in layer.fields()}
    report["aliases"] = {f.name(): f.alias() for f in layer.fields() if f.alias()}
    return report


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from qgis.core import Qgis, QgsApplication
    except ModuleNotFoundError:
        print("no QGIS bindings in this Python: run with /usr/bin/python3 after apt-get install python3-qgis")
        return 2
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "layers" / "carbon_peak.gpkg"
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    try:
        reports = [layer_report(path, name) for name in LAYERS]
    finally:
        app.exitQgis()
    print(f"QGIS {Qgis.QGIS_VERSION}: {path}")
    ok = True
    for r in reports:
        if not r["valid"]:
            print(f"{r['layer']}: does not open")
            ok = False
            continue
        print(f"{r['layer']}: {r['features']} features; styles stored {r['stored_styles']}, default loaded "
              f"{r['default_style_loaded']} ({r['default_style_message']}); renderer {r['renderer']}"
              + (f" by {r['class_field']}, {r['categories']} categories" if "categories" in r else "")
              + f"; labels {r['label_field']}; metadata {r['metadata_title']!r}")
        print("   fields: " + ", ".join(f"{n}:{t}" for n, t in r["fields"].items()))
        print(f"   aliases: {len(r['aliases'])} of {len(r['fields'])} fields, e.g. "
              + ", ".join(f"{n} = {a}" for n, a in list(r["aliases"].items())[:3]))
        ok = ok and (r["default_style_loaded"] or not r["stored_styles"])
    print(json.dumps(reports, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
