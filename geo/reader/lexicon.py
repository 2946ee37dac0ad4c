"""Lexicon of the plan genre (Chinese local carbon-peak and climate plans) for the plan reader.

Written for the genre, not for any one plan: facility heads and the category each
implies, the generic modifiers that make a mention unspecific, the verbs that open a
clause, status words, and the spam vocabulary injected into defaced government pages.
No project names of the curated catalogue appear here (a test checks that no head is one).
"""

from __future__ import annotations

# Facility heads, longest first when matched; each maps to a catalogue category.
HEADS: dict[str, str] = {
    # pumped storage and storage
    "抽水蓄能电站": "pumped_storage", "抽水蓄能项目": "pumped_storage", "抽水蓄能工程": "pumped_storage",
    "抽蓄电站": "pumped_storage", "抽水蓄能发电站": "pumped_storage", "抽水蓄能": "pumped_storage",
    "储能电站": "energy_storage", "储能项目": "energy_storage", "储能示范基地": "energy_storage",
    # wind and solar
    "海上风电场": "wind", "风电场": "wind", "风电项目": "wind", "风电基地": "wind",
    "风力发电项目": "wind", "风力发电工程": "wind", "风电工程": "wind", "陆上风电": "wind", "分散式风电": "wind",
    "风电": "wind",
    "光伏电站": "solar", "光伏发电项目": "solar", "光伏发电工程": "solar", "光伏项目": "solar", "光伏基地": "solar",
    "渔光互补发电项目": "solar", "农光互补发电项目": "solar", "光伏开发试点": "solar", "光储一体化": "solar",
    # grid
    "变电站": "substation", "开关站": "substation", "换流站": "substation", "输变电工程": "substation",
    "送出工程": "substation", "电网工程": "substation", "电网扩容": "substation", "配电网改造": "substation",
    "电网改造": "substation", "微电网": "substation", "输变电扩建工程": "substation", "直流配电网": "substation",
    "交流环网": "substation", "协调控制中心": "substation", "农村电网": "substation",  # the last only with GRID_WORDS
    "柔直工程": "substation", "柔性直流工程": "substation", "增量配网": "substation", "增量配电网": "substation",
    "电网加强工程": "substation",
    # wetlands and water bodies
    "国家湿地公园": "wetland", "湿地公园": "wetland", "湿地自然公园": "wetland", "沼泽湿地": "wetland",
    "湿地系统": "wetland", "湿地": "wetland", "湖": "wetland", "荡": "wetland", "漾": "wetland", "渠": "wetland",
    "河": "wetland", "干流": "wetland", "段": "wetland",
    # logistics
    "保税物流中心": "logistics", "冷链物流基地": "logistics", "物流基地": "logistics", "物流园区": "logistics",
    "物流园": "logistics", "物流中心": "logistics", "物流枢纽": "logistics", "物流区": "logistics",
    "物流集散中心": "logistics", "物流平台": "logistics", "物流圈": "logistics", "快递集聚区": "logistics",
    "储运煤中心": "logistics", "储运中心": "logistics", "货运枢纽": "logistics", "货运节点": "logistics",
    "货场": "logistics", "仓储物流基地": "logistics", "配送中心": "logistics", "货站": "logistics",
    # ports, transport
    "码头": "port_waterway", "港区": "port_waterway", "航道": "port_waterway", "锚地": "port_waterway",
    "疏浚工程": "port_waterway", "水库": "port_waterway", "排涝工程": "port_waterway", "防洪工程": "port_waterway",
    "机场": "transport", "高铁": "transport", "铁路": "transport", "城际铁路": "transport", "高速": "transport",
    "快速化改造工程": "transport", "改线工程": "transport", "改建工程": "transport", "旅游公路": "transport",
    "大桥": "transport", "绿道": "transport", "通用机场": "transport", "快速路工程": "transport",
    "旅游环线": "transport", "环线": "transport",
    # energy plants and fuels
    "垃圾焚烧发电厂": "biomass_waste", "焚烧发电项目": "biomass_waste", "生物质发电项目": "biomass_waste",
    "热电项目": "biomass_waste", "热电联产项目": "coal_power", "热电联产工程": "coal_power",
    "热电联产": "coal_power", "水电站": "hydro", "水力发电站": "hydro",
    "航电枢纽": "hydro", "水利枢纽": "hydro", "梯级开发": "hydro", "梯级电站": "hydro", "电厂": "coal_power",
    "热电": "coal_power", "发电公司": "coal_power",
    "煤业": "coal_power", "核电站": "nuclear", "加氢站": "hydrogen", "氢能产业园": "hydrogen",
    "油品管道": "gas_oil", "成品油管道": "gas_oil", "航油管道": "gas_oil", "天然气管道": "gas_oil",
    "长输管线": "gas_oil", "分输中心": "gas_oil", "储气站": "gas_oil", "燃机项目": "gas_oil", "油库": "gas_oil",
    "燃气发电基地": "gas_oil", "天然气联络线": "gas_oil", "燃气联络线": "gas_oil", "输气管道": "gas_oil",
    "加油站": "gas_oil", "支干线": "gas_oil", "LNG接收站": "gas_oil", "储运站": "gas_oil",
    "地热能供热": "geothermal", "能源站": "district_energy", "分布式能源中心": "district_energy",
    # district heat and energy: heat sources, boiler rooms, heating plants and networks, waste heat
    "热源厂": "district_energy", "调峰热源": "district_energy", "热源": "district_energy",
    "锅炉房": "district_energy", "供热厂": "district_energy", "供热站": "district_energy",
    "供热中心": "district_energy", "供热工程": "district_energy", "供热项目": "district_energy",
    "供热管网": "district_energy", "热网": "district_energy", "余热利用项目": "district_energy",
    "余热回收项目": "district_energy", "余热供热": "district_energy", "余热供暖": "district_energy",
    "微能源网": "district_energy", "三联供": "district_energy", "能源中心": "district_energy",
    "供冷站": "district_energy", "区域供冷": "district_energy", "热力站": "district_energy",
    "换热站": "district_energy", "热泵站": "district_energy", "冷热源": "district_energy",
    "区域能源": "district_energy", "热力厂": "district_energy",
    "CCUS项目": "ccus", "碳捕集": "ccus",
    # parks, ecology, recycling
    "产业园": "industrial_park", "工业园区": "industrial_park", "开发区": "industrial_park",
    "高新区": "industrial_park",
    "产业基地": "industrial_park", "专业镇": "industrial_park", "产业园区": "industrial_park",
    "森林公园": "forest_ecology",
    "退化林修复项目": "forest_ecology", "石漠化综合治理工程": "forest_ecology",
    "生态廊道": "forest_ecology", "国家公园": "forest_ecology", "储备林": "forest_ecology",
    "生态林带": "forest_ecology", "场地修复": "forest_ecology", "土壤修复治理": "forest_ecology",
    "废渣治理": "forest_ecology",
    "国土绿化行动": "forest_ecology", "绿化工程": "forest_ecology",
    "生态修复工程": "forest_ecology", "保护和修复工程": "forest_ecology", "保护修复工程": "forest_ecology",
    "防护林带": "forest_ecology", "防护林": "forest_ecology", "海岸带": "forest_ecology", "碳汇林": "forest_ecology",
    "郊野公园": "forest_ecology", "中央公园": "forest_ecology", "植物园": "forest_ecology",
    "生态脆弱区": "forest_ecology", "生态屏障区": "forest_ecology", "水源涵养林": "forest_ecology",
    "石漠化综合治理": "forest_ecology", "水土流失综合治理": "forest_ecology",
    "再生资源回收利用基地": "circular_economy", "综合利用示范基地": "circular_economy",
    "充电基础设施建设项目": "ev_charging", "充电桩建设工程": "ev_charging", "快充网络": "ev_charging",
    "充电网络": "ev_charging",
    "绿色工厂": "industrial_plant", "生产企业": "industrial_plant",
    # platforms of the energy market and data (named by their place: see BARE_HEADS)
    "交易中心": "other", "大数据中心": "other",
    # institutes and centres of research, testing and incubation (named by their owner or place)
    "研究院": "other", "实验室": "other", "创新中心": "other", "研究中心": "other", "研发中心": "other",
    "检测中心": "other", "孵化器": "other", "研究院所": "other", "创新研究院": "other", "技术研究院": "other",
    # platforms and systems of monitoring and management (named by their owner or place)
    "监测系统": "other", "监管平台": "other", "管理平台": "other", "服务平台": "other", "信息平台": "other",
    "监测平台": "other", "对接平台": "other", "出口平台": "other", "博览园": "other", "主题公园": "other",
}
HEAD_LIST: tuple[str, ...] = tuple(sorted(HEADS, key=len, reverse=True))
#: heads that name a grid facility only beside a grid word ("源网荷储协调控制中心", not a traffic control centre)
GRID_ONLY_HEADS = {"协调控制中心"}
GRID_WORDS = ("电网", "电力", "配电", "源网荷储", "调度", "能源")

