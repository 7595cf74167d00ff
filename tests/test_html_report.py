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
            counts[status] = int(text[len(symbol_and_word):].strip())
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
    assert points == {"5g-base-stations": 2, "cnc-rate": 1, "design-institute": 0}, "records after --as-of are not drawn"
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


def test_report_language_changes_the_headings(run, recorded: Path):
    _, english = report(run, recorded, "--as-of", AS_OF, "--lang", "en")
    _, chinese = report(run, recorded, "--as-of", AS_OF, "--lang", "zh")
    headings = lambda page: [node.text() for node in page.iter() if node.tag in ("h1", "h2")]  # noqa: E731
    assert headings(english) == ["Test plan", "Summary", "Digital", "Parks"]
    assert headings(chinese) == ["测试计划", "总体情况", "数字赋能", "园区"]
    assert english.find_all("html")[0].attrs["lang"] == "en"
    assert chinese.find_all("html")[0].attrs["lang"].startswith("zh")
    assert "符合进度" in chinese.find_all("ul", "summary")[0].text()


def test_report_prints_to_a4_and_fits_a_phone(run, recorded: Path):
    _, page = report(run, recorded, "--as-of", AS_OF)
    css = "".join(node.text() for node in page.find_all("style"))
    assert "@media print" in css
    assert "@page" in css.split("@media print", 1)[1]
    assert "A4" in css.split("@page", 1)[1].split("}", 1)[0]
    metas = {node.attrs.get("name"): node.attrs.get("content") for node in page.find_all("meta")}
    assert "width=device-width" in (metas.get("viewport") or "")
    assert any((node.attrs.get("charset") or "").lower() == "utf-8" for node in page.find_all("meta"))


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
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", f"--window-size={size}", f"--screenshot={png}", page.as_uri()],
        env={**os.environ, "HOME": str(profile / "home")}, capture_output=True, timeout=90, check=False,
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


