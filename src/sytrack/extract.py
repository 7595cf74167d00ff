"""Drafting catalogue entries from a plan's text, by rule: numbers, units, comparisons, deadlines, doubts."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sytrack.errors import SytrackError, UsageError
from sytrack.model import Baseline
from sytrack.values import format_plain, impossible_value

GROUP_BY = ("heading", "none")

# ---------------------------------------------------------------------------------------------
# The grammar's word lists. Each list is tried longest word first, so 达到 wins over 达 and
# 提高到 over 提高. Docs: docs/extract.md, which lists every word below.

# Words right before a number that say how the value must compare: (word, comparison, direction, growth)
# growth is +1 for a rise by (增长6%), -1 for a fall by (下降2.5%), 0 for a level to reach (达到35%).
_COMPARISON_WORDS: list[tuple[str, str, str, int]] = [
    *[(w, "at-least", "increase", 0) for w in (
        "达到", "达", "不低于", "不少于", "提高到", "提高至", "提升到", "提升至", "增加到", "增加至",
        "增长到", "增长至", "扩大到", "扩大至", "增至", "实现", "保持在", "稳定在")],
    *[(w, "more-than", "increase", 0) for w in ("突破", "超过", "超出", "高于", "多于", "大于", "超")],
    *[(w, "at-most", "decrease", 0) for w in (
        "不超过", "不高于", "不多于", "控制在", "下降到", "下降至", "降低到", "降低至", "降到", "降至",
        "减少到", "减少至", "压减到", "压减至", "压缩到", "压缩至")],
    *[(w, "less-than", "decrease", 0) for w in ("低于", "少于", "小于")],
    *[(w, "at-least", "increase", 1) for w in ("增长", "增速", "提高", "提升", "增加", "增幅")],
    *[(w, "at-most", "decrease", -1) for w in ("下降", "降低", "减少", "压减", "缩减", "降幅")],
]
_COMPARISON_WORDS.sort(key=lambda entry: len(entry[0]), reverse=True)

# Verbs that make "VERB NAME 30个" or "VERB 30个 NAME" a target although no comparison word is there.
_FRAME_VERBS = sorted((
    "打造", "培育", "新培育", "组织", "组织实施", "实施", "新增", "新建", "建设", "建成", "创建", "引进",
    "推出", "争取", "认定", "举办", "开展", "完成", "改造", "招引", "新开工", "设立", "培训", "扶持",
), key=len, reverse=True)
# Verbs whose targets count what is done in the year (a flow), not a stock (a level).
_FLOW_VERBS = ("新增", "新建", "培育", "新培育", "组织", "组织实施", "实施", "引进", "推出", "举办", "开展",
               "完成", "改造", "招引", "新开工", "培训", "认定")
# Hedges and time words that open a subject but are not part of the indicator's name.
_LEADING_FILLER = re.compile(
    r"^(?:[、,:和及与并且]|其中|同时|以及|另外|此外|力争|争取|确保|计划|预计|全年|今年|年内|本年|明年|"
    r"(?:到|至|在)?(?:19|20)\d{2}年(?:底|末)?|奋力实现|实现|努力|要|将)+"
)
# Connectives and time words before a frame verb (hedges such as 争取 may be the verb itself).
_CONNECTIVES = re.compile(
    r"^(?:[、,:和及与并且]|其中|同时|以及|另外|此外|计划|全年|今年|年内|本年|明年|(?:到|至|在)?(?:19|20)\d{2}年(?:底|末)?)+"
)
_TRAILING_FILLER = re.compile(r"(?:力争|争取|确保|预计|有望|将|要|分别|均|可|累计|约)+$")

# Units, longest first. Counted things keep their unit; amounts get a magnitude (亿元, 万人).
_COUNT_UNITS = ("个", "户", "家", "项", "条", "座", "所", "台", "辆", "套", "件", "种", "次", "名", "处")
_MEASURE_UNITS = ("元", "人次", "人", "吨", "千瓦时", "千瓦", "平方公里", "平方米", "立方米", "公里", "亩", "公顷",
                  "微克/立方米")
_PERCENT_UNITS = ("%", "个百分点")
_UNITS = sorted((*_COUNT_UNITS, *_MEASURE_UNITS, *_PERCENT_UNITS), key=len, reverse=True)
_SCALED_UNITS = {"元": ((Decimal(10) ** 8, "亿元"), (Decimal(10) ** 4, "万元")),
                 "人": ((Decimal(10) ** 4, "万人"),), "人次": ((Decimal(10) ** 4, "万人次"),),
                 "吨": ((Decimal(10) ** 4, "万吨"),), "千瓦": ((Decimal(10) ** 4, "万千瓦"),),
                 "千瓦时": ((Decimal(10) ** 8, "亿千瓦时"),)}
_MAGNITUDE = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(10) ** 3}

# Nouns right after a count that make it a count of the plan's own parts, not a target.
_STRUCTURE_NOUNS = ("专项行动", "项行动", "行动", "工程", "方面", "方式", "举措", "措施", "任务", "大文章", "赛道")
# Words before a count that name what the work is organised around (围绕21条重点产业链).
_FOCUS_WORDS = re.compile(r"围绕|聚焦|依托|瞄准|立足")
# Words that mark a figure as a result already reached.
_PAST_IN_PIECE = re.compile(r"创历年新高|创新高|成绩单|位居|蝉联|位列|跻身")
_PAST_IN_CLAUSE = re.compile(r"已经|已有|已|实现了|提升了|提高了|增长了|获批|晋升")
_PAST_HEADING = re.compile(r"成绩单|成绩|盘点|回顾")

_SHARE_WORDS = ("率", "比重", "比例", "占比", "份额", "覆盖", "占")
_STOCK_WORDS = ("总量", "余额", "存量", "保有量", "数量", "总数", "累计")
_FLOW_WORDS = ("新增", "新建", "年度", "产量", "产值", "销售", "收入", "投资", "增加值", "营业", "消费", "排放",
               "交易额", "出口", "利润", "税收")
# A name about money counted in persons (or people counted in yuan) is a garbled phrase.
_MONEY_WORDS = ("收入", "产值", "投资", "增加值", "营业额", "销售额", "营收", "利润", "税收", "资金", "金额",
                "生产总值", "经济总量", "零售总额", "出口额", "融资")
_PEOPLE_WORDS = ("人口", "人数", "就业", "人才", "人员", "游客", "学生")
_QUALITATIVE = re.compile(r"(?:与|和|同)[^,;。]{1,12}?(?:基本)?同步|(?:快于|高于|不低于)(?:全国|全省|全市)(?:平均)?(?:水平)?|稳中有升")

# A noun in a name, and the unit and English word a count of it takes (the last one found is the head).
_NOUNS = {
    "园区": ("个", "parks"), "基地": ("个", "bases"), "中心": ("个", "centres"), "平台": ("个", "platforms"),
    "项目": ("个", "projects"), "工厂": ("个", "factories"), "车间": ("个", "workshops"),
    "基站": ("个", "stations"), "实验室": ("个", "laboratories"), "楼宇": ("个", "buildings"),
    "企业": ("家", "enterprises"), "产业链": ("条", "chains"), "链": ("条", "chains"), "集群": ("个", "clusters"),
    "工程": ("项", "projects"), "行动": ("项", "actions"), "方面": ("个", "areas"), "方式": ("种", "ways"),
    "学校": ("所", "schools"), "医院": ("家", "hospitals"), "孵化器": ("个", "incubators"),
}
_UNIT_EN = {
    "%": "%", "个百分点": "percentage points", "亿元": "100 million yuan", "万元": "10,000 yuan", "元": "yuan",
    "万人": "10,000 persons", "人": "persons", "万人次": "10,000 visits", "人次": "visits",
    "万吨": "10,000 tonnes", "吨": "tonnes", "万千瓦": "10 MW", "千瓦": "kW", "亿千瓦时": "100 GWh",
    "千瓦时": "kWh", "平方公里": "km²", "平方米": "m²", "立方米": "m³", "公里": "km", "亩": "mu",
    "公顷": "hectares", "微克/立方米": "µg/m³", "位": "rank",
    "户": "enterprises", "家": "enterprises", "个": "units", "项": "items", "条": "lines", "座": "facilities",
    "所": "institutions", "台": "units", "辆": "vehicles", "套": "sets", "件": "pieces", "种": "kinds",
    "次": "times", "名": "persons", "处": "sites",
}

# A word-for-word gloss for ids and draft English names: the analyst rewrites name_en anyway.
_GLOSSARY = {
    "单位地区生产总值能耗": "energy per unit of GDP", "地区生产总值": "GDP", "经济总量": "economic output",
    "一般公共预算收入": "budget revenue", "人口规模": "population", "人口": "population",
    "产业结构调整": "industrial restructuring", "结构调整": "restructuring", "沈阳": "Shenyang",
    "重点产业链": "key chains", "产业链": "industrial chains", "供应链": "supply chains", "链": "chains",
    "规模以上": "above-scale", "规上": "above-scale", "科技型中小企业": "tech SMEs", "中小企业": "SMEs",
    "专精特新": "specialised", "高新技术企业": "high-tech firms", "科技型企业": "tech firms",
    "头部企业": "leading firms", "企业": "firms", "百亿": "10bn", "千亿": "100bn", "智能工厂": "smart factories",
    "数字化车间": "digital workshops", "数字经济": "digital economy", "数字文化": "digital culture",
    "数字赋能": "digital empowerment", "数字化": "digital", "评估诊断": "assessment", "覆盖率": "coverage",
    "研发设计工具": "design tools", "普及率": "adoption", "关键工序": "key processes", "数控化率": "NC rate",
    "5G基站": "5G base stations", "基站": "base stations", "上云": "cloud", "服务型制造": "service manufacturing",
    "示范": "demonstration", "项目": "projects", "平台": "platforms", "产业园区": "industrial parks",
    "园区": "parks", "配套": "supplier", "特色": "featured", "投资": "investment", "建筑业": "construction",
    "总产值": "gross output", "产值": "output", "增长": "growth", "下降": "decline", "绿色建筑": "green buildings",
    "新建建筑": "new buildings", "装配式建筑": "prefab buildings", "商品住房": "housing", "成品化率": "finished",
    "攻关项目": "key tech projects", "全国重点实验室": "national key labs", "重点实验室": "key labs",
    "实验室": "labs", "高端装备制造": "high-end equipment", "高端装备": "high-end equipment",
    "装备制造业": "equipment manufacturing", "新字号": "new-type", "工业投资": "industrial investment",
    "工业": "industry", "先进制造业": "advanced manufacturing", "制造业": "manufacturing",
    "增加值": "value added", "营业收入": "operating revenue", "收入": "revenue", "利润": "profit", "能耗": "energy use",
    "就业": "employment", "居民": "residents", "可支配收入": "disposable income", "失业率": "unemployment",
    "研发投入": "R&D spending", "技术中心": "technology centres", "创新": "innovation", "中心": "centres",
    "基地": "bases", "楼宇": "buildings", "集群": "clusters", "工程": "projects", "行动": "actions",
    "方面": "areas", "方式": "ways", "质量": "quality", "品牌": "brands", "科技": "science",
    "成果转化": "technology transfer", "孵化器": "incubators", "人工智能": "AI", "算力": "computing",
    "排名": "rank", "百强": "top 100", "新能源汽车": "new-energy vehicles", "集成电路": "chips",
    "航空": "aviation", "汽车": "automotive", "规模": "size", "安全": "security", "提升": "upgrading",
    "发展": "development", "占比": "share", "比重": "share", "比例": "share", "产品": "products",
    "技术": "technology", "数量": "count", "服务": "services", "空气": "air", "粮食": "grain", "出口": "exports", "产量": "output",
}
_GLOSS_TERMS = re.compile("|".join(re.escape(term) for term in sorted(_GLOSSARY, key=len, reverse=True)))
_GLOSS_SKIP_FOR_IDS = {"growth", "decline", "upgrading", "development", "Shenyang", "projects", "actions", "areas",
                       "count"}

_TERMINAL = "。!?;:…”’)」』"
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_NUMBER = re.compile(rf"(?P<arabic>\d+(?:,\d{{3}})*(?:\.\d+)?)(?P<mag>万亿|亿|万|千(?!瓦))?|(?P<cn>[{_CN_NUMERAL}]+)")
_RANGE_SEPARATOR = re.compile(r"到|至|-|~|—|－")
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def chinese_number(text: str) -> Decimal:
    """The value of a Chinese numeral: 一万亿 -> 10^12, 两 -> 2, 一千万 -> 10^7, 二十三 -> 23, 千亿 -> 10^11."""
    if not text or any(char not in _CN_NUMERAL for char in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    for big, size in (("亿", Decimal(10) ** 8), ("万", Decimal(10) ** 4)):
        position = text.rfind(big) if big == "亿" else text.find(big)
        if position >= 0:
            head, tail = text[:position], text[position + 1:]
            return (chinese_number(head) if head else Decimal(1)) * size + (chinese_number(tail) if tail else 0)
    total, digit = Decimal(0), None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _CN_SMALL_UNITS[char]
            digit = None
    return total + (digit or 0)


# ---------------------------------------------------------------------------------------------
# What extract() returns.


@dataclass(frozen=True)
class Draft:
    """One quantified target read from the text, or a number the reader judged to be context."""

    id: str
    name_zh: str
    name_en: str
    group: str
    group_name: str
    kind: str  # level, flow, share, rate or rank
    direction: str
    comparison: str  # one of model.COMPARISONS; "" for a qualitative target, which has no number
    value: float | None
    low: float | None
    high: float | None
    tolerance: float | None
    unit: str
    unit_en: str
    deadline: dt.date
    baseline: Baseline | None
    sentence: str  # the text between 。!?; around the number
    clause: str  # the clause the number was read from
    line: int  # 1-based line of the number in the text
    confidence: float
    review: bool
    reason: str  # why it needs review; "" when review is False
    context: bool  # probably not a target at all (a past result, a count of the plan's own parts)
    notes: tuple[str, ...] = ()  # remarks that need no review: an assumed deadline, a merged restatement
    baseline_line: int | None = None

    @property
    def writable(self) -> bool:
        """Whether the draft becomes a live catalogue entry (others are written commented out)."""
        return not self.context and self.comparison != "" and self.unit != ""


# ---------------------------------------------------------------------------------------------
# Layout: headings, bold project names, and paragraphs that the page layout broke in two.


@dataclass
class _Block:
    text: str
    lines: list[int]  # the source line of each character of text
    group_name: str
    past_year: int | None  # set when the section reports an earlier year (2022“成绩单”, 盘点成绩)


def _clean(line: str) -> str:
    line = line.translate(_FULL_WIDTH).rstrip()
    return _LIST_ITEM.sub("", line).replace("**", "").replace("__", "")


def _bold_lead(line: str) -> str:
    """The bolded project name a paragraph opens with, cut at its first comma (实施产业链提升工程)."""
    match = re.match(r"^\s*\*\*(.+?)\*\*", line.translate(_FULL_WIDTH))
    return re.split(r"[,。;:]", match.group(1).strip())[0].strip() if match else ""


def _blocks(text: str, plan_year: int) -> list[_Block]:
    items: list[tuple[str, Any]] = []  # ("heading", (level, text)) or ("para", (raw, lines))
    paragraph: list[tuple[str, int]] = []

    def flush() -> None:
        if paragraph:
            items.append(("para", list(paragraph)))
            paragraph.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            flush()
        elif heading := re.match(r"^(#{1,6})\s+(.*)$", stripped):
            flush()
            items.append(("heading", (len(heading.group(1)), _clean(heading.group(2)).strip())))
        elif _LIST_ITEM.match(stripped):
            flush()
            items.append(("para", [(line, number)]))
        else:
            paragraph.append((line, number))
    flush()

    # A prose paragraph that stops mid-sentence continues in the next one, even across a heading
    # the page layout dropped in between; the heading then applies after the joined paragraph.
    merged: list[tuple[str, Any]] = []
    index = 0
    while index < len(items):
        kind, payload = items[index]
        index += 1
        if kind == "heading":
            merged.append((kind, payload))
            continue
        parts = list(payload)
        deferred = []
        while True:
            joined = "".join(_clean(part) for part, _ in parts)
            broken = joined and joined[-1] not in _TERMINAL and "," in joined
            is_list = _LIST_ITEM.match(parts[0][0])
            look = index
            while look < len(items) and items[look][0] == "heading":
                look += 1
            next_is_list = look < len(items) and _LIST_ITEM.match(items[look][1][0][0])
            if not broken or is_list or look >= len(items) or next_is_list:
                break
            deferred.extend(items[index:look])
            parts.extend(items[look][1])
            index = look + 1
        merged.append(("para", parts))
        merged.extend(deferred)

    blocks: list[_Block] = []
    headings: list[tuple[int, str]] = []
    lead = ""
    for kind, payload in merged:
        if kind == "heading":
            level, title = payload
            headings = [h for h in headings if h[0] < level] + [(level, title)]
            lead = ""
            continue
        lead = _bold_lead(payload[0][0]) or lead
        chars: list[str] = []
        lines: list[int] = []
        for raw, number in payload:
            cleaned = _clean(raw).strip()
            chars.append(cleaned)
            lines.extend([number] * len(cleaned))
        past_year = None
        for _, title in headings:
            years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", title)]
            if any(y < plan_year for y in years):
                past_year = min(years)
            elif _PAST_HEADING.search(title) and past_year is None:
                past_year = plan_year - 1
        group_name = lead or (headings[-1][1] if headings else "")
        blocks.append(_Block("".join(chars), lines, group_name, past_year))
    return blocks


def _spans(text: str, start: int, end: int, separators: str, protect: bool) -> list[tuple[int, int]]:
    """Split text[start:end] at separators; with protect, not inside () or “”."""
    spans, depth, begin = [], 0, start
    for position in range(start, end):
        char = text[position]
        if protect and char in "(“「":
            depth += 1
        elif protect and char in ")”」" and depth:
            depth -= 1
        elif char in separators and depth == 0 and not _thousands_comma(text, position):
            if position > begin:
                spans.append((begin, position))
            begin = position + 1
    if end > begin:
        spans.append((begin, end))
    return spans


def _thousands_comma(text: str, position: int) -> bool:
    """Whether the comma at `position` groups digits (41,000) rather than ending a clause."""
    return (text[position] == "," and position > 0 and text[position - 1].isdigit()
            and re.match(r"\d{3}(?!\d)", text[position + 1:position + 5]) is not None)


def _long_quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech (“...” long enough to hold a clause), as opposed to quoted labels."""
    spans = []
    for match in re.finditer(r"“([^“”]*)”", text):
        if len(match.group(1)) >= 15 and re.search(r"[,。]", match.group(1)):
            spans.append(match.span())
    return spans


