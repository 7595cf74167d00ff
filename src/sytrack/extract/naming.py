"""Naming: English glosses for names, ids from the gloss, and the English of units."""

from __future__ import annotations

import re

from sytrack.extract.candidates import head_noun
from sytrack.extract.lexicon import NOUNS, UNIT_EN

# A word-for-word gloss for ids and draft English names: the analyst rewrites name_en anyway.
GLOSSARY = {
    # The indicators of every work report's 主要预期目标, so that name_en and ids start from the usual English.
    "国内生产总值": "GDP",
    "生产总值": "GDP",
    "单位国内生产总值能耗": "energy per unit of GDP",
    "单位生产总值能耗": "energy per unit of GDP",
    "万元地区生产总值能耗": "energy per unit of GDP",
    "二氧化碳排放": "CO2 emissions",
    "全社会固定资产投资": "fixed-asset investment",
    "固定资产投资": "fixed-asset investment",
    "社会消费品零售总额": "retail sales",
    "居民消费价格指数": "CPI",
    "居民消费价格总水平": "CPI",
    "居民消费价格": "CPI",
    "涨幅": "rise",
    "上涨": "rise",
    "城镇调查失业率": "surveyed urban unemployment",
    "调查失业率": "surveyed unemployment",
    "城镇登记失业率": "registered urban unemployment",
    "登记失业率": "registered unemployment",
    "粮食产量": "grain output",
    "城镇新增就业": "new urban jobs",
    "新增就业": "new jobs",
    "农村劳动力转移就业": "rural labour moved into work",
    "地方一般公共预算收入": "local budget revenue",
    "一般公共预算总收入": "total budget revenue",
    "地方财政一般预算收入": "local budget revenue",
    "地方财政收入": "local fiscal revenue",
    "公共财政预算收入": "budget revenue",
    "财政收入": "fiscal revenue",
    "研究与试验发展经费支出": "R&D spending",
    "研发经费投入强度": "R&D intensity",
    "研发投入强度": "R&D intensity",
    "研发经济投入强度": "R&D intensity",
    "研发经费": "R&D spending",
    "进出口总额": "imports and exports",
    "进出口": "imports and exports",
    "实际利用外资": "foreign investment used",
    "城镇居民": "urban residents",
    "农村居民": "rural residents",
    "农民": "farmers",
    "人均可支配收入": "disposable income per head",
    "人均纯收入": "net income per head",
    "人口自然增长率": "natural population growth",
    "人均预期寿命": "life expectancy",
    "常住人口城镇化率": "urbanisation rate",
    "户籍人口城镇化率": "registered urbanisation rate",
    "森林覆盖率": "forest cover",
    "森林蓄积量": "forest stock",
    "湿地保护率": "wetland protection",
    "草原综合植被盖度": "grassland vegetation cover",
    "全员劳动生产率": "labour productivity",
    "科技进步": "technological progress",
    "贡献率": "contribution",
    "规模以上工业增加值": "above-scale industrial value added",
    "环保投入": "environmental spending",
    "单项冠军": "single-product champions",
    "小巨人": "little giants",
    "专精特新": "specialised",
    "创新型中小企业": "innovative SMEs",
    "高价值专利": "high-value patents",
    "普及率": "adoption",
    "主营业务收入": "main business revenue",
    "城建": "urban construction",
    "绿化面积": "green area",
    "招商引资": "investment attracted",
    "重点工程": "key works",
    "单位地区生产总值能耗": "energy per unit of GDP",
    "地区生产总值": "GDP",
    "经济总量": "economic output",
    "一般公共预算收入": "budget revenue",
    "人口规模": "population",
    "人口": "population",
    "产业结构调整": "industrial restructuring",
    "结构调整": "restructuring",
    "沈阳": "Shenyang",
    "重点产业链": "key chains",
    "产业链": "industrial chains",
    "供应链": "supply chains",
    "链": "chains",
    "规模以上": "above-scale",
    "规上": "above-scale",
    "科技型中小企业": "tech SMEs",
    "中小企业": "SMEs",
    "高新技术企业": "high-tech firms",
    "科技型企业": "tech firms",
    "头部企业": "leading firms",
    "企业": "firms",
    "百亿": "10bn",
    "千亿": "100bn",
    "智能工厂": "smart factories",
    "数字化车间": "digital workshops",
    "数字经济": "digital economy",
    "数字文化": "digital culture",
    "数字赋能": "digital empowerment",
    "数字化": "digital",
    "评估诊断": "assessment",
    "覆盖率": "coverage",
    "研发设计工具": "design tools",
    "关键工序": "key processes",
    "数控化率": "NC rate",
    "5G基站": "5G base stations",
    "基站": "base stations",
    "上云": "cloud",
    "服务型制造": "service manufacturing",
    "示范": "demonstration",
    "项目": "projects",
    "平台": "platforms",
    "产业园区": "industrial parks",
    "园区": "parks",
    "配套": "supplier",
    "特色": "featured",
    "投资": "investment",
    "建筑业": "construction",
    "总产值": "gross output",
    "产值": "output",
    "增长": "growth",
    "下降": "decline",
    "绿色建筑": "green buildings",
    "新建建筑": "new buildings",
    "装配式建筑": "prefab buildings",
    "商品住房": "housing",
    "成品化率": "finished",
    "攻关项目": "key tech projects",
    "全国重点实验室": "national key labs",
    "重点实验室": "key labs",
    "实验室": "labs",
    "高端装备制造": "high-end equipment",
    "高端装备": "high-end equipment",
    "装备制造业": "equipment manufacturing",
    "新字号": "new-type",
    "工业投资": "industrial investment",
    "工业": "industry",
    "先进制造业": "advanced manufacturing",
    "制造业": "manufacturing",
    "增加值": "value added",
    "营业收入": "operating revenue",
    "收入": "revenue",
    "利润": "profit",
    "能耗": "energy use",
    "就业": "employment",
    "居民": "residents",
    "可支配收入": "disposable income",
    "失业率": "unemployment",
    "研发投入": "R&D spending",
    "技术中心": "technology centres",
    "创新": "innovation",
    "中心": "centres",
    "基地": "bases",
    "楼宇": "buildings",
    "集群": "clusters",
    "工程": "projects",
    "行动": "actions",
    "方面": "areas",
    "方式": "ways",
    "质量": "quality",
    "品牌": "brands",
    "科技": "science",
    "成果转化": "technology transfer",
    "孵化器": "incubators",
    "人工智能": "AI",
    "算力": "computing",
    "排名": "rank",
    "百强": "top 100",
    "新能源汽车": "new-energy vehicles",
    "集成电路": "chips",
    "航空": "aviation",
    "汽车": "automotive",
    "规模": "size",
    "安全": "security",
    "提升": "upgrading",
    "发展": "development",
    "占比": "share",
    "比重": "share",
    "比例": "share",
    "产品": "products",
    "技术": "technology",
    "数量": "count",
    "服务": "services",
    "空气": "air",
    "粮食": "grain",
    "出口": "exports",
    "产量": "output",
}
GLOSS_TERMS = re.compile("|".join(re.escape(term) for term in sorted(GLOSSARY, key=len, reverse=True)))
GLOSS_SKIP_FOR_IDS = {
    "growth",
    "decline",
    "upgrading",
    "development",
    "Shenyang",
    "projects",
    "actions",
    "areas",
    "count",
}