#: single-character water heads are names only when the qualifier before them is a proper name
WATER_HEADS = {"湖", "荡", "漾", "渠", "河", "干流", "段"}
#: every other head (a tuple, so that ``str.startswith`` / ``endswith`` test them all at once)
LAND_HEADS: tuple[str, ...] = tuple(h for h in HEAD_LIST if h not in WATER_HEADS)
#: a single-character water head must stand in a clause about water ecology
WATER_CONTEXT = ("湿地", "河道", "水系", "生态治理", "保护修复", "保护与修复", "修复", "河湖", "流域", "治理")
#: characters that may follow a single-character water head inside a list or phrase
WATER_FOLLOW = set("、，,。；;和及与等生水段")
#: heads that name a whole sector; a mention needs a toponym before them (炎陵县 风电, 毛里湖 湿地)
#: heads of institutes and centres: a mention needs its owner's or place's proper name before them
#: (甲大学乙研究院, 丙省…创新研究院), not a description (绿色低碳产业创新中心)
OWNED_HEADS = {"研究院", "实验室", "创新中心", "研究中心", "研发中心", "检测中心", "孵化器", "研究院所",
               "创新研究院", "技术研究院", "监测系统", "监管平台", "管理平台", "服务平台", "信息平台", "监测平台",
               "对接平台", "出口平台", "博览园", "主题公园"}
