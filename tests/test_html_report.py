"""The self-contained HTML report: parsed with html.parser, and rendered by headless Chromium when there is one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import AS_OF
from PIL import Image

MARKUP = '<b>&"x"</b>'  # user text that must come out as text, never as an element
SVG_NS = "http://www.w3.org/2000/svg"

# ---------------------------------------------------------------------------------------------
# 3. The HTML report


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def find_all(self, tag: str, css: str | None = None) -> list[Node]:
        return [n for n in self.iter() if n.tag == tag and (css is None or css in n.classes())]


class TreeBuilder(HTMLParser):
    """A small DOM from the standard library's parser: enough to count and read elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def report(run, tmp_path: Path, *options: str) -> tuple[str, Node]:
    result = run(["report", "--html", "out.html", *options])
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    text = (tmp_path / "out.html").read_text(encoding="utf-8")
    return text, parse_html(text)


def summary_counts(ul: Node) -> tuple[dict[str, int], str | None]:
    """{status: count} and the share line's percentage from a <ul class="summary">."""
    counts, share = {}, None
    for li in ul.find_all("li"):
        text = " ".join(li.text().split())
        if badge := li.find_all("span", "status"):
            symbol_and_word = " ".join(badge[0].text().split())
            status = symbol_and_word.split(" ", 1)[1]
            counts[status] = int(text[len(symbol_and_word) :].strip())
        else:
            share = re.search(r"(\d+%)", text).group(1)
    return counts, share


def expected_summary(rows: list[dict]) -> tuple[dict[str, int], str | None]:
    counts = Counter(row["status"] for row in rows)
    judged = len(rows) - counts["no-data"] - counts["pending"]
    share = None if not judged else f"{(counts['achieved'] + counts['on-track']) / judged:.0%}"
    return {s: n for s, n in counts.items() if n}, share


def test_report_has_one_chart_per_indicator_and_points_where_there_is_history(run, recorded: Path):
    _, page = report(run, recorded, "--as-of", AS_OF)
    cards = {section.attrs["id"]: section for section in page.find_all("section", "card")}
    assert list(cards) == ["5g-base-stations", "cnc-rate", "design-institute"]
    assert len(page.find_all("svg")) == len(cards)
    for section in cards.values():
        assert len(section.find_all("svg")) == 1
    points = {i: len(section.find_all("circle", "point")) for i, section in cards.items()}
    assert points == {"5g-base-stations": 2, "cnc-rate": 1, "design-institute": 0}, (
        "records after --as-of are not drawn"
    )
    assert cards["5g-base-stations"].find_all("polyline", "observed")
    assert len(cards["cnc-rate"].find_all("polyline", "path")) == 2
    assert len(cards["cnc-rate"].find_all("rect", "target")) == 2


def test_report_summary_counts_match_status(run, recorded: Path):
    rows = json.loads(run(["status", "--format", "json", "--as-of", AS_OF]).stdout)
    _, page = report(run, recorded, "--as-of", AS_OF)
    summaries = page.find_all("ul", "summary")
    assert summary_counts(summaries[0]) == expected_summary(rows)
    assert summary_counts(summaries[0])[0] == {"on-track": 1, "off-track": 1, "pending": 1}
    # Then one summary per group, after the group's heading, counting that group's rows.
    group_ids = [h2.attrs["id"].removeprefix("group-") for h2 in page.find_all("h2") if h2.attrs.get("id")]
    assert group_ids == ["digital", "parks"]
    for group_id, ul in zip(group_ids, summaries[1:], strict=True):
        assert summary_counts(ul) == expected_summary([r for r in rows if r["group"] == group_id]), group_id


def test_report_needs_no_network_and_runs_no_script(run, recorded: Path):
    text, page = report(run, recorded, "--as-of", AS_OF)
    tags = Counter(node.tag for node in page.iter())
    for tag in ("script", "link", "iframe", "object", "embed", "img", "base", "frame"):
        assert tags[tag] == 0, tag
    for node in page.iter():
        for name, value in node.attrs.items():
            if name in ("src", "href", "xlink:href", "srcset", "action", "data", "poster", "background"):
                assert "://" not in (value or "") and not (value or "").startswith("//"), (node.tag, name, value)
            assert not name.startswith("on"), f"event handler {name} on <{node.tag}>"
    styles = [node.text() for node in page.find_all("style")]
    styles += [node.attrs["style"] or "" for node in page.iter() if "style" in node.attrs]
    assert styles
    for css in styles:
        assert "@import" not in css and "url(" not in css and "@font-face" not in css
    # The only URL in the page is the SVG namespace, which is a name, not a fetch.
    assert set(re.findall(r"""https?://[^\s"'<>)]+""", text)) <= {SVG_NS}
    assert "<script" not in text.lower()


