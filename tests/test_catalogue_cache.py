"""The catalogue cache: a hit parses nothing, an edit is never served stale, a file others could write is never read."""

import array
import datetime as dt
import marshal
import os
import time
from pathlib import Path

import pytest
from conftest import SMALL_CATALOGUE

from sytrack.catalogue import cache as cache_module
from sytrack.catalogue import discovery, load_catalogue, parse_catalogue
from sytrack.catalogue.cache import FORMAT, KEEP, PREFIX, cache_file, read_cache, write_cache
from sytrack.model import Allocation, Baseline, Catalogue, Group, Indicator, Org, Plan, Target, Where


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The paths parsed so far: a load served by the cache adds none."""
    parsed: list[str] = []

    def counting(text: str, path: str):
        parsed.append(path)
        return parse_catalogue(text, path)

    monkeypatch.setattr(discovery, "parse_catalogue", counting)
    return parsed


def write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def write_to(path: Path, text: str) -> Path:
    write(path, text)
    return path


def cached_once(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The small catalogue, its cache folder, and the cache file its first load wrote."""
    path, cache = tmp_path / "indicators.toml", tmp_path / "cache"
    write(path, SMALL_CATALOGUE)
    load_catalogue(path, cache)
    [cached] = cache.glob("catalogue-*")
    return path, cache, cached


def same(one: Catalogue, other: Catalogue) -> bool:
    return (one.plan, one.groups, one.orgs, one.indicators, one.path) == (
        other.plan,
        other.groups,
        other.orgs,
        other.indicators,
        other.path,
    )


def test_a_second_load_is_served_by_the_cache_and_is_the_same_catalogue(tmp_path, parses):
    path, cache = tmp_path / "indicators.toml", tmp_path / "cache"
    write(path, SMALL_CATALOGUE)
    parsed = load_catalogue(path, cache)
    assert parses == [str(path)]
    cached = load_catalogue(path, cache)
    assert parses == [str(path)], "the second load parsed the catalogue again: the cache missed"
    assert same(cached, parsed)
    assert cached.find("cnc-rate") == parsed.find("cnc-rate") and cached.ids == parsed.ids


def test_a_command_run_twice_parses_the_catalogue_once(run, catalogue_file, parses):
    first, second = run(["show", "cnc-rate"]), run(["show", "cnc-rate"])
    assert first.code == second.code == 0 and first.stdout == second.stdout
    assert parses == [str(catalogue_file)]


def test_no_cache_when_it_is_turned_off(run, catalogue_file, parses, tmp_path):
    for _ in range(2):
        assert run(["show", "cnc-rate"], env={"SYTRACK_NO_CACHE": "1"}).code == 0
    assert parses == [str(catalogue_file)] * 2
    assert not list(tmp_path.rglob("catalogue-*"))


def test_record_decodes_only_the_indicator_it_needs(tmp_path):
    path, cache, _ = cached_once(tmp_path)
    catalogue = load_catalogue(path, cache)
    assert catalogue.find("cnc-rate").name_en == "Numerical-control rate"
    assert "indicators" not in vars(catalogue) and len(catalogue._cached._decoded) == 1


def test_an_edited_catalogue_is_never_served_from_the_cache(tmp_path):
    path, cache = tmp_path / "indicators.toml", tmp_path / "cache"
    write(path, SMALL_CATALOGUE)
    load_catalogue(path, cache)
    # Same length, one digit changed: only the bytes themselves can tell the versions apart.
    write(path, SMALL_CATALOGUE.replace("value = 40000", "value = 50000"))
    assert load_catalogue(path, cache).find("5g-base-stations").targets[0].value == 50000
    write(path, SMALL_CATALOGUE)
    assert load_catalogue(path, cache).find("5g-base-stations").targets[0].value == 40000


def test_the_same_bytes_at_another_path_point_at_that_path(tmp_path):
    one, other, cache = tmp_path / "one.toml", tmp_path / "other.toml", tmp_path / "cache"
    write(one, SMALL_CATALOGUE)
    write(other, SMALL_CATALOGUE)
    load_catalogue(one, cache)
    assert load_catalogue(other, cache).find("cnc-rate").where.path == str(other)


