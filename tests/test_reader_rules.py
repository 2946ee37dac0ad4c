"""The plan reader's structural rules, one sentence each that a rule reads and one it must not."""

from __future__ import annotations

from geo.reader import candidates_from_text


def _found(text: str) -> dict[str, str]:
    """Candidate names of ``text`` and their categories."""
    return {c.name_zh: c.category.value for c in candidates_from_text(text, "TEST")}


def test_a_list_of_enterprises_names_plants() -> None:
    found = _found("依托甲鹰生物、乙合新材料等龙头企业，完善产业体系。"
                   "引导丙澧盐化、丁能热电等重点煤炭消费企业实施减煤改造。"
                   "发展一批像戊洛斯、己盛等在细分领域做到专、精、特、新的龙头企业。"
                   "以庚机车公司、辛动力机械公司等为代表，实现零碳制造。")
    assert found["甲鹰生物"] == found["乙合新材料"] == found["丙澧盐化"] == "industrial_plant"
    assert found["丁能热电"] == "coal_power"  # named for its plant
    assert found["戊洛斯"] == found["己盛"] == "industrial_plant"  # after 像; a short name in a list of firms
    assert found["庚机车公司"] == found["辛动力机械公司"] == "industrial_plant"


def test_a_list_of_sectors_or_roles_is_no_list_of_plants() -> None:
    found = _found("引导钢铁、化工等重点企业节能改造。引导充电服务、物业服务等相关企业参与建设。"
                   "完成甲达冶化、乙花水泥等企业地块污染土壤修复治理。以甲、乙等为代表的城市。")
    assert not any(category == "industrial_plant" for category in found.values()), found


def test_a_list_of_projects_before_deng_xiangmu() -> None:
    found = _found("实施甲鑫化工年产8万吨新型染料升级改造、乙东化工煤焦油精细加工及特种炭黑综合利用等项目。"
                   "加快推进丙喜年加工130万吨废钢改扩建、丁涛90万吨硫酸镁废水回用等项目建设。"
                   "推进戊县液态二氧化碳扩能等项目。加快推进芦淞区X084拓宽改造工程等项目。")
    assert found["甲鑫化工年产8万吨新型染料升级改造"] == "industrial_plant"  # a firm's works: its plant
    assert found["乙东化工煤焦油精细加工及特种炭黑综合利用"] == "industrial_plant"
    assert found["丙喜年加工130万吨废钢改扩建"] == found["丁涛90万吨硫酸镁废水回用"] == "circular_economy"
    assert found["戊县液态二氧化碳扩能"] == "ccus"
    assert found["芦淞区X084拓宽改造工程"] == "transport"


def test_kinds_of_works_before_deng_xiangmu_are_no_projects() -> None:
    found = _found("重点支持电池回收利用、电解液配置等项目。实施测土配方施肥、绿肥轮作、水肥一体化技术等项目。"
                   "适时开展近零能耗建筑、零碳建筑等示范项目。")
    assert found == {}, found


def test_institutes_named_by_their_owner_or_place() -> None:
    found = _found("大力推进天津大学绍兴研究院、浙江工业大学绍兴研究院建设。推动湖南省新能源汽车协同创新研究院建设。"
                   "支持SAP株洲联合创新中心建设。")
    assert found["天津大学绍兴研究院"] == found["浙江工业大学绍兴研究院"] == "other"
    assert found["湖南省新能源汽车协同创新研究院"] == found["SAP株洲联合创新中心"] == "other"


def test_described_institutes_are_no_names() -> None:
    found = _found("引导龙头企业联合高校、科研院所共建绿色低碳产业创新中心。建设一批高能级实验室和技术创新中心。")
    assert found == {}, found


def test_heat_sources_boiler_rooms_and_energy_centres() -> None:
    found = _found("建设甲河热源厂、乙庄锅炉房和丙县供热中心。推进丁区燃气调峰热源建设。"
                   "探索在戊开发区、己工业园区等产业园区建设分布式能源中心。")
    assert found["甲河热源厂"] == found["乙庄锅炉房"] == found["丙县供热中心"] == "district_energy"
    assert found["丁区燃气调峰热源"] == "district_energy"
    assert found["戊开发区分布式能源中心"] == found["己工业园区分布式能源中心"] == "district_energy"


