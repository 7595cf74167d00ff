"""The reporting cycle at scale: remind, diff and status (warnings, escalation, --as-known) on a monthly plan, as whole processes.

    python benchmarks/cycle.py                    # 13 orgs × 10,000 indicators × 24 months (3,120,000 reports)
    python benchmarks/cycle.py --orgs 0           # the city's own reports only
    python benchmarks/cycle.py --indicators 1000
    python benchmarks/cycle.py --only diff --diff-parts   # and where diff's time goes

Each figure is printed beside its reference (the simplest correct Python doing the same I/O: the
aggregate the command needs, read in one query and written as CSV) plus the start-up floor, and
the ratio the status benchmark targets (≤ 3). Nothing here asserts; a busy machine slows it.
The records are written straight into a data file at sytrack's schema, each with its recorded_at:
month m's figure (a flow, on its path to the target times 0.55 to 1.1: on track, behind and off
track alike) on the 5th of month m+1, every seventh indicator's twelve days late, every
thirteenth's missing for the last three months, and one revision in twenty.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from run import STARTUP_REFERENCE, SYTRACK, compile_bytecode, interleaved_best, line, run

MONTHS = 24
RECEIPTS_REFERENCE = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
writer = csv.writer(sys.stdout)
writer.writerow(["indicator", "org", "date", "first"])
writer.writerows(connection.execute(
    "SELECT indicator, org, as_of, min(recorded_at) FROM observation WHERE value IS NOT NULL AND retracted_by IS NULL"
    " GROUP BY indicator, org, as_of ORDER BY indicator, org, as_of"))
"""
STATUS_REFERENCE = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
writer = csv.writer(sys.stdout)
writer.writerow(["indicator", "value", "date"])
writer.writerows(connection.execute(
    "SELECT indicator, value, max(as_of) FROM observation WHERE in_force = 1 GROUP BY indicator ORDER BY indicator"))
"""


def month_ends() -> list[dt.date]:
    ends = []
    for m in range(MONTHS):
        year, month = 2023 + (m + 1) // 12, (m + 1) % 12 + 1
        ends.append(dt.date(year, month, 1) - dt.timedelta(days=1))
    return ends


def target_of(n: int) -> int:
    return 1000 + 24 * (n % 50)


ORGS = (
    "heping",
    "shenhe",
    "dadong",
    "huanggu",
    "tiexi",
    "hunnan",
    "yuhong",
    "shenbei",
    "sujiatun",
    "liaozhong",
    "xinmin",
    "kangping",
    "faku",
)


def make_catalogue(count: int, folder: Path, orgs: tuple[str, ...]) -> Path:
    lines = [
        '[plan]\nid = "bench"\ntitle_zh = "周期"\ntitle_en = "Cycle"\nstart = 2023-01-01\n'
        'cadence = "monthly"\ndue_days = 10\ntimezone = "Asia/Shanghai"\n\n'
        '[[group]]\nid = "g"\nname_zh = "组"\nname_en = "G"\norder = 1\n'
    ]
    lines += [f'\n[[org]]\nid = "{o}"\nname_zh = "{o}"\nname_en = "{o}"\nkind = "district"\n' for o in orgs]
    share = "".join(f'\n[[indicator.allocation]]\norg = "{o}"\nvalue = {{}}\n' for o in orgs)
    for n in range(count):
        lines.append(
            f'\n[[indicator]]\nid = "i{n}"\ngroup = "g"\nname_zh = "指标{n}"\nname_en = "Indicator {n}"\n'
            f'unit = "个"\nkind = "flow"\ndirection = "increase"\n\n[[indicator.target]]\n'
            f'comparison = "at-least"\nvalue = {target_of(n)}\ndeadline = 2024-12-31\n'
            + share.format(*[-(-target_of(n) // max(len(orgs), 1))] * len(orgs))
        )
    path = folder / "indicators.toml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def records_of(count: int, orgs: tuple[str, ...]):
    """(plan, indicator, value, as_of, recorded_at, recorded_by, in_force, org), streamed."""
    for k, org in enumerate(orgs or ("",)):
        share = 1 / max(len(orgs), 1)
        for m, end in enumerate(month_ends()):
            for n in range(count):
                if (n + k) % 13 == 0 and m >= MONTHS - 3:
                    continue  # three reports missing
                late = 12 if (n + k) % 7 == 0 else 0
                recorded = dt.datetime.combine(end + dt.timedelta(days=5 + late), dt.time(2))
                # on the path to the target, times 0.55 to 1.1: some on track, some behind or worse
                value = round(target_of(n) * share * (m + 1) / MONTHS * (0.55 + 0.05 * ((n + k) % 12)), 1)
                revised = n % 20 == 0
                yield (
                    "bench",
                    f"i{n}",
                    value,
                    end.isoformat(),
                    recorded.isoformat() + "Z",
                    "bench",
                    int(not revised),
                    org,
                )
                if revised:
                    yield (
                        "bench",
                        f"i{n}",
                        value + 1,
                        end.isoformat(),
                        (recorded + dt.timedelta(days=20)).isoformat() + "Z",
                        "bench",
                        1,
                        org,
                    )


def make_store(count: int, db: Path, orgs: tuple[str, ...]) -> int:
    """The records, straight into the data file at sytrack's schema; returns how many."""
    from sytrack.store.schema import DERIVE_KNOWN, SCHEMA_VERSION, SQLITE_TYPES, statements

    connection = sqlite3.connect(db, isolation_level=None)
    for statement in statements(SQLITE_TYPES):
        connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO observation (plan, indicator, value, as_of, recorded_at, recorded_by,"
        " in_force, org) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        records_of(count, orgs),
    )
    for statement in DERIVE_KNOWN:  # as the upgrade does: the revised dates marked, from the facts
        connection.execute(statement)
    connection.execute("COMMIT")
    return connection.execute("SELECT count(*) FROM observation").fetchone()[0]


