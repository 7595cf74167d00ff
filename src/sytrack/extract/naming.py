"""Naming: English glosses for names, ids from the gloss, and the English of units."""

from __future__ import annotations

import re

from sytrack.extract.candidates import head_noun
from sytrack.extract.lexicon import NOUNS, UNIT_EN

# A word-for-word gloss for ids and draft English names: the analyst rewrites name_en anyway.
GLOSSARY = {
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
GLOSS_TERMS = re.compile("|".join(re.escape(term) for term in sorted(GLOSSARY, key=len, reverse=True)))
GLOSS_SKIP_FOR_IDS = {"growth", "decline", "upgrading", "development", "Shenyang", "projects", "actions", "areas",
                       "count"}


def gloss(text: str, for_id: bool = False) -> list[str]:
    words, position = [], 0
    bare = re.sub(r"\([^)]*\)", "", text)
    while position < len(bare):
        match = GLOSS_TERMS.match(bare, position)
        if match:
            term = match.group(0)
            word = GLOSSARY[term]
            if not (for_id and word in GLOSS_SKIP_FOR_IDS) and (not words or words[-1] != word):
                words.append(word)
            position += len(term)
        elif bare[position].isascii() and bare[position].isalnum():
            run = re.match(r"[A-Za-z0-9.]+", bare[position:]).group(0)
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
        parts.insert(0, part[:limit])
    return "-".join(parts) or fallback


def unit_in_english(unit: str, name: str) -> str:
    if unit in ("个", "户", "家", "项", "条", "座", "所", "处"):
        noun = head_noun(name)
        if noun:
            return NOUNS[noun][1]
    return UNIT_EN.get(unit, unit)