def test_heat_as_a_kind_of_works_is_no_name() -> None:
    found = _found("推行集中供热，淘汰分散燃煤供热锅炉。鼓励煤矿企业开展低浓度瓦斯发电和供热工程。"
                   "加大对供热管网的互联互通。")
    assert not any(category == "district_energy" for category in found.values()), found


def test_a_places_programme_of_any_sector() -> None:
    # (placeholders such as 甲 are common words of the dictionary: the places here are made up names)
    found = _found("全面推动桐岭县农业现代化发展示范区、白沙县特色农旅产业发展示范区建设。"
                   "依托青溪县小将镇省级低碳城镇试点，探索开展试点创建工作。")
    assert found["桐岭县农业现代化发展示范区"] == found["白沙县特色农旅产业发展示范区"] == "other"
    assert found["青溪县小将镇省级低碳城镇试点"] == "other"


def test_a_programme_without_a_place_is_no_name() -> None:
    found = _found("探索开展低碳城镇试点创建工作。推进城市生活垃圾分类试点。开展小城镇环境综合治理托管服务试点。")
    assert found == {}, found


def test_forest_works_and_programme_headings() -> None:
    found = _found("实施绿心生态修复工程，重点修复治理历史遗留矿坑。构建沿海防护林带防潮生态屏障。\n"
                   "1. 加强国土绿化工程。\n")
    assert found["绿心生态修复工程"] == found["沿海防护林带"] == "forest_ecology"
    assert found["国土绿化工程"] == "forest_ecology"  # a numbered heading, its verb left out


def test_forest_works_without_a_name_are_none() -> None:
    found = _found("持续推进生态修复工程，加强防护林建设。")
    assert found == {}, found


def test_a_counted_list_of_places_takes_the_kind() -> None:
    found = _found("成功创建南湖、秀洲和桐乡等3个现代生态循环农业整建制推进县(市、区)。"
                   "启动了河西中心片区、田心片区等15个城市片区雨污分流改造。完成大湖、云龙污水处理厂等7大重金属污染治理项目。")
    assert found["南湖现代生态循环农业整建制推进县(市、区)"] == "other"
    # 城市片区 restates what the members are: it is left out
    assert found["河西中心片区雨污分流改造"] == found["田心片区雨污分流改造"] == "other"
    assert found["大湖重金属污染治理项目"] == found["云龙污水处理厂"] == "other"  # a complete name stays as it is


def test_a_counted_list_of_kinds_is_no_list_of_places() -> None:
    found = _found("重点实施窑炉改造、余热余压利用、电机和变压器能效提升等六大节能工程。"
                   "加强电力、钢铁、水泥等八大重点行业碳排放控制。")
    assert found == {}, found


def test_lines_listed_each_with_the_sector_head() -> None:
    found = _found("积极争取疏港铁路专线，与安慈高速、二广高速形成互联互通。")
    assert found["安慈高速"] == found["二广高速"] == "transport"  # two places' abbreviations, no toponym


def test_one_line_of_a_sector_needs_a_place() -> None:
    found = _found("加快构建以高铁、高速为骨架的交通网络，安慈高速形成互联互通。")
    assert "安慈高速" not in found, found


def test_platforms_and_systems_named_by_their_owner() -> None:
    found = _found("加快建设株洲智慧工地监管平台。完善嘉兴市综合能源服务平台。")
    assert found["株洲智慧工地监管平台"] == found["嘉兴市综合能源服务平台"] == "other"


def test_platforms_without_an_owner_are_none() -> None:
    found = _found("建设公共信息服务平台和碳排放监测系统。")
    assert found == {}, found


