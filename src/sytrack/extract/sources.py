"""Sources: a plan file's bytes -> its text, from plain text, Markdown, a Word document (.docx) or a PDF."""

from __future__ import annotations

import io
from pathlib import Path

from sytrack.errors import SytrackError

# What each kind of file is called in the line that says which was read.
KINDS = {"text": "plain text", "markdown": "Markdown", "docx": "a Word document", "pdf": "a PDF"}
_ZIP, _PDF = b"PK\x03\x04", b"%PDF-"


def kind_of(data: bytes, name: str) -> str:
    """text, markdown, docx or pdf: from the bytes' signature first, then from the name's suffix, so
    that a PDF saved as plan.txt is still read as a PDF and a text saved as plan.pdf is refused."""
    suffix = Path(name).suffix.lower()
    if data.startswith(_PDF):
        return "pdf"
    if data.startswith(_ZIP) and suffix not in (".txt", ".md", ".markdown"):
        return "docx"
    if suffix in (".docx", ".pdf"):
        what = "Word document (.docx)" if suffix == ".docx" else "PDF"
        raise SytrackError(
            f"{name}: not a {what} (its first bytes say otherwise); save the plan again as {what}, or as UTF-8 text"
        )
    return "markdown" if suffix in (".md", ".markdown") else "text"


def plan_text(data: bytes, name: str) -> tuple[str, str]:
    """The plan's text and the kind of file it came from (a key of KINDS). Raises SytrackError with a
    one-line reason for a file that is none of them: binary data, a damaged or encrypted file."""
    kind = kind_of(data, name)
    if kind == "docx":
        return _docx_text(data, name), kind
    if kind == "pdf":
        return _pdf_text(data, name), kind
    return _decoded(data, name), kind


def read_plan_text(path: Path) -> tuple[str, str]:
    """plan_text of a file a user names (a folder, a FIFO or an unreadable file is one line too)."""
    from sytrack.files import read_user_file

    return plan_text(read_user_file(path), str(path))


def _decoded(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SytrackError(
            f"{name}: not UTF-8 text (byte {error.start}); save it as UTF-8, or give the .docx or .pdf"
        ) from None
    if "\x00" in text:
        raise SytrackError(f"{name}: binary data, not a plan's text; give a .txt, .md, .docx or .pdf file")
    return text


def _docx_text(data: bytes, name: str) -> str:
    """Paragraphs in order, a blank line apart; headings (Heading 1…, 标题 1…) as Markdown headings, so
    that they open groups; table rows as lines of their cells."""
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise SytrackError(
            f"{name}: not a Word document it can read ({type(error).__name__}); "
            "open it in Word and save it again as .docx"
        ) from None
    blocks = [_docx_paragraph(paragraph) for paragraph in document.paragraphs]
    for table in document.tables:
        blocks.extend(" ".join(cell.text.strip() for cell in row.cells) for row in table.rows)
    return "\n\n".join(block for block in blocks if block.strip()) + "\n"


def _docx_paragraph(paragraph) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    level = next((int(part) for part in style.replace("标题", "Heading ").split() if part.isdigit()), 0)
    text = paragraph.text.strip()
    is_heading = style.startswith(("Heading", "标题")) or style == "Title"
    return f"{'#' * min(max(level, 1), 6)} {text}" if is_heading and text else text


def _pdf_text(data: bytes, name: str) -> str:
    """The text of every page, a blank line apart; the layout stage joins lines the page broke."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    encrypted = SytrackError(f"{name}: an encrypted PDF; save a copy without a password and give that")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise encrypted
        pages = [page.extract_text() or "" for page in reader.pages]
    except SytrackError:
        raise
    except (DependencyError, FileNotDecryptedError):
        raise encrypted from None
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise SytrackError(
            f"{name}: not a PDF it can read ({type(error).__name__}); save it again as PDF, or give the text"
        ) from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise SytrackError(f"{name}: a PDF with no text in it (a scan?); run it through OCR, or give the text")
    return text + "\n"