def test_report_escapes_user_text(run, catalogue_text: str, tmp_path: Path):
    hostile = catalogue_text
    for before in ('title_en = "Test plan"', 'name_en = "5G base stations"', 'name_en = "Digital"'):
        assert before in hostile
        hostile = hostile.replace(before, before.split("=")[0] + f"= '{MARKUP}'")
    (tmp_path / "indicators.toml").write_text(hostile, encoding="utf-8")
    assert run(["check"]).code == 0
    assert run(["record", "5g-base-stations", "36000", "--date", AS_OF, "--by", "tester"]).code == 0
    text, page = report(run, tmp_path, "--as-of", AS_OF, "--lang", "en")
    assert not page.find_all("b"), "user text became an element"
    assert "<b>" not in text
    assert page.find_all("h1")[0].text() == MARKUP
    assert page.find_all("title")[0].text() == MARKUP
    assert any(h2.text() == MARKUP for h2 in page.find_all("h2"))
    card = [s for s in page.find_all("section", "card") if s.attrs["id"] == "5g-base-stations"][0]
    assert card.find_all("h3")[0].text().startswith(MARKUP + " ")
    assert card.find_all("svg")[0].find_all("title")[0].text() == MARKUP


def visible_text(page: Node) -> str:
    """What a reader sees: the text of the body, without the style sheet."""
    [body] = page.find_all("body")
    return " ".join(body.text().split())


def test_report_language_changes_the_headings(run, recorded: Path):
    _, english = report(run, recorded, "--as-of", AS_OF, "--lang", "en")
    _, chinese = report(run, recorded, "--as-of", AS_OF, "--lang", "zh")
    headings = lambda page: [node.text() for node in page.iter() if node.tag in ("h1", "h2")]  # noqa: E731
    assert headings(english) == ["Test plan", "Summary", "Overview", "Digital", "Parks"]
    assert headings(chinese) == ["测试计划", "总体情况", "指标一览", "数字赋能", "园区"]
    assert english.find_all("html")[0].attrs["lang"] == "en"
    assert chinese.find_all("html")[0].attrs["lang"].startswith("zh")
    assert "符合进度" in chinese.find_all("ul", "summary")[0].text()


CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def test_each_language_all_the_way_through(run, catalogue_text: str, tmp_path: Path):
    # A doubt, a large number (万 in Chinese ticks) and a milestone done: the words most likely to stay English.
    catalogue_text = catalogue_text.replace('kind = "milestone"\n', 'kind = "milestone"\ndoubt = "原文未给出期限"\n')
    (tmp_path / "indicators.toml").write_text(catalogue_text, encoding="utf-8")
    for args in (["5g-base-stations", "36000"], ["design-institute", "done"]):
        assert run(["record", *args, "--date", AS_OF, "--by", "tester"]).code == 0
    _, english = report(run, tmp_path, "--as-of", AS_OF, "--lang", "en")
    _, chinese = report(run, tmp_path, "--as-of", AS_OF, "--lang", "zh")
    zh_text = visible_text(chinese)
    # User text as written (the Chinese names hold "5G"), dates, numbers and "UTC" aside, no Latin letter is left.
    for user_text in ("5G", "UTC"):
        zh_text = zh_text.replace(user_text, "")
    assert re.findall(r"[A-Za-z]+", zh_text) == []
    assert "存疑: 原文未给出期限" in zh_text and "已完成" in zh_text
    en_text = visible_text(english).replace("原文未给出期限", "")  # the doubt is shown as the catalogue writes it
    assert CJK.findall(en_text) == [], en_text
    assert "Doubt: " in en_text and f"done ({AS_OF})" in en_text
    ticks = lambda page: [node.text() for node in page.find_all("text", "tick")]  # noqa: E731
    assert any("万" in tick for tick in ticks(chinese)), ticks(chinese)
    assert not any(CJK.search(tick) for tick in ticks(english)), ticks(english)
    assert "35,000" in ticks(english) or "40,000" in ticks(english)


def test_a_doubt_in_the_reports_language_is_shown_where_the_catalogue_has_one():
    from types import SimpleNamespace

    from sytrack.html_report import doubt_text

    written = SimpleNamespace(doubt="原文未给出期限")
    both = SimpleNamespace(doubt="原文未给出期限", doubt_zh="原文未给出期限", doubt_en="The plan gives no deadline")
    assert doubt_text(written, "en") == doubt_text(written, "zh") == "原文未给出期限"
    assert doubt_text(both, "en") == "The plan gives no deadline"
    assert doubt_text(both, "zh") == "原文未给出期限"


