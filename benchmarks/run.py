"""Benchmarks: sytrack against the simplest correct Python doing the same I/O, as whole processes.

    python benchmarks/run.py            # 10,000 indicators, 1,000,000 observations (a few minutes)
    python benchmarks/run.py --quick    # 1,000 indicators, 100,000 observations
    SYTRACK_BENCH_POSTGRES=postgresql://postgres@127.0.0.1:5432/test python benchmarks/run.py
                                        # adds PostgreSQL's import of 100,000 rows beside SQLite's

Needs Python alone (the C sqlite3 shell, where installed, adds the physical limit of an import).

Prints each figure beside its reference and the ratio the project targets. Nothing here asserts:
timings belong in this report, not in the test suite. Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path
from typing import NamedTuple

import tomli_w

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "indicators.toml"
BIN = Path(sys.executable).parent
SYTRACK = [str(BIN / "sytrack")] if (BIN / "sytrack").exists() else [sys.executable, "-m", "sytrack"]

# The references do the same I/O as sytrack, as simply as correct Python can. The plain import
# reference is csv + executemany into a table with the same columns and one (indicator, date) index,
# at the same durability (WAL, synchronous FULL): what any import has to do. The second builds
# sytrack's own schema (four indexes, created by its migrations), so the ratio to it hides what the
# schema costs; both are printed.
PLAIN_IMPORT_REFERENCE = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[2], isolation_level=None)
connection.execute("PRAGMA journal_mode = WAL")
connection.execute("PRAGMA synchronous = FULL")
connection.execute("CREATE TABLE observation (id INTEGER PRIMARY KEY, plan TEXT NOT NULL, indicator TEXT NOT NULL,"
                   " value REAL, as_of TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,"
                   " note TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '', supersedes INTEGER,"
                   " retracts INTEGER, in_force INTEGER NOT NULL DEFAULT 0, retracted_by INTEGER)")
connection.execute("CREATE INDEX observation_by_date ON observation(indicator, as_of)")
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = csv.reader(f)
    next(rows)
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO observation (plan, indicator, value, as_of, recorded_at, recorded_by, in_force)"
        " VALUES ('p', ?, ?, ?, '2024-01-01T00:00:00Z', 'bench', 1)",
        ((i, float(v), d) for i, v, d in rows))
    connection.execute("COMMIT")
"""
IMPORT_REFERENCE = """
import csv, sqlite3, sys
from sytrack.store.schema import SQLITE_TYPES, statements
connection = sqlite3.connect(sys.argv[2], isolation_level=None)
connection.execute("PRAGMA journal_mode = WAL")
connection.execute("PRAGMA synchronous = FULL")
for statement in statements(SQLITE_TYPES):
    connection.execute(statement)
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = csv.reader(f)
    next(rows)
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO observation (plan, indicator, value, as_of, recorded_at, recorded_by, in_force)"
        " VALUES ('p', ?, ?, ?, '2024-01-01T00:00:00Z', 'bench', 1)",
        ((i, float(v), d) for i, v, d in rows))
    connection.execute("COMMIT")
"""
# The C shell's .import into (indicator, value, as_of) with the same index: no Python at all, the
# physical limit of reading this CSV into SQLite.
SHELL_IMPORT = """CREATE TABLE observation (indicator TEXT NOT NULL, value REAL, as_of TEXT NOT NULL);
CREATE INDEX observation_by_date ON observation(indicator, as_of);
.mode csv
.import --skip 1 {csv} observation
"""
EXPORT_REFERENCE = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
writer = csv.writer(sys.stdout)
writer.writerow("indicator value date note source by id recorded_at supersedes retracts state".split())
writer.writerows(connection.execute(
    "SELECT indicator, value, as_of, note, source, recorded_by, id, recorded_at, supersedes, retracts,"
    " CASE WHEN retracts IS NOT NULL THEN 'retraction' WHEN retracted_by IS NOT NULL THEN 'retracted'"
    " WHEN in_force THEN 'current' ELSE 'superseded' END FROM observation ORDER BY id"))
"""
STATUS_REFERENCE = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
writer = csv.writer(sys.stdout)
writer.writerow(["indicator", "value", "date"])
writer.writerows(connection.execute(
    "SELECT indicator, value, max(as_of) FROM observation WHERE in_force = 1 GROUP BY indicator ORDER BY indicator"))
"""
STARTUP_REFERENCE = "import typer, sqlite3, tomllib"


class Measured(NamedTuple):
    wall: float  # seconds
    peak: float  # resident memory, MB
    cpu: float  # seconds of processor time, user and system, in every thread


