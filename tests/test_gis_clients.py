"""The published GeoPackage and the exports through real GIS clients of the system Python: GDAL's
GeoPackage validator (``validate_gpkg.py`` of python3-gdal) and QGIS (python3-qgis, headless).

Both run in a subprocess of ``/usr/bin/python3``, the Python the Debian packages install into. Where
the validator is missing the test skips with a message, except in CI (``CI`` set, ``.ci/run``
installs python3-gdal), where it fails. QGIS is large and not installed by CI: its test skips
wherever the bindings are missing.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from geo._qgis import field_alias
from geo.export import export_to_path, select_projects
from geo.fields import BOUNDARIES, DATASET, PROJECTS, TABLES, FieldType
from geo.layers import GPKG_NAME, projects_from_layers
from geo.query import Filters
from geo.vocabulary import CATEGORY_COLOURS

from .conftest import ROOT

SYSTEM_PYTHON = Path("/usr/bin/python3")
GPKG = ROOT / "layers" / GPKG_NAME
_QGIS_TYPES = {FieldType.STRING: "String", FieldType.INTEGER: "Integer64", FieldType.NUMBER: "Real",
               FieldType.BOOLEAN: "Boolean"}


def _system(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SYSTEM_PYTHON), "-c", code], capture_output=True, text=True, timeout=60,
                          check=False, env=_clean_env())


def _clean_env() -> dict[str, str]:
    """The environment without this virtualenv's Python settings (the system Python has its own)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


@pytest.fixture(scope="module")
def validator() -> Path:
    found = _system("import osgeo_utils.samples.validate_gpkg as v; print(v.__file__)") \
        if SYSTEM_PYTHON.exists() else None
    if found is None or found.returncode != 0:
        reason = "GDAL's validate_gpkg.py is missing: no osgeo_utils in /usr/bin/python3 (apt-get install python3-gdal)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run it (.ci/run installs python3-gdal)")
        pytest.skip(reason)
    return Path(found.stdout.strip())


def _validate(validator: Path, path: Path) -> None:
    done = subprocess.run([str(SYSTEM_PYTHON), str(validator), "-k", "--extra", "--warning-as-error", str(path)],
                          capture_output=True, text=True, timeout=300, check=False, env=_clean_env())
    assert done.returncode == 0 and not done.stdout.strip() and not done.stderr.strip(), \
        f"validate_gpkg.py {path.name}: {done.stdout}{done.stderr}"


def test_the_published_geopackage_passes_gdals_validator(validator: Path) -> None:
    _validate(validator, GPKG)


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:4490", "GCJ-02", "GK3"])
def test_exported_geopackages_pass_gdals_validator(validator: Path, tmp_path: Path, crs: str) -> None:
    chosen = select_projects(projects_from_layers(ROOT / "layers"), Filters(regions=("ZHUZHOU",)))
    (path,) = export_to_path(chosen, tmp_path / "zhuzhou.gpkg", crs=crs)
    _validate(validator, path)


def test_a_broken_geopackage_fails_the_validator(validator: Path, tmp_path: Path) -> None:
    """The check can fail: a GeoPackage whose application id is wrong is refused."""
    import shutil
    import sqlite3

    broken = tmp_path / "broken.gpkg"
    shutil.copyfile(GPKG, broken)
    with sqlite3.connect(broken) as db:
        db.execute("PRAGMA application_id = 1")
    with pytest.raises(AssertionError, match=r"validate_gpkg\.py broken\.gpkg"):
        _validate(validator, broken)


@pytest.fixture(scope="module")
def qgis_report() -> list[dict[str, Any]]:
    if not SYSTEM_PYTHON.exists() or _system("import qgis.core").returncode != 0:
        pytest.skip("QGIS bindings are missing in /usr/bin/python3 (apt-get install python3-qgis; large, not in CI)")
    done = subprocess.run([str(SYSTEM_PYTHON), str(ROOT / "bench" / "qgis_open.py"), str(GPKG)], capture_output=True,
                          text=True, timeout=300, check=False, env=_clean_env())
    assert done.returncode == 0, done.stdout + done.stderr
    report: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def test_qgis_opens_every_layer_with_its_registry_types(qgis_report: list[dict[str, Any]]) -> None:
    layers = {r["layer"]: r for r in qgis_report}
    for table in TABLES:
        seen = layers[table.name]
        assert seen["valid"], table.name
        assert seen["fields"] == {"fid": "Integer64", **{f.name: _QGIS_TYPES[f.type] for f in table.fields}}
        assert table.description in seen["metadata_title"]
        assert DATASET.licence in seen["metadata_licences"]


def test_qgis_loads_the_stored_styles(qgis_report: list[dict[str, Any]]) -> None:
    layers = {r["layer"]: r for r in qgis_report}
    projects, boundaries = layers["projects"], layers["boundaries"]
    assert projects["default_style_loaded"] and projects["renderer"] == "categorizedSymbol"
    assert projects["class_field"] == "category" and projects["label_field"] == "name_zh"
    assert projects["category_values"] == list(CATEGORY_COLOURS)
    assert boundaries["default_style_loaded"] and boundaries["class_field"] == "level"
    assert boundaries["category_values"] == ["region", "county"] and boundaries["label_field"] == "name_zh"
    assert layers["targets"]["stored_styles"] == []  # an attribute table: no style
    for name in ("lines", "areas"):
        assert layers[name]["default_style_loaded"] and layers[name]["class_field"] == "category"
        assert layers[name]["features"] > 0
    for table in (PROJECTS, BOUNDARIES):  # the style names every field by its description
        assert layers[table.name]["aliases"] == {f.name: field_alias(f) for f in table.fields}
    assert layers["projects"]["aliases"]["power_mw"] == "装机容量 (MW)"