BARE_HEADS = {"风电", "湿地", "陆上风电", "分散式风电", "铁路", "高速", "热电", "电厂", "碳捕集", "加氢站",
              "加油站", "储气站", "机场", "交易中心", "大数据中心",
              "热源", "热网", "供热管网", "三联供", "余热供热", "余热供暖", "区域供冷", "供热工程", "供热项目",
              "余热利用项目", "余热回收项目", "微能源网", "生产企业", "冷热源", "区域能源"}
#: place morphemes that make a qualifier a toponym
TOPONYM_CHARS = set("县区市镇乡旗村湖荡漾河江溪泽滩湾渠山岭峰洲岛港")
#: demonstration programmes: accepted with a generic qualifier when a sector keyword names them
PROGRAMME_HEADS = ("示范试点", "示范工程", "示范项目", "示范区", "示范基地", "示范带", "先行区", "试点")
#: a list member ending with one of these is a complete name, not a qualifier of the next head
COMPLETE_ENDINGS = ("项目", "工程", "基地", "中心", "园区", "站", "厂", "公司", "集团", "扩建", "新建", "改造",
                    "扩容", "建设", "线", "通道", "大道", "公路")
SECTOR_KEYWORDS = (
    ("氢燃料", "hydrogen"),  # (a hydrogen-fuelled fleet of logistics is hydrogen's)
    ("物流", "logistics"), ("货运", "logistics"), ("冷链", "logistics"), ("配送", "logistics"),
    ("能源互联网", "substation"), ("微电网", "substation"), ("电网", "substation"), ("电力", "substation"),
    ("配电", "substation"), ("配网", "substation"), ("抽水蓄能", "pumped_storage"), ("储能", "energy_storage"),
    ("风电", "wind"), ("驭风", "wind"), ("风能", "wind"), ("风力", "wind"),
    ("光伏", "solar"), ("湿地", "wetland"), ("清水", "wetland"), ("氢能", "hydrogen"), ("加氢", "hydrogen"),
    ("充电", "ev_charging"),
    ("地热", "geothermal"), ("生物质", "biomass_waste"), ("碳捕集", "ccus"), ("CCUS", "ccus"),
    ("国土绿化", "forest_ecology"), ("造林", "forest_ecology"), ("森林", "forest_ecology"),
    ("碳汇", "forest_ecology"), ("供热", "district_energy"), ("热源", "district_energy"),
    ("余热", "district_energy"), ("供冷", "district_energy"),
)
#: sector words of a table's name, type or section cells (the type column of a key-project table
#: names a sector: 城市电网, 油气, 可再生能源发电), in the order they are tried
TABLE_KEYWORDS = (
    ("抽水蓄能", "pumped_storage"), ("储能", "energy_storage"), ("风电", "wind"), ("光伏", "solar"),
    ("太阳能", "solar"), ("生物质", "biomass_waste"), ("垃圾", "biomass_waste"), ("氢", "hydrogen"),
    ("充电", "ev_charging"), ("天然气", "gas_oil"), ("油气", "gas_oil"), ("成品油", "gas_oil"), ("航油", "gas_oil"),
    ("LNG", "gas_oil"), ("燃气", "gas_oil"), ("燃机", "gas_oil"), ("管网", "gas_oil"), ("油库", "gas_oil"),
    ("煤机", "coal_power"), ("燃煤", "coal_power"), ("煤电", "coal_power"), ("等容量替代", "coal_power"),
    ("输变电", "substation"), ("变电", "substation"), ("输电", "substation"), ("特高压", "substation"),
    ("联网", "substation"), ("直流", "substation"), ("电网", "substation"), ("外来电", "substation"),
    ("网架", "substation"), ("线路", "substation"), ("主变", "substation"), ("配电", "substation"),
    ("湿地", "wetland"), ("物流", "logistics"), ("货运", "logistics"), ("冷链", "logistics"), ("码头", "port_waterway"),
    ("航道", "port_waterway"), ("港", "port_waterway"), ("铁路", "transport"), ("公路", "transport"),
    ("地热", "geothermal"), ("碳捕集", "ccus"), ("CCUS", "ccus"),
    ("造林", "forest_ecology"), ("森林", "forest_ecology"),
    ("热源", "district_energy"), ("供热", "district_energy"), ("锅炉", "district_energy"), ("余热", "district_energy"),
    ("供冷", "district_energy"), ("热网", "district_energy"), ("能源站", "district_energy"),
)
#: words of a table's name cell that name a type of works, not a project (天然气主干管网工程, 成品油项目)
TABLE_TYPE_WORDS = ("主干", "管网", "管道", "设施", "储备", "调峰", "利用", "项目", "工程", "建设", "发电", "通道",
                    "改造", "扩建", "输变电", "线路", "网架", "站线", "配套", "其他", "重点")