def run(command: list[str], env: dict | None = None, terminal: bool = False) -> Measured:
    """Wall time, peak resident memory and processor time of one whole process. With `terminal`,
    its standard error is a pseudo-terminal, as a user's is, so that a progress bar is drawn."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink, open(os.devnull, "rb") as source:
        if terminal:
            leader, follower = os.openpty()
            try:
                process = subprocess.Popen(
                    command, stdout=sink, stderr=follower, stdin=source, env={**os.environ, **(env or {})}
                )
            except OSError:
                os.close(leader)
                raise
            finally:
                os.close(follower)
            drawn: list[bytes] = []  # read as it is drawn, so the process never waits on a full terminal
            reader = threading.Thread(target=_drain, args=(leader, drawn))
            reader.start()
        else:
            process = subprocess.Popen(
                command, stdout=sink, stderr=subprocess.PIPE, stdin=source, env={**os.environ, **(env or {})}
            )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if terminal:
            reader.join()
            os.close(leader)
            error = b"".join(drawn).decode(errors="replace")
        else:
            error = process.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{error}")
    return Measured(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def _drain(descriptor: int, into: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the terminal's other end closed (Linux says EIO)
            return
        if not chunk:
            return
        into.append(chunk)


def interleaved_best(rounds: int, *commands: tuple[list[str], dict | None]) -> list[float]:
    """The best wall time of each command over `rounds` rounds that run each once in turn: short
    runs compared with each other see the same moments of a busy machine."""
    best = [float("inf")] * len(commands)
    for _ in range(rounds):
        for number, (command, env) in enumerate(commands):
            best[number] = min(best[number], run(command, env).wall)
    return best


def compile_bytecode() -> None:
    """Users run sytrack with its bytecode compiled: pip compiles a wheel's modules as it installs
    them, and an editable install writes them on the first run. Where PYTHONDONTWRITEBYTECODE is
    set (some CI machines) none is written, and every run would compile the source again; the
    references run compiled too (typer, sqlite3 and tomllib come with theirs)."""
    import compileall

    import sytrack

    compileall.compile_dir(Path(sytrack.__file__).parent, quiet=1)


def make_catalogue(indicators: int, folder: Path) -> tuple[Path, list[dict]]:
    """The shipped catalogue cloned with new ids until it has `indicators` entries."""
    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    originals = data["indicator"]
    clones = []
    for n in range(indicators):
        entry = dict(originals[n % len(originals)])
        entry["id"] = f"{entry['id']}-{n // len(originals)}"
        clones.append(entry)
    data["indicator"] = clones
    path = folder / "indicators.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path, clones


def sample_value(entry: dict, step: int) -> str:
    kind = entry["kind"]
    if kind == "milestone":
        return "1" if step > 80 else "0"
    # Capped so that the growth case's 200 steps stay valid (the first 100 are as they always were).
    if kind == "share":
        return f"{min(40 + step * 0.4, 99.9):.1f}"
    if kind == "rate":
        return f"{step % 12 - 2:.1f}"
    if kind == "rank":
        return str(max(30 - step // 5, 1))
    return str(1000 + step * 37)


def make_observations(entries: list[dict], per_indicator: int, folder: Path, name: str = "observations.csv") -> Path:
    path = folder / name
    first = dt.date(2023, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["indicator", "value", "date"])
        for step in range(per_indicator):
            day = (first + dt.timedelta(days=step * 7)).isoformat()
            for entry in entries:
                writer.writerow([entry["id"], sample_value(entry, step), day])
    return path


def line(label: str, ours: float, reference: float, target: float, unit: str = "s", extra: str = "") -> None:
    ratio = ours / reference if reference else float("inf")
    verdict = "ok" if ratio <= target else "OVER"
    print(
        f"{label:<38} {ours:8.3f} {unit}   reference {reference:8.3f} {unit}   ratio {ratio:5.2f} "
        f"(target ≤ {target:g}) {verdict}{extra}"
    )


def import_lines(observations: Path, folder: Path, env: dict) -> None:
    """Import against the plain reference (the target), sytrack's own schema, the C shell; a dry run."""
    rows = sum(1 for _ in observations.open("rb")) - 1
    plain = run([sys.executable, "-c", PLAIN_IMPORT_REFERENCE, str(observations), str(folder / "plain.db")])
    own = run([sys.executable, "-c", IMPORT_REFERENCE, str(observations), str(folder / "reference.db")])
    dry = run([*SYTRACK, "import", "--dry-run", str(observations)], env)
    ours = run([*SYTRACK, "import", str(observations)], env)
    memory = f"   peak {ours.peak:.0f} MB (target ≤ 150 MB)"
    line(f"import of {rows:,} rows vs plain reference", ours.wall, plain.wall, 2, extra=memory)
    line("  the same, in processor time", ours.cpu, plain.cpu, 2)
    line("  vs sytrack's own schema, plain Python", ours.wall, own.wall, 2)
    line("  dry run vs plain reference", dry.wall, plain.wall, 2, extra=f"   peak {dry.peak:.0f} MB (target ≤ 150 MB)")
    shell = shutil.which("sqlite3")
    if shell:
        script = folder / "shell.sql"
        script.write_text(SHELL_IMPORT.format(csv=observations), encoding="utf-8")
        with script.open("rb") as commands:
            start = time.perf_counter()
            subprocess.run([shell, str(folder / "shell.db")], stdin=commands, check=True, capture_output=True)
            limit = time.perf_counter() - start
        print(
            f"{'  the C sqlite3 shell .import (limit)':<38} {limit:8.3f} s   sytrack is {ours.wall / limit:5.2f}x,"
            f" the plain reference {plain.wall / limit:5.2f}x"
        )
    else:
        print("  (no sqlite3 shell on PATH: the physical limit is not measured)")