def overview_rows(page: Node) -> list[list[str]]:
    [table] = page.find_all("table", "overview")
    return [[" ".join(td.text().split()) for td in tr.find_all("td")] for tr in table.find_all("tr")[1:]]


def test_overview_table_has_one_row_per_indicator_before_the_cards(run, recorded: Path):
    text, page = report(run, recorded, "--as-of", AS_OF, "--lang", "en")
    rows = json.loads(run(["status", "--format", "json", "--as-of", AS_OF]).stdout)
    [table] = page.find_all("table", "overview")
    heads = [" ".join(th.text().split()) for th in table.find_all("th")]
    assert heads == ["Indicator", "Group", "Status", "Done", "Time elapsed", "Warning"]
    percent = lambda value: "" if value is None else f"{value:.1f}%"  # noqa: E731
    assert overview_rows(page) == [
        [
            row["name_en"],
            {"digital": "Digital", "parks": "Parks"}[row["group"]],
            status_word(row["status"]),
            percent(row["completion_pct"]),
            percent(row["time_elapsed_pct"]),
            row["warning"],
        ]
        for row in rows
    ]
    links = [a.attrs["href"] for a in table.find_all("a")]
    assert links == [f"#{row['id']}" for row in rows], "each row links to its card"
    assert text.index('class="overview"') < text.index('class="card"')


def status_word(status: str) -> str:
    from sytrack.views.common import STATUS_LOOK

    return f"{STATUS_LOOK[status][0]} {status}"


def test_overview_warning_cell_is_coloured_only_when_the_progress_has_a_warning(catalogue_text: str):
    import datetime as dt

    from sytrack.catalogue import parse_catalogue
    from sytrack.html_report import render_html
    from sytrack.progress import evaluate

    class Warned:  # a Progress with the attribute the reporting cycle will add
        def __init__(self, progress, warning):
            self._progress, self.warning = progress, warning

        def __getattr__(self, name):
            return getattr(self._progress, name)

    catalogue, _ = parse_catalogue(catalogue_text, "indicators.toml")
    day = dt.date(2024, 6, 30)
    progresses = [evaluate(i, [], day, catalogue.plan) for i in catalogue.in_group_order()]
    progresses[1] = Warned(progresses[1], "report overdue <3 days>")
    page = parse_html(render_html(catalogue, progresses, {}, "en", day, "2024-07-01 08:00 UTC"))
    cells = [tr.find_all("td")[-1] for tr in page.find_all("table", "overview")[0].find_all("tr")[1:]]
    assert [cell.classes() for cell in cells] == [["warning"], ["warning", "on"], ["warning"]]
    assert cells[1].text() == "report overdue <3 days>"
    css = "".join(node.text() for node in page.find_all("style"))
    assert re.search(r"td\.warning\.on\s*{[^}]*background:\s*#[0-9a-f]{6}", css), "a warning shows a colour"


def print_rules(page: Node) -> str:
    css = "".join(node.text() for node in page.find_all("style"))
    return css.split("@media print", 1)[1]


