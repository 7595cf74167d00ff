"""The files districts send: CSV saved by Chinese Excel (GBK), other encodings named with --encoding,
and sheets with columns of their own (备注, 单位) imported with --ignore-extra."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from test_cli_recording import db, exported, unchanged  # noqa: F401 (fixtures)

from sytrack.encodings import check_encoding, decode_text
from sytrack.errors import SytrackError, UsageError

# What a district's analyst types in Excel and saves as "CSV (逗号分隔)": GBK bytes, no byte-order mark.
DISTRICT_SHEET = (
    "indicator,value,date,note\n5g-base-stations,36000,2024-03-31,沈河区上报\ncnc-rate,64%,2024-03-31,浑南区\n"
)


def stored(run) -> list[tuple[str, str, str, str]]:
    return [(r["indicator"], r["value"], r["date"], r["note"]) for r in exported(run)]


def test_a_gbk_file_is_read_as_gb18030_with_one_note(run, tmp_path, catalogue_file):
    (tmp_path / "district.csv").write_bytes(DISTRICT_SHEET.encode("gbk"))
    result = run(["import", "district.csv"])
    assert result.code == 0, result.stderr
    assert result.stderr == (
        "sytrack: note: district.csv is not UTF-8: read it as GB18030 (--encoding names another)\n"
    )
    assert result.stdout.startswith("imported 2 records from district.csv")
    assert stored(run) == [
        ("5g-base-stations", "36000", "2024-03-31", "沈河区上报"),
        ("cnc-rate", "64", "2024-03-31", "浑南区"),
    ]


def test_a_utf8_file_gets_no_note(run, tmp_path, catalogue_file):
    (tmp_path / "district.csv").write_bytes(DISTRICT_SHEET.encode("utf-8"))
    result = run(["import", "district.csv"])
    assert result.code == 0 and result.stderr == ""


def test_a_named_encoding_is_read_without_a_note(run, tmp_path, catalogue_file):
    # Big5 (Taiwan, Hong Kong) bytes are not UTF-8, and GB18030 would misread them: the user names it.
    (tmp_path / "big5.csv").write_bytes(
        DISTRICT_SHEET.replace("沈河区上报", "臺北").replace("浑南区", "").encode("big5")
    )
    result = run(["import", "big5.csv", "--encoding", "BIG5"])
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert stored(run)[0][3] == "臺北"


def test_a_file_not_in_the_named_encoding_is_refused_and_nothing_is_written(run, tmp_path, db, catalogue_file):
    (tmp_path / "district.csv").write_bytes(DISTRICT_SHEET.encode("gbk"))
    result = run(["import", "district.csv", "--encoding", "utf-8"])
    assert result.code == 1
    assert result.stderr == (
        "sytrack: error: district.csv: not utf-8 (line 2); name the file's encoding with --encoding\n"
    )
    assert not db.exists()


@pytest.mark.parametrize("name", ["klingon", "base64", "rot13", "", "utf\x008"])
def test_a_bad_encoding_name_is_usage(run, tmp_path, db, catalogue_file, name):
    (tmp_path / "district.csv").write_bytes(DISTRICT_SHEET.encode("utf-8"))
    result = run(["import", "district.csv", "--encoding", name])
    assert result.code == 2
    assert result.stderr.startswith("sytrack: error: --encoding ") and result.stderr.count("\n") == 1
    assert "is not a text encoding; try utf-8, gb18030 or gbk" in result.stderr
    assert not db.exists()


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused_saying_what_to_do(run, tmp_path, db, catalogue_file):
    (tmp_path / "x.csv").write_bytes(b"indicator,value,date\n\xff\xfe,1,2024-03-31\n")
    result = run(["import", "x.csv"])
    assert result.code == 1
    assert result.stderr == (
        "sytrack: error: x.csv: neither UTF-8 (line 2) nor GB18030 (line 2); save"
        " it as 'CSV UTF-8' or name its encoding with --encoding\n"
    )
    assert not db.exists()


EXTRA = "indicator,单位,value,date,备注\n5g-base-stations,个,36000,2024-03-31,按季度\ncnc-rate,%,64,2024-03-31,\n"


def test_extra_columns_are_refused_by_default_naming_them_and_the_option(run, tmp_path, db, catalogue_file):
    (tmp_path / "sheet.csv").write_bytes(EXTRA.encode("gbk"))
    result = run(["import", "sheet.csv"])
    assert result.code == 1
    assert (
        "sheet.csv:1: bad header (unknown column 单位, 备注; --ignore-extra imports the file without them)"
        in result.stderr
    )
    assert not db.exists()


def test_ignore_extra_imports_the_known_columns_and_names_what_it_ignored(run, tmp_path, catalogue_file):
    (tmp_path / "sheet.csv").write_bytes(EXTRA.encode("gbk"))
    result = run(["import", "sheet.csv", "--ignore-extra"])
    assert result.code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "sytrack: note: sheet.csv is not UTF-8: read it as GB18030 (--encoding names another)",
        "sytrack: note: sheet.csv: ignored the columns 单位, 备注",
    ]
    assert stored(run) == [("5g-base-stations", "36000", "2024-03-31", ""), ("cnc-rate", "64", "2024-03-31", "")]


def test_ignore_extra_still_refuses_a_missing_or_doubled_column(run, tmp_path, db, catalogue_file):
    (tmp_path / "a.csv").write_text("indicator,单位,date\ncnc-rate,%,2024-03-31\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("indicator,value,date,value,备注\ncnc-rate,1,2024-03-31,2,\n", encoding="utf-8")
    missing, doubled = run(["import", "a.csv", "--ignore-extra"]), run(["import", "b.csv", "--ignore-extra"])
    assert missing.code == 1 and "a.csv:1: bad header (missing value)" in missing.stderr
    assert doubled.code == 1 and "b.csv:1: bad header (value appears twice)" in doubled.stderr
    assert not db.exists()


def test_an_unnamed_column_is_named_as_such(run, tmp_path, db, catalogue_file):
    (tmp_path / "a.csv").write_text("indicator,value,date,\ncnc-rate,1,2024-03-31,\n", encoding="utf-8")
    result = run(["import", "a.csv"])
    assert result.code == 1 and "unknown column (a column without a name)" in result.stderr
    assert run(["import", "a.csv", "--ignore-extra"]).code == 0


# -- decoding, directly ---------------------------------------------------------------------------------

chinese_text = st.text(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5) | st.sampled_from("，、 ：0123abc"), min_size=1
)


@given(chinese_text)
def test_any_chinese_text_saved_as_gbk_reads_back_exactly(text):
    data = text.encode("gbk")
    try:
        data.decode("utf-8")
        assume(False)  # bytes that are also valid UTF-8 are read as UTF-8, as they should be
    except UnicodeDecodeError:
        pass
    assert decode_text(data) == (text, "gb18030")


@given(st.text())
def test_utf8_is_always_read_as_utf8_with_or_without_a_byte_order_mark(text):
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8")


def test_encoding_names_are_canonical_and_unknown_ones_are_usage():
    assert [check_encoding(n) for n in ("GBK", "utf8", "GB18030", "cp936")] == ["gbk", "utf-8", "gb18030", "gbk"]
    with pytest.raises(UsageError):
        check_encoding("hex")
    with pytest.raises(SytrackError, match="not gbk"):
        decode_text(b"\xff\xff", "gbk")
