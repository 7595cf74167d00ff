"""Reading a plan from plain text, Markdown, a Word document or a PDF; bad files are one line, exit 1."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sytrack.errors import SytrackError
from sytrack.extract import extract, plan_text, read_plan_text

PLAN_LINES = ["某市2024年政府工作报告", "2024年主要预期目标是:地区生产总值增长6%左右,", "城镇调查失业率5.5%左右。"]


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF whose text is `lines`: a Type0 font whose CIDs are the Unicode code points,
    mapped back to Unicode by its ToUnicode CMap (the glyphs need not exist for the text to be read)."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def "
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0000> endbfrange "
        b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    text = (
        b"BT /F1 12 Tf 14 TL 72 720 Td "
        + b" ".join(b"<" + line.encode("utf-16-be").hex().encode() + b"> Tj T*" for line in lines)
        + b" ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        b"<< /Type /FontDescriptor /FontName /Song /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0"
        b" /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def a_docx(paragraphs: list[tuple[str, str | None]]) -> bytes:
    from docx import Document

    document = Document()
    for text, style in paragraphs:
        document.add_heading(text, level=1) if style == "heading" else document.add_paragraph(text)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def targets(text: str) -> list[tuple[str, float | None]]:
    return [(d.name_zh, d.value) for d in extract(text, 2024) if d.writable]


def test_a_word_document_gives_its_paragraphs_and_headings():
    data = a_docx([(PLAN_LINES[0], "heading"), (PLAN_LINES[1] + PLAN_LINES[2], None)])
    text, kind = plan_text(data, "plan.docx")
    assert kind == "docx"
    assert text.startswith("# 某市2024年政府工作报告\n\n2024年主要预期目标是")
    assert targets(text) == [("地区生产总值增长", 6), ("城镇调查失业率", 5.5)]


def test_a_word_documents_tables_are_read_row_by_row():
    from docx import Document

    document = Document()
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "森林覆盖率", "到2025年达到24.1%。"
    stream = io.BytesIO()
    document.save(stream)
    text, _ = plan_text(stream.getvalue(), "plan.docx")
    assert "森林覆盖率 到2025年达到24.1%。" in text


def test_a_pdf_gives_its_text_and_lines_the_page_broke_are_one_sentence():
    text, kind = plan_text(tiny_pdf(PLAN_LINES), "plan.pdf")
    assert kind == "pdf"
    assert targets(text) == [("地区生产总值增长", 6), ("城镇调查失业率", 5.5)]


def test_the_signature_decides_over_the_name():
    assert plan_text(tiny_pdf(PLAN_LINES), "plan.txt")[1] == "pdf"
    assert plan_text("# 标题\n".encode(), "plan.md") == ("# 标题\n", "markdown")
    assert plan_text("\ufeff正文\n".encode(), "plan.txt") == ("正文\n", "text")


def test_a_pdf_whose_password_is_empty_is_read():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(tiny_pdf(PLAN_LINES))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    stream = io.BytesIO()
    writer.write(stream)
    assert "地区生产总值增长6%" in plan_text(stream.getvalue(), "plan.pdf")[0]


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(tiny_pdf(PLAN_LINES))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def _zip_without_a_document() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    return stream.getvalue()


BAD_FILES = {
    "an encrypted PDF": ("plan.pdf", _encrypted_pdf, "an encrypted PDF"),
    "a truncated PDF": ("plan.pdf", lambda: tiny_pdf(PLAN_LINES)[:60], "not a PDF it can read"),
    "a PDF with no text": ("plan.pdf", lambda: tiny_pdf([]), "no text in it"),
    "text named .pdf": ("plan.pdf", lambda: "正文".encode(), "not a PDF"),
    "text named .docx": ("plan.docx", lambda: "正文".encode(), "not a Word document (.docx)"),
    "a zip that holds no document": ("plan.docx", _zip_without_a_document, "not a Word document it can read"),
    "a truncated docx": ("plan.docx", lambda: a_docx([("正文", None)])[:200], "not a Word document it can read"),
    "binary garbage": ("plan.txt", lambda: bytes(range(256)) * 4, "not UTF-8 text"),
    "NUL bytes": ("plan.txt", lambda: b"2024\x00\x00\x00", "binary data"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_one_line_saying_what_to_do(case):
    name, data, message = BAD_FILES[case]
    with pytest.raises(SytrackError) as raised:
        plan_text(data(), name)
    assert message in raised.value.message and "\n" not in raised.value.message
    assert raised.value.message.startswith(name + ": ")


@settings(max_examples=60, deadline=None)
@given(
    st.binary(max_size=400),
    st.sampled_from(["plan.txt", "plan.md", "plan.docx", "plan.pdf"]),
    st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04"]),
)
def test_any_bytes_give_text_or_one_line_never_a_traceback(data, name, head):
    try:
        text, kind = plan_text(head + data, name)
    except SytrackError as error:
        assert "\n" not in error.message
    else:
        assert isinstance(text, str) and kind in ("text", "markdown", "docx", "pdf")


def test_a_folder_is_one_line(tmp_path):
    with pytest.raises(SytrackError, match="is a folder"):
        read_plan_text(tmp_path)


# ---------------------------------------------------------------------------------------------
# The command


def test_extract_reads_a_word_document_and_says_so(run, tmp_path):
    (tmp_path / "plan.docx").write_bytes(a_docx([(PLAN_LINES[0], "heading"), (PLAN_LINES[1] + PLAN_LINES[2], None)]))
    result = run(["extract", "plan.docx", "--year", "2024", "--format", "csv"])
    assert result.code == 0, result.stderr
    assert result.stderr == "sytrack: note: read plan.docx as a Word document\n"
    assert "地区生产总值增长" in result.stdout


def test_extract_reads_a_pdf_and_says_so(run, tmp_path):
    (tmp_path / "plan.pdf").write_bytes(tiny_pdf(PLAN_LINES))
    result = run(["extract", "plan.pdf", "--year", "2024", "-o", "draft.toml"])
    assert result.code == 0, result.stderr
    assert result.stderr.splitlines()[0] == "sytrack: note: read plan.pdf as a PDF"
    assert result.stderr.splitlines()[1].startswith("wrote draft.toml: ")
    assert 'title_zh = "某市2024年政府工作报告"' in (tmp_path / "draft.toml").read_text(encoding="utf-8")


def test_extract_reads_text_without_a_word_on_stderr(run, tmp_path):
    result = run(["extract", "-", "--year", "2024"], input="2024年,5G基站达到4万个。\n")
    assert result.code == 0 and result.stderr == ""


def test_extract_says_it_read_a_pdf_from_standard_input(run):
    result = run(["extract", "-", "--year", "2024"], input=tiny_pdf(PLAN_LINES).decode("latin-1"))
    assert result.code == 0, result.stderr
    assert result.stderr == "sytrack: note: read standard input as a PDF\n"


@pytest.mark.parametrize("case", ["an encrypted PDF", "text named .docx", "binary garbage"])
def test_extract_refuses_a_bad_file_with_one_line_and_writes_nothing(run, tmp_path, case):
    name, data, message = BAD_FILES[case]
    (tmp_path / name).write_bytes(data())
    (tmp_path / "draft.toml").write_bytes(b"kept")
    result = run(["extract", name, "-o", "draft.toml"])
    assert result.code == 1
    assert result.stderr.startswith("sytrack: error: ") and result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stdout == ""
    assert (tmp_path / "draft.toml").read_bytes() == b"kept"


def test_extract_refuses_a_folder(run, tmp_path):
    (tmp_path / "plans").mkdir()
    result = run(["extract", "plans"])
    assert result.code == 1 and "is a folder" in result.stderr
