"""Under --lang zh every word is Chinese: reasons, milestone values, explain, show, list, log, rank,
remind, diff and both reports, on a catalogue with one indicator per progress reason."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sytrack.model import REASONS
from sytrack.views.common import REASON_WORDS, STATUS_LOOK

DATA = Path(__file__).parent / "data"
AS_OF = "2024-07-01"
RECORDS = (
    ("met", "120", "2024-06-30"),
    ("missed", "60", "2024-03-31"),
    ("beyond", "7", "2024-06-30"),
    ("away", "62.5", "2024-03-31"),
    ("away", "62", "2024-06-30"),
    ("stairs", "36", "2024-03-31"),
    ("stairs", "38", "2024-06-30"),
    ("not-due", "10", "2024-07-01"),
    ("on-pace", "33000", "2024-03-31"),
    ("on-pace", "36000", "2024-06-30"),
    ("on-pace", "21000", "2024-06-30", "--org", "tiexi"),
    ("on-pace", "15000", "2024-06-30", "--org", "hunnan"),
    ("slow", "20", "2024-03-31"),
    ("slow", "40", "2024-06-30"),
    ("very-slow", "5", "2024-03-31"),
    ("very-slow", "10", "2024-06-30"),
    ("late", "12", "2024-05-01"),
    ("rate-final", "6.5", "2024-03-31"),
    ("rate-so-far", "6.5", "2024-06-30"),
    ("rate-missed", "5", "2024-03-31"),
    ("rate-behind", "4.5", "2024-06-30"),
    ("rate-off", "1", "2024-06-30"),
    ("done", "是", "2024-05-01"),
    ("pending", "否", "2024-05-01"),
    ("not-done", "否", "2024-03-01"),
)

# What may stay in Latin letters under --lang zh, and nothing else: the catalogue's ids (indicators,
# groups, orgs), the file's path, UTC in a timestamp's header, and the option named in explain.
ALLOWED_OTHER = {"UTC", "--as-of"}
LATIN_WORD = re.compile(r"[A-Za-z0-9_./\\:-]*[A-Za-z]{3,}[A-Za-z0-9_./\\:-]*")


@pytest.fixture(scope="module")
def every_reason_template(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("every-reason")


@pytest.fixture
def every_reason(run, tmp_path: Path, every_reason_template: Path) -> Path:
    """The every-reason catalogue with its records (recorded once, then copied); returns the folder."""
    shutil.copyfile(DATA / "every-reason.toml", tmp_path / "indicators.toml")
    if not (every_reason_template / "indicators.db").exists():
        for indicator, value, date, *more in RECORDS:
            result = run(["record", indicator, value, "--date", date, "--by", "测试员", *more])
            assert result.code == 0, result.stderr
        for name in ("indicators.db", "indicators.db-wal"):
            if (tmp_path / name).exists():
                shutil.copyfile(tmp_path / name, every_reason_template / name)
    else:
        for name in ("indicators.db", "indicators.db-wal"):
            if (every_reason_template / name).exists():
                shutil.copyfile(every_reason_template / name, tmp_path / name)
    return tmp_path


def catalogue_of(folder: Path) -> dict:
    import tomllib

    return tomllib.loads((folder / "indicators.toml").read_text(encoding="utf-8"))


def ids_of(folder: Path) -> set[str]:
    """The ids the catalogue declares: its plan's, groups', orgs' and indicators'."""
    catalogue = catalogue_of(folder)
    tables = [catalogue["plan"], *(catalogue[name] for name in ("group", "org", "indicator"))]
    return {table["id"] for table in tables[1:] for table in table} | {tables[0]["id"]}


def english_words(text: str, folder: Path) -> list[str]:
    """The Latin words of 3+ letters in `text` that are none of ids, paths and the few allowed."""
    allowed = ids_of(folder) | ALLOWED_OTHER
    words = []
    for word in LATIN_WORD.findall(text):
        word = word.strip(".:")
        if word in allowed or "/" in word or "\\" in word:
            continue
        words.append(word)
    return words


def test_the_catalogue_exercises_every_status_and_every_reason(run, every_reason: Path):
    import csv
    import io

    result = run(["status", "--as-of", AS_OF, "--format", "csv", "--lang", "en"])
    assert result.code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {row["status"] for row in rows} == set(STATUS_LOOK)
    for code in REASONS:
        english = re.escape(REASON_WORDS[code][0])
        pattern = re.sub(r"\\\{\d[^}]*\\\}", ".+", english)
        assert any(re.fullmatch(pattern, row["reason"]) for row in rows), (code, pattern)


def test_status_reasons_are_worded_in_the_language_asked_for(run, every_reason: Path):
    import csv
    import io

    def reasons(lang: str) -> dict[str, str]:
        result = run(["status", "--as-of", AS_OF, "--format", "csv", "--lang", lang])
        assert result.code == 0, result.stderr
        return {row["id"]: row["reason"] for row in csv.DictReader(io.StringIO(result.stdout))}

    english, chinese = reasons("en"), reasons("zh")
    assert english["on-pace"] == "pace 1.200 ≥ 0.95" and chinese["on-pace"] == "进度比 1.200 ≥ 0.95"
    assert english["empty-level"] == "nothing recorded since 2023-12-31"
    assert chinese["empty-level"] == "2023-12-31 以来无记录"
    assert english["rate-off"] == "latest rate is 16.7% of the target rate, below 60.0%"
    assert chinese["rate-off"] == "最新增速为目标增速的 16.7%，低于 60.0%"
    assert {i: english_words(r, every_reason) for i, r in chinese.items() if english_words(r, every_reason)} == {}


def test_a_milestones_value_is_chinese_under_zh(run, every_reason: Path):
    chinese = run(["status", "--as-of", AS_OF, "--lang", "zh"], env={"COLUMNS": "200"}).stdout
    english = run(["status", "--as-of", AS_OF, "--lang", "en"], env={"COLUMNS": "200"}).stdout
    assert "已完成 (2024-05-01)" in chinese and "未完成 (2024-05-01)" in chinese and "done" not in chinese
    assert "done (2024-05-01)" in english and "not done (2024-05-01)" in english
    log = run(["log", "pending", "--lang", "zh"]).stdout
    assert "未完成" in log and "done" not in log


COMMANDS = [
    ["status", "--as-of", AS_OF],
    ["list"],
    ["log"],
    ["rank", "on-pace", "--as-of", AS_OF],
    ["rank", "--group", "paths", "--as-of", AS_OF],
    ["remind", "--as-of", AS_OF],
    ["remind", "--summary", "--as-of", AS_OF],
    ["diff", "--from", "2024-04-01"],  # to today: the records above are known by then
]


@pytest.mark.parametrize("columns", ["80", "200"])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_table_under_zh_is_chinese(run, every_reason: Path, args: list[str], columns: str):
    result = run([*args, "--lang", "zh"], env={"COLUMNS": columns})
    assert result.code == 0, result.stderr
    assert result.stdout.strip()
    assert english_words(result.stdout, every_reason) == [], result.stdout


@pytest.mark.parametrize("command", ["explain", "show"])
def test_explain_and_show_under_zh_are_chinese_for_every_reason(run, every_reason: Path, command: str):
    for indicator in (table["id"] for table in catalogue_of(every_reason)["indicator"]):
        result = run([command, indicator, "--as-of", AS_OF, "--lang", "zh"], env={"COLUMNS": "120"})
        assert result.code == 0, result.stderr
        assert english_words(result.stdout, every_reason) == [], result.stdout


def test_explain_is_worded_in_chinese_from_its_figures(run, every_reason: Path):
    chinese = run(["explain", "on-pace", "--as-of", AS_OF, "--lang", "zh", "--format", "json"])
    english = run(["explain", "on-pace", "--as-of", AS_OF, "--lang", "en", "--format", "json"])
    import json

    zh, en = json.loads(chinese.stdout), json.loads(english.stdout)
    assert [row["value"] for row in zh] == [row["value"] for row in en]  # the same figures, other words
    by_figure = {row["figure"]: row for row in zh}
    assert by_figure["最新值 (V)"]["text"] == "36,000个（2024-06-30）"
    assert by_figure["状态"]["text"] == "符合进度" and by_figure["状态"]["how"] == "进度比 1.200 ≥ 0.95"
    assert by_figure["D 时预测值"]["text"].endswith("（达标）")
    assert by_figure["2024-06-30 汇总为市级"]["text"] == "21000 + 15000 = 36,000个"
    assert by_figure["  铁西区 (tiexi)"]["how"] == "分解任务 25,000个；自报数"


class _Visible(HTMLParser):
    """The text a reader of the page sees: no style sheet, no attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def test_the_html_report_and_the_bulletin_under_zh_are_chinese(run, every_reason: Path):
    from docx import Document

    result = run(["report", "--html", "report.html", "--docx", "bulletin.docx", "--as-of", AS_OF, "--lang", "zh"])
    assert result.code == 0, result.stderr
    page = _Visible()
    page.feed((every_reason / "report.html").read_text(encoding="utf-8"))
    text = " ".join(page.parts)
    assert english_words(text, every_reason) == [], text
    assert "期限系推定。" in text and "The deadline is assumed." not in text
    document = Document(str(every_reason / "bulletin.docx"))
    words = [p.text for p in document.paragraphs]
    words += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert english_words("\n".join(words), every_reason) == [], words
    assert "五、存疑指标说明" in words and "已达标的存量：期限系推定。" in words
    assert "已完成" in [cell.text for table in document.tables for row in table.rows for cell in row.cells]


