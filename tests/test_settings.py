"""Settings come from the environment in one place; bad values are refused clearly."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from geo.errors import SettingsError
from geo.settings import NUMBERS, Settings, load_settings


def test_defaults_are_offline() -> None:
    s = load_settings({})
    assert s.online_geocoding is False
    assert s.geocoders == ("nominatim",)
    assert s.baidu_key is None
    assert s == Settings()


def test_environment_is_read(tmp_path: Path) -> None:
    s = load_settings({"CPM_ROOT": str(tmp_path), "CPM_ONLINE_GEOCODING": "1", "CPM_GEOCODERS": "arcgis, baidu",
                       "BAIDU_MAPS_AK": "secret-ak-123", "CPM_MIN_DELAY": "2", "CPM_CONNECT_TIMEOUT": "3.5",
                       "CPM_READ_TIMEOUT": "30", "CPM_REQUEST_ATTEMPTS": "5", "CPM_RETRY_BACKOFF": "0",
                       "CPM_SERVICE_BUDGET": "600", "CPM_MAX_FAILURES": "10"})
    assert s.root == tmp_path.resolve()
    assert s.online_geocoding is True
    assert s.geocoders == ("arcgis", "baidu")
    assert (s.min_delay_seconds, s.connect_timeout_seconds, s.read_timeout_seconds) == (2.0, 3.5, 30.0)
    assert (s.request_attempts, s.retry_backoff_seconds, s.service_budget_seconds, s.max_failures) == \
        (5, 0.0, 600.0, 10)
    assert s.projects_dir == tmp_path.resolve() / "data" / "projects"
    assert "secret-ak-123" not in repr(s)  # keys stay out of logs


def test_a_delay_longer_than_five_seconds_is_allowed() -> None:
    assert load_settings({"CPM_MIN_DELAY": "12"}).min_delay_seconds == 12.0  # geopy's RateLimiter refused > 5


#: per numeric variable: values out of its range, or no number at all
OUT_OF_RANGE = ["nan", "NaN", "inf", "-inf", "1e400", "-1", "100000", "fast", " ", "1,5", "9" * 5000]


@pytest.mark.parametrize("env", sorted(b.env for b in NUMBERS.values()))
@pytest.mark.parametrize("value", OUT_OF_RANGE, ids=lambda v: v[:8])
def test_every_numeric_setting_is_finite_and_in_range(env: str, value: str) -> None:
    bound = next(b for b in NUMBERS.values() if b.env == env)
    if value.strip() == "":
        assert load_settings({env: value}) == Settings()  # blank: the default
        return
    with pytest.raises(SettingsError) as info:
        load_settings({env: value})
    message = str(info.value)
    assert message.startswith(("environment variable " + env, env))  # names the variable
    assert f"from {bound.low:g} to {bound.high:g}" in message  # and what it accepts
    assert len(message) < 200  # a 5,000-digit value is not echoed whole


@pytest.mark.parametrize("env", sorted(b.env for b in NUMBERS.values() if b.integer))
def test_counts_are_whole_numbers(env: str) -> None:
    with pytest.raises(SettingsError, match=f"{env}.*whole number"):
        load_settings({env: "2.5"})


@pytest.mark.parametrize(("name", "value"), [(n, v) for n in NUMBERS for v in (math.nan, math.inf, -1.0, 1e9)])
def test_settings_built_directly_are_checked_too(name: str, value: float) -> None:
    with pytest.raises(SettingsError, match=NUMBERS[name].env):
        replace(Settings(), **{name: value})


def test_range_limits_are_allowed() -> None:
    for name, bound in NUMBERS.items():
        for value in (bound.low, bound.high):
            typed = int(value) if bound.integer else float(value)
            assert getattr(replace(Settings(), **{name: typed}), name) == typed


@pytest.mark.parametrize(
    ("env", "value"),
    [("CPM_ONLINE_GEOCODING", "maybe"), ("CPM_GEOCODERS", "nominatim,nominatim"), ("CPM_GEOCODERS", "Nomi natim"),
     ("CPM_GEOCODERS", "arcgis;baidu"), ("CPM_USER_AGENT", "agent\r\nX-Injected: 1"), ("CPM_USER_AGENT", "x" * 201),
     ("CPM_USER_AGENT", " padded"), ("BAIDU_MAPS_AK", "key with spaces"), ("BAIDU_MAPS_AK", "key\n"),
     ("TIANDITU_KEY", "k\tey")],
)
def test_names_agents_and_keys_are_refused_when_unusable(env: str, value: str) -> None:
    with pytest.raises(SettingsError, match=env) as info:
        load_settings({env: value})
    if env.endswith(("_AK", "_KEY")):
        assert value.strip() not in str(info.value)  # a key is never echoed


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().online_geocoding = True  # type: ignore[misc]


def test_a_database_url_and_schema_are_read_and_the_password_is_kept_out_of_logs() -> None:
    s = load_settings({"CPM_DATABASE_URL": "postgresql://cpm:pa55word@db.example:5433/gis",
                       "CPM_DATABASE_SCHEMA": "cpm_v2"})
    assert (s.database_url, s.database_schema) == ("postgresql://cpm:pa55word@db.example:5433/gis", "cpm_v2")
    assert "pa55word" not in repr(s)
    assert load_settings({"CPM_DATABASE_URL": " "}).database_url is None  # empty: read the files


@pytest.mark.parametrize(("env", "value", "message"), [
    ("CPM_DATABASE_URL", "mysql://u:pa55word@h/db", "has the scheme 'mysql'"),
    ("CPM_DATABASE_URL", "postgresql://u:pa55word@h:99999/db", "bad port"),
    ("CPM_DATABASE_URL", "postgresql://u:pa55word@h/my db", "is not a URL"),
    ("CPM_DATABASE_SCHEMA", "Carbon-Peak", "lower-case SQL name"),
    ("CPM_DATABASE_SCHEMA", "x" * 64, "at most 63"),
])
def test_a_bad_database_setting_is_refused_without_the_password(env: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=env) as info:
        load_settings({env: value})
    assert message in str(info.value) and "pa55word" not in str(info.value)