def test_a_programme_laid_in_one_place() -> None:
    found = _found("一是在临港新片区布局风光气储示范区。在崇明开展零碳社区建设。努力将横沙打造成为零碳岛。")
    assert found["临港新片区风光气储示范区"] == found["崇明零碳社区"] == found["横沙零碳岛"] == "other"


def test_a_programme_laid_in_a_kind_of_place_is_none() -> None:
    found = _found("在具备条件的建筑中开展超低能耗建筑试点。在农村开展适宜节能技术试点。在全省率先开展审计试点。")
    assert found == {}, found


def test_a_numbered_project_named_by_its_place() -> None:
    found = _found("1.桐岭县旅游业数字化升级项目。围绕游、食、住、行建设应用系统。\n")
    assert found["桐岭县旅游业数字化升级项目"] == "other"


def test_a_numbered_section_title_is_no_project() -> None:
    found = _found("四、重大项目\n(三)节能降碳重点工程\n2.绿肥种植项目。根据建设计划实施。\n")
    assert found == {}, found


def test_a_single_project_named_in_full() -> None:
    found = _found("加快推进攸县医疗废弃物收转运系统项目建设。实施北方稀土15万吨绿色冶炼升级改造项目。")
    assert found["攸县医疗废弃物收转运系统项目"] == "circular_economy"
    assert found["北方稀土15万吨绿色冶炼升级改造项目"] == "industrial_plant"


def test_a_class_of_projects_is_no_project() -> None:
    found = _found("上海市“十四五”重点能源建设项目。严格控制绿心地区79个工业项目。推进城市黑臭水体整治项目。")
    assert found == {}, found


def test_a_countys_enterprises_of_one_trade() -> None:
    found = _found("有序推动新绛县、闻喜县合成氨生产企业以及稷山县甲醇生产企业完成节能改造。")
    assert found["新绛县合成氨生产企业"] == found["闻喜县合成氨生产企业"] == found["稷山县甲醇生产企业"] == \
        "industrial_plant"


def test_enterprises_of_a_trade_without_a_place_are_none() -> None:
    found = _found("支持能源装备生产企业等优势企业参与国内外产业链供应链合作。")
    assert found == {}, found


def test_firms_listed_by_their_trade_word() -> None:
    found = _found("推进并完成大安钢铁、吉宇钢铁搬迁工作。")
    assert found["大安钢铁"] == found["吉宇钢铁"] == "industrial_plant"


def test_trades_listed_are_no_firms() -> None:
    found = _found("加强钢铁、化工、水泥等行业节能。推动传统钢铁、现代化工转型升级。")
    assert found == {}, found


def test_a_list_of_programmes_each_with_its_head() -> None:
    found = _found("推进黄汾百万亩优质粮食高产高效示范带、峨嵋岭特优产业发展示范带、沿涑水河生态农业示范带建设。")
    assert found["黄汾百万亩优质粮食高产高效示范带"] == found["沿涑水河生态农业示范带"] == "other"


def test_one_programme_of_no_sector_and_no_place_is_none() -> None:
    found = _found("推进优质粮食高产高效示范带建设。")
    assert found == {}, found


def test_a_place_designated_a_pilot() -> None:
    found = _found("低碳发展加快探索，桐乡市河山镇入选首批省级低碳城镇试点，南湖区世合理想大地列入第二批省级低碳试点。")
    assert found["桐乡市河山镇省级低碳城镇试点"] == found["南湖区世合理想大地省级低碳试点"] == "other"


def test_counted_or_generic_subjects_of_a_designation_are_none() -> None:
    found = _found("全市4个项目列入国家绿色制造系统集成试点，企业列入国家绿色设计示范点。")
    assert found == {}, found


def test_two_forest_works_of_one_place_are_two() -> None:
    found = _found("加强罗霄山脉国家公园建设。构建以罗霄山脉、绿心地区生态廊道为骨架的廊道网络体系。")
    assert found["罗霄山脉国家公园"] == found["罗霄山脉生态廊道"] == "forest_ecology"


def test_one_forest_park_named_twice_is_one() -> None:
    found = _found("加强大京森林公园建设。提升大京森林公园品质。")
    assert list(found) == ["大京森林公园"], found


