"""Pieces of adversarial plan text shared by the growth tests and the fuzz suite.

What the parsers' patterns look for (numbers, units, separators, years, facility heads,
county suffixes, list words, verbs, brackets) and what they must skip (other scripts,
full-width forms, controls), so that random sequences of them reach every branch.
"""

from __future__ import annotations

TOKENS: tuple[str, ...] = (
    "1", "7", "0", "12", "3.5", ".", "..", " ", "  ", "\u3000", "\t", "\n", "\r", "1111111111",
    "万千瓦", "千瓦", "千伏", "千伏安", "万千瓦时", "kV", "MW", "kW", "km2", "m2", "亩", "万亩", "公顷", "吨", "万吨",
    "公里", "平方公里", "×", "x", "X", "*", "台", "套", "-", "—", "~", "至", "到", "/", "/年", "每年", "每",
    "一", "二", "两", "三", "十", "百", "千", "万", "亿", "零", "〇",
    "年", "2025", "2021", "二〇二五", "十四五", "底", "前", "力争", "开工", "建成",
    "风电场", "变电站", "湖", "湿地", "湿地公园", "物流园", "示范工程", "试点", "抽水蓄能电站", "光伏", "风电", "地热",
    "县", "市", "区", "自治县", "旗", "镇", "甲县", "乙市",
    "、", "和", "及", "与", "等", "以及", "等区域",
    "推进", "在", "将", "建设", "加快推进", "重点", "利用好",
    "分布式", "分布式光伏", "绿色", "电网", "配电网",
    "，", "。", "；", "：", "（", "）", "(", ")", "“", "”", "《", "》", "（市发改委负责）",
    "总装机", "规模", "容量", "一期", "二期",
    "甲", "乙", "丙", "a", "Z", "١", "１２", "ｋＷ", "㎡", "…", "\x00", "é", "\U0002a700",
)