@pytest.mark.parametrize(
    "english",
    [
        "tiexi's denominator is negative",
        "hunnan's weight is negative",
        "no figure yet from tiexi, hunnan",
        "allocated 25,000个; rolled up from its orgs",
        "no allocation; no figure yet",
        "21,000个 on 2024-06-30 (of 1200)",
        "roll-up into tiexi on 2024-06-30",
        "roll-up into the city",
        "tiexi's figure has no denominator and its allocation declares no weight; a share or rate is never averaged",
        "the denominators or weights add up to zero",
        "a rank is a position, not an amount: ranks of districts do not add up to the city's",
        "(A − S) / (D − S), counted in months",
    ],
)
def test_every_roll_up_phrase_of_explain_is_worded_in_chinese(english: str):
    from sytrack.views.explain_zh import phrase

    chinese = phrase(english)
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert [w for w in LATIN_WORD.findall(chinese) if w.strip(",") not in ("tiexi", "hunnan")] == [], chinese


def test_explain_under_zh_is_chinese_for_every_kind_that_rolls_up(run, tmp_path: Path):
    shutil.copyfile(DATA / "districts.toml", tmp_path / "indicators.toml")
    for args in (  # streets under tiexi, a disagreement, a share with and a share without a denominator
        ["smart-factories", "4", "--org", "yanfen"],
        ["smart-factories", "3", "--org", "hunnan"],
        ["smart-factories", "20"],
        ["cloud-share", "40", "--org", "tiexi", "--of", "1200"],
        ["cloud-share", "30", "--org", "hunnan"],
        ["output-growth", "6", "--org", "tiexi"],
        ["output-growth", "4", "--org", "hunnan"],
    ):
        assert run(["record", *args, "--date", "2024-06-30", "--by", "测试员"]).code == 0
    for indicator in (table["id"] for table in catalogue_of(tmp_path)["indicator"]):
        result = run(["explain", indicator, "--as-of", AS_OF, "--lang", "zh"], env={"COLUMNS": "160"})
        assert result.code == 0, result.stderr
        assert english_words(result.stdout, tmp_path) == [], result.stdout


@pytest.mark.parametrize(
    "args", [c for c in COMMANDS if c[0] in ("diff", "remind") and "--summary" not in c], ids=" ".join
)
def test_cycle_tables_at_80_columns_keep_every_id_whole(run, every_reason: Path, args: list[str]):
    table = run([*args, "--lang", "en"], env={"COLUMNS": "80"})
    csv_rows = run([*args, "--lang", "en", "--format", "csv"]).stdout.splitlines()[1:]
    assert table.code == 0 and csv_rows
    assert all(len(line) <= 80 for line in table.stdout.splitlines())
    for indicator in {row.split(",")[0] for row in csv_rows}:
        assert indicator in table.stdout, f"{indicator} broken across lines:\n{table.stdout}"