def test_fragile_zones_of_listed_places() -> None:
    found = _found("重点保护炎陵、攸县东部山林生态脆弱区，加大林种和树种结构调整。")
    assert found["炎陵山林生态脆弱区"] == found["攸县东部山林生态脆弱区"] == "forest_ecology"  # 山林 is shared


def test_a_fragile_zone_of_no_place_is_none() -> None:
    found = _found("实施生态脆弱区林相改造，加强山林生态脆弱区保护。")
    assert found == {}, found


def test_a_heat_type_cell_gives_the_rows_district_energy() -> None:
    from .test_tables import PROSE

    lines = ["项目名称\t\t建设内容", "清洁供热\t西郊再生水源热泵工程\t新建热泵站", "电网\t城南输变电工程\t扩建主变"]
    found = {c.name_zh: c.category.value for c in candidates_from_text(PROSE + "\n" + "\n".join(lines) + "\n", "TEST")
             if "\t" in c.quote}
    assert found["西郊再生水源热泵工程"] == "district_energy"
    assert found["城南输变电工程"] == "substation"  # a grid row stays a grid row


def test_heat_stations_named_by_their_place() -> None:
    found = _found("建设西郊热泵站和城北换热站。")
    assert found["西郊热泵站"] == found["城北换热站"] == "district_energy"


def test_heat_stations_of_no_place_are_none() -> None:
    found = _found("新建一批换热站，推广热泵站和区域能源。")
    assert found == {}, found


def test_a_list_of_units_before_their_works() -> None:
    found = _found("重点推进吴泾八期2号机、宝钢3号机等高温亚临界改造项目。")
    assert found["吴泾八期2号机高温亚临界改造项目"] == found["宝钢3号机高温亚临界改造项目"] == "coal_power"


def test_like_for_like_replacement_is_no_list() -> None:
    found = _found("推进石洞口一厂等容量替代项目。")
    assert "石洞口一厂容量替代项目" not in found, found


def test_a_line_that_opens_with_a_programme_and_a_colon() -> None:
    found = _found("实施光伏专项工程。\n“光伏+”住宅：新增装机超过10万千瓦。\n企业碳账户应用场景：企业主体核算碳排放。\n"
                   "氢燃料物流运输车示范应用工程:以物流基地为重点。\n")
    assert found["“光伏+”住宅"] == "solar"
    assert found["企业碳账户应用场景"] == "other"
    assert found["氢燃料物流运输车示范应用工程"] == "hydrogen"


def test_a_colon_inside_a_line_or_after_a_title_is_no_heading() -> None:
    found = _found("主要目标：到2025年，新增装机超过10万千瓦。\n专栏2：新能源发展示范工程\n")
    assert found == {}, found


def test_ring_roads_named_by_their_place() -> None:
    found = _found("打造旅游环线，分别是绿心旅游环线、醴陵市旅游环线、攸县旅游环线。")
    assert found["绿心旅游环线"] == found["醴陵市旅游环线"] == found["攸县旅游环线"] == "transport"


def test_a_ring_road_of_no_place_is_none() -> None:
    found = _found("打造城市旅游环线和公交环线。")
    assert found == {}, found


def test_a_verb_of_planning_or_a_predicate_opens_no_name() -> None:
    found = _found("充分利用工业园区闲置屋顶。科学编制产业园区规划。醴陵市作为烟花爆竹产业基地，加快转型。"
                   "我市经济预计仍将保持高速增长。引导企业进入相应工业园区。")
    assert not any(name.startswith(("充分利用", "科学编制", "醴陵市作为", "企业进入")) or "预计" in name
                   for name in found), found


def test_a_name_after_such_a_verb_is_still_read() -> None:
    found = _found("码头工程拟建设甲山15万吨级LNG专用码头。推进乙县产业园区建设。")
    assert "甲山15万吨级LNG专用码头" in found, found
    assert found["乙县产业园区"] == "industrial_park"


