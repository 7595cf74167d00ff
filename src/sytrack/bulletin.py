"""The bulletin (通报) a bureau sends upward: its content, pure, and its Word document (python-docx, imported only here)."""

from __future__ import annotations

import datetime as dt
from typing import IO, NamedTuple

from sytrack.model import Catalogue
from sytrack.orgs import BEHIND
from sytrack.progress import Progress, summarise
from sytrack.values import format_human, target_text
from sytrack.views.common import STATUS_LOOK

# Status cell colours (hex, no #): the HTML report's, lightened so that black text reads on them in print.
CELL_COLOURS = {
    "achieved": "B7E4C7",
    "on-track": "D8F3DC",
    "behind": "FFE8A3",
    "off-track": "F8B4B4",
    "missed": "E57373",
    "pending": "CFE2FF",
    "no-data": "E9ECEF",
}


class Bulletin(NamedTuple):
    title: str
    as_of: dt.date
    overview: str  # the paragraph in Chinese
    groups: list[tuple[str, list[list[str]], list[str]]]  # (group name, rows of cells, each row's status)
    league: list[list[str]]  # rank, org, indicators, 达进度率, behind
    behind: list[str]  # one line per indicator behind, with its lead and the orgs behind on it
    doubts: tuple[str, ...] = ()  # one line per indicator whose catalogue entry carries a doubt, in Chinese


def overview_text(progresses: list[Progress]) -> str:
    """How many indicators, achieved, on track, behind, off track, and the 达进度率, in one Chinese paragraph."""
    summary = summarise(progresses)
    count = summary.counts.get
    text = (
        f"本期纳入监测的指标共{summary.total}项，其中已完成{count('achieved', 0)}项，符合序时进度{count('on-track', 0)}项，"
        f"滞后{count('behind', 0)}项，严重滞后{count('off-track', 0)}项"
    )
    others = [(count(s, 0), STATUS_LOOK[s][2]) for s in ("missed", "pending", "no-data") if count(s, 0)]
    if others:
        text += "；另有" + "、".join(f"{word}{n}项" for n, word in others)
    if summary.on_schedule_share is None:
        return text + "。暂无可评价的指标，未计算达进度率。"
    return text + f"。达进度率（已完成及符合序时进度的指标占可评价指标的比例）为{summary.on_schedule_share:.1%}。"


def _indicator_cells(catalogue: Catalogue, p: Progress) -> list[str]:
    i = p.indicator
    lead = catalogue.org(i.lead) if i.lead else None
    return [
        i.name_zh,
        "" if p.latest is None else format_human(p.latest, i.unit, kind=i.kind, lang="zh"),
        target_text(p.target, i.kind, i.unit, lang="zh"),
        "" if p.completion is None else f"{p.completion:.1%}",
        "" if p.time_elapsed is None else f"{p.time_elapsed:.1%}",
        STATUS_LOOK[p.status][2],
        lead.name_zh if lead else (i.department or ""),
    ]


def bulletin_content(
    catalogue: Catalogue, progresses: list[Progress], league_rows, behind_orgs: dict[str, list[str]], as_of: dt.date
) -> Bulletin:
    """What the bulletin says. `league_rows` is districts.groups_league over every indicator;
    `behind_orgs` names, per indicator id, the orgs behind on it (their allocation)."""
    by_group: dict[str, list[Progress]] = {}
    for p in progresses:
        by_group.setdefault(p.indicator.group, []).append(p)
    groups = [
        (g.name_zh, [_indicator_cells(catalogue, p) for p in by_group[g.id]], [p.status for p in by_group[g.id]])
        for g in sorted(catalogue.groups, key=lambda g: g.order)
        if g.id in by_group
    ]
    name = lambda org_id: catalogue.org(org_id).name_zh if catalogue.org(org_id) else org_id  # noqa: E731
    league = [
        [
            "" if r.rank is None else str(r.rank),
            name(r.org),
            str(r.indicators),
            "" if r.on_schedule_share is None else f"{r.on_schedule_share:.1%}",
            str(r.behind),
        ]
        for r in league_rows
    ]
    behind = []
    for p in progresses:
        if p.status not in BEHIND:
            continue
        i = p.indicator
        lead = name(i.lead) if i.lead else (i.department or "未明确")
        done = "" if p.completion is None else f"，完成率{p.completion:.1%}，序时进度{p.time_elapsed:.1%}"
        line = f"{i.name_zh}（{STATUS_LOOK[p.status][2]}{done}）；牵头单位：{lead}"
        if behind_orgs.get(i.id):
            line += "；滞后单位：" + "、".join(name(o) for o in behind_orgs[i.id])
        behind.append(line + "。")
    title = f"{catalogue.plan.title_zh}进展情况通报"
    doubts = tuple(f"{p.indicator.name_zh}：{p.indicator.doubt_in('zh')}" for p in progresses if p.indicator.doubtful)
    return Bulletin(title, as_of, overview_text(progresses), groups, league, behind, doubts)