# ---------------------------------------------------------------------------------------------
# Numbers with units.


@dataclass
class _Value:
    start: int
    end: int  # after the unit and any 以上/以内/左右
    amount: Decimal  # in the unit's base (元, 人, 个), or the low end of a range
    high: Decimal | None
    unit: str  # as written: 元, 个, %, or "" when none
    postfix: str
    bare_magnitude: bool  # a magnitude with nothing after it: 突破千亿


def _number_at(text: str, start: int, end: int, after_comparison: bool) -> tuple[Decimal, int] | None:
    match = _NUMBER.match(text, start, end)
    if not match:
        return None
    before = text[start - 1] if start > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if match.group("arabic"):
        if before and (before.isascii() and (before.isalnum() or before in ".+±") or before in "第±"):
            return None
        if after and after.isascii() and (after.isalpha() or after in "+"):
            return None
        amount = Decimal(match.group("arabic").replace(",", ""))
        if match.group("mag"):
            amount *= _MAGNITUDE[match.group("mag")]
        return amount, match.end()
    numeral = match.group("cn")
    if before == "第" or numeral == "一" and not after_comparison:
        return None  # an ordinal, or 一 as the article "a"
    if not after_comparison and not any(char in "零〇一二两三四五六七八九十" for char in numeral):
        return None  # 百亿企业, 千亿元链: a class of firm, not a figure
    try:
        return chinese_number(numeral), match.end()
    except (ValueError, KeyError):
        return None


