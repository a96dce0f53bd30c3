"""`stepdown jobs`: a program asks for nightly drafts; a job is shown as the API shows it."""

from __future__ import annotations

import json

import pytest

from events.persistence import Database, database_from_url
from scheduler.jobs.records import JobTable
from scheduler.jobs.tasks import ROSTER, roster_params
from scheduler.service import open_stepdown
from tests.api.test_cli import run
from tests.conftest import NOW, SCENARIOS

PROGRAM = "standard-101"


@pytest.fixture
def cli_env(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", database.url)
    monkeypatch.setenv("STEPDOWN_ACTOR", "test-coordinator")
    monkeypatch.setenv("STEPDOWN_NOW", NOW.isoformat())


@pytest.mark.usefixtures("cli_env")
def test_a_program_asks_for_nightly_drafts_and_a_job_is_shown(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database: Database
) -> None:
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))[0] == 0
    assert run(monkeypatch, capsys, "jobs", "nightly-drafts", "on")[1:] == (
        f"{PROGRAM}: nightly drafts on\n",
        "",
    )
    assert run(monkeypatch, capsys, "jobs", "nightly-drafts", "on")[1] == (
        f"{PROGRAM}: nightly drafts on (unchanged)\n"
    )
    code, _, err = run(monkeypatch, capsys, "jobs", "nightly-drafts", "--program", "nope", "on")
    assert (code, err) == (1, "error: program: 'nope' does not exist\n")
    service = open_stepdown(database_from_url(database.url))
    try:
        assert service.app.get_program(PROGRAM).nightly_drafts
        job, _ = JobTable(service.views).create(
            ROSTER, PROGRAM, "2026-W49", "coordinator", roster_params(None, None)
        )
    finally:
        service.close()
    code, out, _ = run(monkeypatch, capsys, "jobs", "show", job.job_id)
    assert code == 0
    shown = json.loads(out)
    assert (shown["status"], shown["attempts"], shown["week"]) == ("queued", 0, "2026-W49")
    assert run(monkeypatch, capsys, "jobs", "show", "0" * 32)[0] == 1
