"""Faults survived: a damaged data file, one that cannot be written, records whose indicator left
the catalogue. (A process killed mid-import is in test_durability.py.)"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def sytrack(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sytrack", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(cwd), "XDG_CACHE_HOME": str(cwd / "cache")},
    )


def one_line_error(result) -> str:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stderr


@pytest.mark.parametrize("damage", ["truncated", "overwritten"])
def test_a_damaged_data_file_is_one_line_naming_the_file(run, tmp_path, catalogue_file, damage):
    for n in range(1, 60):
        run(
            [
                "record",
                "5g-base-stations",
                str(30000 + n),
                "--date",
                f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "--note",
                "x" * 200,
            ]
        )
    db = tmp_path / "indicators.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2] if damage == "truncated" else data[:100] + b"\xff" * (len(data) - 100))
    for args in (["status"], ["log"], ["export"], ["record", "cnc-rate", "64", "--date", "2024-03"]):
        result = run(args)
        assert result.code == 1 and result.stderr.count("\n") == 1, (args, result.stderr)
        assert str(db) in result.stderr


def _read_only(folder: Path, commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Run sytrack commands with `folder` unwritable: a read-only bind mount in a private mount
    namespace when root (root ignores permissions), else plain permissions."""
    if os.geteuid() != 0:
        for path in folder.iterdir():
            path.chmod(0o444)
        folder.chmod(0o555)
        try:
            return [sytrack(*c, cwd=folder.parent) for c in commands]
        finally:
            folder.chmod(0o755)
    if not shutil.which("unshare") or subprocess.run(["unshare", "-m", "true"]).returncode != 0:
        pytest.skip("root without mount namespaces: cannot make a folder read-only for root")
    results = []
    for command in commands:
        script = (
            f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" && '
            f'exec "{sys.executable}" -m sytrack ' + " ".join(f"'{part}'" for part in command)
        )
        results.append(
            subprocess.run(
                ["unshare", "-m", "sh", "-c", script],
                cwd=folder.parent,
                capture_output=True,
                text=True,
                env={**os.environ, "HOME": str(folder.parent)},
            )
        )
    return results


def test_an_unwritable_data_file_refuses_writes_in_one_line_and_still_reads(tmp_path, catalogue_text):
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "indicators.toml").write_text(catalogue_text, encoding="utf-8")
    catalogue = str(folder / "indicators.toml")
    assert sytrack("-c", catalogue, "record", "cnc-rate", "64", "--date", "2024-03", cwd=tmp_path).returncode == 0
    status, log, record, undo = _read_only(
        folder,
        [
            ["-c", catalogue, "status", "--format", "json", "--as-of", "2024-03-31"],
            ["-c", catalogue, "log", "--format", "csv"],
            ["-c", catalogue, "record", "cnc-rate", "65", "--date", "2024-04"],
            ["-c", catalogue, "undo"],
        ],
    )
    assert status.returncode == 0, status.stderr
    assert {r["id"]: r["latest"] for r in json.loads(status.stdout)}["cnc-rate"] == 64
    assert log.returncode == 0 and "cnc-rate,64,2024-03-31" in log.stdout
    for refused in (record, undo):
        assert (
            "cannot write" in one_line_error(refused) or "readonly" in refused.stderr or "read-only" in refused.stderr
        )


def test_records_of_a_removed_indicator_are_reported_by_check_and_shown_nowhere_else(run, tmp_path, catalogue_file):
    run(["record", "cnc-rate", "64", "--date", "2024-03"])
    run(["record", "5g-base-stations", "35000", "--date", "2024-03"])
    text = catalogue_file.read_text(encoding="utf-8")
    start = text.index('[[indicator]]\n    id = "cnc-rate"') if "    id" in text else text.index('id = "cnc-rate"')
    start = text.rindex("[[indicator]]", 0, text.index('id = "cnc-rate"'))
    end = text.index("[[indicator]]", start + 1)
    catalogue_file.write_text(text[:start] + text[end:], encoding="utf-8")

    check = run(["check"])
    assert check.code == 1
    assert "cnc-rate: 1 record for an indicator the catalogue no longer has" in check.stdout
    for args in (
        ["status", "--format", "csv"],
        ["log", "--all", "--format", "csv"],
        ["list", "--format", "csv"],
        ["report", "--html", "r.html"],
        ["show", "5g-base-stations"],
        ["explain", "5g-base-stations"],
    ):
        result = run(args)
        assert result.code == 0, (args, result.stderr)
        assert "cnc-rate" not in result.stdout, args
    assert "cnc-rate" not in (tmp_path / "r.html").read_text(encoding="utf-8")
    # Nothing is lost: the records are still in the data file, and an export (a backup) carries them.
    assert "cnc-rate,64,2024-03-31" in run(["export"]).stdout
