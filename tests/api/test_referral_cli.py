"""`stepdown referral ...`: add, list, earliest, admit, withdraw; bad input exits 1, naming it."""

from __future__ import annotations

import json

import pytest

from tests.api.test_cli import cli_env, run  # noqa: F401  (the fixture)
from tests.conftest import SCENARIOS

ADD = (
    "referral",
    "add",
    "--program",
    "standard-101",
    "--planned-weeks",
    "8",
    "--initial-days",
    "3",
)


@pytest.mark.usefixtures("cli_env")
def test_a_referral_from_the_waitlist_to_an_enrolment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))[0] == 0
    code, out, err = run(
        monkeypatch,
        capsys,
        *ADD,
        "--referral",
        "R1",
        "--name",
        "Robin",
        "--earliest-start",
        "2026-11-30",
        "--commitment",
        "work:MON,TUE,WED,THU,FRI:08:00-16:30",
    )
    assert (code, out, err) == (0, "R1: waiting\n", "")
    code, out, _ = run(
        monkeypatch,
        capsys,
        *ADD,
        "--referral",
        "R2",
        "--name",
        "Sam",
        "--earliest-start",
        "2026-11-30",
        "--priority",
        "1",
        "--commitment",
        "childcare:MON,TUE,WED,THU,FRI:07:00-09:00",
        "--commitment",
        "childcare:MON,TUE,WED,THU,FRI:15:00-19:00",
    )
    assert code == 0
    code, out, _ = run(
        monkeypatch, capsys, "referral", "list", "--program", "standard-101", "--format", "json"
    )
    assert [r["referral_id"] for r in json.loads(out)] == ["R2", "R1"]

    code, out, _ = run(
        monkeypatch, capsys, "referral", "earliest", "--program", "standard-101", "--referral", "R1"
    )
    assert code == 0
    assert out.startswith("R1: can start 2026-11-30\n")
    code, out, _ = run(
        monkeypatch,
        capsys,
        "referral",
        "earliest",
        "--program",
        "standard-101",
        "--referral",
        "R2",
        "--horizon-weeks",
        "1",
    )
    assert "sessions fit their commitments" in out
    assert "on 1 day(s) (Sat)" in out

    code, out, _ = run(
        monkeypatch,
        capsys,
        "referral",
        "admit",
        "--program",
        "standard-101",
        "--referral",
        "R1",
        "--start",
        "2026-11-30",
    )
    assert (code, out) == (0, "R1: admitted, starts 2026-11-30\n")
    code, out, _ = run(
        monkeypatch,
        capsys,
        "referral",
        "withdraw",
        "--program",
        "standard-101",
        "--referral",
        "R2",
        "--reason",
        "moved away",
    )
    assert (code, out) == (0, "R2: withdrawn\n")
    code, out, _ = run(monkeypatch, capsys, "referral", "list", "--program", "standard-101")
    assert out == ""


@pytest.mark.usefixtures("cli_env")
def test_bad_referral_input_exits_1_naming_the_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    code, _, err = run(
        monkeypatch,
        capsys,
        *ADD,
        "--referral",
        "R1",
        "--name",
        "Robin",
        "--earliest-start",
        "2026-11-30",
        "--commitment",
        "work:MON,XYZ:08:00-16:30",
    )
    assert code == 1
    assert "referral.commitments.0.days.1" in err
    code, _, err = run(
        monkeypatch,
        capsys,
        "referral",
        "admit",
        "--program",
        "standard-101",
        "--referral",
        "R1",
        "--start",
        "2026-12-07",
    )
    assert code == 1
    assert "'R1' is not a referral" in err
    code, out, _ = run(
        monkeypatch, capsys, "referral", "list", "--program", "standard-101", "--status", "all"
    )
    assert out == ""
