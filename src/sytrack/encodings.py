"""Which text encoding an import file is in: UTF-8, else GB18030 (what Chinese Excel saves), or the one named."""

from __future__ import annotations

import codecs
import io

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
    read_as = text_encoding(data, encoding)
    return data.decode("utf-8-sig" if read_as == "utf-8" else read_as), read_as


def text_stream(data: bytes, encoding: str | None = None) -> tuple[io.TextIOWrapper, str]:
    """The file's text as a stream decoded as it is read (a whole decoded copy of a million rows
    would cost several times the file in memory), lines split as csv wants them; and its encoding."""
    read_as = text_encoding(data, encoding)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig" if read_as == "utf-8" else read_as, newline="")
    return stream, read_as


def text_encoding(data: bytes, encoding: str | None = None) -> str:
    """The encoding to read a file in. Without `encoding`: UTF-8 (a byte-order mark dropped), else
    GB18030; a file that is neither is refused, saying how to name its encoding."""
    if encoding is not None:
        try:
            _check(data, encoding)
            return encoding
        except UnicodeDecodeError as error:
            raise SytrackError(f"not {encoding} (line {_line(data, error)}); name the file's encoding"
                               " with --encoding") from None
    try:
        _check(data, "utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        utf8_line = _line(data, error)
    try:
        _check(data, FALLBACK)
        return FALLBACK
    except UnicodeDecodeError as error:
        raise SytrackError(f"neither UTF-8 (line {utf8_line}) nor GB18030 (line {_line(data, error)}); save it"
                           " as 'CSV UTF-8' or name its encoding with --encoding") from None


def _check(data: bytes, codec: str) -> None:
    """Raise UnicodeDecodeError, its `start` counted from the file's first byte, unless all of
    `data` reads in `codec`; decoded a chunk at a time, so that no copy of the text is kept."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    for offset in range(0, max(len(data), 1), _CHUNK):
        try:
            decoder.decode(view[offset:offset + _CHUNK], final=offset + _CHUNK >= len(data))
        except UnicodeDecodeError as error:
            error.start += offset
            raise


def _line(data: bytes, error: UnicodeDecodeError) -> int:
    """The line holding the first byte that could not be read: an analyst finds a line, not a byte."""
    return data.count(b"\n", 0, error.start) + 1