def _value_at(text: str, start: int, end: int, after_comparison: bool) -> _Value | None:
    number = _number_at(text, start, end, after_comparison)
    if number is None:
        return None
    amount, position = number
    unit = next((u for u in _UNITS if text.startswith(u, position) and position + len(u) <= end), "")
    position += len(unit)
    high = None
    separator = _RANGE_SEPARATOR.match(text, position, end)
    if separator:
        other = _number_at(text, separator.end(), end, True)
        if other is not None:
            other_unit = next((u for u in _UNITS if text.startswith(u, other[1])), "")
            low = amount
            magnitude = _NUMBER.match(text, separator.end()).group(0)[-1]
            if not unit and magnitude in "万亿千" and _NUMBER.match(text, start).group(0)[-1].isdigit():
                low = amount * _MAGNITUDE["万亿" if text.startswith("万亿", other[1] - 2) else magnitude]  # 4-6万个
            if other_unit and (not unit or unit == other_unit) and other[0] > low:
                amount, high, unit, position = low, other[0], other_unit, other[1] + len(other_unit)
    bare = not unit and _NUMBER.match(text, start).group(0)[-1] in "万亿千"
    if not unit and not bare:
        following = text[position:position + 1]
        if _NUMBER.match(text, start).group("cn") or following.isalnum():
            return None  # 三年, 提升9位: a number of something that is not a unit we read
    postfix = next((p for p in ("以上", "以内", "以下", "左右") if text.startswith(p, position)), "")
    position += len(postfix)
    return _Value(start, position, amount, high, unit, postfix, bare)


