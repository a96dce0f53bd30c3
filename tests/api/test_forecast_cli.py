"""`stepdown forecast`, `whatif` and `advise` against the sample program."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from events.persistence import Database
from tests.api.test_cli import run
from tests.conftest import NOW, SCENARIOS


@pytest.fixture
def imported(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", database.url)
    monkeypatch.setenv("STEPDOWN_ACTOR", "test-coordinator")
    monkeypatch.setenv("STEPDOWN_NOW", NOW.isoformat())
    code, _, err = run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    assert code == 0, err


@pytest.mark.usefixtures("imported")
def test_forecast_text_and_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(monkeypatch, capsys, "forecast", "--weeks", "3")
    assert code == 0, err
    assert out.splitlines()[1].startswith("2026-W49")
    assert "(availability)" in out
    assert "childcare" in out
    admissions = tmp_path / "admissions.json"
    admissions.write_text(
        json.dumps(
            {
                "admissions": [
                    {
                        "id": "R1",
                        "start_week": "2026-W50",
                        "planned_weeks": 8,
                        "initial_days_per_week": 3,
                    }
                ]
            }
        )
    )
    code, out, err = run(
        monkeypatch,
        capsys,
        "forecast",
        "--weeks",
        "3",
        "--admissions",
        str(admissions),
        "--format",
        "json",
    )
    assert code == 0, err
    assert json.loads(out)["admissions"][0]["start_week"] == "2026-W50"


@pytest.mark.usefixtures("imported")
def test_whatif_side_by_side_and_its_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        monkeypatch,
        capsys,
        "whatif",
        "--weeks",
        "2",
        "--add-session",
        "WED 09:30-12:30 day 12",
        "--capacity",
        "sat-weekend-1=12",
        "--closure",
        "2026-12-02:staff training",
    )
    assert code == 0, err
    assert "2026-W49" in out
    assert "→" in out
    assert "nothing recorded" in out
    code, _, err = run(monkeypatch, capsys, "whatif", "--remove-session", "sun-1")
    assert code == 1
    assert "session: 'sun-1' does not exist" in err
    code, _, err = run(monkeypatch, capsys, "whatif", "--closure", "2030-01-01")
    assert code == 1
    assert "outside the forecast's weeks" in err
    code, _, err = run(monkeypatch, capsys, "whatif", "--add-session", "WED 9-12 day 12")
    assert code == 2
    assert "--add-session" in err
    code, _, err = run(monkeypatch, capsys, "whatif")
    assert code == 2


@pytest.mark.usefixtures("imported")
def test_advise(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(monkeypatch, capsys, "advise", "--weeks", "4", "--count", "2")
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.startswith("open ")]
    assert 1 <= len(lines) <= 2
    assert "patient-days" in lines[0]
    assert "proven" in lines[0]


@pytest.mark.usefixtures("imported")
def test_the_waitlist_in_the_forecast_and_a_what_if(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        monkeypatch,
        capsys,
        *("referral", "add", "--program", "standard-101", "--referral", "R0001"),
        *("--name", "Robin", "--planned-weeks", "8", "--initial-days", "3"),
        *("--earliest-start", "2026-12-07"),
    )
    assert code == 0, err
    code, out, err = run(
        monkeypatch, capsys, "forecast", "--weeks", "3", "--waitlist", "--format", "json"
    )
    assert code == 0, err
    [start] = json.loads(out)["admissions"]
    assert (start["admission_id"], start["start_week"]) == ("R0001", "2026-W50")
    code, out, err = run(monkeypatch, capsys, "whatif", "--weeks", "3", "--admit-waitlist", "1")
    assert code == 0, err
    assert "nothing recorded" in out
