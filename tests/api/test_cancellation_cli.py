"""`stepdown session cancel` names who moved where and whom to call; `session uncancel` brings
the meeting back with its patients, once, and names it when refused."""

from __future__ import annotations

import re
import sys

import pytest

from api.cli import main
from events.persistence import Database
from tests.api.conftest import PROGRAM
from tests.conftest import NOW, SCENARIOS

WEEK, MEETING = "2026-W49", ("--session", "mon-evening-1", "--date", "2026-11-30")


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["stepdown", *args])
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cancel_then_uncancel_from_the_command_line(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", database.url)
    monkeypatch.setenv("STEPDOWN_NOW", NOW.isoformat())
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))[0] == 0
    for step in ("generate", "publish"):
        assert run(monkeypatch, capsys, "roster", step, "--week", WEEK)[0] == 0

    code, out, _ = run(
        monkeypatch, capsys, "session", "cancel", "--program", PROGRAM, *MEETING, "--reason", "ill"
    )
    assert code == 0
    found = re.search(r"cancelled: (\d+) moved to a make-up, (\d+) to call", out)
    assert found, out
    moved, to_call = int(found.group(1)), int(found.group(2))
    assert out.count("Moved: ") == moved
    assert out.count("To call: ") == to_call
    assert moved + to_call > 0
    assert "stepdown session uncancel" in out

    code, out, _ = run(monkeypatch, capsys, "session", "uncancel", "--program", PROGRAM, *MEETING)
    assert code == 0
    assert "mon-evening-1 on 2026-11-30 will be held after all." in out
    assert out.count("Make-up withdrawn: ") == moved
    assert "Back in the meeting: " in out

    code, _, err = run(monkeypatch, capsys, "session", "uncancel", "--program", PROGRAM, *MEETING)
    assert code == 1
    assert "mon-evening-1 on 2026-11-30 is not cancelled" in err