def plan_title(text: str, fallback: str) -> str:
    """The plan's title: its first heading or plain-text title line, else its first line up to the first
    sentence mark (at most 60 characters), else `fallback`."""
    from sytrack.extract.layout import clean_line, layout_items

    for kind, payload in layout_items(text):
        if kind == "heading":
            return payload[1]
        if kind == "title":
            return clean_line(payload).strip()
    first = next((clean_line(line).strip() for line in text.splitlines() if line.strip()), "")
    return re.split(r"[,。;:!?]", first)[0][:60].strip() or fallback


def title_in_english(title: str) -> str:
    """A word-for-word gloss of the title, or a marker to translate it: never the Chinese again."""
    return " ".join(gloss(title)) or "(to translate)"


# A Latin word or number kept as it is (5G, R&D's letters, 2.5): it starts with a letter or digit.
_ASCII_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.]*")


def _ascii_run(text: str, position: int) -> str:
    match = _ASCII_RUN.match(text, position)
    return match.group(0) if match else ""


def gloss(text: str, for_id: bool = False) -> list[str]:
    words: list[str] = []
    position = 0
    bare = re.sub(r"\([^)]*\)", "", text)
    while position < len(bare):
        match = GLOSS_TERMS.match(bare, position)
        if match:
            term = match.group(0)
            word = GLOSSARY[term]
            if not (for_id and word in GLOSS_SKIP_FOR_IDS) and (not words or words[-1] != word):
                words.append(word)
            position += len(term)
        elif run := _ascii_run(bare, position):
            words.append(run)
            position += len(run)
        else:
            position += 1
    return words


def slug_of(words: list[str], fallback: str, limit: int = 24) -> str:
    """An id from gloss words: the last (head) words that fit in `limit` characters."""
    parts: list[str] = []
    for word in reversed(words):
        part = re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-")
        if not part or part.isdigit():
            continue
        if parts and len(part) + 1 + len("-".join(parts)) > limit:
            break
        parts.insert(0, part[:40])  # a glossary phrase stays whole: surveyed-urban-unemployment
    return "-".join(parts) or fallback


def unit_in_english(unit: str, name: str) -> str:
    if unit in ("个", "户", "家", "项", "条", "座", "所", "处"):
        noun = head_noun(name)
        if noun:
            return NOUNS[noun][1]
    return UNIT_EN.get(unit, unit)
