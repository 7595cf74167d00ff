"""Tables at scale: status, list, remind and log drawn for people against the CSV of the same report, and
`log | head` at a million records, as whole processes.

    python benchmarks/tables.py            # 10,000 indicators, 1,000,000 records (a few minutes to build)
    python benchmarks/tables.py --quick    # 1,000 indicators, 100,000 records

Targets (issue 15): a table (status, list, remind) costs at most 2x its CSV at 10,000 rows, on a terminal and in a pipe;
`log` shows its first lines within 0.3 s at a million records, with flat memory. Nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from everyday import timed  # noqa: E402  (a pseudo-terminal or a pipe, one whole process)
from run import SYTRACK, compile_bytecode, make_catalogue, make_observations  # noqa: E402


def peak_after(command: list[str], env: dict[str, str], lines: int) -> float:
    """Peak resident memory, in MB, of a process whose reader takes `lines` lines and leaves."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    for _ in range(lines):
        process.stdout.readline()
    process.stdout.close()
    return os.wait4(process.pid, 0)[2].ru_maxrss / 1024


def csv_rows(command: list[str], env: dict[str, str]) -> int:
    """How many rows a report has (its CSV's lines, less the header)."""
    return subprocess.run(command, env=env, check=True, capture_output=True).stdout.count(b"\n") - 1


def first_lines(command: list[str], env: dict[str, str], lines: int = 5) -> float:
    """Seconds until a reader has the first `lines` lines, then closes the pipe (`| head`)."""
    begin = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    for _ in range(lines):
        process.stdout.readline()
    elapsed = time.perf_counter() - begin
    process.stdout.close()
    process.wait()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    indicators = 1_000 if options.quick else 10_000
    folder = Path(tempfile.mkdtemp(prefix="sytrack-tables-"))
    try:
        catalogue, entries = make_catalogue(indicators, folder)
        observations = make_observations(entries, 100, folder)
        env = {
            **os.environ,
            "SYTRACK_CATALOG": str(catalogue),
            "SYTRACK_DB": str(folder / "data.db"),
            "HOME": str(folder),
            "SYTRACK_PROGRESS": "never",
            "TERM": "xterm-256color",
        }
        env.pop("COLUMNS", None)
        subprocess.run([*SYTRACK, "import", str(observations)], env=env, check=True, capture_output=True)
        compile_bytecode()
        print(f"tables: {indicators:,} indicators, {indicators * 100:,} records; best of {options.rounds}")
        # remind needs a reporting cycle: the same catalogue with a monthly cadence, read as of a date
        # when the last months' reports of every target still running are overdue.
        monthly = folder / "monthly.toml"
        monthly.write_text(
            catalogue.read_text(encoding="utf-8").replace(
                "[plan]\n", '[plan]\ncadence = "monthly"\ndue_days = 10\n', 1
            ),
            encoding="utf-8",
        )
        cases = (
            ("status", ["status", "--as-of", "2024-12-31"], env),
            ("list", ["list"], env),
            ("remind", ["remind", "--as-of", "2025-06-30"], {**env, "SYTRACK_CATALOG": str(monthly)}),
        )
        for name, args, case_env in cases:
            rows = csv_rows([*SYTRACK, *args, "--format", "csv"], case_env)
            csv_best = min(timed([*SYTRACK, *args, "--format", "csv"], case_env, False) for _ in range(options.rounds))
            for where in ("terminal", "pipe"):
                table = min(timed([*SYTRACK, *args], case_env, where == "terminal") for _ in range(options.rounds))
                ratio = table / csv_best
                label = f"{name} table ({where}, {rows:,} rows)"
                print(
                    f"{label:<40} {table:7.3f} s   its csv {csv_best:7.3f} s   "
                    f"ratio {ratio:4.2f} (target ≤ 2) {'ok' if ratio <= 2 else 'OVER'}"
                )
        head = min(first_lines([*SYTRACK, "log"], env) for _ in range(options.rounds))
        floor = min(
            timed([sys.executable, "-c", "import typer, sqlite3, tomllib, rich.console, rich.table"], env, False)
            for _ in range(options.rounds)
        )
        print(f"{'log | head: the first 5 lines':<34} {head:7.3f} s   (target ≤ 0.3 s; start-up floor {floor:.3f} s)")
        for lines in (1_000, 50_000):
            memory = peak_after([*SYTRACK, "log"], env, lines)
            print(f"{f'log: peak memory after {lines:,} lines':<34} {memory:7.0f} MB (flat: the table streams)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
