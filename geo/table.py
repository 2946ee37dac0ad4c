"""The project table of the app: the useful columns first, vocabulary codes as words, labels in
both languages, and how each column is formatted (the app turns :class:`Column` into Streamlit's
``column_config``; this module needs no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .i18n import label, region_name
from .query import TIMELINE_PHASE

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its key, its header in Chinese and English, and its kind (``text``,
    ``number`` with a unit, or ``year``); ``vocabulary`` names the i18n kind its codes are."""

    key: str
    zh: str
    en: str
    kind: str = "text"
    vocabulary: str | None = None

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


#: the table's columns in order: the planner's questions first, the reference fields after
COLUMNS: tuple[Column, ...] = (
    Column("name", "名称", "Name"),
    Column("region", "地区", "Region", kind="region"),
    Column("category", "类别", "Category", vocabulary="category"),
    Column("status", "状态", "Status", vocabulary="status"),
    Column("power_mw", "装机 (MW)", "Power (MW)", kind="number"),
    Column("year_end", "完成年份", "Due", kind="year"),
    Column(TIMELINE_PHASE, "该年份的进度", "Phase that year", vocabulary="phase"),
    Column("county_zh", "县区", "County"),
    Column("precision", "位置精度", "Location precision", vocabulary="precision"),
    Column("other_name", "英文名称", "Chinese name"),
    Column("id", "编号", "Id"),
    Column("reviewed", "已审核", "Reviewed", kind="flag"),
)


def table_frame(selection: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows of ``selection`` (same order) in :data:`COLUMNS`, codes translated to words; the
    name in the interface language first (English falls back to Chinese where none is given)."""
    import pandas as pd

    zh = selection["name_zh"].fillna("").astype(str)
    en = selection["name_en"].fillna("").astype(str)
    out = pd.DataFrame(index=selection.index)
    out["name"] = zh if lang == "zh" else en.where(en != "", zh)
    for column in COLUMNS[1:]:
        if column.key == "other_name":
            out[column.key] = en if lang == "zh" else zh
        elif column.kind == "region":  # the register's names, as the layers carry them
            names = selection[[c for c in ("region", "region_zh", "region_en") if c in selection]]
            out[column.key] = [region_name({str(k): v for k, v in row.items()}, lang)
                               for row in names.to_dict("records")]
        elif column.vocabulary:
            kind = column.vocabulary
            out[column.key] = [label(kind, str(v), lang) for v in selection[column.key]]
        elif column.kind == "flag":  # a plan-reader candidate not yet reviewed is false
            out[column.key] = selection[column.key].fillna(True).astype(bool) if column.key in selection else True
        elif column.kind == "text":
            out[column.key] = selection[column.key].fillna("").astype(str)
        else:
            out[column.key] = pd.to_numeric(selection[column.key], errors="coerce")
    return out.reset_index(drop=True)
