import threading
from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError

from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.importing import import_program
from scheduler.projections.compliance import ComplianceProjection
from scheduler.projections.roster import RosterProjection
from scheduler.projections.runner import ProjectionRunner
from scheduler.projections.store import ViewStore
from scheduler.rosters import generate_roster
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import fixed_clock
from tests.integration.helpers import dump_views, event_count, publish_seats


def _busy_program(stepdown: Stepdown, sample_text: str) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    meetings = ((date(2026, 11, 16), "mon-evening-1"), (date(2026, 11, 18), "wed-evening-1"))
    seats = [(p, session, day) for day, session in meetings for p in ("P0001", "P0002", "P0003")]
    publish_seats(stepdown, "standard-101", "2026-W47", seats)
    for day, session in meetings:
        for patient in ("P0001", "P0002", "P0003"):
            record_attendance(
                stepdown,
                program_id="standard-101",
                patient_id=patient,
                session_id=session,
                session_date=day,
                status=AttendanceStatus.ATTENDED if patient != "P0003" else AttendanceStatus.MISSED,
                actor="nurse",
            )


def _fresh_runner(stepdown: Stepdown, name: str) -> ProjectionRunner:
    """A runner as a restarted process would build it."""
    projection = stepdown.runner(name).projection
    return ProjectionRunner(stepdown.app, stepdown.views, type(projection)(), batch_size=7)


@pytest.mark.parametrize(
    "name", ["directory", "census", "attendance", "compliance", "roster", "waitlist"]
)
def test_stopped_half_way_and_restarted_applies_every_event_once(
    stepdown: Stepdown, sample_text: str, name: str
) -> None:
    _busy_program(stepdown, sample_text)
    total = event_count(stepdown)
    first = _fresh_runner(stepdown, name)
    assert first.catch_up(max_events=total // 2) == total // 2
    restarted = _fresh_runner(stepdown, name)
    assert restarted.catch_up() == total - total // 2
    assert restarted.events_applied() == total
    assert restarted.position() == total
    incremental = dump_views(stepdown, restarted)
    restarted.rebuild()
    assert dump_views(stepdown, restarted) == incremental


class PowerCut(BaseException):
    """The process dies mid-batch (not a handler's error: nothing in the process catches it)."""


def test_a_crash_inside_a_batch_applies_none_of_it(stepdown: Stepdown, sample_text: str) -> None:
    _busy_program(stepdown, sample_text)
    total = event_count(stepdown)
    runner = _fresh_runner(stepdown, "attendance")
    handlers: dict[str, Any] = dict(runner._handlers)
    calls = {"n": 0}

    def crash_on_third_attendance(cursor: Any, event: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise PowerCut
        handlers["Enrollment.SessionAttended"](cursor, event)

    runner._handlers = {**handlers, "Enrollment.SessionAttended": crash_on_third_attendance}
    runner.batch_size = 1000
    with pytest.raises(PowerCut):
        runner.catch_up()
    assert runner.position() == 0
    assert runner.events_applied() == 0
    restarted = _fresh_runner(stepdown, "attendance")
    restarted.catch_up()
    assert restarted.events_applied() == total
    incremental = dump_views(stepdown, restarted)
    restarted.rebuild()
    assert dump_views(stepdown, restarted) == incremental


def test_two_runners_on_one_projection_apply_each_event_once(
    stepdown: Stepdown, sample_text: str
) -> None:
    _busy_program(stepdown, sample_text)
    total = event_count(stepdown)
    # as two worker processes would: each with its own connections to the database
    stores = [ViewStore(stepdown.views.database) for _ in range(2)]
    runners = [
        ProjectionRunner(stepdown.app, store, ComplianceProjection(), batch_size=5)
        for store in stores
    ]
    threads = [threading.Thread(target=runner.catch_up) for runner in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert runners[0].events_applied() == total
    assert runners[0].position() == total
    for store in stores:
        store.close()


def test_every_projection_rebuilt_equals_the_incremental_build(
    stepdown: Stepdown, sample_text: str
) -> None:
    _busy_program(stepdown, sample_text)
    stepdown.catch_up()
    for runner in stepdown.runners:
        incremental = dump_views(stepdown, runner)
        assert runner.rebuild() == event_count(stepdown)
        assert dump_views(stepdown, runner) == incremental, runner.name


def test_a_read_model_made_by_an_older_version_is_rebuilt_once_on_opening(
    stepdown: Stepdown, sample_text: str
) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    generate_roster(stepdown, "standard-101", "2026-W49", actor="c", seed=3, deterministic=True)
    stepdown.catch_up()
    # What a store written before roster versions were kept looks like:
    with stepdown.views.transaction() as cursor:
        cursor.execute("DELETE FROM view_roster_versions")
        cursor.execute("UPDATE view_projection_versions SET version = 1 WHERE name = 'roster'")
    reopened = open_stepdown(stepdown.app.database, clock=fixed_clock)
    try:
        with reopened.views.transaction(commit=False) as cursor:
            versions = cursor.query("SELECT version, change FROM view_roster_versions")
            recorded = cursor.query(
                "SELECT version FROM view_projection_versions WHERE name = 'roster'"
            )
    finally:
        reopened.close()
    assert versions == [{"version": 1, "change": "generated"}]
    assert recorded == [{"version": RosterProjection.version}]


def test_a_write_stands_when_its_read_models_cannot_catch_up(
    stepdown: Stepdown, sample_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_program(stepdown, sample_text, actor="coordinator")

    def database_gone(**_: Any) -> int:
        raise OperationalError("connection lost")

    monkeypatch.setattr(stepdown.runner("census"), "catch_up", database_gone)
    assert stepdown.refresh_after_write() is False  # said, not raised
    monkeypatch.undo()
    assert stepdown.refresh_after_write() is True
    assert event_count(stepdown) > 0
