"""Compare PDF libraries on the development plans: the measurement that chose pdfplumber.

For pypdf, pdfplumber and pdfminer.six (each library's plain text extraction, default
settings) and for the project's reader (geo.reader, built on pdfplumber's glyphs), on the
five PDFs of ../shared/devplans (or $CPM_DEVPLANS):

- CPU time and pages per second (process time: the machine is shared);
- whether every library finds the same characters (whitespace aside; not asked of the
  reader, which leaves page numbers and glyphs drawn off the page out);
- eye-checked samples: sentences and table rows read off the rendered pages, each found
  verbatim (line breaks removed) or not; table rows with both cells on one line;
- spaces a library puts between two Chinese characters (none are in these PDFs' text);
- whether the letter-spaced heading 前言 comes out as one word on its own line.

A library that is not installed is left out (pypdf is not a dependency of the project:
``pip install pypdf`` to include it). Run: ``python bench/pdf_libraries.py``.
"""

from __future__ import annotations

import collections
import importlib.util
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILES = ("BEIJING-energy.pdf", "CHONGQING-power.pdf", "SHANGHAI-energy.pdf", "SHAOXING-climate.pdf",
         "ZHUZHOU-eco.pdf")
#: (file, text as the rendered page shows it), checked by eye on pages rendered with pypdfium2
PROSE = (
    ("SHAOXING-climate.pdf", "2020年全市年平均气温18.4℃，创历史最高记录，是1997年以来连续第24个偏暖年；"),
    ("SHAOXING-climate.pdf", "全市总雨量时空分布不均匀，各月相差较大。全年平均降水日数161天。"),
    ("CHONGQING-power.pdf", "推动綦江蟠龙在建抽水蓄能电站按期投产，开工建设丰都栗子湾抽水蓄能电站。"),
    ("ZHUZHOU-eco.pdf", "累计淘汰黄标车39013台，淘汰老旧车辆22459辆。"),
)
#: rows of SHANGHAI's key-project table (page 28): name cell, content cell
ROWS = (
    ("石洞口一厂等容量替代项目", "２台６５万千瓦超超临界燃煤机组"),
    ("外高桥一厂等容量替代项目", "２台６４万千瓦超超临界燃煤机组"),
    ("长兴岛电厂项目", "按照以热定电原则建设燃气机组"),
    ("LNG站线扩建项目配套燃机", "约１６０万千瓦"),
    ("分布式天然气发电", "１５万千瓦"),
    ("南通－崇明联网工程", "包括５００千伏崇明站本体和外线通道工程"),
)
_HAN_SPACE = re.compile(r"[\u4e00-\u9fff] +(?=[\u4e00-\u9fff])")


def folder() -> Path | None:
    candidates = [Path(os.environ["CPM_DEVPLANS"])] if os.environ.get("CPM_DEVPLANS") else []
    candidates += [ROOT.parent / "shared" / "devplans", ROOT.parent.parent / "shared" / "devplans"]
    return next((c for c in candidates if c.is_dir()), None)


def with_pypdf(path: Path) -> list[str]:
    import pypdf
    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def with_pdfplumber(path: Path) -> list[str]:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def with_pdfminer(path: Path) -> list[str]:
    from pdfminer.high_level import extract_text
    return extract_text(str(path)).split("\f")


def with_reader(path: Path) -> list[str]:
    from geo.reader import text_from_pdf
    return [text_from_pdf(path).text]


LIBRARIES: dict[str, tuple[str, Callable[[Path], list[str]]]] = {
    "pypdf": ("pypdf", with_pypdf),
    "pdfplumber": ("pdfplumber", with_pdfplumber),
    "pdfminer.six": ("pdfminer", with_pdfminer),
    "geo.reader (pdfplumber glyphs)": ("pdfplumber", with_reader),
}


def main() -> None:
    where = folder()
    if where is None:
        print("the development PDFs are not here (../shared/devplans or $CPM_DEVPLANS): nothing to measure")
        return
    import pdfplumber
    pages = {}
    for name in FILES:
        with pdfplumber.open(where / name) as pdf:
            pages[name] = len(pdf.pages)
    size = sum((where / name).stat().st_size for name in FILES)
    results = {}
    for label, (module, read) in LIBRARIES.items():
        if importlib.util.find_spec(module) is None:
            print(f"{label}: not installed, left out")
            continue
        texts, cpu = {}, 0.0
        for name in FILES:
            start = time.process_time()
            texts[name] = "\n".join(read(where / name))
            cpu += time.process_time() - start
        results[label] = (texts, cpu)
    chars = {label: collections.Counter(c for t in texts.values() for c in t if not c.isspace())
             for label, (texts, _) in results.items()}
    first = next(iter(chars.values()))
    print(f"five development PDFs: {sum(pages.values())} pages, {size / 1e6:.1f} MB\n")
    print("| library | CPU s | pages/s | same characters | prose samples verbatim | table rows on one line "
          "| spaces inside Chinese | heading 前言 |")
    print("|---|---:|---:|---|---:|---:|---:|---|")
    for label, (texts, cpu) in results.items():
        joined = {name: text.replace("\n", "") for name, text in texts.items()}
        prose = sum(1 for name, sample in PROSE if sample in joined[name])
        lines = texts["SHANGHAI-energy.pdf"].split("\n")
        rows = sum(1 for a, b in ROWS if any(re.search(re.escape(a) + r"\s+" + re.escape(b), line) for line in lines))
        spaces = sum(len(_HAN_SPACE.findall(t)) for t in texts.values())
        heading = "前言" in [line.strip() for line in texts["BEIJING-energy.pdf"].split("\n")]
        # the reader leaves page numbers and glyphs drawn off the page out: it is not compared
        same = "-" if label.startswith("geo.") else "yes" if chars[label] == first else "no"
        print(f"| {label} | {cpu:.1f} | {sum(pages.values()) / cpu:.0f} | {same} | {prose} of {len(PROSE)} "
              f"| {rows} of {len(ROWS)} | {spaces:,} | {'joined' if heading else 'spaced'} |")


if __name__ == "__main__":
    main()
