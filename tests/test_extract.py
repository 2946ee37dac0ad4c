"""The plan reader: candidates from plan prose, tolerant of noise; clear errors on bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.catalog import projects_from_csv
from geo.errors import ExtractError
from geo.reader import candidates_from_text, candidates_to_csv, text_from_txt
from geo.reader.clauses import soft_joined
from geo.reader.compare import FOCUS, compare_plans, similarity
from geo.vocabulary import Category

from .conftest import DATA, ROOT

SAMPLE = DATA / "extract" / "sample_plan.txt"


@pytest.fixture(scope="module")
def candidates() -> dict[str, object]:
    text = text_from_txt(SAMPLE).text
    return {c.name_zh: c for c in candidates_from_text(text, "TEST")}


def test_several_facilities_in_one_sentence(candidates: dict[str, object]) -> None:
    # "青山、白水和石门等风电项目" is three wind projects, each with the shared head
    assert {"青山风电项目", "白水风电项目", "石门风电项目"} <= set(candidates)
    assert {"北岗500千伏变电站", "南塘220千伏变电站"} <= set(candidates)
    assert {"东岭湖", "西河湾国家湿地公园"} <= set(candidates)
    assert {"城南物流园", "临港冷链物流基地"} <= set(candidates)
    assert {"东县分散式风电", "西县分散式风电"} <= set(candidates)  # county-scoped entries
    assert {"金沙江220千伏输变电工程", "凤凰山110千伏输变电工程"} <= set(candidates)


def test_categories(candidates: dict[str, object]) -> None:
    kinds = {name: c.category.value for name, c in candidates.items()}  # type: ignore[attr-defined]
    assert kinds["青龙峡120万千瓦抽水蓄能电站"] == "pumped_storage"
    assert kinds["北岗500千伏变电站"] == "substation"
    assert kinds["西河湾国家湿地公园"] == "wetland"
    assert kinds["临港冷链物流基地"] == "logistics"
    assert kinds["大坪村50兆瓦渔光互补发电项目"] == "solar"


def test_capacities_and_units(candidates: dict[str, object]) -> None:
    pumped = candidates["青龙峡120万千瓦抽水蓄能电站"]
    assert (pumped.capacity_text, pumped.power_mw) == ("120万千瓦", 1200.0)  # type: ignore[attr-defined]
    assert pumped.storage_mwh is None  # 20亿千瓦时 of annual generation is not storage
    solar = candidates["大坪村50兆瓦渔光互补发电项目"]
    assert solar.power_mw == 50.0  # type: ignore[attr-defined]
    # a list of members with capacities of their own: each keeps its own
    assert candidates["兴岭140万千瓦抽水蓄能项目"].power_mw == 1400.0  # type: ignore[attr-defined]
    assert candidates["宽坪100万千瓦抽水蓄能项目"].power_mw == 1000.0  # type: ignore[attr-defined]
    station = candidates["北岗500千伏变电站"]
    assert (station.voltage_kv, station.power_mw) == (500.0, None)  # type: ignore[attr-defined]


def test_years_periods_and_status(candidates: dict[str, object]) -> None:
    pumped = candidates["青龙峡120万千瓦抽水蓄能电站"]
    assert (pumped.year_start, pumped.year_end) == (2021, 2025)  # type: ignore[attr-defined]
    assert pumped.timeline_text == "“十四五”期间"  # type: ignore[attr-defined]
    assert pumped.status.value == "construction"  # type: ignore[attr-defined]


def test_generic_measures_are_not_candidates(candidates: dict[str, object]) -> None:
    for name in candidates:
        assert "绿色物流园区" not in name and "屋顶分布式光伏" not in name and name not in ("风电", "湿地")
    # the department in the responsibility brackets is no wetland
    assert not any("管理处" in name for name in candidates)


def test_noise_is_tolerated(candidates: dict[str, object]) -> None:
    assert not any("体育投注" in name or "首页" in name or "http" in name for name in candidates)
    # the spam, URL and page-chrome lines each hold a facility word; none of them becomes a candidate
    assert not {"甲乙物流园", "丙丁变电站", "365体育投注物流园"} & set(candidates)
    # a PDF line break inside "龙门港区码头工程\n前期工作" does not hide the port
    assert "龙门港区码头" in candidates
    # a table row still yields its project, quoted verbatim
    assert candidates["红星物流园"].quote == "1  红星物流园  红星镇  200亩"  # type: ignore[attr-defined]


def test_quotes_are_verbatim_at_their_offsets(candidates: dict[str, object]) -> None:
    text = text_from_txt(SAMPLE).text
    for c in candidates.values():
        assert text[c.quote_offset:c.quote_offset + len(c.quote)] == c.quote  # type: ignore[attr-defined]
        assert "\n" not in c.quote  # type: ignore[attr-defined]


def test_soft_line_breaks_map_back() -> None:
    text = "一二三四五六七八九十一二三四五六七八九十推进龙门港区码头工程\n前期工作。"
    joined, index = soft_joined(text)
    assert "\n" not in joined and joined.replace("", "") == text.replace("\n", "")
    assert all(text[i] == ch for i, ch in zip(index, joined, strict=True))


def test_gbk_plans_are_read(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gbk", errors="ignore"))
    names = {c.name_zh for c in candidates_from_text(text_from_txt(path).text, "TEST")}
    assert "青龙峡120万千瓦抽水蓄能电站" in names


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"   \n\n", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
     (b"\x80\xff" * 200, "neither UTF-8 nor GBK"), ("plain English text only. " * 20, "no Chinese"),
     ("碳达峰".encode("utf-16"), "neither UTF-8 nor GBK"),
     ("碳达峰实施方案".encode("utf-16-le") * 20, "wrong encoding")],
)
def test_bad_inputs_get_clear_errors(tmp_path: Path, content: bytes | str, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    with pytest.raises(ExtractError, match=message):
        text_from_txt(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="cannot read"):
        text_from_txt(tmp_path / "nope.txt")


def test_candidates_are_in_catalogue_format(tmp_path: Path) -> None:
    out = tmp_path / "TEST.csv"
    candidates_to_csv(candidates_from_text(text_from_txt(SAMPLE).text, "TEST"), out)
    report = projects_from_csv(out)
    assert report.problems == () and len(report.projects) >= 15


def test_never_writes_into_the_curated_catalogue(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="curated catalogue"):
        candidates_to_csv([], ROOT / "data" / "projects" / "X.csv", projects_dir=ROOT / "data" / "projects")
    with pytest.raises(ExtractError, match="directory"):
        candidates_to_csv([], tmp_path, projects_dir=ROOT / "data" / "projects")


def test_bad_region_code() -> None:
    with pytest.raises(ExtractError, match="upper-case"):
        candidates_from_text(text_from_txt(SAMPLE).text, "test")


def test_similarity_compares_proper_names() -> None:
    assert similarity("新马220千伏变电站", "醴陵东220千伏变电站") == 0
    assert similarity("炎陵县罗萍江120万千瓦抽水蓄能项目", "炎陵县罗萍江抽水蓄能项目") == 1
    assert similarity("棉花仓储物流基地", "中储粮集团棉花仓储物流基地", containment=True) == 1


def test_a_word_that_starts_with_a_particle_is_no_opener(list_forms: dict[str, object]) -> None:
    # 将 / 含 / 和 / 向 open clauses, but 将军山, 含山县, 和县, 向阳湖 are names
    assert {"将军山风电场", "含山县风电项目", "和县物流园区", "向阳湖湿地公园"} <= set(list_forms)
    assert not {"军山风电场", "山县风电项目", "阳湖湿地公园"} & set(list_forms)


def test_facilities_named_gongcheng_are_not_programmes(candidates: dict[str, object]) -> None:
    assert candidates["金沙江220千伏输变电工程"].is_programme is False  # type: ignore[attr-defined]


def test_no_head_of_the_lexicon_is_a_catalogue_name(repo_settings: object) -> None:
    """The lexicon is written for the genre: none of its heads is one of the curated names, with or
    without generic words in front (a head copied from the catalogue would inflate the scores)."""
    from geo.catalog import catalog_from_dir
    from geo.reader import lexicon as lx
    from geo.reader.names import normal_name, split_tail

    rows = catalog_from_dir(repo_settings.projects_dir, root=repo_settings.root)  # type: ignore[attr-defined]
    names = {normal_name(p.name_zh) for p in rows}
    names |= {split_tail(n)[1] for n in names if split_tail(n)[0] == ""}  # a name that is all generic words
    copied = sorted(h for h in lx.HEADS if h in names and len(h) > 4)
    assert copied == [], copied


def test_far_matches_need_the_same_capacities(repo_settings: object) -> None:
    """One entity mentioned twice is matched far from its quote, but 110 kV is not 220 kV."""
    from dataclasses import replace

    from geo.catalog import catalog_from_dir
    from geo.reader.compare import _proper, compare

    assert _proper("盐湖") == "盐湖"  # a proper part is never cut to one character
    rows = [p for p in catalog_from_dir(repo_settings.projects_dir, root=repo_settings.root)  # type: ignore[attr-defined]
            if p.id == "ZHUZHOU-015"]
    elsewhere = replace(rows[0], quote_offset=rows[0].quote_offset + 5000, quote="另一处")
    assert len(compare([elsewhere], rows).pairs) == 1
    other_voltage = replace(elsewhere, name_zh=rows[0].name_zh.replace("220", "110"))
    assert compare([other_voltage], rows).pairs == []
    other_category = replace(elsewhere, category=Category.WETLAND)
    assert compare([other_category], rows).pairs == []


def test_recall_and_precision_on_the_five_plans(repo_settings: object) -> None:
    comparison = compare_plans(repo_settings)  # type: ignore[arg-type]
    for category in FOCUS:
        score = comparison.by_category[category]
        assert score.recall >= 0.9, (category, score)
        assert score.precision >= 0.7, (category, score)


#: the development lists whose misses the reader's rules were written against; CHONGQING and BEIJING
#: were made afterwards and are held out: their figures are measured and reported (README), never tuned for
TUNED_LISTS = ("SHANGHAI", "SHAOXING", "ZHUZHOUECO")


def test_recall_and_precision_on_the_golden_lists(tmp_path: Path) -> None:
    """The aims of issue 15 for the headline categories together — recall >= 0.85, precision >=
    0.7 — kept on the development lists the rules were developed against (a regression guard:
    those figures are partly in-sample; the held-out list's are only reported)."""
    from geo.reader.compare import compare_lists

    for code in TUNED_LISTS:
        for suffix in (".csv", ".txt"):
            shutil.copy(DATA / "golden" / f"{code}{suffix}", tmp_path / f"{code}{suffix}")
    assert sorted(p.stem for p in (DATA / "golden").glob("*.csv")) == sorted((*TUNED_LISTS, "CHONGQING", "BEIJING"))
    headline = compare_lists(tmp_path).focus
    assert headline.recall >= 0.85 and headline.precision >= 0.7, headline


def test_cli_extract_and_compare(tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    run = subprocess.run([sys.executable, "-m", "geo", "extract", str(SAMPLE), "--region", "TEST", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and out.exists(), run.stderr
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    run = subprocess.run([sys.executable, "-m", "geo", "extract", str(bad), "--region", "TEST", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 2 and "empty" in run.stderr
    run = subprocess.run([sys.executable, "-m", "geo", "extract", "--compare", "--limit", "3"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0 and "pumped_storage *" in run.stdout


@pytest.fixture(scope="module")
def list_forms() -> dict[str, object]:
    text = text_from_txt(DATA / "extract" / "list_forms.txt").text
    return {c.name_zh: c for c in candidates_from_text(text, "TEST")}


def test_list_closed_by_a_place_word(list_forms: dict[str, object]) -> None:
    # "石岭镇、桃溪乡等地光伏发电项目": 等地 closes a list of places; 地 belongs to no name
    assert {"石岭镇光伏发电项目", "桃溪乡光伏发电项目"} <= set(list_forms)
    assert not any(name.endswith("地光伏发电项目") for name in list_forms)


def test_shared_modifiers_stay_with_the_list(list_forms: dict[str, object]) -> None:
    # "白沙等现有大型水电站": 现有大型 describes the list, the station is 白沙水电站
    assert list_forms["白沙水电站"].category.value == "hydro"  # type: ignore[attr-defined]
    assert not any("现有" in name for name in list_forms)


def test_phases_after_the_head_or_in_brackets(list_forms: dict[str, object]) -> None:
    chp = list_forms["青禾纸业生物质热电联产项目"]
    assert (chp.phase, chp.category.value) == ("二期", "biomass_waste")  # type: ignore[attr-defined]
    wind = list_forms["马鞍山风电项目"]  # "马鞍山（二期）等风电项目": no empty brackets left
    assert wind.phase == "二期" and wind.project_group  # type: ignore[attr-defined]
    assert "金鸡岭风电项目" in list_forms
    # a plant right before the head owns the project, though 厂 ends a name of its own
    assert list_forms["红星造纸厂生物质热电联产项目"].category.value == "biomass_waste"  # type: ignore[attr-defined]


def test_generic_types_and_sector_phrases_are_no_names(list_forms: dict[str, object]) -> None:
    assert not any(name.startswith(("背压式", "风电开发利用", "大型")) for name in list_forms)


def test_status_comes_from_the_mentions_own_segment(list_forms: dict[str, object]) -> None:
    # one sentence, three predicates: each mention takes the words of its own comma segment
    status = {name: (c.status.value, c.status_text) for name, c in list_forms.items()}  # type: ignore[attr-defined]
    assert status["云台抽水蓄能电站"] == ("announced", "推进")
    assert status["鹰嘴岩抽水蓄能项目"] == ("pre-construction", "项目前期")  # a stage outranks 加快推进
    assert status["白沙水电站"][0] == "announced"  # 加大…力度 borrows no stage from its neighbour


def test_capacity_stated_after_the_name(list_forms: dict[str, object]) -> None:
    solar = list_forms["某县光伏发电项目"]
    assert (solar.capacity_text, solar.power_mw) == ("12.5万千瓦", 125.0)  # type: ignore[attr-defined]
    assert (solar.year_start, solar.year_end) == (None, 2025)  # type: ignore[attr-defined]
    assert list_forms["云台抽水蓄能电站"].power_mw is None  # type: ignore[attr-defined]


def test_county_scoped_geothermal(list_forms: dict[str, object]) -> None:
    # "城北区、东岭县较丰富的地热能资源": one geothermal entry per named county
    kinds = {name: c.category.value for name, c in list_forms.items()}  # type: ignore[attr-defined]
    assert kinds.get("城北区地热能") == "geothermal" and kinds.get("东岭县地热能") == "geothermal"


def test_area_throughput_and_thousands_after_the_name() -> None:
    """A figure after the name, of the dimension its cue announces: area after 占地, throughput
    after 日处理 (per day, so the capacity text keeps the cue), a thousands separator read."""
    text = ("推进甲市生活垃圾焚烧发电厂建设，日处理生活垃圾1,500吨。建设城北物流园，占地面积约1200亩。"
            "完成乙县光伏发电项目建设，总装机1,200千瓦。加快龙门港区码头建设，可停靠5万吨级船舶。")
    found = {c.name_zh: c for c in candidates_from_text(text, "TEST")}
    plant = found["甲市生活垃圾焚烧发电厂"]
    assert (plant.capacity_text, plant.throughput_t_per_yr) == ("日处理生活垃圾1,500吨", 547500.0)
    park = found["城北物流园"]
    assert (park.capacity_text, park.area_ha, park.power_mw) == ("1200亩", 80.0, None)
    assert found["乙县光伏发电项目"].power_mw == 1.2
    assert found["龙门港区码头"].throughput_t_per_yr is None  # a tonnage class is no throughput
    for c in found.values():
        assert c.capacity_text in c.quote


def test_compare_lists_scores_each_golden_list(tmp_path: Path) -> None:
    """The development lists are scored per plan and category, every listed row counted once."""
    import csv
    import io
    import shutil

    from geo.reader.compare import compare_lists, report

    golden = DATA / "golden"
    result = compare_lists(golden)
    sizes = {p.stem: len(list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8")))))
             for p in golden.glob("*.csv")}
    assert {k: s.rows for k, s in result.by_region.items()} == sizes
    assert result.overall.rows == sum(sizes.values()) == len(result.misses) + len(result.pairs)
    assert result.overall.candidates == len(result.extras) + len(result.pairs)
    for candidate, row in result.pairs:
        assert (candidate.region, candidate.category) == (row.region, row.category)
    text = report(result, result, list_limit=0)
    assert text.count("SHANGHAI ") == 2 and "headline *" in text
    shutil.copy(golden / "SHAOXING.csv", tmp_path / "SHAOXING.csv")
    with pytest.raises(ExtractError, match=r"no plan text SHAOXING\.txt"):
        compare_lists(tmp_path)
    with pytest.raises(ExtractError, match="no lists"):
        compare_lists(tmp_path / "nothing")


def test_candidates_of_every_plan_pass_the_catalogues_rules() -> None:
    """The candidates of the five plans and of the three development texts (tables among them)
    pass the validator's rules on rows: verbatim fields, capacities and years as their texts
    state them, one row per entity, consistent groups, a quote that names the project."""
    from types import SimpleNamespace

    from geo import validate
    from geo.plans import plans_from_dir

    texts = {p.stem: p.read_text(encoding="utf-8") for p in (DATA / "golden").glob("*.txt")}
    texts |= {code: plan.text for code, plan in plans_from_dir(ROOT / "data" / "plans").items()}
    rules = (validate.rule_quote_names_project, validate.rule_verbatim_fields, validate.rule_capacity_agrees,
             validate.rule_timeline_agrees, validate.rule_one_row_per_entity, validate.rule_groups_consistent)
    for code, text in texts.items():
        found = candidates_from_text(text, code)
        plan = SimpleNamespace(text=text, body_start=0, source=SimpleNamespace(file=code, noise=()))
        context = SimpleNamespace(plans={code: plan})
        problems = [str(p) for rule in rules for p in rule(found, context)]  # type: ignore[arg-type]
        assert len(found) >= 20 and not problems, (code, problems[:5])


def _named(text: str) -> dict[str, str]:
    return {c.name_zh: c.category.value for c in candidates_from_text(text, "TEST")}


def test_lists_of_water_bodies() -> None:
    """A list of water bodies names each: by a class noun after 等 (bare names, two characters
    are enough), by a kind each member takes (城市纳污港), by neighbours that are water bodies
    too (no words of water ecology needed), and a list of river basins."""
    found = _named("严格落实市域内甲江、乙水、丙溪等重要支流禁止捕捞。继续整治丁溪、戊宁等城市纳污港，严防返黑返臭。"
                   "以青萍湖、紫峰湖、棠湖等景观绿化工程为主。巩固己水和庚水流域退耕还湿成果。")
    for name in ("甲江", "乙水", "丙溪", "丁溪城市纳污港", "戊宁城市纳污港", "青萍湖", "紫峰湖", "棠湖", "己水流域",
                 "庚水流域"):
        assert found.get(name) == "wetland", (name, found)
    assert not any(name.startswith(("落实", "市域", "整治", "巩固")) for name in found)


def test_one_basin_or_one_lake_alone_is_no_candidate() -> None:
    """One river's basin is a region, not a work; a lone lake outside a water clause or a list
    stays unnamed; a two-character name needs a proper character (河湖 is generic)."""
    found = _named("深入实施甲江流域生态保护和高质量发展战略。打造乙湖景观。加强河湖、湖泊保护修复。")
    assert "甲江流域" not in found and "乙湖" not in found
    assert "河湖" not in found


def test_power_lines_named_by_route_and_voltage() -> None:
    """A route of places joined by dashes and a voltage on either side is a power line; the words
    before the first place are left out, and a range of years is no route."""
    found = _named("随着青石-白沙-红岭1000千伏特高压交流通道建成投运，东通道即甲州-乙岛500千伏线路。"
                   "实施丙港-丁湾500千伏线路串抗工程。推进220千伏戊山－己岭线路改造工程。2021-2025年线路改造。")
    for name in ("青石-白沙-红岭1000千伏特高压交流通道", "甲州-乙岛500千伏线路", "丙港-丁湾500千伏线路串抗工程",
                 "220千伏戊山－己岭线路改造工程"):
        assert found.get(name) == "substation", (name, found)
    assert not any(name.startswith(("随着", "东通道", "2021")) for name in found)


def test_grid_words_verbs_and_times_before_names() -> None:
    """农村电网 and 货站 are heads; 新增, 挖掘, 基于 and 是指 open clauses and a time (到2025年) is
    never part of a name, so what is left of those is generic."""
    found = _named("甲岛农村电网完成新一轮升级改造。推进乙州机场异地货站项目。新增110千伏变电站18座。"
                   "深入挖掘变电站资源价值。多站融合是基于传统变电站的新业态。到2025年农村电网供电可靠率达到99.9%。")
    assert found.get("甲岛农村电网") == "substation"
    assert found.get("乙州机场异地货站项目") == "logistics" or found.get("乙州机场异地货站") == "logistics", found
    assert not any(name.endswith("变电站") or name.startswith("到") for name in found), found


def test_members_of_a_quoted_structure_take_the_sector_after_them() -> None:
    """“两区一带”(A、B、C)和…等重点地区电网建设: each member is that structure's grid."""
    found = _named("重点加快“两区一带”（甲新区、乙示范区、丙商务区）和若干新城等重点地区电网建设。")
    for part in ("甲新区", "乙示范区", "丙商务区"):
        assert found.get(f"“两区一带”{part}电网") == "substation", (part, found)


def test_a_sector_laid_out_over_places() -> None:
    """"陆上风电重点布局在A、B（含C）等区域": one entry per place, with the sector; offshore and
    onshore wind of one place are two entries, a plain 风电 of it is either."""
    found = _named("深远海风电重点布局在甲岛以东海域，陆上风电重点布局在甲岛、乙州（含丙沙）、丁山等沿江沿海区域。"
                   "推进甲岛海上风电基地建设。加快甲岛风电建设。")
    assert found.get("甲岛以东海域深远海风电") == "wind"
    for place in ("甲岛", "乙州（含丙沙）", "丁山"):
        assert found.get(f"{place}陆上风电") == "wind", (place, found)
    assert found.get("甲岛海上风电基地") == "wind"
    assert "甲岛风电" not in found


def test_compounds_of_water_words_are_no_water_bodies() -> None:
    found = _named("加强主要河湖、重点河湖保护修复，整治辖区内的河。推进青石江干流生态修复。")
    assert not any(name.endswith(("河湖", "的河")) for name in found), found
    assert found.get("青石江干流") == "wetland"


def test_places_where_a_named_grid_is_piloted() -> None:
    found = _named("“菱形”配电网由本市率先提出，目前已在甲新城、乙镇及丙科学城等地区率先试点应用。")
    for place in ("甲新城", "乙镇", "丙科学城"):
        assert found.get(f"{place}“菱形”配电网试点") == "substation", (place, found)


def test_grid_facilities_of_one_place_and_two_voltages_are_two() -> None:
    """Voltage tells two grid facilities of one name apart; a name without one is either."""
    found = _named("建设甲山110千伏变电站，扩建甲山220千伏变电站。推进甲山变电站建设。")
    assert {"甲山110千伏变电站", "甲山220千伏变电站"} <= set(found)
    assert "甲山变电站" not in found


def test_a_count_after_a_list_names_the_kind_of_each_member() -> None:
    """"甲区、乙港区2个增量配网试点项目": each member is such a pilot (港区 inside a member names no
    port), and the count is no part of a name."""
    found = _named("完成改革，甲石化暂供区、乙港区2个增量配网试点项目取得较好成效。")
    assert found.get("甲石化暂供区增量配网试点项目") == "substation"
    assert found.get("乙港区增量配网试点项目") == "substation"
    assert not any(kind == "port_waterway" or "2个" in name for name, kind in found.items()), found


def test_a_sector_named_before_its_places_and_gas_heads() -> None:
    """The sector may open the sentence ("集中式光伏重点推动…，主要布局在A、B和C"): the last sector
    named before the places; 燃机项目 and 油库 are gas heads; "二是" and a count (四大) open no name."""
    found = _named("光伏开发集中与分布式并重，集中式光伏重点推动渔光互补和交通领域光伏发展，"
                   "主要布局在甲岛、乙州和丙江等区域。甲岛、乙州等燃机项目建成投产。"
                   "二是提升油库储备能力，建设四大油库，丁山航油油库调整到戊港地区。")
    for place in ("甲岛", "乙州", "丙江"):
        assert found.get(f"{place}集中式光伏") == "solar", (place, found)
    assert found.get("甲岛燃机项目") == "gas_oil" and found.get("丁山航油油库") == "gas_oil"
    assert not any(name.startswith(("二是", "提升", "四大")) for name in found), found


def test_designations_remediation_and_counted_kinds() -> None:
    """Places to earn a designation ("甲县、乙市创建国家森林城市"), remediation works as heads, and a
    count before a kind with qualifiers: each member is one of that kind ("甲、乙等5个厂外片区污染场地
    修复"); a count before a bare head leaves the members whole ("丙湖、丁湖等3个国家湿地公园")."""
    found = _named("加快推进甲县、乙市创建国家森林城市步伐。完成青石、白沙等5个厂外片区污染场地修复和治理。"
                   "加强丙湖、丁湖等3个国家湿地公园和戊山湿地县级自然保护区的保护与管理。")
    assert found.get("甲县国家森林城市") == "forest_ecology" and found.get("乙市国家森林城市") == "forest_ecology"
    assert found.get("青石厂外片区污染场地修复") == "forest_ecology"
    assert found.get("白沙厂外片区污染场地修复") == "forest_ecology"
    assert not any("国家湿地公园和" in name for name in found), found


def test_a_notices_addressees_are_no_parks() -> None:
    """The addressee line of a notice ("各区县发展改革委、甲新区经济运行局、乙高新区改革发展局，丙公司：")
    names offices, not the parks of their names; a plan's own line ending with a colon is read."""
    found = _named("各区县（自治县）发展改革委、甲新区经济运行局、乙高新区改革发展局，丙电力公司：\n"
                   "重点园区如下：丁戊高新区、己庚开发区建设。")
    assert not any(name.startswith(("甲新区", "乙高新区", "各区县")) for name in found), found
    assert found.get("丁戊高新区") == "industrial_park", found


def test_gas_fired_chp_is_gas_and_a_choice_of_kinds_is_no_name() -> None:
    """燃机热电联产 burns gas (gas_oil, not coal_power); "天然气发电或热电联产项目" names no project."""
    found = _named("建设甲乙园区燃机热电联产项目，在具备气源的区县适时建设天然气发电或热电联产项目。"
                   "推进丙丁电厂热电联产项目。")
    assert found.get("甲乙园区燃机热电联产项目") == "gas_oil", found
    assert found.get("丙丁电厂热电联产项目") == "coal_power", found
    assert not any("或" in name for name in found), found


def test_a_name_ending_like_a_name_before_a_figure_and_its_head() -> None:
    """"甲乙第三通道500千伏输变电工程": the words before the voltage are the works' name though they
    end like one (通道); a road's section before its works too (甲至乙段快速化改造工程); a name with
    no figure between it and the head stays apart ("丙丁基站输变电工程" is no such works)."""
    found = _named("建成甲乙第三通道500千伏输变电工程。实施G999甲城至乙镇段快速化改造工程。推进丙丁基站输变电工程。")
    assert found.get("甲乙第三通道500千伏输变电工程") == "substation", found
    assert found.get("G999甲城至乙镇段快速化改造工程") == "transport", found
    assert "丙丁基站输变电工程" not in found, found


def test_transmission_works_named_by_route_and_voltage() -> None:
    """"甲城至乙城±800千伏直流、丙丁1000千伏特高压交流输电工程": each member of the list with the head
    after the last one; supply channels named by what they carry ("戊、己电入庚直流通道"); power from
    outside (外电入庚) is no channel's name."""
    found = _named("建成甲城至乙城±800千伏直流、丙丁1000千伏特高压交流输电工程。"
                   "组织开展戊地、己地电入庚直流通道的研究论证。同步规划外电入庚特高压通道。")
    assert found.get("甲城至乙城±800千伏直流输电工程") == "substation", found
    assert found.get("丙丁1000千伏特高压交流输电工程") == "substation", found
    assert found.get("戊地电入庚直流通道") == "substation" and found.get("己地电入庚直流通道") == "substation"
    assert not any("外电入" in name for name in found), found


def test_grid_works_heads_openers_and_counts() -> None:
    """柔直工程, 增量配网 and 电网加强工程 are grid works; 引入, 整合, 获批, 开工建设 open clauses; a
    counted kind ("三个地方电网") and a generic pilot ("获批增量配电试点") name nothing; 电化学 and
    纯凝机组 are generic."""
    found = _named("甲乙背靠背柔直工程投运。引入丙集团整合三个地方电网和丁戊增量配网。获批增量配电试点。"
                   "开工建设己庚抽水蓄能电站。推进电化学储能电站建设。推动纯凝机组热电联产改造。"
                   "建成辛壬二期接入500千伏电网加强工程。")
    assert found.get("甲乙背靠背柔直工程") == "substation" and found.get("丁戊增量配网") == "substation", found
    assert found.get("己庚抽水蓄能电站") == "pumped_storage", found
    assert any(name.startswith("辛壬") and name.endswith("电网加强工程") for name in found), found
    assert not any(name.startswith(("引入", "获批", "开工", "电化学", "纯凝", "增量")) or "三个" in name
                   for name in found), found


def test_a_stage_word_before_the_head_is_no_part_of_the_name() -> None:
    """"甲乙在建抽水蓄能电站": the station is 甲乙抽水蓄能电站, under construction."""
    found = _named("推动甲乙在建抽水蓄能电站按期投产，加快丙丁已建风电场改造。")
    assert found.get("甲乙抽水蓄能电站") == "pumped_storage" and found.get("丙丁风电场") == "wind", found
    assert not any("在建" in name or "已建" in name for name in found), found


def test_connection_works_of_the_facilities_listed_before_de() -> None:
    """"建成甲乙电厂迁建、丙丁抽水蓄能电站的500千伏配套送出工程": the works of each facility."""
    found = _named("建成甲乙电厂迁建、丙丁抽水蓄能电站的500千伏配套送出工程，满足电源送出需求。")
    assert found.get("甲乙电厂迁建500千伏配套送出工程") == "substation", found
    assert found.get("丙丁抽水蓄能电站500千伏配套送出工程") == "substation", found
    assert not any(name.startswith("建成") for name in found), found


def test_hydro_works_and_cascades_of_rivers() -> None:
    """航电枢纽 and 水利枢纽 are hydropower works; "甲江、乙江等重要干流梯级开发" is one cascade per river
    (the words describing the list, 重要干流, are no part of a name)."""
    found = _named("加快实施甲江、乙江等重要干流梯级开发，建设甲江丙丁航电枢纽、戊江己庚航运水利枢纽等。")
    assert found.get("甲江梯级开发") == "hydro" and found.get("乙江梯级开发") == "hydro", found
    assert found.get("甲江丙丁航电枢纽") == "hydro" and found.get("戊江己庚航运水利枢纽") == "hydro", found
    assert not any("重要干流" in name for name in found), found


def test_programmes_in_listed_places() -> None:
    """"在甲山、乙溪、丙节开展光伏扶贫试点" and "“丁戊”、己城核心区、庚岛等一流城市配电网示范区": the
    programme in each place; a description ("资源好、条件优越的县(市、区)") and kinds of works before
    等 without a sector word ("甲冶金、乙冶金等示范工程") name no places."""
    found = _named("在甲山、乙溪、丙节开展光伏扶贫试点。建设“丁戊”、己城核心区、庚岛等一流城市配电网示范区。"
                   "在地热能资源好、条件优越的县(市、区)开展浅层地热项目示范试点。开展辛冶金、壬冶金等示范工程。")
    for place in ("甲山", "乙溪", "丙节"):
        assert found.get(place + "光伏扶贫试点") == "solar", (place, found)
    for place in ("“丁戊”", "己城核心区", "庚岛"):
        assert found.get(place + "一流城市配电网示范区") == "substation", (place, found)
    assert not any(name.startswith(("地热能资源", "条件优越", "光伏扶贫")) or "冶金" in name for name in found), found


def test_a_place_the_dictionary_knows_names_a_bare_head() -> None:
    """A sector head such as 电厂 or 加氢站 needs a toponym before it: a place name that jieba's
    dictionary tags as one (株洲, 嘉定) counts; generic water words (河湖, 沿江), a generic city word
    and "a batch of" (甲储备一批陆上风电) do not."""
    found = _named("建成株洲电厂环保改造。建设嘉定加氢站。推进城市加油站改造。加强河湖湿地保护与修复。"
                   "在丙丁储备一批陆上风电厂址资源。")
    assert found.get("株洲电厂") == "coal_power" and found.get("嘉定加氢站") == "hydrogen", found
    assert not any(name.startswith(("城市", "河湖")) or "一批" in name for name in found), found


def test_facilities_of_one_kind_laid_out_over_listed_places() -> None:
    """"在甲新片区、乙丙、丁化工区等区域布局一批加氢站": a refuelling station in each place; a
    description (资源好的县) is no list of places."""
    found = _named("在甲新片区、乙丙、丁化工区等区域布局一批加氢站。在交通便利、资源好的县建设一批充电桩建设工程。")
    for place in ("甲新片区", "乙丙", "丁化工区"):
        assert found.get(place + "加氢站") == "hydrogen", (place, found)
    assert not any(name.startswith(("交通便利", "资源好")) for name in found), found


def test_gas_networks_by_pressure_and_gas_links() -> None:
    """"优化甲地区2.5兆帕环网，补强乙中心1.6兆帕环网": gas networks named by place and pressure;
    "丙丁、戊己天然气联络线" are two gas links."""
    found = _named("优化甲地区2.5兆帕环网，补强乙中心1.6兆帕环网。持续推进丙丁、戊己天然气联络线等重大项目。")
    assert found.get("甲地区2.5兆帕环网") == "gas_oil" and found.get("乙中心1.6兆帕环网") == "gas_oil", found
    assert found.get("丙丁天然气联络线") == "gas_oil" and found.get("戊己天然气联络线") == "gas_oil", found


def test_charging_networks_named_by_a_quoted_structure() -> None:
    """"建成“甲乙”高速公路快充网络": a named charging network; a generic one ("城乡公共充电网络") is none."""
    found = _named("建成“甲环乙射”高速公路快充网络。加快形成高速公路和城乡公共充电网络。")
    assert found.get("“甲环乙射”高速公路快充网络") == "ev_charging", found
    assert not any(name.startswith(("城乡", "公共", "高速公路和")) for name in found), found


def test_market_and_data_platforms_named_by_their_place() -> None:
    """交易中心 and 大数据中心 are platforms (other) when a place the dictionary knows names them
    ("建设好杭州能源大数据中心"); a generic one ("市场交易中心", "油气交易中心") is none."""
    found = _named("建设好杭州能源大数据中心。发挥上海国际能源交易中心作用，"
                   "打造具有影响力的市场交易中心、油气交易中心。")
    assert found.get("杭州能源大数据中心") == "other" and found.get("上海国际能源交易中心") == "other", found
    assert not any(name.startswith(("市场", "油气", "好")) for name in found), found