def _scale(amount: Decimal, unit: str, reference: Decimal) -> tuple[Decimal, str]:
    """Express an amount in the unit a catalogue uses: 10^12 元 -> 10000 亿元; 4万个 -> 40000 个."""
    for size, scaled in _SCALED_UNITS.get(unit, ()):
        if abs(reference) >= size:
            return amount / size, scaled
    return amount, unit


def _as_float(number: Decimal) -> float:
    return float(number.normalize())


# ---------------------------------------------------------------------------------------------
# Candidates: what one number in a clause says, before ids, duplicates and baselines are settled.


@dataclass
class _Candidate:
    block: _Block
    position: int  # offset of the number in block.text
    sentence: tuple[int, int]
    clause: tuple[int, int]
    name: str
    frame: str  # comparison, respectively, verb, verb-after, verb-inside, context, plus, rank, qualitative
    comparison: str
    direction: str
    kind: str
    value: Decimal | None
    high: Decimal | None
    unit: str
    tolerance: Decimal | None = None
    deadline_year: int = 0
    past_year: int | None = None
    confidence: float = 0.9
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    context: bool = False
    baseline: tuple[Decimal, int, int] | None = None  # value, year, line

    @property
    def line(self) -> int:
        return self.block.lines[min(self.position, len(self.block.lines) - 1)]

    @property
    def sentence_text(self) -> str:
        return self.block.text[self.sentence[0]:self.sentence[1]].strip()

    @property
    def clause_text(self) -> str:
        return self.block.text[self.clause[0]:self.clause[1]].strip()

    def flag(self, reason: str, cap: float | None = None, context: bool = False) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        if cap is not None:
            self.confidence = min(self.confidence, cap)
        self.context = self.context or context


def _comparison_before(text: str, start: int, end: int) -> tuple[str, str, str, int, int] | None:
    """The comparison word ending at `end` (allowing 约 or an opening quote after it)."""
    about = False
    while end > start and text[end - 1] in "约“":
        about = about or text[end - 1] == "约"
        end -= 1
    for word, comparison, direction, growth in _COMPARISON_WORDS:
        if text.startswith(word, end - len(word)) and end - len(word) >= start:
            return word, ("about" if about else comparison), direction, growth, end - len(word)
    return None


def _strip_name(text: str) -> str:
    text = text.strip(" 、,")
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_FILLER.sub("", text)
        text = _TRAILING_FILLER.sub("", text).strip(" 、,")
    return text


def _frame_verb(subject: str) -> str:
    return next((verb for verb in _FRAME_VERBS if subject.startswith(verb)), "")


def _head_noun(name: str) -> str:
    bare = re.sub(r"\([^)]*\)", "", name)
    found = [(bare.rfind(noun), -len(noun), noun) for noun in _NOUNS if noun in bare]
    return max(found)[2] if found else ""


def _measured(name: str) -> str:
    """What a name's head measures: "money" (一般公共预算收入), "people" (人口规模), or "" for anything else,
    such as a counted noun after the money word (投资项目)."""
    def last_end(words) -> int:
        return max((name.rfind(w) + len(w) for w in words if w in name), default=-1)

    heads = {"money": last_end(_MONEY_WORDS), "people": last_end(_PEOPLE_WORDS), "": last_end(_NOUNS)}
    best = max(heads, key=lambda key: heads[key])
    return best if heads[best] >= 0 else ""


def _kind_of(name: str, unit: str, growth: int, verb: str) -> str:
    """level, flow, share, rate or rank, from the unit, the comparison word and the name."""
    if unit in ("%", "个百分点"):
        return "rate" if growth or unit == "个百分点" else "share"
    if unit == "位":
        return "rank"
    made = verb in _FLOW_VERBS or _frame_verb(name) in _FLOW_VERBS or name.startswith(("新增", "新建"))
    if unit in _COUNT_UNITS:  # counted things are a stock, unless the verb says they are made this year
        return "flow" if made or growth else "level"
    if any(word in name for word in _STOCK_WORDS):
        return "level"
    if made or growth or unit == "元" or any(word in name for word in _FLOW_WORDS):
        return "flow"
    return "level"


