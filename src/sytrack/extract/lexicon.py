"""The grammar's word lists: comparison and frame verbs, fillers, units, nouns and the words that mark context."""

from __future__ import annotations

import re

from sytrack.values import COUNT_UNITS  # the one list of units that count whole things

# The grammar's word lists. Each list is tried longest word first, so 达到 wins over 达 and
# 提高到 over 提高. Docs: docs/extract.md, which lists every word below.

# Words right before a number that say how the value must compare: (word, comparison, direction, growth)
# growth is +1 for a rise by (增长6%), -1 for a fall by (下降2.5%), 0 for a level to reach (达到35%).
COMPARISON_WORDS: list[tuple[str, str, str, int]] = [
    *[
        (w, "at-least", "increase", 0)
        for w in (
            "达到",
            "达",
            "不低于",
            "不少于",
            "提高到",
            "提高至",
            "提升到",
            "提升至",
            "增加到",
            "增加至",
            "增长到",
            "增长至",
            "扩大到",
            "扩大至",
            "增至",
            "实现",
            "保持在",
            "稳定在",
        )
    ],
    *[(w, "more-than", "increase", 0) for w in ("突破", "超过", "超出", "高于", "多于", "大于", "超")],
    *[
        (w, "at-most", "decrease", 0)
        for w in (
            "不超过",
            "不高于",
            "不多于",
            "控制在",
            "下降到",
            "下降至",
            "降低到",
            "降低至",
            "降到",
            "降至",
            "减少到",
            "减少至",
            "压减到",
            "压减至",
            "压缩到",
            "压缩至",
        )
    ],
    *[(w, "less-than", "decrease", 0) for w in ("低于", "少于", "小于")],
    *[
        (w, "at-least", "increase", 1)
        for w in ("增长", "增速", "提高", "提升", "增加", "增幅", "涨幅", "上涨", "升幅", "上涨幅度")
    ],
    *[(w, "at-most", "decrease", -1) for w in ("下降", "降低", "减少", "压减", "缩减", "降幅")],
]
COMPARISON_WORDS.sort(key=lambda entry: len(entry[0]), reverse=True)

# Verbs that make "VERB NAME 30个" or "VERB 30个 NAME" a target although no comparison word is there.
FRAME_VERBS = sorted(
    (
        "打造",
        "培育",
        "新培育",
        "组织",
        "组织实施",
        "实施",
        "新增",
        "新建",
        "建设",
        "建成",
        "创建",
        "引进",
        "推出",
        "争取",
        "认定",
        "举办",
        "开展",
        "完成",
        "改造",
        "招引",
        "新开工",
        "设立",
        "培训",
        "扶持",
    ),
    key=len,
    reverse=True,
)
# Verbs whose targets count what is done in the year (a flow), not a stock (a level).
FLOW_VERBS = (
    "新增",
    "新建",
    "培育",
    "新培育",
    "组织",
    "组织实施",
    "实施",
    "引进",
    "推出",
    "举办",
    "开展",
    "完成",
    "改造",
    "招引",
    "新开工",
    "培训",
    "认定",
)
# Hedges and time words that open a subject but are not part of the indicator's name.
LEADING_FILLER = re.compile(
    r"^(?:[、,:和及与并且]|其中|同时|以及|另外|此外|力争|争取|确保|计划|预计|全年|今年|年内|本年|明年|"
    r"(?:到|至|在)?(?:19|20)\d{2}年(?:底|末)?|奋力实现|实现|努力|要|将)+"
)
# Connectives and time words before a frame verb (hedges such as 争取 may be the verb itself).
CONNECTIVES = re.compile(
    r"^(?:[、,:和及与并且]|其中|同时|以及|另外|此外|计划|累计|全年|今年|年内|本年|明年|(?:到|至|在)?(?:19|20)\d{2}年(?:底|末)?)+"
)
TRAILING_FILLER = re.compile(r"(?:力争|争取|确保|预计|有望|将|要|分别|均|可|累计|约|拟按|拟)+$")

# Units, longest first. Counted things keep their unit; amounts get a magnitude (亿元, 万人).
MEASURE_UNITS = (
    "元",
    "人次",
    "人",
    "岁",
    "吨",
    "公斤",
    "斤",
    "千瓦时",
    "千瓦",
    "平方公里",
    "平方米",
    "立方米",
    "公里",
    "亩",
    "公顷",
    "微克/立方米",
)
# Ratios: a percentage, a per-mille (人口自然增长率6‰) and a change in percentage points.
PERCENT_UNITS = ("%", "‰", "个百分点")
UNITS = sorted((*COUNT_UNITS, *MEASURE_UNITS, *PERCENT_UNITS), key=len, reverse=True)

# The last words of an indicator's name: a figure right after one is a target although no verb or
# comparison word is there (城镇调查失业率5.5%左右, 农村劳动力转移就业120万人, 研发经费投入强度2.8%).
INDICATOR_HEADS = (
    "率",
    "比重",
    "比例",
    "占比",
    "涨幅",
    "增幅",
    "升幅",
    "强度",
    "指数",
    "就业",
    "收入",
    "总额",
    "总量",
    "产量",
    "规模",
    "面积",
    "产值",
    "增加值",
    "寿命",
    "人数",
    "数量",
    "盖度",
    "蓄积量",
)
# Words before a figure that give today's level, not a target (从目前的23.04%再提高).
PRESENT_WORDS = re.compile(r"目前|当前|现有|现在")
# Hedges that grade a target: 确保 X is the commitment, 力争 Y the stretch (确保增长6%、力争增长7%).
HEDGES = {"确保": "commit", "力争": "stretch", "争取": "stretch", "努力": "stretch"}
HEDGE_WORDS = re.compile("|".join(HEDGES))
# Words before a rise or fall that make an amount a change on last year's figure (比上年增加300亿元).
RELATIVE_TO_LAST_YEAR = re.compile(r"(?:比|较)(?:上年|去年|上一年)|同比")
# Words that open a supposition: its figures are arithmetic, not targets (如果2020年GDP总额达到90万亿元).
HYPOTHETICAL = re.compile(r"^(?:如果|假如|假设|倘若|若)")

