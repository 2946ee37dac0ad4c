"""The regional summary, ready to chart: human labels in the interface language, only what has data.

Per region: projects by category, status and precision; stated power capacity by category (only
categories with a stated capacity); the plan's MW targets beside the catalogued capacity of the
categories that serve them (:func:`geo.query.targets_vs_catalogue`), labelled with the plan's
words in Chinese and the indicator's name in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .i18n import label, ui
from .query import capacity_by_category, counts_by, targets_vs_catalogue

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class RegionSummary:
    """Chart tables of one region; each is empty when it has nothing to show.

    Attributes
    ----------
    counts : dict
        ``{"category"|"status"|"precision": DataFrame(label, projects)}``, largest first.
    capacity : DataFrame
        ``label``, ``MW``: categories with a stated power capacity (> 0).
    targets : DataFrame
        ``label`` (indicator and year, unique), ``target`` and ``catalogued`` (MW), ``plan's words``.
    """

    region: str
    counts: dict[str, pd.DataFrame]
    capacity: pd.DataFrame
    targets: pd.DataFrame


def region_summary(frame: pd.DataFrame, targets: pd.DataFrame, region: str, lang: str) -> RegionSummary:
    """The summary of ``region`` over the projects of ``frame`` (the filtered selection)."""
    import pandas as pd

    mine = frame[frame["region"] == region]
    counts = {kind: pd.DataFrame([(label(kind, v, lang), n) for v, n in counts_by(mine, kind).items()],
                                 columns=["label", "projects"]) for kind in ("category", "status", "precision")}
    cap = capacity_by_category(mine)
    cap = cap[cap["power_mw"] > 0]
    capacity = pd.DataFrame({"label": [label("category", c, lang) for c in cap["category"]],
                             "MW": cap["power_mw"].to_list()})
    versus = targets_vs_catalogue(targets, mine, region)
    names = [(t if lang == "zh" else label("indicator", i, lang)) + f" {y}"
             for t, i, y in zip(versus["indicator_text"], versus["indicator"], versus["year"], strict=True)]
    seen: dict[str, int] = {}
    unique = []
    for name in names:  # two targets with one label would be drawn as one bar
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    table = pd.DataFrame({"label": unique, "target": versus["target_mw"].to_list(),
                          "catalogued": versus["catalogued_mw"].to_list(),
                          "plan's words": versus["value_text"].to_list()})
    return RegionSummary(region, counts, capacity, table)


def chart_labels(lang: str) -> dict[str, str]:
    """Axis and series titles of the summary charts."""
    return {"projects": ui("n_projects", lang), "MW": ui("mw", lang), "target": ui("target", lang),
            "catalogued": ui("catalogued", lang), "plan's words": ui("quote", lang)}
