"""The golden lists of the development plans (tests/data/golden/): well formed, every quote
verbatim in the vendored text at its offset, and the vendored text what the reader makes of
the published PDF (when the PDFs are at hand: ../shared/devplans/, or CPM_DEVPLANS)."""

from __future__ import annotations

import csv
import hashlib
import os
import re
from pathlib import Path

import pytest

from geo.catalog import projects_from_csv
from geo.reader import text_from_pdf

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden"
#: code of each golden list → the development PDF it was made from and that PDF's sha256
PDFS = {
    "BEIJING": ("BEIJING-energy.pdf", "3aae65984c5e9d8ee0efe085c9c4d4d586bc177a6ea148112552f10c11ed6341"),
    "CHONGQING": ("CHONGQING-power.pdf", "3b467da01131aecdc35fc74f6565818d196628a89337ccb94a08e1e9bbd74980"),
    "SHAOXING": ("SHAOXING-climate.pdf", "0ce5ac7710b1a409faaed24fb0e5efcf413409a5f59cec57096f11ed1215d4f0"),
    "SHANGHAI": ("SHANGHAI-energy.pdf", "b9a7b87dab8c399c541e4c4854f2bb1dc82febc37bb435b68f81ef11a3a2838f"),
    "ZHUZHOUECO": ("ZHUZHOU-eco.pdf", "cb9699731f09cf128afef5c4e1a8a50c99ffb395dd80292ee2e7ee51f8088b51"),
}
CODES = sorted(p.stem for p in GOLDEN.glob("*.csv"))


def devplans() -> Path | None:
    """The folder of development PDFs: $CPM_DEVPLANS, else a ``shared/devplans`` beside the
    checkout (CI's layout) or beside the folder of worktrees."""
    candidates = [Path(os.environ["CPM_DEVPLANS"])] if os.environ.get("CPM_DEVPLANS") else []
    candidates += [ROOT.parent / "shared" / "devplans", ROOT.parent.parent / "shared" / "devplans"]
    return next((c for c in candidates if c.is_dir()), None)


def rows(code: str) -> list[dict[str, str]]:
    with (GOLDEN / f"{code}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_golden_list_has_its_text_and_pdf() -> None:
    assert sorted(PDFS) == CODES
    for code in CODES:
        assert (GOLDEN / f"{code}.txt").is_file(), code


@pytest.mark.parametrize("code", CODES)
def test_golden_list_is_in_catalogue_form(code: str) -> None:
    report = projects_from_csv(GOLDEN / f"{code}.csv")
    assert not report.problems, [str(p) for p in report.problems]
    assert len(report.projects) == len(rows(code)) >= 30
    names = [(p.name_zh, p.phase) for p in report.projects]
    assert len(set(names)) == len(names), "one entity, one row"


@pytest.mark.parametrize("code", CODES)
def test_quotes_are_verbatim_at_their_offsets(code: str) -> None:
    text = (GOLDEN / f"{code}.txt").read_text(encoding="utf-8")
    bad = []
    for row in rows(code):
        offset, quote = int(row["quote_offset"]), row["quote"]
        if text[offset:offset + len(quote)] != quote:
            found = text.find(quote)
            bad.append(f"{row['id']}: quote not at {offset} (found at {found})")
        for field in ("capacity_text", "status_text", "timeline_text", "place_text"):
            for part in filter(None, row[field].split("|")):
                if part not in quote:
                    bad.append(f"{row['id']}: {field} {part!r} is not in the quote")
        if not any(row["name_zh"][i:i + 2] in quote for i in range(len(row["name_zh"]) - 1)):
            bad.append(f"{row['id']}: the quote does not name {row['name_zh']!r}")
    assert not bad, "\n".join(bad)


def test_readme_counts_are_the_lists() -> None:
    """The table of sizes per category in the golden README says what the CSVs hold."""
    readme = (GOLDEN / "README.md").read_text(encoding="utf-8")
    table = {m.group(1): [int(n) for n in re.findall(r"\d+", m.group(2))]
             for m in re.finditer(r"^\| `(\w+)` \|((?: *\d+ *\|)+)$", readme, re.MULTILINE)}
    counts = {code: [r["category"] for r in rows(code)] for code in CODES}
    categories = sorted({c for cats in counts.values() for c in cats})
    assert sorted(table) == categories
    for category in categories:
        expected = [counts[code].count(category) for code in CODES]
        assert table[category] == [*expected, sum(expected)], category


@pytest.mark.parametrize("code", CODES)
def test_rereading_the_pdf_reproduces_the_vendored_text(code: str) -> None:
    folder = devplans()
    if folder is None:
        pytest.skip("the development PDFs are not here (../shared/devplans or $CPM_DEVPLANS); "
                    "the vendored texts are checked above")
    name, sha256 = PDFS[code]
    pdf = folder / name
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == sha256, f"{pdf} is not the published file"
    assert text_from_pdf(pdf).text == (GOLDEN / f"{code}.txt").read_text(encoding="utf-8")