def _shade(cell, colour: str) -> None:
    """A table cell's background: python-docx has no API for it, so the w:shd element is set."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(
    document,
    headers: list[str],
    rows: list[list[str]],
    widths_cm: list[float],
    statuses=None,
    status_column: int | None = None,
    numeric: tuple[int, ...] = (),
):
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        _shade(cell, "D9E2F3")
    for n, cells in enumerate(rows):
        row = table.add_row().cells
        for column, (cell, text) in enumerate(zip(row, cells)):
            cell.text = text
            if statuses is not None and column == status_column:
                _shade(cell, CELL_COLOURS[statuses[n]])
    _keep_rows_whole(table)
    # Widths on the columns (w:gridCol, which LibreOffice reads) and on every cell (which Word reads).
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    for row in table.rows:
        for number, (cell, width) in enumerate(zip(row.cells, widths_cm)):
            cell.width = Cm(width)
            if number in numeric:
                for paragraph in cell.paragraphs:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    return table


def _keep_rows_whole(table) -> None:
    """On a page break a row is never split, and the header row is repeated on the next page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for number, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        for tag in ("w:cantSplit", "w:tblHeader") if number == 0 else ("w:cantSplit",):
            element = OxmlElement(tag)
            element.set(qn("w:val"), "true")
            properties.append(element)


def _chinese_font(document, name: str = "SimSun") -> None:
    """Body text in a Chinese font (Word takes East Asian text from w:eastAsia, not from the font name)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for style_name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = document.styles[style_name]
        style.font.name = name
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    document.styles["Normal"].font.size = Pt(10.5)


def write_docx(bulletin: Bulletin, out: IO[bytes]) -> None:
    """The bulletin as a Word document on A4 with 2 cm margins."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    _chinese_font(document)
    heading = document.add_heading(bulletin.title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dated = document.add_paragraph(f"（截至{bulletin.as_of.year}年{bulletin.as_of.month}月{bulletin.as_of.day}日）")
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading("一、总体情况", level=1)
    document.add_paragraph(bulletin.overview)
    document.add_heading("二、分项指标进展", level=1)
    headers = ["指标", "最新值", "目标", "完成率", "序时进度", "状态", "牵头单位"]
    for name, rows, statuses in bulletin.groups:
        document.add_heading(name, level=2)
        _table(
            document, headers, rows, [4.0, 2.2, 3.4, 1.6, 1.8, 1.7, 2.3], statuses, status_column=5, numeric=(1, 3, 4)
        )
    document.add_heading("三、区县（单位）进度排名", level=1)
    if bulletin.league:
        _table(
            document,
            ["排名", "单位", "指标数", "达进度率", "滞后指标数"],
            bulletin.league,
            [1.6, 6.4, 3, 3, 3],
            numeric=(0, 2, 3, 4),
        )
    else:
        document.add_paragraph("本期暂无分解到区县（单位）的指标。")
    document.add_heading("四、进度滞后的指标", level=1)
    for line in bulletin.behind or ["本期无进度滞后的指标。"]:
        document.add_paragraph(line, style="List Bullet")
    if bulletin.doubts:  # what the figures above rest on that the plan leaves in doubt
        document.add_heading("五、存疑指标说明", level=1)
        for line in bulletin.doubts:
            document.add_paragraph(line, style="List Bullet")
    document.save(out)