# Nouns right after a count that make it a count of the plan's own parts, not a target.
STRUCTURE_NOUNS = ("专项行动", "项行动", "行动", "工程", "方面", "方式", "举措", "措施", "任务", "大文章", "赛道")
# Words before a count that name what the work is organised around (围绕21条重点产业链).
FOCUS_WORDS = re.compile(r"围绕|聚焦|依托|瞄准|立足")
# Words that mark a figure as a result already reached.
PAST_IN_PIECE = re.compile(r"创历年新高|创新高|成绩单|位居|蝉联|位列|跻身")
PAST_IN_CLAUSE = re.compile(r"已经|已有|已|实现了|提升了|提高了|增长了|获批|晋升")
PAST_HEADING = re.compile(r"成绩单|成绩|盘点|回顾")

SHARE_WORDS = ("率", "比重", "比例", "占比", "份额", "覆盖", "占")
STOCK_WORDS = ("总量", "余额", "存量", "保有量", "数量", "总数", "累计")
FLOW_WORDS = (
    "新增",
    "新建",
    "年度",
    "产量",
    "产值",
    "销售",
    "收入",
    "投资",
    "增加值",
    "营业",
    "消费",
    "排放",
    "交易额",
    "出口",
    "利润",
    "税收",
)
# A name about money counted in persons (or people counted in yuan) is a garbled phrase.
MONEY_WORDS = (
    "收入",
    "产值",
    "投资",
    "增加值",
    "营业额",
    "销售额",
    "营收",
    "利润",
    "税收",
    "资金",
    "金额",
    "生产总值",
    "经济总量",
    "零售总额",
    "出口额",
    "融资",
)
PEOPLE_WORDS = ("人口", "人数", "就业", "人才", "人员", "游客", "学生")
# Targets stated in words: in step with, faster than, a balance, a steady rise or a further fall, a doubling,
# full coverage, elimination (与经济增长基本同步, 国际收支基本平衡, 能耗继续下降, 比2010年翻一番, 实现全覆盖).
QUALITATIVE = re.compile(
    r"(?:与|和|同)[^,;。]{1,12}?(?:基本)?同步|(?:快于|高于|不低于)(?:全国|全省|全市)(?:平均)?(?:水平)?|稳中有升|"
    r"基本平衡|(?:继续|进一步|持续|逐年|稳步)(?:下降|降低|减少|提高|提升|增加|增长|改善)|翻一番|翻番|"
    r"实现全覆盖|基本消除"
)

# A noun in a name, and the unit and English word a count of it takes (the last one found is the head).
NOUNS = {
    "园区": ("个", "parks"),
    "基地": ("个", "bases"),
    "中心": ("个", "centres"),
    "平台": ("个", "platforms"),
    "项目": ("个", "projects"),
    "工厂": ("个", "factories"),
    "车间": ("个", "workshops"),
    "基站": ("个", "stations"),
    "实验室": ("个", "laboratories"),
    "楼宇": ("个", "buildings"),
    "企业": ("家", "enterprises"),
    "产业链": ("条", "chains"),
    "链": ("条", "chains"),
    "集群": ("个", "clusters"),
    "工程": ("项", "projects"),
    "行动": ("项", "actions"),
    "方面": ("个", "areas"),
    "方式": ("种", "ways"),
    "学校": ("所", "schools"),
    "医院": ("家", "hospitals"),
    "孵化器": ("个", "incubators"),
}
UNIT_EN = {
    "%": "%",
    "‰": "‰",
    "个百分点": "percentage points",
    "亿元": "100 million yuan",
    "万元": "10,000 yuan",
    "元": "yuan",
    "万人": "10,000 persons",
    "人": "persons",
    "万人次": "10,000 visits",
    "人次": "visits",
    "万吨": "10,000 tonnes",
    "吨": "tonnes",
    "万千瓦": "10 MW",
    "千瓦": "kW",
    "亿千瓦时": "100 GWh",
    "千瓦时": "kWh",
    "斤": "jin",
    "亿立方米": "100 million m³",
    "万立方米": "10,000 m³",
    "万平方米": "10,000 m²",
    "万亩": "10,000 mu",
    "亿亩": "100 million mu",
    "岁": "years",
    "万斤": "10,000 jin",
    "亿斤": "100 million jin",
    "公斤": "kg",
    "平方公里": "km²",
    "平方米": "m²",
    "立方米": "m³",
    "公里": "km",
    "亩": "mu",
    "公顷": "hectares",
    "微克/立方米": "µg/m³",
    "位": "rank",
    "户": "enterprises",
    "家": "enterprises",
    "个": "units",
    "项": "items",
    "条": "lines",
    "座": "facilities",
    "所": "institutions",
    "台": "units",
    "辆": "vehicles",
    "套": "sets",
    "件": "pieces",
    "种": "kinds",
    "次": "times",
    "名": "persons",
    "处": "sites",
}

TERMINAL = "。!?;:…”’)」』"
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
