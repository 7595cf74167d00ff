"""The everyday tables: status, log, list, rank and remind on the shipped catalogue with a year of monthly values,
drawn on a pseudo-terminal 120 columns wide and written to a pipe, beside the floor of what the
design card's libraries must load to draw a Rich table.

    python benchmarks/everyday.py            # best of 9 interleaved rounds
    python benchmarks/everyday.py --rounds 21

Prints each figure beside the floor and the ratio the project targets (≤ 1.5). Nothing asserts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import fcntl
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "indicators.toml"
BIN = Path(sys.executable).parent
SYTRACK = [str(BIN / "sytrack")] if (BIN / "sytrack").exists() else [sys.executable, "-m", "sytrack"]
FLOOR = [sys.executable, "-c", "import typer, sqlite3, tomllib, rich.console, rich.table"]
COMMANDS = {
    "status": ["status", "--as-of", "2023-11-30"],
    "log": ["log"],
    "list": ["list"],
    "rank": ["rank", "--group", "digital", "--as-of", "2023-11-30"],
    "remind": ["remind", "--as-of", "2023-11-30"],
}


def monthly_values(path: Path) -> int:
    """A year of month-end values for every shipped indicator (about 500 records)."""
    indicators = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))["indicator"]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["indicator", "value", "date"])
        for indicator in indicators:
            for month in range(1, 13):
                end = dt.date(2023, 12, 31) if month == 12 else dt.date(2023, month + 1, 1) - dt.timedelta(days=1)
                value = {
                    "milestone": "1" if month == 12 else "0",
                    "share": f"{40 + month:.1f}",
                    "rate": f"{month % 7 - 1:.1f}",
                    "rank": str(30 - month),
                }.get(indicator["kind"], str(1000 + month * 37))
                writer.writerow([indicator["id"], value, end.isoformat()])
    return 12 * len(indicators)


def timed(command: list[str], env: dict[str, str], terminal: bool, columns: int = 120) -> float:
    """Wall time of one whole process, its standard output a pseudo-terminal `columns` wide, or a pipe."""
    start = time.perf_counter()
    if terminal:
        leader, follower = os.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        process = subprocess.Popen(command, stdout=follower, stderr=follower, stdin=subprocess.DEVNULL, env=env)
        os.close(follower)
        while True:
            try:
                if not os.read(leader, 65536):
                    break
            except OSError:  # the terminal's other end closed (Linux says EIO)
                break
        os.close(leader)
    else:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env
        )
        process.stdout.read()
        process.stdout.close()
    if process.wait() != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sytrack-everyday-"))
    try:
        values = folder / "values.csv"
        count = monthly_values(values)
        env = {
            **os.environ,
            "SYTRACK_CATALOG": str(SHIPPED),
            "SYTRACK_DB": str(folder / "data.db"),
            "HOME": str(folder),
            "TERM": "xterm-256color",
            "COLUMNS": "",
            "SYTRACK_PROGRESS": "never",
        }
        env.pop("COLUMNS")
        subprocess.run([*SYTRACK, "import", str(values)], env=env, check=True, capture_output=True)
        import compileall

        import sytrack

        compileall.compile_dir(Path(sytrack.__file__).parent, quiet=1)
        cases = [("floor", FLOOR, True)] + [
            (f"{name} ({where})", [*SYTRACK, *args], where == "terminal")
            for name, args in COMMANDS.items()
            for where in ("terminal", "pipe")
        ]
        for _, command, terminal in cases:  # warm the catalogue cache and the page cache
            timed(command, env, terminal)
        best = {label: float("inf") for label, _, _ in cases}
        for _ in range(options.rounds):
            for label, command, terminal in cases:
                best[label] = min(best[label], timed(command, env, terminal))
        floor = best.pop("floor")
        print(f"everyday tables: the shipped catalogue, {count} records, 120 columns; best of {options.rounds}")
        print(f"{'floor (typer, sqlite3, tomllib, rich)':<30} {floor * 1000:7.1f} ms")
        for label, wall in best.items():
            ratio = wall / floor
            verdict = "ok" if ratio <= 1.5 else "OVER"
            print(f"{label:<30} {wall * 1000:7.1f} ms   ratio {ratio:4.2f} (target ≤ 1.5) {verdict}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