#: a member of a table's content list ending with one of these is named in full (金虹航油管道)
TABLE_ENDINGS = (*COMPLETE_ENDINGS, "管道", "油库", "储罐", "扩建", "改造", "通道", "联络线", "干线")

# Words that, before a head, do not make a mention specific ("鼓励建设绿色物流园区").
GENERIC = (
    "绿色", "现代化", "现代", "智慧", "智能", "大型", "新型", "重点", "各类", "一批", "相关", "区域", "城市",
    "城乡", "农村", "乡村", "港口", "公共", "省级", "市级", "县级", "国家级", "集中式", "分散式", "分布式", "陆上",
    "海上", "高质量", "规模化", "示范", "老旧", "大规模", "共享", "骨干", "低碳", "零碳", "高标准", "园区",
    "工业", "企业", "全市", "全省", "全区", "全县", "全国", "其他", "主要", "重要", "优质", "特色", "小型", "中小型",
    "大中型", "屋顶", "整县", "高效", "先进", "新能源", "清洁", "可再生", "常规", "传统", "自备", "配套", "应急",
    "专用", "风光", "光伏", "风电", "水电", "火电", "煤电", "燃煤", "燃气", "天然气", "生物质", "生活垃圾", "垃圾",
    "物流", "冷链", "货运", "仓储", "快递", "电网", "配电网", "变电", "储能", "湿地", "小微", "高速公路", "公路",
    "铁路", "综合", "综合性", "产业", "开发", "建设", "项目", "工程", "及以下", "以下", "以上", "等", "用能",
    "用电", "供电", "发电", "国家", "地方", "一体化", "集约化", "数字化", "标准化", "网络化", "多式联运", "枢纽",
    "基地", "平台", "中心", "节点", "集散", "分布式光伏", "核准", "集中", "现有", "山地", "平原", "低风速", "高塔",
    "新一轮", "省重要", "重要湿地", "高可靠性", "主动", "水路", "民航", "客货运", "客运", "货物", "大宗",
    "有关", "各", "本地", "新建", "扩建", "改建", "一期", "二期", "三期", "首批", "第二批", "十大",
    "两大", "三大", "四大", "五大", "六大", "若干", "若干个",
    "公园", "配电站", "开关站", "台架变", "个", "处", "座", "家", "条", "类", "种", "服务区", "场站",
    "自治区", "国家和自治区", "省和市", "场景", "应用", "车辆", "新能源汽车", "能源", "多元", "所有", "全部",
    "市辖区", "县城区", "中心城区", "城区", "存量", "开发利用", "科研院所", "高校",
    "公交", "山林", "信息", "小城镇", "集中供热", "供热", "供暖", "余热", "调峰", "燃煤锅炉", "热水", "蒸汽",
    "步行", "骑行", "慢行", "滨水", "中低压", "交直流", "直流", "交流", "通用",
    "背压式", "抽凝式", "非公用", "公用", "超临界", "超超临界", "亚临界", "大容量",
    "增量", "增量配电", "电化学", "纯凝", "机组", "纯凝机组", "特高压", "重要干流", "主要干流", "干支流", "扶贫",
    "河湖", "河滨", "滨河", "滨湖", "滨江", "沿江", "沿河", "沿湖",
    "相应", "市内", "区内", "县内", "我市", "我区", "我县", "内河", "多家", "两级", "三级", "涉重金属",
    "农光互补", "林光互补", "牧光互补", "渔光互补", "漂浮式", "抽蓄", "深远海", "深远海域", "海域", "中深层", "地热能",
    "油罐车", "装配式", "建筑", "加工", "配送", "高温气冷堆", "集疏港", "万吨级",
)
#: modifiers of a head shared by a list ("柘溪等现有大型水电站") that belong to no member's name
SHARED_ONLY = ("现有", "已建", "在建", "大型", "中小型", "小型", "大中型", "重点", "一批", "各类", "相关", "主要",
               "其他", "骨干", "重要干流", "主要干流", "干支流")
