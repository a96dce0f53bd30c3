"""`stepdown projections status|resume`, and the warning after a write while a read model is
stopped: the command line says so, and the fix resumes it."""

from __future__ import annotations

import pytest

import scheduler.service
from events.persistence import Database
from scheduler.projections.registry import all_projections
from scheduler.projections.runner import Projection
from tests.api.test_cli import run
from tests.conftest import SCENARIOS
from tests.integration.counting import CountingProjection

WEEK = ("--week", "2026-W49")


@pytest.fixture
def cli_env(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", database.url)
    monkeypatch.setenv("STEPDOWN_ACTOR", "test-coordinator")


def _deploy(monkeypatch: pytest.MonkeyPatch, *, broken: bool) -> None:
    """The read models every CLI process opens, with a test one that is broken or fixed."""

    def projections() -> tuple[Projection, ...]:
        failing = "Roster.RosterGenerated" if broken else None
        return (*all_projections(), CountingProjection(failing_topic=failing))

    monkeypatch.setattr(scheduler.service, "all_projections", projections)


@pytest.mark.usefixtures("cli_env")
def test_the_cli_warns_reports_and_resumes_a_stopped_read_model(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _deploy(monkeypatch, broken=True)
    code, _, err = run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    assert (code, err) == (0, "")
    code, out, err = run(monkeypatch, capsys, "roster", "generate", *WEEK, "--time-limit", "20")
    assert code == 0  # stored and shown
    assert "warning: read model counting stopped at event " in err
    assert "RuntimeError: handler defect: cannot apply this event" in err

    code, out, _ = run(monkeypatch, capsys, "projections", "status")
    assert code == 1
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "stopped at event" in lines["counting"]
    assert lines["roster"].endswith("running")

    code, _, err = run(monkeypatch, capsys, "projections", "resume", "--name", "counting")
    assert code == 1
    # The command's own words, after the runner's log line (JSON: stderr is not a terminal).
    said = [line for line in err.splitlines() if not line.startswith("{")]
    assert said[0].startswith("counting: still stopped at event")

    _deploy(monkeypatch, broken=False)
    code, out, _ = run(monkeypatch, capsys, "projections", "resume")
    assert (code, out) == (0, "counting: resumed\n")
    code, out, _ = run(monkeypatch, capsys, "projections", "status")
    assert code == 0
    assert all(line.endswith("running") for line in out.splitlines()[1:])
