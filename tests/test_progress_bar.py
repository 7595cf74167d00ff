"""Long work draws a progress bar on a terminal's standard error, and nothing extra anywhere else.

These run the installed entry point with standard error on a pseudo-terminal, as a user's is."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sytrack.catalogue import PACKAGED_CATALOGUE

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal (POSIX)")

ROWS = 12_000


def _drain(descriptor: int, into: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the other end closed (Linux says EIO)
            return
        if not chunk:
            return
        into.append(chunk)


def sytrack(tmp_path: Path, *arguments: str, terminal: bool, progress: str = "auto") -> tuple[int, str, str]:
    """Exit code, standard output and standard error of one run, with standard error on a
    pseudo-terminal or on a pipe."""
    environment = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "SYTRACK_PROGRESS": progress,
        "COLUMNS": "100",
    }
    command = [
        sys.executable,
        "-m",
        "sytrack",
        "--catalog",
        str(PACKAGED_CATALOGUE),
        "--db",
        str(tmp_path / "data.db"),
        *arguments,
    ]
    if not terminal:
        done = subprocess.run(command, capture_output=True, env=environment, cwd=tmp_path)
        return done.returncode, done.stdout.decode(), done.stderr.decode()
    leader, follower = os.openpty()
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, env=environment, cwd=tmp_path)
    finally:
        os.close(follower)
    drawn: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(leader, drawn))
    reader.start()
    output = process.communicate()[0]
    reader.join()
    os.close(leader)
    return process.returncode, output.decode(), b"".join(drawn).decode(errors="replace")


@pytest.fixture
def big_csv(tmp_path: Path) -> Path:
    # Many values for each date: their ids say in which order (else import refuses them).
    rows = ["indicator,value,date,id"] + [
        f"smart-factories,{n % 30},2023-{1 + n % 12:02d}-{1 + n % 28:02d},{n + 1}" for n in range(ROWS)
    ]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_an_import_on_a_terminal_shows_rows_rate_and_time_left(tmp_path, big_csv):
    code, out, err = sytrack(tmp_path, "import", str(big_csv), terminal=True)
    assert code == 0, err
    assert out == f"imported {ROWS} records from {big_csv} into {tmp_path / 'data.db'}\n"
    assert "checking" in err and "writing" in err
    assert "rows/s" in err and f"/{ROWS}" in err  # rows done of the total, and the rate
    assert "-:--:--" in err or "0:00:0" in err  # time left


def test_an_import_with_standard_error_on_a_pipe_prints_nothing_extra(tmp_path, big_csv):
    assert sytrack(tmp_path, "import", str(big_csv), terminal=False) == (
        0,
        f"imported {ROWS} records from {big_csv} into {tmp_path / 'data.db'}\n",
        "",
    )


def test_the_bar_can_be_turned_off_on_a_terminal(tmp_path, big_csv):
    code, out, err = sytrack(tmp_path, "import", str(big_csv), terminal=True, progress="never")
    assert (code, err) == (0, "")
    assert out.startswith(f"imported {ROWS} records")


def test_an_export_to_a_pipe_is_the_same_with_the_bar_drawn_on_the_terminal(tmp_path, big_csv):
    assert sytrack(tmp_path, "import", str(big_csv), terminal=False)[0] == 0
    code, out, err = sytrack(tmp_path, "export", terminal=True)
    assert code == 0 and "exporting" in err and "rows/s" in err
    assert out == sytrack(tmp_path, "export", terminal=False)[1]
    assert len(out.splitlines()) == ROWS + 1