class _Reader:
    """Reads the candidates of one text for one plan year."""

    def __init__(self, plan_year: int) -> None:
        self.plan_year = plan_year
        self.candidates: list[_Candidate] = []

    # -- time ----------------------------------------------------------------------------------

    def time_of(self, block: _Block, sentence: tuple[int, int], piece: tuple[int, int],
                clause: tuple[int, int], position: int) -> tuple[int, int | None, bool]:
        """(deadline year, past year or None, whether the sentence names the year)."""
        marks = re.finditer(
            r"(?P<abs>(?:19|20)\d{2})年|(?P<now>今年|全年|年内|本年|当年)|(?P<last>去年|上年|上一年)|(?P<next>明年)|"
            r"(?P<span>[一二两三四五六七八九十\d]{1,2})年(?=行动|计划|内|攻坚|倍增|目标|时间)",
            block.text[sentence[0]:position],
        )
        last = None
        for last in marks:
            pass
        if last is not None:
            if last.group("abs"):
                year = int(last.group("abs"))
                return (self.plan_year, year, True) if year < self.plan_year else (year, None, True)
            if last.group("now"):
                return self.plan_year, None, True
            if last.group("last"):
                return self.plan_year, self.plan_year - 1, True
            if last.group("next"):
                return self.plan_year + 1, None, True
            span = last.group("span")
            years = int(span) if span.isdigit() else int(chinese_number(span))
            return self.plan_year + max(years, 1) - 1, None, True
        if block.past_year is not None:
            return self.plan_year, block.past_year, False
        if _PAST_IN_PIECE.search(block.text, *piece) or _PAST_IN_CLAUSE.search(block.text, clause[0], position):
            return self.plan_year, self.plan_year - 1, False
        return self.plan_year, None, False

    # -- reading --------------------------------------------------------------------------------

    def read(self, blocks: list[_Block]) -> list[_Candidate]:
        for block in blocks:
            quotes = _long_quotes(block.text)
            for sentence in _spans(block.text, 0, len(block.text), "。!?", protect=False):
                for piece in _spans(block.text, *sentence, ";", protect=False):
                    verb_from_last_clause = ""
                    for clause in _spans(block.text, *piece, ",:", protect=True):
                        verb_from_last_clause = self.read_clause(block, sentence, piece, clause, quotes,
                                                                 verb_from_last_clause)
        return self.candidates

    def read_clause(self, block: _Block, sentence: tuple[int, int], piece: tuple[int, int],
                    clause: tuple[int, int], quotes: list[tuple[int, int]], inherited_verb: str) -> str:
        """Read one clause; return the frame verb a following clause may continue (8个数字经济园区)."""
        text, (start, end) = block.text, clause
        found: list[_Candidate] = []
        self.read_plus(block, piece, clause, found)
        self.read_rank(block, piece, clause, found)
        consumed = {c.position for c in found}
        item_start, list_verb, position = start, "", start
        while position < end:
            match = _NUMBER.search(text, position, end)
            if not match:
                break
            at = match.start()
            if at in consumed or self.inside_plus(text, at, start, end):
                position = match.end()
                continue
            comparison = _comparison_before(text, item_start, at)
            value = _value_at(text, at, end, after_comparison=comparison is not None)
            if value is None:
                position = max(match.end(), at + 1)
                continue
            position = value.end
            read = self.read_value(block, piece, clause, item_start, value, comparison,
                                   list_verb or (inherited_verb if not found else ""))
            if read is None:
                continue
            candidate, list_verb = read
            if candidate.name in ("", *(w for w, *_ in _COMPARISON_WORDS)):
                self.borrow_subject(candidate, found)
            if candidate.frame == "respectively":  # 分别达到78%、65%: read the values that follow
                position = self.read_respectively(candidate, value, found)
            else:
                found.append(candidate)
            item_start = position
        for candidate in found:
            self.finish(candidate, block, sentence, piece, clause, quotes)
        self.candidates.extend(sorted(found, key=lambda c: c.position))
        self.read_qualitative(block, sentence, piece, clause, found)
        return list_verb if found else ""

    def read_value(self, block: _Block, piece: tuple[int, int], clause: tuple[int, int], item_start: int,
                   value: _Value, comparison: tuple[str, str, str, int, int] | None,
                   inherited_verb: str) -> tuple[_Candidate, str] | None:
        """The candidate one value makes, and the frame verb a list item after it may continue."""
        text, (start, end) = block.text, clause
        after = text[value.end:end]
        item_end = not after or not after[0].isalnum() or after[0] in "和及与的"
        structure = next((noun for noun in _STRUCTURE_NOUNS if after.startswith(noun)), "")
        focus = _FOCUS_WORDS.search(text, start, value.start)
        growth, direction, comparison_name, verb = 0, "increase", "at-least", ""
        if comparison is not None:
            # NAME 达到 35%: the subject before the comparison word is the indicator
            word, comparison_name, direction, growth, word_start = comparison
            subject = text[item_start:word_start]
            name = _strip_name(subject)
            frame = "respectively" if subject.rstrip().endswith("分别") else "comparison"
            if growth:
                name += word
            elif value.unit in ("%", "个百分点"):  # 进口增长不低于5%: the name says it is a growth rate
                growth = next((g for w, _, _, g in _COMPARISON_WORDS if g and name.endswith(w)), 0)
        else:
            opening = _CONNECTIVES.sub("", text[item_start:value.start].strip(" 、,")).removeprefix("力争")
            head, quoted = re.fullmatch(r"(.*?)(“[^”]*”)?", opening).groups()
            if not item_end and (head in _FRAME_VERBS or not opening and inherited_verb):
                # VERB [label] 30个 NAME: 组织100个服务型制造项目, 打造“5+3+7+5”20条产业链
                verb = head or inherited_verb
                rest = re.split(r"、(?=[\d一二两三四五六七八九十])|(?=\d+(?:\.\d+)?[个项条种家户座所台])", after)[0]
                frame = "verb-after"
                name = ("" if verb == "争取" else verb) + (quoted or "") + _strip_name(rest)
            elif item_end and (_frame_verb(opening) or opening and inherited_verb):
                # VERB NAME 30个: 计划培育智能工厂30个、数字化车间60个
                verb = _frame_verb(opening) or inherited_verb
                name = _strip_name(opening)
                if verb != "争取" and not name.startswith(verb):
                    name = verb + name
                frame = "verb"
            elif item_end and (inner := next((v for v in _FRAME_VERBS if v in opening), "")):
                # NAME-WITH-VERB 5万人: 城镇新增就业5万人
                verb, name, frame = inner, _strip_name(opening), "verb-inside"
            elif structure or focus and not item_end:
                rest = re.split(r"[、,]", after)[0]
                frame, name = "context", _strip_name(opening) + rest
            else:
                return None
        candidate = _Candidate(
            block=block, position=value.start, sentence=piece, clause=clause, name=name, frame=frame,
            comparison=comparison_name, direction=direction, kind="level", value=value.amount, high=value.high,
            unit=value.unit,
            confidence={"comparison": 0.9, "respectively": 0.85, "verb": 0.8, "verb-after": 0.8,
                        "verb-inside": 0.7}.get(frame, 0.5),
        )
        if verb and verb == inherited_verb:
            candidate.confidence = 0.75  # a list item that continues the verb of the item before it
        candidate.kind = _kind_of(name, value.unit, growth, verb)
        self.settle_comparison(candidate, value, growth, value.postfix)
        if value.bare_magnitude or not value.unit:
            self.guess_unit(candidate, value)
        if structure:
            candidate.flag(f"counts the plan's own parts ({text[value.start:value.end]}{structure}), not a target",
                           cap=0.1, context=True)
        elif focus and comparison is None:
            candidate.flag(f"names what the work is organised around ({text[focus.start():value.end]}…), "
                           "not a target", cap=0.1, context=True)
        return candidate, verb if frame in ("verb", "verb-after") else ""

    def borrow_subject(self, candidate: _Candidate, found: list[_Candidate]) -> None:
        """GDP达到12000亿元,增长6%: a clause with no subject continues the indicator before it."""
        earlier = [c for c in (*self.candidates, *found)
                   if c.block is candidate.block and c.sentence == candidate.sentence]
        if not earlier:
            candidate.flag("no subject before the figure: name it by hand", cap=0.5)
            return
        subject = earlier[-1].name
        subject = next((subject[:-len(w)] for w, _, _, g in _COMPARISON_WORDS if g and subject.endswith(w)), subject)
        candidate.name = subject + candidate.name
        candidate.flag(f"no subject before the figure: {subject} taken from the clause before", cap=0.7)

    def settle_comparison(self, candidate: _Candidate, value: _Value, growth: int, postfix: str) -> None:
        """The comparison from the word after the number, and what a falling word does to the value."""
        if value.high is not None:
            candidate.comparison = "between"
        elif postfix == "左右":
            candidate.comparison = "about"
        elif postfix in ("以内", "以下"):
            candidate.comparison, candidate.direction = "at-most", "decrease"
        # 以上 changes nothing: 达到…以上 and a bare frame are at-least already, 突破…以上 keeps its strict
        # reading, and after a falling word (不超过…以上) it contradicts the word, which wins.
        if growth < 0 and candidate.unit in ("%", "个百分点"):
            # a fall by 2.5% is a growth rate of at most -2.5%; a fall by 2-3% lies between -3% and -2%
            low = candidate.value
            candidate.value = -(candidate.high if candidate.high is not None else low)
            candidate.high = -low if candidate.high is not None else None
            candidate.direction = "decrease"
            if candidate.comparison not in ("about", "between"):
                candidate.comparison = "at-most"
        elif growth < 0:
            if candidate.name.endswith(("减少", "下降", "降低", "压减", "缩减")):
                candidate.name += "量"
            candidate.direction, candidate.kind = "increase", "flow"
            if candidate.comparison not in ("about", "between"):
                candidate.comparison = "at-least"
            candidate.flag("an absolute reduction: drafted as the amount cut (a flow); it may be better tracked "
                           "as the level, at most the baseline minus the cut", cap=0.5)
        if candidate.unit == "个百分点":
            candidate.flag("a change in percentage points: track the share itself if the plan gives its level", cap=0.5)

    def guess_unit(self, candidate: _Candidate, value: _Value) -> None:
        noun = _head_noun(candidate.name)
        magnitude = _NUMBER.match(candidate.block.text, value.start).group(0)
        if value.bare_magnitude and magnitude[-1] == "亿":
            candidate.unit = "元"
            candidate.flag(f"no unit after {magnitude}: 元 assumed", cap=0.6)
        elif noun:
            candidate.unit = _NOUNS[noun][0]
            candidate.flag(f"no unit in the text: {candidate.unit} guessed from {noun}", cap=0.6)
        else:
            candidate.flag("no unit in the text, and none could be guessed", cap=0.4)

    def read_respectively(self, first: _Candidate, value: _Value, found: list[_Candidate]) -> int:
        """A、B分别达到78%、65%: pair the names before 分别 with the values after it."""
        text, (start, end) = first.block.text, first.clause
        values = [value]
        position = value.end
        while position < end and text[position] in "、和":
            following = _value_at(text, position + 1, end, after_comparison=True)
            if following is None:
                break
            values.append(following)
            position = following.end
        names = [n for n in re.split(r"[、和]", first.name) if n]
        paired = len(names) == len(values)
        growth = next((g for w, _, _, g in _COMPARISON_WORDS if g and first.name.endswith(w)), 0)
        for index, item in enumerate(values):
            candidate = _Candidate(
                block=first.block, position=item.start, sentence=first.sentence, clause=first.clause,
                name=names[index] if paired else first.name, frame="respectively",
                comparison=first.comparison, direction=first.direction, kind=first.kind, value=item.amount,
                high=item.high, unit=item.unit, confidence=0.85,
            )
            candidate.kind = _kind_of(candidate.name, candidate.unit, growth, "")
            self.settle_comparison(candidate, item, growth, item.postfix)
            if not paired:
                candidate.flag(f"{len(names)} names and {len(values)} values around 分别: pair them by hand", cap=0.5)
            found.append(candidate)
        return position

    def inside_plus(self, text: str, at: int, start: int, end: int) -> bool:
        return (at > start and text[at - 1] == "+") or bool(re.match(r"\d+\+", text[at:end]))

    def read_plus(self, block: _Block, piece: tuple[int, int], clause: tuple[int, int],
                  found: list[_Candidate]) -> None:
        """头部企业配套园区和重点特色产业园区数量达到“12+24”: one target per name and number."""
        text, (start, end) = block.text, clause
        for match in re.finditer(r"“(\d+(?:\+\d+)+)”", text[start:end]):
            at = start + match.start()
            comparison = _comparison_before(text, start, at + 1)
            if comparison is None:
                continue
            word, comparison_name, direction, growth, word_start = comparison
            subject = _strip_name(text[start:word_start])
            names = [n for n in re.split(r"[和与及、]", subject) if n]
            numbers = match.group(1).split("+")
            measure = re.search(r"(数量|总数|个数|规模)$", names[-1]) if names else None
            if measure:
                names = [n if n.endswith(measure.group(1)) else n + measure.group(1) for n in names]
            paired = len(names) == len(numbers)
            offset = at + 1
            for index, number in enumerate(numbers):
                name = names[index] if paired else subject
                noun = _head_noun(name)
                candidate = _Candidate(
                    block=block, position=offset, sentence=piece, clause=clause, name=name, frame="plus",
                    comparison=comparison_name, direction=direction, kind="level", value=Decimal(number),
                    high=None, unit=_NOUNS[noun][0] if noun else "", confidence=0.6,
                )
                candidate.kind = _kind_of(name, candidate.unit, growth, "")
                if noun:
                    candidate.flag(f"no unit in the text: {candidate.unit} guessed from {noun}", cap=0.6)
                else:
                    candidate.flag("no unit in the text, and none could be guessed", cap=0.4)
                if not paired:
                    candidate.flag(f"“{match.group(1)}” has {len(numbers)} parts but the subject names "
                                   f"{len(names)}: pair them by hand", cap=0.4)
                found.append(candidate)
                offset += len(number) + 1

    def read_rank(self, block: _Block, piece: tuple[int, int], clause: tuple[int, int],
                  found: list[_Candidate]) -> None:
        """位列第25名, 进入前20位: a rank, where lower is better."""
        text, (start, end) = block.text, clause
        for match in re.finditer(rf"(第|前)(\d+|[{_CN_NUMERAL}]+)(名|位|强)", text[start:end]):
            if match.group(3) == "强" and match.group(1) == "第":
                continue
            at = start + match.start(2)
            try:
                number = Decimal(match.group(2)) if match.group(2).isdigit() else chinese_number(match.group(2))
            except (ValueError, KeyError):
                continue
            if number < 1:
                continue
            subject = _strip_name(re.sub(r"(位列|位居|排名|排在|进入|保持|稳居|跻身|晋升|居|列)$", "",
                                         text[start:start + match.start()]))
            candidate = _Candidate(
                block=block, position=at, sentence=piece, clause=clause, name=(subject or "") + "排名",
                frame="rank", comparison="at-most", direction="decrease", kind="rank", value=number, high=None,
                unit="位", confidence=0.6,
            )
            candidate.flag("a rank: drafted as 'hold or improve' (at most this place); confirm the plan sets it",
                           cap=0.6)
            found.append(candidate)

    def read_qualitative(self, block: _Block, sentence: tuple[int, int], piece: tuple[int, int],
                         clause: tuple[int, int], found: list[_Candidate]) -> None:
        text, (start, end) = block.text, clause
        match = _QUALITATIVE.search(text, start, end)
        if found or not match or re.search(r"\d", text[start:end]):
            return
        deadline, past, _ = self.time_of(block, sentence, piece, clause, match.start())
        if past is not None:
            return  # a result described in words: neither target nor number
        candidate = _Candidate(
            block=block, position=match.start(), sentence=piece, clause=clause, name=_strip_name(text[start:end]),
            frame="qualitative", comparison="", direction="increase", kind="level", value=None, high=None, unit="",
            deadline_year=deadline, confidence=0.3,
        )
        candidate.flag(f"a qualitative target ({match.group(0)}): no number to track; add it by hand if wanted",
                       cap=0.3)
        self.candidates.append(candidate)

    # -- judgement ------------------------------------------------------------------------------

    def finish(self, candidate: _Candidate, block: _Block, sentence: tuple[int, int], piece: tuple[int, int],
               clause: tuple[int, int], quotes: list[tuple[int, int]]) -> None:
        """Deadline, past results, quoted speech, garbled units, and the unit a catalogue uses."""
        deadline, past, named = self.time_of(block, sentence, piece, clause, candidate.position)
        candidate.deadline_year, candidate.past_year = deadline, past
        if past is not None:
            candidate.flag(f"a result for {past}, not a target", cap=0.3, context=True)
        elif not named and not candidate.context:
            candidate.notes.append(f"no year in the sentence: deadline taken as the end of {deadline}")
            candidate.confidence = round(candidate.confidence - 0.05, 2)
        if any(q_start < candidate.position < q_end for q_start, q_end in quotes):
            candidate.flag("inside quoted speech, not a target of the plan", cap=0.2, context=True)
        if candidate.comparison == "about" and candidate.value is not None:
            if candidate.unit in ("%", "个百分点"):
                candidate.tolerance = Decimal("0.5")
            else:
                candidate.tolerance = (abs(candidate.value) * Decimal("0.05")).normalize()
            candidate.notes.append("the tolerance of 左右/约 is a guess: 0.5 points for a percentage, else 5%")
        base = candidate.unit
        if candidate.value is not None and base in _SCALED_UNITS:
            reference = candidate.high if candidate.high is not None else candidate.value
            scaled_value, scaled_unit = _scale(candidate.value, base, reference)
            if candidate.high is not None:
                candidate.high = _scale(candidate.high, base, reference)[0]
            if candidate.tolerance is not None and candidate.unit not in ("%",):
                candidate.tolerance = _scale(candidate.tolerance, base, reference)[0]
            candidate.value, candidate.unit = scaled_value, scaled_unit
        measured = _measured(candidate.name)
        if measured == "money" and base not in ("元", "%", "个百分点", "") or measured == "people" and base == "元":
            phrase = block.text[candidate.position:self.value_end(candidate)]
            said = "an amount of money" if measured == "money" else "a number of people"
            repeated = block.text.count(phrase, *piece) > 1
            candidate.flag(
                f"garbled: {candidate.name} is {said}, but the text gives {phrase}"
                + (f" — the same words ({phrase}) recur in this sentence for another indicator, so they were "
                   "probably copied" if repeated else "")
                + "; confirm the figure and unit", cap=0.2)
        if candidate.kind == "share" and candidate.value is not None:
            if impossible_value(_as_float(candidate.value), "share"):
                candidate.kind = "rate"
                candidate.flag("a percentage above 100 cannot be a share: drafted as a rate", cap=0.5)
            elif not any(word in candidate.name for word in _SHARE_WORDS) and not candidate.context:
                candidate.flag("a percentage of what? no 率/比重/占比 in the name: drafted as a share", cap=0.6)
        for number in (candidate.value, candidate.high):
            if number is not None and (impossible := impossible_value(_as_float(number), candidate.kind)):
                candidate.flag(f"{format_plain(_as_float(number))} cannot be a target: {impossible}", cap=0.2,
                               context=True)

    @staticmethod
    def value_end(candidate: _Candidate) -> int:
        value = _value_at(candidate.block.text, candidate.position, len(candidate.block.text), True)
        return value.end if value else candidate.position + 1


