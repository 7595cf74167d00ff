"""-o FILE: a regular file is replaced atomically; anything else is written into or refused, never replaced."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import threading
from pathlib import Path

import pytest


def one_error_line(stderr: str) -> str:
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert stderr.startswith("sytrack: error: ")
    return stderr[len("sytrack: error: ") : -1]


def test_a_symbolic_link_is_written_through_to_its_target(run, catalogue_file, tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = run(["list", "--format", "csv", "-o", str(link)])
    assert result.code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith("id,")


def test_a_fifo_is_written_into_as_a_stream(run, catalogue_file, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run(["list", "--format", "csv", "-o", str(fifo)])
    reader.join(timeout=10)
    assert result.code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still the pipe, not a file put in its place
    assert received and received[0].startswith(b"id,")


def test_a_character_device_is_written_into_never_replaced(run, catalogue_file, tmp_path):
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the null device, made here
    except PermissionError:
        pytest.skip("making a device node needs root")
    result = run(["status", "--format", "csv", "-o", str(node)])
    assert result.code == 0, result.stderr
    assert stat.S_ISCHR(node.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".null")] == []


def test_a_socket_is_refused_and_left_alone(run, catalogue_file, tmp_path):
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = run(["list", "--format", "csv", "-o", str(path)])
    finally:
        server.close()
    assert result.code == 1
    assert "not a regular file" in one_error_line(result.stderr)
    assert stat.S_ISSOCK(path.lstat().st_mode)


@pytest.mark.parametrize("args", [["list", "--format", "csv"], ["list", "--format", "xlsx"], ["report", "--html"]])
def test_a_full_device_is_one_line(run, catalogue_file, args):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    if args[0] == "report":
        args = [*args, "/dev/full"]
    else:
        args = [*args, "-o", "/dev/full"]
    result = run(args)
    assert result.code == 1
    assert "No space left on device" in one_error_line(result.stderr)


@pytest.fixture
def full_folder(tmp_path: Path):
    """A folder on a filesystem of one page, so that any report overflows it (root only)."""
    folder = tmp_path / "small"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("mounting a tiny filesystem needs root")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize(
    "args", [["status", "--format", "csv", "-o"], ["list", "--format", "xlsx", "-o"], ["report", "--html"]]
)
def test_a_full_disk_keeps_the_old_file_and_says_so_in_one_line(run, full_folder, args, tmp_path):
    catalogue = Path(__file__).parents[1] / "src" / "sytrack" / "indicators.toml"
    old = full_folder / "report.out"
    old.write_bytes(b"the old report\n")
    result = run(["--catalog", str(catalogue), *args, str(old)])
    assert result.code == 1
    assert "No space left on device" in one_error_line(result.stderr)
    assert old.read_bytes() == b"the old report\n"
    assert sorted(p.name for p in full_folder.iterdir()) == ["report.out"]