#: words after 等 that close a list of places, not part of the head ("乐安镇、田庄乡等地光伏发电项目")
LIST_CLOSERS = ("县市区", "县区", "地区", "区域", "乡镇", "地")
# Clause openers: a name never contains them; the name starts after the last one.
VERBS = (
    "加快推进", "加快推动", "加快建设", "积极推进", "积极推动", "积极争取", "大力推进", "大力发展", "有序推进",
    "重点推进", "重点建设", "重点发展", "重点实施", "协调推动", "配合省级做好", "持续推进", "稳步推进", "统筹推进",
    "全力争取", "着力推进", "推进", "推动", "加快", "加强", "建设", "新建", "实施", "打造", "建立", "构建", "依托",
    "支持", "鼓励", "引导", "推广", "开展", "完成", "启动", "谋划", "争取", "做好", "发展", "布局", "利用", "形成",
    "提升", "提高", "优化", "完善", "落实", "培育", "探索", "实现", "确保", "按照", "结合", "围绕", "通过", "促进",
    "加大", "对", "在", "以", "将", "把", "为", "由", "从", "向", "与", "的", "是", "有", "含", "位于", "入选",
    "获得", "建成", "创建", "迁建", "改造", "升级", "入围", "扩大", "参与", "融入", "抢抓", "用好", "借助",
    "推行", "带动", "统筹规划", "规划", "论证", "研究", "加速推进", "清理", "进一步", "深化", "拓宽", "拓展",
    "积极", "大力", "重点", "发挥", "提档升级", "升级改造", "有序", "因地制宜", "合理", "适时", "力争", "逐步",
    "全面", "着力", "持续", "继续", "做强", "做大", "引进", "承接", "吸引", "带头", "率先", "稳步", "深入",
    "以及", "其中", "包括", "包含", "涵盖", "重点在", "主要在", "配合", "协调", "贯通", "联通", "恢复", "维持",
    "增强", "增加", "强化", "健全", "防止", "严格控制", "修复", "保护", "治理", "制定", "占用", "晋升", "成功",
    "成为", "列入", "纳入", "被评为", "获评", "进行", "利用好", "用好", "争创", "巩固", "创成", "依靠",
    "新增", "挖掘", "基于", "是指", "即", "扩建", "改扩建", "引入", "整合", "获批", "赋予", "开工建设", "开工",
    "补强", "建设好", "分别是", "分别为", "充分利用", "科学编制", "编制", "减少", "严格", "作为", "进入", "要求",
    "预计", "拟建设", "主要由",
)
#: what a list of enterprises closes with after 等 ("甲、乙等龙头企业", "甲公司、乙公司等为代表")
ENTERPRISE_CLOSERS = ("企业", "为代表")
#: heads of plants that a company of the list is named for (宁能热电): the plant's category, not industry
PLANT_HEADS = ("热电", "电厂", "发电公司", "煤业")
#: endings of a role or a sector in a list of enterprises, not of a company's name (充电服务, 运营商)
ROLE_ENDINGS = ("服务", "商", "应用", "行业", "机构", "单位", "主体", "领域", "产业", "用户", "板块", "环节")
#: what names a firm inside a project's name (甲化工年产8万吨…): words of a firm's trade or form
FIRM_WORDS = ("化工", "钢铁", "新材料", "水泥", "有色", "稀土", "集团", "公司", "科技", "实业", "股份", "电气", "铝业",
              "矿业", "焦化", "煤业", "制药", "纸业", "化纤")