def diff_parts(catalogue: Path, db: Path) -> None:
    """Where `diff --from 2024-10-31 --to 2024-12-31` spends its time, in one process: the store's
    reads at the two cutoffs, then the judging in Python (`sytrack.duty`)."""
    import time

    from sytrack.catalogue import load_catalogue
    from sytrack.cli.cycle import _series_with_orgs
    from sytrack.duty import diff_readings, diff_rows, known_by
    from sytrack.orgs import build_tree
    from sytrack.replay import Snapshot
    from sytrack.store import open_store

    loaded = load_catalogue(catalogue)
    plan, store = loaded.plan, open_store(str(db), loaded.plan.id)
    before, after = (Snapshot(day, known_by(day, plan)) for day in (dt.date(2024, 10, 31), dt.date(2024, 12, 31)))
    began = time.perf_counter()

    def lap(label: str) -> None:
        nonlocal began
        print(f"  diff: {label:44s} {time.perf_counter() - began:7.2f} s", flush=True)
        began = time.perf_counter()

    receipts = tuple(store.receipts(s.known_by) for s in (before, after))
    lap("receipts as known at both cutoffs")
    both = [_series_with_orgs(store, s.known_by) for s in (before, after)]
    lap("series in force as known at both cutoffs")
    records = store.replay_records(recorded_from=before.known_by, known_by=after.known_by)
    lap("records of the dates recorded between")
    series, org_series = (both[0][0], both[1][0]), (both[0][1], both[1][1])
    trees = (build_tree(loaded.orgs),) * 2
    readings = diff_readings(loaded.indicators, plan, series, receipts, before, after, {}, org_series, trees=trees)
    rows = diff_rows(readings, records, before, after, set(), trees[0])
    lap(f"judging both reports ({len(rows):,} rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--indicators", type=int, default=10_000)
    parser.add_argument("--orgs", type=int, default=len(ORGS), help="how many districts report (0: the city itself)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and print where")
    parser.add_argument(
        "--only", default="", help="only the cases whose label starts with one of these, comma-separated"
    )
    parser.add_argument("--diff-parts", action="store_true", help="then time diff's store reads and judging apart")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sytrack-cycle-"))
    try:
        orgs = ORGS[: options.orgs]
        catalogue, db = make_catalogue(options.indicators, folder, orgs), folder / "data.db"
        records = make_store(options.indicators, db, orgs)
        print(
            f"reporting cycle: {len(orgs)} orgs × {options.indicators:,} indicators × {MONTHS} months, {records:,} records, "
            f"Python {sys.version.split()[0]}"
        )
        env = {"SYTRACK_CATALOG": str(catalogue), "SYTRACK_DB": str(db), "HOME": str(folder)}
        compile_bytecode()
        run([*SYTRACK, "list", "--format", "csv"], env)  # parse and cache the catalogue once
        floor, receipts, status = interleaved_best(
            3,
            ([sys.executable, "-c", STARTUP_REFERENCE], None),
            ([sys.executable, "-c", RECEIPTS_REFERENCE, str(db)], None),
            ([sys.executable, "-c", STATUS_REFERENCE, str(db)], None),
        )
        cases = [
            ("remind --format csv", ["remind", "--as-of", "2025-01-20", "--format", "csv"], receipts),
            ("remind --summary", ["remind", "--as-of", "2025-01-20", "--summary", "--format", "csv"], receipts),
            (
                "diff --from --to",
                ["diff", "--from", "2024-10-31", "--to", "2024-12-31", "--format", "csv"],
                2 * status + 2 * receipts,
            ),
            (
                "status (warnings, escalation)",
                ["status", "--as-of", "2024-12-31", "--format", "csv"],
                status + receipts,
            ),
            ("status --as-known", ["status", "--as-known", "2024-06-30", "--format", "csv"], status + receipts),
        ]
        wanted = [w for w in options.only.split(",") if w]
        for label, args, reference in cases:
            if wanted and not any(label.startswith(w) for w in wanted):
                continue
            measured = run([*SYTRACK, *args], env)
            line(label, measured.wall, reference + floor, 3, extra=f"   peak {measured.peak:.0f} MB")
        if options.diff_parts:
            diff_parts(catalogue, db)
    finally:
        if options.keep:
            print(f"files kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
