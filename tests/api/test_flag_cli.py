"""`stepdown patient acknowledge-flag` and `stepdown patient flags`, on every backend."""

from __future__ import annotations

import pytest

from events.persistence import Database
from scheduler.importing import import_program
from scheduler.service import open_stepdown
from tests.api.test_cli import cli_env, run
from tests.conftest import SCENARIOS, fixed_clock
from tests.integration.helpers import publish_seats
from tests.integration.test_worklist import EVENINGS_47, PROGRAM, miss

__all__ = ["cli_env"]  # the fixture, used by name

PATIENT = ("--program", PROGRAM, "--patient", "P0002")


@pytest.fixture
def flagged(database: Database) -> None:
    """P0002 missed three evening groups in a row without contact: outreach is open."""
    stepdown = open_stepdown(database, clock=fixed_clock)
    try:
        import_program(stepdown, (SCENARIOS / "sample.json").read_bytes(), actor="setup")
        publish_seats(stepdown, PROGRAM, "2026-W47", [("P0002", s, d) for s, d in EVENINGS_47])
        for session_id, day in EVENINGS_47:
            miss(stepdown, session_id, day)
        stepdown.catch_up()
    finally:
        stepdown.close()


@pytest.mark.usefixtures("cli_env", "flagged")
def test_a_flag_acknowledged_from_the_command_line_shows_closed_with_its_note(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "patient", "flags", *PATIENT)
    assert (code, out) == (
        0,
        "outreach raised 2026-11-18 (3 consecutive misses without contact); open\n",
    )
    acknowledge = ("patient", "acknowledge-flag", *PATIENT, "--flag", "outreach")
    code, out, _ = run(monkeypatch, capsys, *acknowledge, "--note", "Reached by phone")
    assert (code, out) == (0, "P0002: outreach acknowledged on 2026-11-25 by test-coordinator\n")
    code, out, _ = run(monkeypatch, capsys, "patient", "flags", *PATIENT)
    assert out.endswith("acknowledged 2026-11-25 by test-coordinator: Reached by phone\n")

    code, _, err = run(monkeypatch, capsys, *acknowledge, "--note", "again")
    assert code == 1
    assert "P0002 has no open outreach flag to acknowledge" in err
    code, _, err = run(monkeypatch, capsys, *acknowledge[:-1], "relapse", "--note", "x")
    assert code == 2
    assert "'relapse' is not one of 'outreach', 'clinical_review'" in err