def test_a_scope_or_a_count_makes_no_name() -> None:
    found = _found("引导企业进入相应工业园区。推进市内工业园区循环化改造。提升内河航道等级。"
                   "全市300多家加油站完成油气回收改造。完善市、区两级产业园区。")
    assert found == {}, found


def test_a_named_facility_with_such_words_is_still_read() -> None:
    found = _found("推进甲州内河港区建设。建设乙县工业园区。")
    assert "甲州内河港区" in found and found["乙县工业园区"] == "industrial_park", found


def test_a_list_of_kinds_of_site_names_no_facilities() -> None:
    found = _found("建设与设施农业相结合的光伏农业大棚、茶叶园、中药种植地、蔬菜地、养殖场等光伏发电项目。"
                   "建设道路、水系、主要交通干道生态廊道。")
    assert found == {}, found


def test_a_list_of_named_sites_is_still_read() -> None:
    found = _found("推进清水塘、金鸡岭、白马垄等光伏发电项目。推进甲山、乙岭、丙峰光伏电站。")
    assert found["清水塘光伏发电项目"] == found["白马垄光伏发电项目"] == found["丙峰光伏电站"] == "solar", found


def test_a_name_holding_a_predicate_is_a_fragment_of_a_sentence() -> None:
    found = _found("推广氢燃料物流叉车在港区应用。推动生物质直接发电向热电联产转变。满足生态用水要求湿地保护。")
    assert found == {}, found


def test_the_name_after_the_predicate_is_still_read() -> None:
    found = _found("引导乘用车电驱产业在清水塘中车双碳产业园集聚。")
    assert "清水塘中车双碳产业园" in found, found


def test_a_kind_of_plant_before_its_head_is_no_name() -> None:
    found = _found("建设“林光互补”分布式光伏电站。建设漂浮式光伏电站。推进抽蓄储能电站建设。"
                   "培育装配式建筑产业基地。加强油罐车油库管理。")
    assert found == {}, found


def test_a_place_before_such_a_kind_is_still_read() -> None:
    found = _found("建设甲山区渔光互补光伏电站。推进乙县抽蓄储能电站建设。")
    assert found["甲山区渔光互补光伏电站"] == "solar", found
    assert "乙县抽蓄储能电站" in found, found


def test_generic_water_words_before_a_water_head_name_no_water_body() -> None:
    found = _found("以房前屋后河塘沟渠为重点整治黑臭水体。优化中小河流及农村河道拦河水利工程管控。")
    assert not any(category == "wetland" for category in found.values()), found


def test_a_named_river_is_still_read() -> None:
    found = _found("加强甲溪河、乙姚江等河流生态修复。")
    assert found.get("甲溪河") == found.get("乙姚江") == "wetland", found


def test_a_kind_of_works_before_its_head_is_no_name() -> None:
    found = _found("建设一体化大型加工配送中心。完善集疏港铁路。建设高温气冷堆核电站。")
    assert found == {}, found


def test_a_named_centre_of_such_works_is_still_read() -> None:
    found = _found("建设甲州冷链加工配送中心。")
    assert "甲州冷链加工配送中心" in found, found


def test_a_name_and_the_same_name_with_its_works_are_one_candidate() -> None:
    found = _found("森林抚育1.05万亩。\n2.甲市油茶产业基地建设项目。“十四五”期间,建成2万亩优质油茶丰产林。\n")
    assert list(found) == ["甲市油茶产业基地建设项目"], found


def test_a_base_named_alone_is_still_read() -> None:
    found = _found("建设甲县油茶产业基地。")
    assert list(found) == ["甲县油茶产业基地"], found


def test_a_count_of_a_kind_names_no_facility() -> None:
    found = _found("建设若干个成品油库。建设一批分布式光伏发电应用示范项目。")
    assert found == {}, found


def test_a_named_facility_after_a_count_is_still_read() -> None:
    found = _found("建成3个光伏电站，其中甲山光伏电站已投运。")
    assert "甲山光伏电站" in found, found
