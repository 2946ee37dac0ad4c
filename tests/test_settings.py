"""Settings come from the environment in one place; bad values are refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import SettingsError
from geo.settings import Settings, load_settings


def test_defaults_are_offline() -> None:
    s = load_settings({})
    assert s.online_geocoding is False
    assert s.geocoders == ("nominatim",)
    assert s.baidu_key is None


def test_environment_is_read(tmp_path: Path) -> None:
    s = load_settings({"CPM_ROOT": str(tmp_path), "CPM_ONLINE_GEOCODING": "1", "CPM_GEOCODERS": "arcgis, baidu",
                       "BAIDU_MAPS_AK": "secret-ak-123", "CPM_MIN_DELAY": "2"})
    assert s.root == tmp_path.resolve()
    assert s.online_geocoding is True
    assert s.geocoders == ("arcgis", "baidu")
    assert s.min_delay_seconds == 2.0
    assert s.projects_dir == tmp_path.resolve() / "data" / "projects"
    assert "secret-ak-123" not in repr(s)  # keys stay out of logs


@pytest.mark.parametrize(("name", "value"), [("CPM_ONLINE_GEOCODING", "maybe"), ("CPM_MIN_DELAY", "fast"),
                                             ("CPM_MIN_DELAY", "-1")])
def test_bad_values_are_refused(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().online_geocoding = True  # type: ignore[misc]