#: the category of a named project by the words of its name, tried in this order (the works of a
#: firm that recycle waste are recycling; a firm's other works are its plant)
WORKS_WORDS: tuple[tuple[str, str], ...] = (
    ("生态保护修复", "forest_ecology"), ("生态修复", "forest_ecology"), ("山水林田湖草", "forest_ecology"),
    ("国土绿化", "forest_ecology"), ("造林", "forest_ecology"), ("森林", "forest_ecology"), ("碳汇", "forest_ecology"),
    ("大学", "other"), ("学院", "other"), ("研究院", "other"), ("平台", "other"), ("文化园", "other"),
    ("二氧化碳", "ccus"), ("碳捕集", "ccus"), ("CCUS", "ccus"), ("固碳", "ccus"),
    ("废", "circular_economy"), ("弃渣", "circular_economy"), ("回用", "circular_economy"),
    ("回收", "circular_economy"), ("二次资源", "circular_economy"), ("资源化", "circular_economy"),
    ("再生资源", "circular_economy"), ("尾矿", "circular_economy"),
    *((w, "industrial_plant") for w in FIRM_WORDS if w != "科技"),  # (科技城, 科技创新: no plant)
    ("冶炼", "industrial_plant"), ("炼铁", "industrial_plant"), ("炼钢", "industrial_plant"),
    ("高炉", "industrial_plant"), ("生产线", "industrial_plant"), ("绿色工厂", "industrial_plant"),
    ("亚临界", "coal_power"), ("超临界", "coal_power"), ("煤机", "coal_power"), ("号机", "coal_power"),
    ("供热", "district_energy"), ("热源", "district_energy"), ("锅炉房", "district_energy"),
    ("余热", "district_energy"), ("热网", "district_energy"),
    ("水资源", "port_waterway"), ("整治工程", "port_waterway"), ("治理工程", "port_waterway"),
    ("拓浚", "port_waterway"), ("清淤", "port_waterway"), ("水库", "port_waterway"), ("河道", "port_waterway"),
    ("排涝", "port_waterway"), ("防洪", "port_waterway"),
    ("闸", "port_waterway"), ("堤", "port_waterway"), ("航道", "port_waterway"), ("码头", "port_waterway"),
    ("大道", "transport"), ("公路", "transport"), ("快速路", "transport"), ("铁路", "transport"),
    ("国道", "transport"), ("省道", "transport"), ("拓宽", "transport"), ("道路", "transport"),
)
#: what closes a list of named projects after 等 ("实施甲、乙等项目")
PROJECT_CLOSERS = ("项目", "重点项目", "重大项目", "一批项目")
#: words that open a list of examples after its verb ("发展一批像甲、乙等…企业")
EXAMPLE_OPENERS = ("比如", "例如", "诸如", "像", "如")
LIST_SEPARATORS = ("、", "和", "及", "与", "以及")
#: verbs that also occur inside names ("一体化发展", "绿色发展"): stripped only at the very front
WEAK_VERBS = ("发展", "提升", "提高", "优化", "完善", "融合", "形成", "实现", "促进", "利用", "保护", "治理",
              "修复", "恢复", "改造", "升级", "建设", "开发", "扩建", "改扩建")

