"""Which text encoding an import file is in: UTF-8, else GB18030 (what Chinese Excel saves), or the one named."""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO

from sytrack.errors import SytrackError, UsageError

# Chinese Excel's "CSV (逗号分隔)" is written in the system's ANSI code page, GBK; GB18030 is its
# superset (every GBK file reads the same), so one guess covers both.
FALLBACK = "gb18030"
_CHUNK = 1 << 20  # bytes decoded at a time while checking a file's encoding


def check_encoding(name: str) -> str:
    """The codec `--encoding NAME` names, by its canonical name; an unknown or non-text one is usage."""
    try:
        codec = codecs.lookup(name).name
        "a".encode(codec)  # base64, zlib and the like are codecs, but not of text: this refuses them
    except (LookupError, ValueError):  # ValueError: a name holding a NUL byte
        raise UsageError(f"--encoding {name!r} is not a text encoding; try utf-8, gb18030 or gbk") from None
    return codec


def decode_text(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and the encoding it was read in (see text_encoding)."""
    read_as = text_encoding(io.BytesIO(data), encoding)
    return data.decode("utf-8-sig" if read_as == "utf-8" else read_as), read_as


def text_stream(source: BinaryIO, encoding: str | None = None) -> tuple[io.TextIOWrapper, str]:
    """A seekable file's text as a stream decoded as it is read (a whole decoded copy of a million
    rows would cost several times the file in memory), lines split as csv wants them; and its
    encoding (see text_encoding)."""
    read_as = text_encoding(source, encoding)
    source.seek(0)
    return io.TextIOWrapper(source, encoding="utf-8-sig" if read_as == "utf-8" else read_as, newline=""), read_as


def text_encoding(source: BinaryIO, encoding: str | None = None) -> str:
    """The encoding to read a seekable file in. Without `encoding`: UTF-8 (a byte-order mark
    dropped), else GB18030; a file that is neither is refused, saying how to name its encoding."""
    if encoding is not None:
        line = _first_bad_line(source, encoding)
        if line is None:
            return encoding
        raise SytrackError(f"not {encoding} (line {line}); name the file's encoding with --encoding")
    utf8_line = _first_bad_line(source, "utf-8")
    if utf8_line is None:
        return "utf-8"
    line = _first_bad_line(source, FALLBACK)
    if line is None:
        return FALLBACK
    raise SytrackError(
        f"neither UTF-8 (line {utf8_line}) nor GB18030 (line {line}); save it"
        " as 'CSV UTF-8' or name its encoding with --encoding"
    )


def _first_bad_line(source: BinaryIO, codec: str) -> int | None:
    """The line (an analyst finds a line, not a byte) of the first byte `codec` cannot read, or
    None when it reads the whole file; decoded a chunk at a time, so no copy of the text is kept."""
    decoder = codecs.getincrementaldecoder(codec)()
    source.seek(0)
    lines_before = 0
    while True:
        chunk = source.read(_CHUNK)
        held = len(decoder.getstate()[0])  # bytes of the last chunk the decoder holds, unfinished
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            # The error counts from the held bytes, which end no line.
            return lines_before + chunk.count(b"\n", 0, max(error.start - held, 0)) + 1
        if not chunk:
            return None
        lines_before += chunk.count(b"\n")