def growth(entries: list[dict], folder: Path, env: dict, quick: bool) -> None:
    """Cost per row from 10k to 2M rows (10k and 100k with --quick): flat when nothing grows with
    the file but the work. Each import goes into an empty data file of its own."""
    sizes = (10_000, 100_000) if quick else (10_000, 100_000, 1_000_000, 2_000_000)
    base = 10_000 if len(entries) >= 10_000 else len(entries)
    for size in sizes:
        per = max(1, size // base)
        path = make_observations(entries[: size // per], per, folder, f"growth-{size}.csv")
        db = folder / f"growth-{size}.db"
        measured = run([*SYTRACK, "import", str(path)], {**env, "SYTRACK_DB": str(db)})
        print(
            f"{f'growth: import of {size:,} rows':<38} {measured.wall:8.2f} s   "
            f"{measured.wall / size * 1e6:6.2f} µs/row   CPU {measured.cpu / size * 1e6:6.2f} µs/row   "
            f"peak {measured.peak:.0f} MB"
        )
        if size == sizes[-1]:
            reimport(path, db, env, size)
        path.unlink()
        for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            leftover.unlink(missing_ok=True)


def reimport(path: Path, db: Path, env: dict, size: int) -> None:
    """The same file again into the store it filled (every row already recorded, skipped), and a
    month of new figures into that big store: memory must not grow with what the store holds."""
    again = run([*SYTRACK, "import", str(path)], {**env, "SYTRACK_DB": str(db)})
    print(
        f"{f'  again into the {size:,}-row store':<38} {again.wall:8.2f} s   "
        f"{again.wall / size * 1e6:6.2f} µs/row   CPU {again.cpu / size * 1e6:6.2f} µs/row   "
        f"peak {again.peak:.0f} MB (target ≤ 150 MB)"
    )
    new_month(path, db, env)


def new_month(path: Path, db: Path, env: dict, day: str = "2026-01-31") -> None:
    """One new value for each indicator of `path` (its first rows, dated a new month) into `db`.
    Only those lines are read: a whole file held here would count in the child's peak (its
    resident memory at the fork is this process's)."""
    import itertools

    with path.open(encoding="utf-8") as lines:
        header, *rows = (line.rstrip("\n") for line in itertools.islice(lines, 20_001))
    ids: dict[str, str] = {}
    for row in rows:
        ids.setdefault(row.split(",", 1)[0], row)
    month = path.with_name("month.csv")
    month.write_text(
        "\n".join([header] + [f"{row.rsplit(',', 1)[0]},{day}" for row in ids.values()]) + "\n", encoding="utf-8"
    )
    del rows
    new = run([*SYTRACK, "import", str(month)], {**env, "SYTRACK_DB": str(db)})
    print(
        f"{f'  {len(ids):,} new rows into that store':<38} {new.wall:8.2f} s   peak {new.peak:.0f} MB (target ≤ 150 MB)"
    )
    month.unlink()


def postgres_import(entries: list[dict], folder: Path, env: dict, server: str) -> None:
    """100,000 rows into PostgreSQL (a schema of its own, dropped after) against the same into SQLite."""
    import uuid
    from urllib.parse import quote

    import psycopg

    path = make_observations(entries[:1000], 100, folder, "postgres.csv")
    sqlite_run = run([*SYTRACK, "import", str(path)], {**env, "SYTRACK_DB": str(folder / "pg-compare.db")})
    schema = f"sytrack_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        url = f"{server}{'&' if '?' in server else '?'}options={quote(f'-csearch_path={schema}')}"
        postgres_run = run([*SYTRACK, "import", str(path)], {**env, "SYTRACK_DB": url})
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")
    line("import of 100,000 rows: PostgreSQL", postgres_run.wall, sqlite_run.wall, 2, extra="   (reference: SQLite)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 indicators and 100,000 observations")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and print where")
    options = parser.parse_args()
    indicators = 1_000 if options.quick else 10_000
    per_indicator = 100
    folder = Path(tempfile.mkdtemp(prefix="sytrack-bench-"))
    try:
        print(
            f"sytrack benchmarks: {indicators:,} indicators, {indicators * per_indicator:,} observations, "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
        )
        catalogue, entries = make_catalogue(indicators, folder)
        observations = make_observations(entries, per_indicator, folder)
        db = folder / "data.db"
        env = {"SYTRACK_CATALOG": str(catalogue), "SYTRACK_DB": str(db), "HOME": str(folder)}

        compile_bytecode()
        # The first command after a catalogue changes parses and caches it: time that once, apart.
        cold = run([*SYTRACK, "status", "--format", "csv"], env).wall
        print(f"{'first command on the new catalogue':<38} {cold:8.2f} s   (parses and caches it)")
        import_lines(observations, folder, env)

        reference_export = run([sys.executable, "-c", EXPORT_REFERENCE, str(db)]).wall
        ours_export, export_memory, _ = run([*SYTRACK, "export", "--format", "csv"], env)
        line("export --format csv", ours_export, reference_export, 2, extra=f"   peak {export_memory:.0f} MB")

        reference_status = run([sys.executable, "-c", STATUS_REFERENCE, str(db)]).wall
        ours_status, status_memory, _ = run([*SYTRACK, "status", "--format", "csv", "--as-of", "2024-12-31"], env)

        run([*SYTRACK, "record", entries[0]["id"], "1000", "--date", "2023-01-02"], env)  # warm any cache
        shipped_env = {"SYTRACK_CATALOG": str(SHIPPED), "SYTRACK_DB": str(folder / "shipped.db"), "HOME": str(folder)}
        floor, ours_record, ours_shipped = interleaved_best(
            15,
            ([sys.executable, "-c", STARTUP_REFERENCE], None),
            ([*SYTRACK, "record", entries[0]["id"], "1001", "--date", "2023-01-02"], env),
            ([*SYTRACK, "status", "--format", "csv"], shipped_env),
        )
        print(
            f"{'start-up floor (import typer, sqlite3, tomllib)':<38} {floor:8.3f} s   (best of 15, as the two below)"
        )
        line(
            "status --format csv",
            ours_status,
            reference_status + floor,
            3,
            extra=f"   peak {status_memory:.0f} MB (target ≤ 300 MB)",
        )
        line(
            "record (10,000-indicator catalogue)" if not options.quick else "record (large catalogue)",
            ours_record,
            floor,
            1.5,
        )
        line("status on the shipped catalogue", ours_shipped, floor, 1.5)

        # The progress bar must not slow the work: the whole import with the bar drawn and without,
        # both on a terminal (a pseudo-terminal), one told not to draw. Drawing costs a fixed few
        # hundredths of a second (loading Rich's progress display), which a smaller import would
        # inflate into a percentage. One run each is noise on a busy machine: alternate them and
        # keep each one's best of three, in wall time and in processor time (all threads), which
        # neighbours on a shared machine disturb less.
        growth(entries, folder, env, options.quick)
        if os.environ.get("SYTRACK_BENCH_POSTGRES"):
            postgres_import(entries, folder, env, os.environ["SYTRACK_BENCH_POSTGRES"])
        timings: dict[str, list[Measured]] = {"never": [], "auto": []}
        for _ in range(3):
            for bar in timings:
                bar_db = folder / f"bar-{bar}.db"
                for leftover in (bar_db, Path(f"{bar_db}-wal"), Path(f"{bar_db}-shm")):
                    leftover.unlink(missing_ok=True)
                timings[bar].append(
                    run(
                        [*SYTRACK, "import", str(observations)],
                        {**env, "SYTRACK_DB": str(bar_db), "SYTRACK_PROGRESS": bar},
                        terminal=True,
                    )
                )
        for what in ("wall", "cpu"):
            drawn, plain = (sorted(getattr(m, what) for m in timings[bar]) for bar in ("auto", "never"))
            spread = max(runs[-1] / runs[0] - 1 for runs in (drawn, plain))
            label = f"import on a terminal, bar ({'wall' if what == 'wall' else 'CPU'})"
            print(
                f"{label:<38} {drawn[0]:8.2f} s   without {plain[0]:8.2f} s   cost {drawn[0] / plain[0] - 1:+.1%}   "
                f"(best of 3 each; the same setting varies by up to {spread:.1%})"
            )
    finally:
        if options.keep:
            print(f"files kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