def test_report_prints_to_a4_and_fits_a_phone(run, recorded: Path):
    _, page = report(run, recorded, "--as-of", AS_OF)
    printed = print_rules(page)
    assert "A4" in printed.split("@page", 1)[1].split("}", 1)[0]
    group_rule = re.search(r"section\.group\s*{([^}]*)}", printed).group(1)
    assert "break-inside: avoid" in group_rule, "a group that fits on a page is printed on one page"
    assert re.search(r"\.overview-part\s*{[^}]*break-after: page", printed), "the cards start on a page of their own"
    groups = page.find_all("section", "group")
    assert [section.find_all("h2")[0].attrs["id"] for section in groups] == ["group-digital", "group-parks"]
    assert [len(section.find_all("section", "card")) for section in groups] == [2, 1]
    badge_rule = re.search(r"\.status\s*{([^}]*)}", printed).group(1)
    assert "color: #000" in badge_rule and "background: #fff" in badge_rule and "border" in badge_rule
    metas = {node.attrs.get("name"): node.attrs.get("content") for node in page.find_all("meta")}
    assert "width=device-width" in (metas.get("viewport") or "")
    assert any((node.attrs.get("charset") or "").lower() == "utf-8" for node in page.find_all("meta"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_date_can_wrap_at_its_hyphens(run, recorded: Path, lang: str):
    _, page = report(run, recorded, "--as-of", AS_OF, "--lang", lang)
    css = "".join(node.text() for node in page.find_all("style"))
    assert re.search(r"\btime\s*{[^}]*white-space:\s*nowrap", css)
    [body] = page.find_all("body")
    svg_text = "".join(node.text() for node in body.find_all("svg"))  # an SVG text never wraps
    outside = "".join(
        child
        for node in body.iter()
        if node.tag not in ("time", "svg", "text", "title")
        for child in node.children
        if isinstance(child, str)
    )
    assert re.findall(r"\d{4}-\d{2}-\d{2}", outside) == [], "every date is a <time>, which does not wrap"
    assert len(body.find_all("time")) >= 3 and re.findall(r"\d{4}-\d{2}-\d{2}", svg_text)


def test_report_is_written_atomically(run, recorded: Path):
    (recorded / "out.html").write_text("old", encoding="utf-8")
    report(run, recorded, "--as-of", AS_OF)
    assert (recorded / "out.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    leftovers = [p.name for p in recorded.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".out.html")]
    assert leftovers == []


def test_report_to_a_folder_that_does_not_exist_is_one_line_exit_1(run, recorded: Path):
    result = run(["report", "--html", "no-such-folder/out.html", "--as-of", AS_OF])
    assert result.code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("sytrack: error: ") and "no-such-folder" in line
    assert not (recorded / "no-such-folder").exists()


# ---------------------------------------------------------------------------------------------
# 4. The report in a real browser


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def screenshot(binary: str, page: Path, png: Path, profile: Path, size: str) -> None:
    """A headless Chromium screenshot of `page`, `size` as "width,height"; no network, no profile of the user's."""
    subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={size}",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        env={**os.environ, "HOME": str(profile / "home")},
        capture_output=True,
        timeout=90,
        check=False,
    )
    assert png.is_file(), "Chromium wrote no screenshot"


def test_report_renders_in_headless_chromium(run, recorded: Path, tmp_path: Path):
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium binary: none of chromium, chromium-browser, google-chrome is on PATH")
    report(run, recorded, "--as-of", AS_OF)
    png = tmp_path / "shot.png"
    screenshot(binary, recorded / "out.html", png, tmp_path / "chromium-profile", "800,1200")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size == (800, 1200)
        top = image.convert("RGB").crop((0, 0, 800, 600))
    colours = {colour for _, colour in top.getcolors(maxcolors=800 * 600)}
    assert len(colours) > 16, "text and charts draw in many shades; a blank page has one"
    # The inline CSS is applied: the summary's on-track badge is drawn in its colour (#2da44e).
    assert any(max(abs(p - q) for p, q in zip(colour, (0x2D, 0xA4, 0x4E))) <= 3 for colour in colours)


def chromium_pdf(binary: str, page: Path, pdf: Path, profile: Path) -> None:
    subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        env={**os.environ, "HOME": str(profile / "home")},
        capture_output=True,
        timeout=90,
        check=False,
    )
    assert pdf.is_file(), "Chromium wrote no PDF"


def test_printed_report_is_a4_with_the_cards_after_the_overview_and_badges_drawn_in_black(
    run, recorded: Path, tmp_path: Path
):
    binary = chromium_binary()
    if binary is None or not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.skip("needs Chromium and poppler-utils (pdftotext, pdftoppm)")
    report(run, recorded, "--as-of", AS_OF)
    pdf = tmp_path / "printed.pdf"
    chromium_pdf(binary, recorded / "out.html", pdf, tmp_path / "chromium-profile")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:.*\(A4\)", info), info
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    assert "Overview" in pages[0] and "Latest" not in pages[0]
    assert "Latest" in pages[1], "the cards begin on the page after the overview"
    # Printers drop backgrounds: the badge word must itself be dark, not white on a colour that is gone.
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    box = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">on-track</word>', bbox)
    assert box, "the summary's on-track badge is printed as text"
    subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page")], check=True)
    [png] = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        word = image.convert("L").crop(tuple(round(float(v)) for v in box.groups()))
        assert word.getextrema()[0] < 80, "the badge's text is drawn dark on paper"


def test_on_a_phone_the_page_is_as_wide_as_the_screen(run, recorded: Path, tmp_path: Path):
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium binary: none of chromium, chromium-browser, google-chrome is on PATH")
    report(run, recorded, "--as-of", AS_OF, "--lang", "zh")
    png = tmp_path / "phone.png"
    screenshot(binary, recorded / "out.html", png, tmp_path / "chromium-profile", "390,844")
    with Image.open(png) as image:
        assert image.size == (390, 844)
        grey = image.convert("L")
    # Nothing is drawn in the right margin (the body's padding): no table or chart runs off the screen.
    margin = grey.crop((390 - 12, 0, 390, 844))
    assert margin.getextrema()[0] > 200, "something is drawn past the right edge of the content"
