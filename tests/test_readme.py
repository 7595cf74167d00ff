"""The README's tour, run: each `$ ` command of a section in one shell, its output as the README shows it.

Only the sections whose outputs do not depend on today or on the clock (every date is given, and
nothing shown carries a recording time) are run; a newcomer following them sees these very lines.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SYTRACK = Path(sys.executable).parent / "sytrack"


def console_steps(section: str) -> list[tuple[str, str]]:
    """(command, the output shown under it) for every `$ ` line in the section's console blocks."""
    body = README.split(f"### {section}\n", 1)[1].split("\n### ", 1)[0]
    steps: list[tuple[str, str]] = []
    for block in re.findall(r"```console\n(.*?)```", body, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], ""))
            elif steps:
                steps[-1] = (steps[-1][0], steps[-1][1] + line + "\n")
    return steps


def run_steps(steps: list[tuple[str, str]], folder: Path) -> list[str]:
    """Each command's standard output and error, run one after another in one bash in `folder`."""
    script = ["set +e"]
    for n, (command, _shown) in enumerate(steps):
        script += [f"echo '@@step {n}'", "{ " + command.replace("path/to/sytrack", str(ROOT)) + "; } 2>&1"]
    env = {
        **os.environ,
        "PATH": f"{SYTRACK.parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(folder),
        "COLUMNS": "100",
        "SYTRACK_PROGRESS": "never",
    }
    for name in ("SYTRACK_CATALOG", "SYTRACK_DB"):
        env.pop(name, None)
    result = subprocess.run(["bash", "-c", "\n".join(script)], cwd=folder, env=env, capture_output=True, text=True)
    outputs = re.split(r"^@@step \d+\n", result.stdout, flags=re.M)[1:]
    return [output.replace(str(folder), "/tmp/ana") for output in outputs]


@pytest.mark.skipif(not SYTRACK.exists() or shutil.which("bash") is None, reason="needs the installed sytrack and bash")
@pytest.mark.parametrize(
    "section", ["Districts and departments", "The reporting cycle: reminders, warnings, what changed"]
)
def test_the_readme_tour_prints_what_the_readme_shows(section: str, tmp_path: Path):
    steps = console_steps(section)
    assert len(steps) >= 8
    for (command, shown), printed in zip(steps, run_steps(steps, tmp_path)):
        assert printed.rstrip("\n") == shown.rstrip("\n"), f"$ {command}"
