"""One clock: the system's, or STEPDOWN_NOW's, read once where each process is composed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.app import create_app
from api.cli_common import service
from api.settings import Settings
from events.errors import InvalidRequestError
from events.persistence import database_from_url
from scheduler.clock import clock_from_environment, fixed_clock, parse_now, system_clock
from scheduler.plan_end_policy import PlanEndPolicy
from scheduler.service import open_stepdown

DEMO_NOW = "2026-12-07T09:00:00-06:00"


def test_stepdown_now_is_an_instant_with_its_offset() -> None:
    assert parse_now(DEMO_NOW) == datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    assert parse_now(" 2026-12-07T15:00:00Z ") == datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["tomorrow", "2026-12-07T09:00:00", "2026-12-07"])
def test_stepdown_now_without_an_offset_or_not_a_date_time_is_refused(text: str) -> None:
    with pytest.raises(InvalidRequestError, match="STEPDOWN_NOW"):
        parse_now(text)


def test_without_stepdown_now_the_clock_is_the_systems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STEPDOWN_NOW", raising=False)
    assert clock_from_environment() is system_clock
    assert system_clock().tzinfo is UTC


def test_a_fixed_clock_does_not_advance() -> None:
    instant = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    clock = fixed_clock(instant)
    assert clock() == clock() == instant


def test_today_is_the_date_where_the_program_is(tmp_path: Path) -> None:
    # 03:00 UTC on the 8th is still the evening of the 7th in Chicago.
    instant = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
    stepdown = open_stepdown(
        database_from_url(f"sqlite:///{tmp_path}/s.db"), clock=fixed_clock(instant)
    )
    try:
        assert stepdown.today("America/Chicago").isoformat() == "2026-12-07"
        assert stepdown.today("Europe/Berlin").isoformat() == "2026-12-08"
    finally:
        stepdown.close()


def test_the_cli_the_server_and_the_worker_all_read_stepdown_now(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    monkeypatch.setenv("STEPDOWN_NOW", DEMO_NOW)
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", url)
    expected = parse_now(DEMO_NOW)
    with service() as cli_service:  # the CLI and `stepdown worker` open the service this way
        assert cli_service.clock() == expected
        assert any(isinstance(p, PlanEndPolicy) for p in cli_service.policies)
    app = create_app(Settings(database_url=url))
    try:
        assert app.state.stepdown.clock() == expected
    finally:
        app.state.stepdown.close()
