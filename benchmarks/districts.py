"""status, rank and explain when every figure comes from the districts: 13 orgs × 10,000 indicators × 24 months.

    python benchmarks/districts.py                  # 10,000 indicators: 3,120,000 org figures (a few minutes)
    python benchmarks/districts.py --indicators 1000

The shipped catalogue is cloned to N indicators, each allocated to the shipped 13 districts; the data
file holds a figure per district per month-end of 2023-2024 (shares and rates with a denominator) and
none of the city's own, so that status rolls every indicator up. Each figure is a whole process beside
the simplest correct Python doing the same I/O (the group-by query plus the start-up floor), with the
target of benchmarks/run.py: status ≤ 3× its reference, ≤ 300 MB. Indicative: nothing asserts.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import math
import os
import shutil
import sqlite3
import sys
import tempfile
import tomllib
from pathlib import Path

import run as bench  # benchmarks/run.py: the same measuring and the same start-up floor
import tomli_w

STATUS_REFERENCE = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
writer = csv.writer(sys.stdout)
writer.writerow(["indicator", "org", "value", "date"])
writer.writerows(connection.execute(
    "SELECT indicator, org, value, max(as_of) FROM observation WHERE in_force = 1 GROUP BY indicator, org"
    " ORDER BY indicator, org"))
"""
MONTH_ENDS = [
    dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    for year in (2023, 2024)
    for month in range(1, 13)
]


def make_catalogue(indicators: int, folder: Path) -> tuple[Path, list[dict], list[str]]:
    """The shipped catalogue cloned to `indicators` entries, each allocated to every district."""
    data = tomllib.loads(bench.SHIPPED.read_text(encoding="utf-8"))
    districts = [org["id"] for org in data.get("org", []) if org.get("kind") == "district"]
    originals = [entry for entry in data["indicator"] if entry["kind"] not in ("milestone", "rank")]
    clones = []
    for n in range(indicators):
        entry = dict(originals[n % len(originals)])
        entry["id"] = f"{entry['id']}-{n // len(originals)}"
        goal = entry["target"][-1].get("value", entry["target"][-1].get("low", 1.0))
        share = goal if entry["kind"] in ("share", "rate") else goal / len(districts)
        # Rounded up: allocations that add up to a hair less than the target would be refused by check.
        entry["allocation"] = [{"org": org, "value": math.ceil(share * 100) / 100} for org in districts]
        clones.append(entry)
    data["indicator"] = clones
    path = folder / "indicators.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path, clones, districts


def make_store(entries: list[dict], districts: list[str], plan: str, path: Path) -> int:
    """A data file at sytrack's schema holding every district's figure for every month-end."""
    from sytrack.store.schema import SCHEMA_VERSION, SQLITE_TYPES, statements

    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    for statement in statements(SQLITE_TYPES):
        connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def rows():
        n = 0
        for entry in entries:
            ratio = entry["kind"] in ("share", "rate")
            for k, org in enumerate(districts):
                for m, day in enumerate(MONTH_ENDS):
                    n += 1
                    value = 30.0 + k + m * 0.3 if ratio else 10.0 * (m % 12 + 1) + k
                    yield (
                        n,
                        plan,
                        entry["id"],
                        value,
                        day,
                        "2025-01-10T00:00:00Z",
                        "bench",
                        1,
                        org,
                        100.0 + 10 * k if ratio else None,
                    )

    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO observation (id, plan, indicator, value, as_of, recorded_at, recorded_by,"
        " in_force, org, denominator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    connection.execute("COMMIT")
    count = connection.execute("SELECT count(*) FROM observation").fetchone()[0]
    connection.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--indicators", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated files and print where")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sytrack-districts-"))
    try:
        catalogue, entries, districts = make_catalogue(options.indicators, folder)
        plan = tomllib.loads(catalogue.read_text(encoding="utf-8"))["plan"]["id"]
        db = folder / "data.db"
        count = make_store(entries, districts, plan, db)
        print(
            f"sytrack districts benchmark: {len(entries):,} indicators × {len(districts)} districts × "
            f"{len(MONTH_ENDS)} months = {count:,} org figures, no city figure; Python {sys.version.split()[0]}, "
            f"{os.cpu_count()} cores"
        )
        env = {"SYTRACK_CATALOG": str(catalogue), "SYTRACK_DB": str(db), "HOME": str(folder)}
        bench.compile_bytecode()
        cold = bench.run([*bench.SYTRACK, "status", "--format", "csv"], env).wall
        print(f"{'first command on the new catalogue':<38} {cold:8.2f} s   (parses and caches it)")
        reference = bench.run([sys.executable, "-c", STATUS_REFERENCE, str(db)]).wall
        status = bench.run([*bench.SYTRACK, "status", "--format", "csv", "--as-of", "2024-12-31"], env)
        group = entries[0]["group"]
        ranked = bench.run([*bench.SYTRACK, "rank", "--group", group, "--format", "csv", "--as-of", "2024-12-31"], env)
        floor, one, explained = bench.interleaved_best(
            5,
            ([sys.executable, "-c", bench.STARTUP_REFERENCE], None),
            ([*bench.SYTRACK, "rank", entries[0]["id"], "--format", "csv", "--as-of", "2024-12-31"], env),
            ([*bench.SYTRACK, "explain", entries[0]["id"], "--format", "csv", "--as-of", "2024-12-31"], env),
        )
        print(f"{'start-up floor (import typer, sqlite3, tomllib)':<38} {floor:8.3f} s   (best of 5)")
        bench.line(
            "status --format csv (all rolled up)",
            status.wall,
            reference + floor,
            3,
            extra=f"   peak {status.peak:.0f} MB (target ≤ 300 MB)",
        )
        bench.line(f"rank --group {group}", ranked.wall, reference + floor, 3, extra=f"   peak {ranked.peak:.0f} MB")
        print(f"{'rank ID (one indicator)':<38} {one:8.3f} s   explain ID {explained:8.3f} s   (best of 5)")
        if options.keep:
            print(f"kept in {folder}")
    finally:
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
