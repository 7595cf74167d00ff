"""Import judges each row's plausibility as `record` does: the city's figures by the city's target and
history, an org's by its own allocation and its own history (an org's share of a sum always looks small
beside the city's)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DISTRICTS = Path(__file__).parent / "data" / "districts.toml"


pytestmark = pytest.mark.usefixtures("store_env")  # every test on both stores (conftest)


@pytest.fixture(autouse=True)
def districts(tmp_path):
    shutil.copy(DISTRICTS, tmp_path / "indicators.toml")


def write(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "rows.csv"
    path.write_text("indicator,value,date,org\n" + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return str(path)


def test_an_org_row_is_judged_by_the_org_s_allocation_not_by_the_city_s_target(run, tmp_path):
    # 80 factories is plausible for the city (target 30) but not for Tiexi (allocated 12).
    result = run(["import", write(tmp_path, "smart-factories,25,2024-03-31,", "smart-factories,80,2024-03-31,tiexi")])
    assert result.code == 0, result.stderr
    assert result.stderr == (
        "sytrack: warning: 1 row is far outside the expected range (80个 for smart-factories (tiexi) is far outside"
        " the expected 0个 to 36个 (from its baseline and targets)); imported as written\n"
    )
    assert result.stdout.startswith("imported 2 records from ")


def test_an_org_row_is_judged_by_the_org_s_own_history_and_strict_refuses_the_file(run, tmp_path):
    for value, date in (("10", "2024-01-31"), ("11", "2024-02-29"), ("12", "2024-03-31")):
        assert run(["record", "smart-factories", value, "--date", date, "--org", "tiexi"]).code == 0
    before = run(["export"]).stdout
    rows = write(tmp_path, "smart-factories,13,2024-04-30,tiexi", "smart-factories,130,2024-05-31,tiexi")
    result = run(["import", "--strict", rows])
    assert result.code == 1 and result.stdout == ""
    assert result.stderr == (
        "sytrack: error: 1 row is far outside the expected range (130个 for smart-factories (tiexi) is far outside"
        " the expected 0个 to 36个 (from its last 3 values)); --strict refuses the file: nothing was written\n"
    )
    assert run(["export"]).stdout == before
    # The same figure from a street with no allocation and no history: nothing to judge it by.
    result = run(["import", "--strict", write(tmp_path, "smart-factories,130,2024-05-31,yanfen")])
    assert result.code == 0 and result.stderr == ""