# ---------------------------------------------------------------------------------------------
# Settling: restatements merged, last year's figures attached as baselines, ids given.


def _common_run(a: str, b: str) -> int:
    """The length of the longest run of characters a and b share (a binary search over run lengths)."""
    if len(a) > len(b):
        a, b = b, a
    low, high = 0, len(a)
    while low < high:
        middle = (low + high + 1) // 2
        if any(a[i:i + middle] in b for i in range(len(a) - middle + 1)):
            low = middle
        else:
            high = middle - 1
    return low


def _restatement_key(candidate: _Candidate) -> tuple:
    return (candidate.unit, candidate.value, candidate.high, candidate.comparison, candidate.deadline_year,
            candidate.context, candidate.past_year)


def _same_target(a: _Candidate, b: _Candidate) -> bool:
    """Whether b restates a (same key), in another sentence, for a name that shares a run of at least
    a third of the shorter one (百亿企业 and 百亿元企业)."""
    if a.value is None or (a.block is b.block and a.sentence == b.sentence):
        return False
    shared = _common_run(a.name, b.name)
    return shared >= 2 and 3 * shared >= min(len(a.name), len(b.name))


def _merge_restatements(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the first statement of each target; note where the text repeats it."""
    kept: list[_Candidate] = []
    by_key: dict[tuple, list[_Candidate]] = {}
    for candidate in candidates:
        same_key = by_key.setdefault(_restatement_key(candidate), [])
        earlier = next((k for k in same_key if _same_target(k, candidate)), None)
        if earlier is None:
            kept.append(candidate)
            same_key.append(candidate)
            continue
        earlier.notes.append(f"also stated on line {candidate.line}: {candidate.clause_text}")
        if not earlier.context:
            earlier.confidence = min(0.95, round(earlier.confidence + 0.05, 2))
    return kept


def _attach_baselines(candidates: list[_Candidate]) -> list[_Candidate]:
    """Give a target last year's figure for the same measure, when the text states it; the figure then
    leaves the list. The same measure: same unit and kind, and a run of 4 characters shared between the
    target's name and the figure's clause (or, failing that, its sentence up to the figure)."""
    past: dict[tuple[str, str], list[_Candidate]] = {}
    for candidate in candidates:
        if candidate.context and candidate.past_year is not None and candidate.value is not None:
            past.setdefault((candidate.unit, candidate.kind), []).append(candidate)
    taken: set[int] = set()
    for target in candidates:
        if target.context or target.value is None or target.high is not None or target.kind not in ("level", "share"):
            continue
        best, best_score = None, (0, 0)
        for figure in past.get((target.unit, target.kind), ()):
            if id(figure) in taken or figure.past_year >= target.deadline_year:
                continue
            before = _common_run(target.name, figure.block.text[figure.sentence[0]:figure.position])
            if before < 4:
                continue  # the clause is part of the sentence, so it shares no more
            own = _common_run(target.name, figure.block.text[figure.clause[0]:figure.position])
            if (own, before) > best_score:
                best, best_score = figure, (own, before)
        if best is not None:
            taken.add(id(best))
            target.baseline = (best.value, best.past_year, best.line)
            target.notes.append(f"baseline from line {best.line}: {best.clause_text}")
    return [c for c in candidates if id(c) not in taken]


def _gloss(text: str, for_id: bool = False) -> list[str]:
    words, position = [], 0
    bare = re.sub(r"\([^)]*\)", "", text)
    while position < len(bare):
        match = _GLOSS_TERMS.match(bare, position)
        if match:
            term = match.group(0)
            word = _GLOSSARY[term]
            if not (for_id and word in _GLOSS_SKIP_FOR_IDS) and (not words or words[-1] != word):
                words.append(word)
            position += len(term)
        elif bare[position].isascii() and bare[position].isalnum():
            run = re.match(r"[A-Za-z0-9.]+", bare[position:]).group(0)
            words.append(run)
            position += len(run)
        else:
            position += 1
    return words


def _slug(words: list[str], fallback: str, limit: int = 24) -> str:
    """An id from gloss words: the last (head) words that fit in `limit` characters."""
    parts: list[str] = []
    for word in reversed(words):
        part = re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-")
        if not part or part.isdigit():
            continue
        if parts and len(part) + 1 + len("-".join(parts)) > limit:
            break
        parts.insert(0, part[:limit])
    return "-".join(parts) or fallback


def _unit_en(unit: str, name: str) -> str:
    if unit in ("个", "户", "家", "项", "条", "座", "所", "处"):
        noun = _head_noun(name)
        if noun:
            return _NOUNS[noun][1]
    return _UNIT_EN.get(unit, unit)


def most_common_year(text: str) -> int | None:
    """The year a plan text names most often (20XX年), the later on a tie; None if it names none."""
    counts = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})年", text.translate(_FULL_WIDTH)))
    if not counts:
        return None
    return max(counts, key=lambda year: (counts[year], year))


def extract(text: str, year: int | None = None, group_by: str = "heading") -> list[Draft]:
    """Draft one entry per quantified target in a plan's text (plain text or Markdown).

    `year` is the plan's year: the deadline of targets whose sentence names none, and the year
    before which figures are results. Without it, the year the text names most often is used.
    """
    if group_by not in GROUP_BY:
        raise UsageError(f"unknown grouping {group_by!r} (use {' or '.join(GROUP_BY)})")
    plan_year = year if year is not None else most_common_year(text)
    if plan_year is None:
        raise SytrackError("the text names no year (such as 2023年): give the plan's year")
    blocks = _blocks(text.removeprefix("\ufeff"), plan_year)
    candidates = _Reader(plan_year).read(blocks)
    candidates = _merge_restatements(candidates)
    candidates = _attach_baselines(candidates)

    groups: dict[str, str] = {}  # group name -> id
    drafts: list[Draft] = []
    for number, candidate in enumerate(candidates, start=1):
        group_name = candidate.block.group_name if group_by == "heading" else ""
        if group_name not in groups:
            slug = _slug(_gloss(group_name, for_id=True), f"section-{len(groups) + 1}") if group_name else "all"
            base, suffix = slug, 1
            while slug in groups.values():
                suffix += 1
                slug = f"{base}-{suffix}"
            groups[group_name] = slug
        name = candidate.name or candidate.clause_text
        reasons = candidate.reasons
        baseline = None
        if candidate.baseline is not None:
            value, past_year, _ = candidate.baseline
            baseline = Baseline(_as_float(value), dt.date(past_year, 12, 31))
        drafts.append(Draft(
            id=f"{_slug(_gloss(name, for_id=True), 'target')}-{number}",
            name_zh=name,
            name_en=" ".join(_gloss(name)) or "(to translate)",
            group=groups[group_name],
            group_name=group_name or "全部目标",
            kind=candidate.kind,
            direction=candidate.direction,
            comparison="" if candidate.value is None else candidate.comparison,
            value=None if candidate.value is None or candidate.high is not None else _as_float(candidate.value),
            low=_as_float(candidate.value) if candidate.high is not None else None,
            high=_as_float(candidate.high) if candidate.high is not None else None,
            tolerance=_as_float(candidate.tolerance) if candidate.tolerance is not None else None,
            unit=candidate.unit if candidate.value is not None else "",
            unit_en=_unit_en(candidate.unit, name),
            deadline=dt.date(candidate.deadline_year or plan_year, 12, 31),
            baseline=baseline,
            sentence=candidate.sentence_text,
            clause=candidate.clause_text,
            line=candidate.line,
            confidence=round(max(0.0, min(1.0, candidate.confidence)), 2),
            review=bool(reasons),
            reason="; ".join(reasons),
            context=candidate.context,
            notes=tuple(candidate.notes),
            baseline_line=candidate.baseline[2] if candidate.baseline else None,
        ))
    return drafts


# ---------------------------------------------------------------------------------------------
# Output: a draft catalogue that `sytrack check` accepts, and rows for a review table.


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group(0)):04x}", escaped)
    return f'"{escaped}"'


def _indicator_lines(draft: Draft) -> list[str]:
    lines = [
        "[[indicator]]",
        f"id = {_toml_string(draft.id)}",
        f"group = {_toml_string(draft.group)}",
        f"name_zh = {_toml_string(draft.name_zh)}",
        f"name_en = {_toml_string(draft.name_en)}",
    ]
    if draft.unit:
        lines.append(f"unit = {_toml_string(draft.unit)}")
        lines.append(f"unit_en = {_toml_string(draft.unit_en)}")
    lines += [f"kind = {_toml_string(draft.kind)}", f"direction = {_toml_string(draft.direction)}",
              f"quote = {_toml_string(draft.sentence)}"]
    if draft.review:
        lines.append(f"doubt = {_toml_string(draft.reason)}")
    if draft.baseline is not None:
        lines.append(f"baseline = {{ value = {format_plain(draft.baseline.value)}, "
                     f"date = {draft.baseline.date.isoformat()} }}")
    lines += ["", "[[indicator.target]]"]
    if draft.comparison:
        lines.append(f"comparison = {_toml_string(draft.comparison)}")
    if draft.comparison == "between":
        lines += [f"low = {format_plain(draft.low)}", f"high = {format_plain(draft.high)}"]
    elif draft.value is not None:
        lines.append(f"value = {format_plain(draft.value)}")
    if draft.tolerance is not None:
        lines.append(f"tolerance = {format_plain(draft.tolerance)}")
    lines.append(f"deadline = {draft.deadline.isoformat()}")
    return lines


def _group_lines(group_id: str, name: str, order: int) -> list[str]:
    return ["[[group]]", f"id = {_toml_string(group_id)}", f"name_zh = {_toml_string(name)}",
            f"name_en = {_toml_string(' '.join(_gloss(name)) or group_id)}", f"order = {order}"]


def draft_to_toml(drafts: list[Draft], plan_id: str, title: str, *, title_en: str | None = None,
                  start: dt.date | None = None, source: str = "") -> str:
    """A draft catalogue: live entries for targets, commented-out ones for numbers read as context.

    `start` defaults to 1 January of the earliest deadline's year. The result passes `parse_catalogue`
    when plan_id is a valid id; every entry still wants a reader's eye.
    """
    if start is None:
        start = dt.date(min((d.deadline.year for d in drafts), default=dt.date.min.year), 1, 1)
    live = [d for d in drafts if d.writable]
    aside = [d for d in drafts if not d.writable]
    out = [
        "# Draft catalogue written by `sytrack extract`: every entry is read by rule from the plan's text.",
        "# Check each one against its quote. `doubt` says why an entry needs review; name_en is a word-for-word",
        "# gloss to rewrite. Numbers read as context (past results, counts of the plan's own parts) are at the",
        "# end, commented out: uncomment any that is a target.",
        "",
        "[plan]",
        f"id = {_toml_string(plan_id)}",
        f"title_zh = {_toml_string(title)}",
        f"title_en = {_toml_string(title_en or title)}",
        f"start = {start.isoformat()}",
        'language = "zh"',
    ]
    if source:
        out.append(f"source = {_toml_string(source)}")
    names = {draft.group: draft.group_name for draft in reversed(drafts)}
    live_groups = list(dict.fromkeys(draft.group for draft in live))
    for order, group_id in enumerate(live_groups, start=1):
        out += [""] + _group_lines(group_id, names[group_id], order)
    for draft in live:
        out += ["", f"# line {draft.line} · confidence {draft.confidence:.2f}"]
        out += [f"# {note}" for note in draft.notes]
        out += _indicator_lines(draft)
    if aside:
        out += ["", "# " + "-" * 96, "# Read as context, not targets (or without a number to track).", "# " + "-" * 96]
    declared = set(live_groups)
    for draft in aside:
        if draft.group not in declared:
            declared.add(draft.group)
            out += [""] + [f"# {line}" for line in _group_lines(draft.group, names[draft.group], len(declared))]
        out += ["", f"# line {draft.line} · confidence {draft.confidence:.2f} · {draft.reason}"]
        out += [f"# {note}" for note in draft.notes]
        out += [f"# {line}" if line else "#" for line in _indicator_lines(draft)]
    return "\n".join(out) + "\n"


def draft_rows(drafts: list[Draft]) -> list[dict[str, Any]]:
    """One row per draft, in the text's order, for a review table (plain values: the caller formats them)."""
    rows = []
    for draft in drafts:
        if draft.comparison == "between":
            value = f"{format_plain(draft.low)}..{format_plain(draft.high)}"
        else:
            value = format_plain(draft.value)
        rows.append({
            "line": draft.line,
            "id": draft.id,
            "group": draft.group,
            "name_zh": draft.name_zh,
            "value": value,
            "unit": draft.unit,
            "comparison": draft.comparison,
            "tolerance": format_plain(draft.tolerance),
            "kind": draft.kind,
            "direction": draft.direction,
            "deadline": draft.deadline.isoformat(),
            "baseline": (f"{format_plain(draft.baseline.value)}@{draft.baseline.date.isoformat()}"
                         if draft.baseline else ""),
            "confidence": draft.confidence,
            "review": draft.review,
            "context": draft.context,
            "reason": draft.reason,
            "sentence": draft.sentence,
        })
    return rows
