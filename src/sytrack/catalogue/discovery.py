"""Finding the catalogue (as git finds its repository), reading its file, and loading it through the cache."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

from sytrack.catalogue.fields import _close_matches
from sytrack.catalogue.parse import CATALOGUE_NAME, parse_catalogue
from sytrack.errors import CatalogueError, SytrackError
from sytrack.model import Catalogue, Indicator

PACKAGED_CATALOGUE = Path(__file__).parent.parent / CATALOGUE_NAME
# The most of a catalogue file read: the shipped one is 22 KB and 10,000 indicators about 5 MB.
MAX_CATALOGUE_BYTES = 16 << 20


def read_catalogue_bytes(path: Path) -> bytes:
    """The catalogue file's bytes. A missing or unreadable file, a path that is not a regular file
    (a folder, a pipe, a device, a socket) and a file over MAX_CATALOGUE_BYTES are one-line errors:
    a pipe would wait for a writer forever, /dev/zero would fill the memory."""
    try:
        kind = _not_a_file(os.stat(path).st_mode)
        if kind:
            raise SytrackError(f"{path}: is {kind}, not a catalogue file; give the path of a TOML file") from None
        # Non-blocking: a pipe swapped in since the stat must not hang the command.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as stream:
            status = os.fstat(descriptor)
            kind = _not_a_file(status.st_mode)
            if kind:
                raise SytrackError(f"{path}: is {kind}, not a catalogue file; give the path of a TOML file")
            # Asking for the cap at once would allocate 16 MiB every time; the size, plus one byte
            # to see a file that grew meanwhile, costs a twentieth.
            data = stream.read(min(status.st_size, MAX_CATALOGUE_BYTES) + 1)
            if status.st_size < len(data) <= MAX_CATALOGUE_BYTES:
                data += stream.read(MAX_CATALOGUE_BYTES + 1 - len(data))
    except FileNotFoundError:
        raise SytrackError(f"{path}: no such catalogue (create one with `sytrack init {path}`)") from None
    except OSError as error:
        raise SytrackError(f"{path}: cannot read: {error.strerror}") from None
    if len(data) > MAX_CATALOGUE_BYTES:
        raise SytrackError(
            f"{path}: larger than {MAX_CATALOGUE_BYTES >> 20} MiB, the most a catalogue may be;"
            " give the path of the catalogue itself"
        )
    return data


def _not_a_file(mode: int) -> str:
    """What a path is when it is not a regular file ("a folder", "a named pipe"...), else ""."""
    if stat.S_ISREG(mode):
        return ""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    )
    return next((what for test, what in kinds if test(mode)), "not a regular file")


def decode_catalogue(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SytrackError(f"{path}: not UTF-8 text (byte {error.start}); save the file as UTF-8") from None


def read_catalogue_text(path: Path) -> str:
    """The catalogue file's text; a missing, unreadable or non-UTF-8 file is a one-line error."""
    return decode_catalogue(read_catalogue_bytes(path), path)


def load_catalogue(path: Path, cache_dir: Path | None = None) -> Catalogue:
    """Read and validate a catalogue; any problem raises CatalogueError.

    With a cache folder, a catalogue already validated is loaded from there instead of parsed
    again. The cache holds the exact bytes it was made from and is used only when the file's
    bytes, read once here, are the same: an edited file is parsed again, so the cache can never
    serve stale targets, and one command never mixes an old and a new version of the file.
    """
    data = read_catalogue_bytes(path)
    if cache_dir is not None:
        from sytrack.catalogue.cache import cache_file, read_cache, write_cache

        cached = cache_file(cache_dir, str(path))
        catalogue = None if cached is None else read_cache(cached, str(path), data)
        if catalogue is not None:
            return catalogue
    catalogue, problems = parse_catalogue(decode_catalogue(data, path), str(path))
    if catalogue is None:
        raise CatalogueError(problems)
    if cache_dir is not None and cached is not None:
        write_cache(cached, catalogue, data)
    return catalogue


class Located(NamedTuple):
    path: Path
    how: str  # "--catalog", "SYTRACK_CATALOG", "found in <folder>", "packaged default"

    @property
    def is_packaged(self) -> bool:
        return self.how == "packaged default"


def locate_catalogue(option: str | None, environment: str | None, cwd: Path) -> Located:
    """--catalog, else SYTRACK_CATALOG, else indicators.toml here or in a parent, else the packaged one."""
    if option:
        return Located(Path(option), "--catalog")
    if environment:
        return Located(Path(environment), "SYTRACK_CATALOG")
    for folder in (cwd, *cwd.parents):
        candidate = folder / CATALOGUE_NAME
        if candidate.is_file():
            return Located(candidate, f"found in {folder}")
    return Located(PACKAGED_CATALOGUE, "packaged default")


def suggest_ids(catalogue: Catalogue, wrong: str, limit: int = 3) -> list[str]:
    """The ids closest to a mistyped one, including ids whose names match what was typed."""
    by_name = [i.id for i in catalogue.indicators if wrong in (i.name_zh, i.name_en.lower())]
    close = _close_matches(wrong.lower(), [i.id for i in catalogue.indicators], n=limit, cutoff=0.5)
    contains = [i.id for i in catalogue.indicators if wrong.lower() in i.id or wrong in i.name_zh]
    return list(dict.fromkeys(by_name + close + contains))[:limit]


def require_indicator(catalogue: Catalogue, indicator_id: str) -> Indicator:
    indicator = catalogue.find(indicator_id)
    if indicator is None:
        close = suggest_ids(catalogue, indicator_id)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `sytrack list` shows the ids"
        raise SytrackError(f"unknown indicator {indicator_id!r}{hint}")
    return indicator