# Status words found near a mention, mapped to the GEM-style status vocabulary. Words that
# state a stage (前期, 在建, 投运 ...) outrank the plain verbs of action (加快推进, 推进 ...).
STAGE_WORDS: dict[str, str] = {
    "建设进度": "construction", "开工建设": "construction", "在建": "construction", "续建": "construction",
    "前期工作": "pre-construction", "前期研究": "pre-construction", "尽早实施": "pre-construction",
    "项目前期": "pre-construction", "前期": "pre-construction",
    "谋划": "pre-construction", "争取": "pre-construction", "规划建设": "pre-construction",
    "建成通车": "operating", "已建成": "operating", "投运": "operating", "投产": "operating",
    "关停": "retired", "淘汰": "retired",
    "保护修复": "protection", "保护与修复": "protection", "生态治理": "protection", "湿地保护": "protection",
}
ACTION_WORDS: dict[str, str] = {
    "加快推进": "construction", "加快建设": "construction", "加快": "construction",
    "推进": "announced", "推动": "announced", "建设": "announced", "打造": "announced", "实施": "announced",
}
STATUS_WORDS: dict[str, str] = {**STAGE_WORDS, **ACTION_WORDS}
STATUS_LIST: tuple[str, ...] = (*sorted(STAGE_WORDS, key=len, reverse=True),
                                 *sorted(ACTION_WORDS, key=len, reverse=True))

#: words of a table's section heading ("一、预计建成", "二、计划开工", "续建项目") and the status of the
#: rows under it, longest first when matched: planned completion means under construction now
SECTION_STATUS: dict[str, str] = {
    "预计建成": "construction", "计划建成": "construction", "力争建成": "construction", "建成投产": "construction",
    "续建": "construction", "在建": "construction", "计划开工": "pre-construction", "新开工": "pre-construction",
    "拟开工": "pre-construction", "开工": "pre-construction", "新建": "pre-construction",
    "前期": "pre-construction", "储备": "pre-construction", "谋划": "pre-construction",
    "已建成": "operating", "建成": "operating",
}
SECTION_STATUS_LIST: tuple[str, ...] = tuple(sorted(SECTION_STATUS, key=len, reverse=True))

# Vocabulary of SEO spam that defacers inject into Chinese government pages.
SPAM = ("体育投注", "博彩", "彩票", "娱乐城", "真人娱乐", "棋牌", "百家乐", "赌场", "下注", "老虎机", "澳门赌",
        "开户送", "投注", "菠菜")

# Lines that are page chrome rather than plan text.
CHROME_MARKERS = ("当前位置", "索引号", "索 引", "发布日期", "发文机构", "主题分类", "浏览次数", "扫一扫",
                  "打印本页", "关闭窗口", "来源：", "来源:", "字号", "分享到")