def test_damage_anywhere_in_a_cache_file_is_only_a_miss_and_the_file_is_made_again(tmp_path, parses):
    path, cache, cached = cached_once(tmp_path)
    whole = cached.read_bytes()
    expected = parse_catalogue(SMALL_CATALOGUE, str(path))[0]
    for at in range(0, len(whole), max(1, len(whole) // 40)):
        damaged = bytearray(whole)
        damaged[at] ^= 0xFF
        cached.write_bytes(bytes(damaged))
        assert same(load_catalogue(path, cache), expected), f"byte {at} damaged"
        assert cached.read_bytes() == whole, "the damaged file was not written again"
    assert len(parses) == 1 + len(range(0, len(whole), max(1, len(whole) // 40)))


@pytest.mark.parametrize("keep", [0, 10, 0.5, -1], ids=["empty", "format-and-more", "half", "one-byte-short"])
def test_a_cache_file_cut_short_is_only_a_miss(tmp_path, keep):
    path, cache, cached = cached_once(tmp_path)
    whole = cached.read_bytes()
    cut = {0: 0, 10: len(FORMAT) + 10, 0.5: len(whole) // 2, -1: len(whole) - 1}[keep]
    cached.write_bytes(whole[:cut])
    assert load_catalogue(path, cache).find("cnc-rate").name_en == "Numerical-control rate"


def test_another_program_s_file_or_a_cache_of_other_bytes_under_the_name_is_only_a_miss(tmp_path):
    path, cache, cached = cached_once(tmp_path)
    other = tmp_path / "other.toml"
    write(other, SMALL_CATALOGUE.replace("value = 40000", "value = 50000"))
    load_catalogue(other, cache)
    [made_from_other] = set(cache.glob("catalogue-*")) - {cached}
    for foreign in (b"another program's file", made_from_other.read_bytes()):
        cached.write_bytes(foreign)
        assert load_catalogue(path, cache).find("5g-base-stations").targets[0].value == 40000


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="file owners and modes are POSIX")
@pytest.mark.parametrize("mode", [0o664, 0o646, 0o666])
def test_a_cache_file_others_may_write_is_never_read(tmp_path, parses, mode):
    path, cache, cached = cached_once(tmp_path)
    os.chmod(cached, mode)
    assert load_catalogue(path, cache).find("cnc-rate") is not None
    assert len(parses) == 2, "a cache file writable by others was loaded"
    assert cached.stat().st_mode & 0o777 == 0o600  # replaced by one of the user's own


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_a_cache_file_of_another_user_is_never_read(tmp_path, parses):
    path, cache, cached = cached_once(tmp_path)
    os.chown(cached, os.geteuid() + 4242, -1)
    assert load_catalogue(path, cache).find("cnc-rate") is not None
    assert len(parses) == 2, "another user's cache file was loaded"


def test_a_cache_file_holds_only_plain_values_that_load_without_running_code(tmp_path):
    _, _, cached = cached_once(tmp_path)
    whole = cached.read_bytes()
    size = int.from_bytes(whole[len(FORMAT) + 4 : len(FORMAT) + 12], "little")
    length = int.from_bytes(whole[len(FORMAT) + 12 : PREFIX], "little")
    assert whole[PREFIX : PREFIX + size] == SMALL_CATALOGUE.encode()
    start = PREFIX + size + length
    header = marshal.loads(whole[PREFIX + size : start])
    values, begin = [header], start
    for end in array.array("Q", header[-1]):
        values.append(marshal.loads(whole[begin : start + end]))
        begin = start + end
    assert begin == len(whole)

    def plain(value) -> bool:
        if isinstance(value, (tuple, list)):
            return all(map(plain, value))
        if isinstance(value, dict):
            return all(map(plain, value)) and all(map(plain, value.values()))
        return value is None or isinstance(value, (str, bytes, int, float, bool))

    assert all(map(plain, values))
    assert cached.stat().st_mode & 0o777 == 0o600 and cached.parent.stat().st_mode & 0o777 == 0o700


def test_every_field_of_every_record_survives_the_cache(tmp_path):
    """Every field set to something other than its default: a field added to the model that the
    cache drops, or a date it cannot hold, fails here."""
    day = dt.date(2023, 12, 31)
    where = Where("x.toml", 3, 7)
    target = Target(day, "at-least", 5.0, 1.0, 9.0, 0.5, dt.date(2023, 1, 1), 6.0)
    allocation = Allocation("tiexi", 2.0, day, "at-most", 0.25, where)
    indicator = Indicator(
        "i",
        "g",
        "名",
        "name",
        "个",
        "flow",
        "increase",
        (target, target),
        "things",
        Baseline(1.0, dt.date(2022, 12, 31)),
        "市工信局",
        "quote",
        "doubt",
        where,
        "gxj",
        (allocation,),
        "quarterly",
        5,
        20,
        "存疑",
        "doubt in English",
        0.05,
    )
    plan = Plan(
        "p",
        "计划",
        "Plan",
        dt.date(2023, 1, 1),
        "en",
        "month",
        0.9,
        0.5,
        "source",
        "monthly",
        7,
        14,
        "Asia/Shanghai",
        0.02,
    )
    org = Org("tiexi", "铁西区", "Tiexi District", "shenhe", "district", where)
    catalogue = Catalogue("x.toml", plan, (Group("g", "组", "Group", 3, where),), (indicator,), orgs=(org,))
    for record in (target, allocation, indicator, plan, org):
        # Each field that has a default holds another value, so a field the cache drops shows.
        assert all(
            getattr(record, name) != default
            for name, default in type(record)._field_defaults.items()
            if default is not None
        ), record
    cached = cache_file(tmp_path / "cache", "x.toml")
    write_cache(cached, catalogue, b"any bytes")
    again = read_cache(cached, "x.toml", b"any bytes")
    assert again is not None and same(again, catalogue)


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
    cached = cache_file(cache, str(path))
    cached.mkdir()
    assert load_catalogue(path, cache).find("cnc-rate").name_en == "Numerical-control rate"
    if hasattr(os, "mkfifo"):  # a pipe would wait forever for a writer if opened as a file
        cached.rmdir()
        os.mkfifo(cached)
        assert load_catalogue(path, cache).find("cnc-rate").name_en == "Numerical-control rate"


def test_the_folder_keeps_the_most_recent_files_and_no_abandoned_temporary_file(tmp_path):
    path, cache = tmp_path / "indicators.toml", tmp_path / "cache"
    write(path, SMALL_CATALOGUE)
    load_catalogue(path, cache)
    abandoned, in_progress = cache / ".catalogue-abandoned.tmp", cache / ".catalogue-in-progress.tmp"
    abandoned.write_bytes(b"half a cache")
    in_progress.write_bytes(b"half a cache")
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    for number in range(KEEP + 3):  # one cache file per catalogue path
        other = write_to(tmp_path / f"plan-{number}.toml", SMALL_CATALOGUE)
        load_catalogue(other, cache)
    assert not abandoned.exists() and in_progress.exists()
    assert len(list(cache.glob("catalogue-*"))) == KEEP
    assert cache_module.cache_file(cache, str(other)).exists()


def test_a_new_version_of_a_catalogue_replaces_its_cache_file(tmp_path):
    path, cache, cached = cached_once(tmp_path)
    write(path, SMALL_CATALOGUE.replace("value = 40000", "value = 50000"))
    load_catalogue(path, cache)
    assert list(cache.glob("catalogue-*")) == [cached]
    assert read_cache(cached, str(path), path.read_bytes()).find("5g-base-stations").targets[0].value == 50000


def test_many_lookups_build_the_id_index_once_and_find_the_same(tmp_path, monkeypatch):
    path, cache, _ = cached_once(tmp_path)
    catalogue = load_catalogue(path, cache)
    cached = catalogue._cached
    monkeypatch.setattr(type(cached), "SEARCHES_BEFORE_INDEX", 2)
    ids = cached.ids()
    found = [catalogue.find(i).id for i in ids * 3]  # past the searches: by the index
    assert found == ids * 3 and cached._index is not None
    assert catalogue.find("no-such") is None and catalogue.find("a\nb") is None
