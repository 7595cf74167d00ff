"""The catalogue cache: faster for a large catalogue, never stale, never a mix of two versions."""

import gc
import os
import struct
import time
from pathlib import Path

import pytest

from sytrack.catalogue import load_catalogue
from sytrack.catalogue.cache import FORMAT, cache_file

from conftest import SMALL_CATALOGUE


def write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def cached_once(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The small catalogue, its cache folder, and the cache file its first load wrote."""
    path, cache = tmp_path / "indicators.toml", tmp_path / "cache"
    write(path, SMALL_CATALOGUE)
    load_catalogue(path, cache)
    [cached] = cache.glob("catalogue-*.pickle")
    return path, cache, cached


def test_a_cached_catalogue_is_the_same_catalogue(tmp_path):
    path, cache = tmp_path / "indicators.toml", tmp_path / "cache"
    write(path, SMALL_CATALOGUE)
    parsed = load_catalogue(path, cache)
    assert list(cache.glob("catalogue-*.pickle"))
    cached = load_catalogue(path, cache)
    assert cached.indicators == parsed.indicators and cached.plan == parsed.plan and cached.groups == parsed.groups
    assert cached.find("cnc-rate") == parsed.find("cnc-rate")


def test_an_edited_catalogue_is_never_served_from_the_cache(tmp_path):
    path, cache = tmp_path / "indicators.toml", tmp_path / "cache"
    write(path, SMALL_CATALOGUE)
    load_catalogue(path, cache)
    # Same length, one digit changed: only the bytes themselves can tell the versions apart.
    write(path, SMALL_CATALOGUE.replace("value = 40000", "value = 50000"))
    assert load_catalogue(path, cache).find("5g-base-stations").targets[0].value == 50000
    write(path, SMALL_CATALOGUE)
    assert load_catalogue(path, cache).find("5g-base-stations").targets[0].value == 40000


def test_a_damaged_cache_is_only_a_miss(tmp_path):
    path, cache, cached = cached_once(tmp_path)
    cached.write_bytes(cached.read_bytes()[: len(SMALL_CATALOGUE.encode()) + 40])
    assert load_catalogue(path, cache).find("cnc-rate").name_en == "Numerical-control rate"


def test_a_cache_cut_short_anywhere_is_only_a_miss(tmp_path):
    path, cache, cached = cached_once(tmp_path)
    whole = cached.read_bytes()
    for length in (0, len(whole) // 2, len(whole) - 1):
        cached.write_bytes(whole[:length])
        assert load_catalogue(path, cache).find("cnc-rate").name_en == "Numerical-control rate"


def test_a_cache_damaged_inside_an_indicator_is_only_a_miss_and_is_made_again(tmp_path):
    path, cache, cached = cached_once(tmp_path)
    parsed = load_catalogue(path)
    whole = cached.read_bytes()
    damaged = bytearray(whole)
    damaged[-30:] = b"\xff" * 30  # the last indicator's pickle, same size
    cached.write_bytes(bytes(damaged))
    assert load_catalogue(path, cache).indicators == parsed.indicators
    assert cached.read_bytes() == whole


def test_damage_that_still_reads_as_a_pickle_is_caught_by_its_checksum(tmp_path):
    path, cache, cached = cached_once(tmp_path)
    whole = cached.read_bytes()
    target = struct.pack(">d", 40000.0)  # how a pickle spells the 5G target
    after_header = whole.index(b"[[indicator]]")  # skip the catalogue's own text
    assert whole.count(target, after_header) == 1
    cached.write_bytes(whole.replace(target, struct.pack(">d", 50000.0)))
    assert load_catalogue(path, cache).find("5g-base-stations").targets[0].value == 40000


def test_a_foreign_or_damaged_header_is_only_a_miss(tmp_path):
    path, cache, cached = cached_once(tmp_path)
    whole = cached.read_bytes()
    header = len(FORMAT) + 8 + len(SMALL_CATALOGUE.encode()) + 12
    for damaged in (b"\0" * len(whole), whole[:header] + b"\xff" + whole[header + 1:], b"another program's file"):
        cached.write_bytes(damaged)
        assert load_catalogue(path, cache).find("cnc-rate").name_en == "Numerical-control rate"


def test_only_the_indicator_asked_for_is_decoded(tmp_path):
    path, cache, cached = cached_once(tmp_path)
    damaged = bytearray(cached.read_bytes())
    damaged[-30:] = b"\xff" * 30
    cached.write_bytes(bytes(damaged))
    catalogue = load_catalogue(path, cache)
    assert catalogue.find("5g-base-stations").targets[0].value == 40000
    assert catalogue.ids == [i.id for i in load_catalogue(path).indicators]


def test_an_unwritable_cache_folder_costs_nothing_but_speed(tmp_path):
    path = tmp_path / "indicators.toml"
    write(path, SMALL_CATALOGUE)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    assert load_catalogue(path, blocked).find("cnc-rate") is not None


def test_a_folder_or_a_pipe_where_the_cache_file_should_be_is_only_a_miss(tmp_path):
    path, cache = tmp_path / "indicators.toml", tmp_path / "cache"
    write(path, SMALL_CATALOGUE)
    cache.mkdir()
    cached = cache_file(cache, path)
    cached.mkdir()
    assert load_catalogue(path, cache).find("cnc-rate").name_en == "Numerical-control rate"
    if hasattr(os, "mkfifo"):  # a pipe would wait forever for a writer if opened as a file
        cached.rmdir()
        os.mkfifo(cached)
        assert load_catalogue(path, cache).find("cnc-rate").name_en == "Numerical-control rate"


def test_a_damaged_header_length_is_only_a_miss(tmp_path):
    path, cache, cached = cached_once(tmp_path)
    whole = cached.read_bytes()
    at = len(FORMAT) + 8 + len(SMALL_CATALOGUE.encode())
    cached.write_bytes(whole[:at] + b"\xff" * 8 + whole[at + 8:])  # says the header is exabytes long
    assert load_catalogue(path, cache).find("cnc-rate").name_en == "Numerical-control rate"


def test_a_closed_catalogue_still_answers_from_the_bytes_it_was_checked_against(tmp_path):
    path, cache = tmp_path / "indicators.toml", tmp_path / "cache"
    write(path, SMALL_CATALOGUE)
    parsed = load_catalogue(path)
    load_catalogue(path, cache)
    catalogue = load_catalogue(path, cache)
    first = catalogue.find("5g-base-stations")
    catalogue.close()
    write(path, SMALL_CATALOGUE.replace("Numerical-control rate", "Edited meanwhile"))
    assert catalogue.find("5g-base-stations") is first
    assert catalogue.find("cnc-rate") == parsed.find("cnc-rate")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files through /proc")
def test_every_command_lets_go_of_the_cache_file(run, catalogue_file, tmp_path):
    """Even with the cycle collector off, where a session in a cycle would keep it open."""
    def open_caches() -> int:
        return sum("catalogue-" in os.readlink(f"/proc/self/fd/{fd}")
                   for fd in os.listdir("/proc/self/fd") if os.path.exists(f"/proc/self/fd/{fd}"))

    gc.disable()
    try:
        for _ in range(5):
            assert run(["show", "cnc-rate"]).code == 0
        assert open_caches() == 0
    finally:
        gc.enable()


def test_temporary_files_a_killed_sytrack_left_are_removed_after_an_hour(tmp_path):
    path, cache = tmp_path / "indicators.toml", tmp_path / "cache"
    write(path, SMALL_CATALOGUE)
    load_catalogue(path, cache)
    abandoned, in_progress = cache / ".catalogue-abandoned.tmp", cache / ".catalogue-in-progress.tmp"
    abandoned.write_bytes(b"half a cache")
    in_progress.write_bytes(b"half a cache")
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    write(path, SMALL_CATALOGUE.replace("value = 40000", "value = 50000"))  # a new version: a new cache
    load_catalogue(path, cache)
    assert not abandoned.exists() and in_progress.exists()
