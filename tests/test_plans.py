"""The project's copy of the plans is byte-identical to the official texts and registered."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from geo.errors import PlanError
from geo.plans import plans_from_dir, sources_from_dir

from .conftest import ROOT

SHARED = ROOT.parent / "shared" / "plans"
CODES = ("JINSHI", "JIAXING", "ZHUZHOU", "YUNCHENG", "KUNDULUN")


def test_register_lists_the_five_plans() -> None:
    sources = sources_from_dir(ROOT / "data" / "plans")
    assert tuple(sources) == CODES
    assert sources["YUNCHENG"].document_number == "运政发〔2024〕12号"
    assert sources["JINSHI"].adcode == "430781"
    assert sources["KUNDULUN"].adcode == "150203"


@pytest.mark.parametrize("code", CODES)
def test_checksum_pins_the_text(code: str) -> None:
    source = sources_from_dir(ROOT / "data" / "plans")[code]
    data = (ROOT / "data" / "plans" / source.file).read_bytes()
    assert hashlib.sha256(data).hexdigest() == source.sha256


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/plans is not beside this checkout")
@pytest.mark.parametrize("code", CODES)
def test_copy_is_byte_identical_to_shared(code: str) -> None:
    assert (ROOT / "data" / "plans" / f"{code}.txt").read_bytes() == (SHARED / f"{code}.txt").read_bytes()


def test_noise_and_preambles_are_registered() -> None:
    plans = plans_from_dir(ROOT / "data" / "plans")
    assert "365体育投注" in plans["YUNCHENG"].text
    assert plans["YUNCHENG"].source.noise == ("365体育投注",)
    jinshi = plans["JINSHI"]
    assert jinshi.text.find("全文如下") == jinshi.body_start > 0
    assert "qlogo.cn" in plans["KUNDULUN"].text[: plans["KUNDULUN"].body_start]


def test_altered_text_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    for f in (ROOT / "data" / "plans").iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "JIAXING.txt").write_bytes(b"\xff\xfe broken")
    with pytest.raises(PlanError) as info:
        plans_from_dir(folder)
    assert "JIAXING.txt" in str(info.value) and "checksum" in str(info.value)


def test_missing_register_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="plan register not found"):
        sources_from_dir(tmp_path)


@pytest.mark.parametrize(
    ("register", "field", "words"),
    [
        pytest.param('[plan]\ncode = "X"\n', "plan", "array of tables", id="table-not-array"),
        pytest.param("plan = 3\n", "plan", "array of tables", id="number"),
        pytest.param(None, "noise", "list of strings", id="noise-is-a-string"),
    ],
)
def test_malformed_register_is_refused(tmp_path: Path, register: str | None, field: str, words: str) -> None:
    path = tmp_path / "sources.toml"
    if register is None:  # the real register with one noise list written as a bare string
        text = (ROOT / "data" / "plans" / "sources.toml").read_text(encoding="utf-8")
        start = text.index("noise = [")
        end = text.index("]", start) + 1
        register = text[:start] + 'noise = "365体育投注"' + text[end:]
    path.write_text(register, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        sources_from_dir(tmp_path)
    assert any(p.field == field and words in p.message for p in info.value.problems), info.value.problems


def test_duplicate_plan_code_is_refused(tmp_path: Path) -> None:
    text = (ROOT / "data" / "plans" / "sources.toml").read_text(encoding="utf-8")
    first = text[text.index("[[plan]]"):text.index("[[plan]]", text.index("[[plan]]") + 1)]
    (tmp_path / "sources.toml").write_text(text + "\n" + first, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        sources_from_dir(tmp_path)
    assert any(p.field == "code" and "duplicate" in p.message for p in info.value.problems)


@pytest.mark.parametrize(("data", "words"), [
    pytest.param('[[plan]]\ncode = "株洲"\n'.encode("gbk"), "not UTF-8 at byte 17 (line 2)", id="gbk-register"),
    pytest.param(b"x = " + b"9" * 5000 + b"\n", "not valid TOML", id="5000-digit-number"),
    pytest.param(b"\x00\x01", "not valid TOML", id="binary"),
])
def test_an_unreadable_register_is_one_clear_problem(tmp_path: Path, data: bytes, words: str) -> None:
    (tmp_path / "sources.toml").write_bytes(data)
    with pytest.raises(PlanError) as info:
        sources_from_dir(tmp_path)
    assert [words in p.message for p in info.value.problems] == [True], info.value.problems


def test_a_register_entry_is_appended_and_removed_byte_for_byte() -> None:
    import tomllib

    from geo.plans import register_with_entry, register_without_entry

    text = (ROOT / "data" / "plans" / "sources.toml").read_text(encoding="utf-8")
    odd = 'a "quote", a \\ backslash,\ta tab, a line\nbreak, DEL \x7f and \x01'
    added = register_with_entry(text, {"code": "NEWONE", "title": odd, "noise": ["x", odd]})
    assert added.startswith(text)
    entry = tomllib.loads(added)["plan"][-1]
    assert entry == {"code": "NEWONE", "title": odd, "noise": ["x", odd]}
    assert register_without_entry(added, "NEWONE") == text
    # a table in the middle goes with the blank line after it; the others are kept as they were
    without = register_without_entry(text, "ZHUZHOU")
    codes = [p["code"] for p in tomllib.loads(without)["plan"]]
    assert codes == [c for c in [p["code"] for p in tomllib.loads(text)["plan"]] if c != "ZHUZHOU"]
    assert "\n\n\n" not in without and "株洲" not in without
    with pytest.raises(PlanError, match="no plan 'NOWHERE' in the register"):
        register_without_entry(text, "NOWHERE")


@pytest.mark.parametrize("field", ["source_url", "copy_url"])
@pytest.mark.parametrize("url", ["www.example.gov.cn/plan.html", "javascript:alert(1)", "https://host/a b"])
def test_a_plan_url_that_is_not_an_http_url_is_refused(tmp_path: Path, field: str, url: str) -> None:
    text = (ROOT / "data" / "plans" / "sources.toml").read_text(encoding="utf-8")
    (tmp_path / "sources.toml").write_text(text.replace(f'{field} = "', f'{field} = "{url}', 1),
                                           encoding="utf-8")
    with pytest.raises(PlanError) as info:
        sources_from_dir(tmp_path)
    assert any(p.field == field and "not an http(s) URL" in p.message for p in info.value.problems)


def test_a_copy_url_is_never_passed_off_as_the_official_publication() -> None:
    """The pages our copies come from are mirrors and republications: they are never the source_url."""
    sources = sources_from_dir(ROOT / "data" / "plans").values()
    copies = {s.copy_url for s in sources if s.copy_url}
    assert copies, "the register names where the copies come from"
    assert not copies & {s.source_url for s in sources}
