"""A read model never hangs anything: repeatable events are applied idempotently, and a handler
that still fails stops its read model at that event, reported, until the fix resumes it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest

from events.persistence import Database
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.health import projection_statuses
from scheduler.importing import import_program
from scheduler.projections.runner import ProjectionRunner
from scheduler.roster_queries import roster_document
from scheduler.rosters import generate_roster, publish_roster
from scheduler.service import Stepdown, open_stepdown
from scheduler.worker import Loop, loops, run_loop
from tests.integration.counting import CountingProjection, applications, logged_events
from tests.integration.helpers import dump_views, event_count

PROGRAM = "standard-101"
# Late enough that the weeks below are past: attendance for them is no longer in the future.
LATE = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def late_clock() -> datetime:
    return LATE


@pytest.fixture
def late(database: Database, sample_text: str) -> Iterator[Stepdown]:
    stepdown = open_stepdown(database, clock=late_clock)
    try:
        import_program(stepdown, sample_text, actor="coordinator")
        stepdown.catch_up()
        yield stepdown
    finally:
        stepdown.close()


def _published_seats(stepdown: Stepdown, week: str, patient_id: str) -> list[tuple[str, date]]:
    generate_roster(stepdown, PROGRAM, week, actor="coordinator", seed=3, deterministic=True)
    stepdown.catch_up()
    publish_roster(stepdown, PROGRAM, week, actor="coordinator")
    stepdown.catch_up()
    patient = next(
        p
        for p in roster_document(stepdown, PROGRAM, week)["patients"]
        if p["patient_id"] == patient_id
    )
    return [
        (seat["session_id"], date.fromisoformat(seat["date"])) for seat in patient["session_ids"]
    ]


def _mark(
    stepdown: Stepdown,
    patient_id: str,
    seat: tuple[str, date],
    status: AttendanceStatus,
    **more: str,
) -> None:
    record_attendance(
        stepdown,
        program_id=PROGRAM,
        patient_id=patient_id,
        session_id=seat[0],
        session_date=seat[1],
        status=status,
        actor="nurse",
        **more,  # type: ignore[arg-type]
    )


def _catch_up_returns(stepdown: Stepdown) -> None:
    """Catch up in a thread, so that a jammed read model fails the test instead of hanging it."""
    done = threading.Event()

    def catch_up() -> None:
        stepdown.catch_up()
        done.set()

    threading.Thread(target=catch_up, daemon=True).start()
    assert done.wait(60), "catch-up did not return"


def test_an_outreach_flag_raised_again_on_the_same_day_reopens_it_instead_of_jamming(
    late: Stepdown,
) -> None:
    earlier = _published_seats(late, "2026-W46", "P0003")
    seats = _published_seats(late, "2026-W47", "P0003")
    # Three misses in a row without contact raise the outreach flag on the third one's day.
    for seat in seats[:3]:
        _mark(late, "P0003", seat, AttendanceStatus.MISSED, reason="no show")
    _catch_up_returns(late)
    # A late `attended` for an earlier week answers the flag; then the same day's miss is
    # recorded again (another reason): the flag is raised a second time for that day.
    _mark(late, "P0003", earlier[0], AttendanceStatus.ATTENDED)
    _mark(late, "P0003", seats[2], AttendanceStatus.MISSED, reason="no answer at home")
    _catch_up_returns(late)

    assert late.stopped_projections() == {}
    assert all(status.lag in (0, None) for status in projection_statuses(late))
    with late.views.transaction(commit=False) as cursor:
        flags = cursor.query(
            "SELECT raised_on, open FROM view_attendance_flags "
            "WHERE patient_id = 'P0003' AND flag = 'outreach'"
        )
    enrollment = late.app.get_enrollment(PROGRAM, "P0003")
    assert [flag["raised_on"] for flag in flags] == [seats[2][1].isoformat()]
    assert bool(flags[0]["open"]) == ("outreach" in enrollment.open_flags)
    for runner in late.runners:
        incremental = dump_views(late, runner)
        runner.rebuild()
        assert dump_views(late, runner) == incremental, runner.name


def _counting_runner(stepdown: Stepdown, projection: CountingProjection) -> ProjectionRunner:
    """A runner as a process would build it, added to the service's read models."""
    runner = ProjectionRunner(stepdown.app, stepdown.views, projection, batch_size=50)
    stepdown.runners = (*[r for r in stepdown.runners if r.name != runner.name], runner)
    return runner


FAILING = "Roster.RosterGenerated"


def _generate(stepdown: Stepdown) -> int:
    """A write whose last event is a `RosterGenerated`; returns that event's position."""
    generate_roster(stepdown, PROGRAM, "2026-W50", actor="coordinator", seed=3, deterministic=True)
    return event_count(stepdown)


def _publish(stepdown: Stepdown) -> None:
    publish_roster(stepdown, PROGRAM, "2026-W50", actor="coordinator")


def test_a_failing_handler_stops_its_read_model_at_that_event_until_the_fix_resumes_it(
    late: Stepdown,
) -> None:
    broken = CountingProjection(failing_topic=FAILING)
    runner = _counting_runner(late, broken)
    late.catch_up()

    # The write is stored and acknowledged; the read model stops at the miss.
    failing = _generate(late)
    assert late.refresh_after_write() is True
    stop = late.stopped_projections()["counting"]
    assert stop.notification_id == failing
    assert stop.topic.endswith(FAILING)
    assert stop.error == "RuntimeError: handler defect: cannot apply this event"
    assert runner.position() == failing - 1
    assert runner.stopped() == stop

    # Later events: the stopped read model applies none and does not try again; others go on.
    calls = broken.calls
    _publish(late)
    assert late.refresh_after_write() is True
    assert broken.calls == calls
    assert runner.position() == failing - 1
    statuses = {status.name: status for status in projection_statuses(late)}
    assert statuses["counting"].stop == stop
    assert (statuses["counting"].lag or 0) > 0
    assert all(
        status.stop is None and status.lag in (0, None)
        for name, status in statuses.items()
        if name != "counting"
    )

    # A process starting with the code still broken tries the event once more, and stops again.
    still_broken = _counting_runner(late, CountingProjection(failing_topic=FAILING))
    assert still_broken.catch_up() == 0
    assert still_broken.stopped() is not None
    assert still_broken.position() == failing - 1

    # The fix deployed: a new runner applies the event and everything after it, exactly once.
    fixed = _counting_runner(late, CountingProjection())
    assert fixed.catch_up() == event_count(late) - (failing - 1)
    assert late.stopped_projections() == {}
    assert fixed.position() == event_count(late)
    assert fixed.events_applied() == event_count(late)
    assert applications(late) == dict.fromkeys(logged_events(late), 1)


def test_resume_tries_the_failing_event_again_with_this_process_code(late: Stepdown) -> None:
    broken = CountingProjection(failing_topic=FAILING)
    _counting_runner(late, broken)
    failing = _generate(late)
    late.refresh_after_write()
    assert late.resume(["counting"])["counting"].notification_id == failing  # still broken

    broken.failing_topic = None  # the fix
    assert late.resume() == {}
    assert applications(late) == dict.fromkeys(logged_events(late), 1)


def test_a_rebuild_stops_at_the_failing_event_with_every_earlier_event_applied_once(
    late: Stepdown,
) -> None:
    runner = _counting_runner(late, CountingProjection())
    failing = _generate(late)
    late.catch_up()
    _publish(late)
    late.catch_up()

    runner.projection = broken = CountingProjection(failing_topic=FAILING)
    runner._handlers = broken.handlers()
    assert runner.rebuild() == failing - 1
    assert runner.stopped() is not None
    assert runner.position() == failing - 1
    applied = applications(late)
    assert applied == dict.fromkeys(logged_events(late)[: failing - 1], 1)


def test_the_worker_logs_a_stopped_read_model_once_and_keeps_the_other_loops_going(
    late: Stepdown, caplog: pytest.LogCaptureFixture
) -> None:
    broken = CountingProjection(failing_topic=FAILING)
    _counting_runner(late, broken)
    failing = _generate(late)
    caplog.set_level(logging.INFO)
    for loop in loops(late):
        stop = threading.Event()
        run_loop(Loop(loop.name, _stopping_after(3, loop.step, stop)), stop, interval_s=0.001)

    stopped = [r for r in caplog.records if "stopped at event" in r.getMessage()]
    assert [r.getMessage().split(" (")[0] for r in stopped] == [
        f"read model counting stopped at event {failing}"
    ]
    assert applications(late) == dict.fromkeys(logged_events(late)[: failing - 1], 1)
    # Idle from then on: no retry storm.
    calls = broken.calls
    stop = threading.Event()
    counting = next(loop for loop in loops(late) if loop.name == "counting")
    run_loop(Loop("counting", _stopping_after(5, counting.step, stop)), stop, interval_s=0)
    assert broken.calls == calls
    head = event_count(late)
    assert all(runner.position() == head for runner in late.runners if runner.name != "counting")


def _stopping_after(
    steps: int, step: Callable[[], int], stop: threading.Event
) -> Callable[[], int]:
    """The loop's step, then a stop signal once it has run `steps` times (no sleeping test)."""
    taken = 0

    def counted() -> int:
        nonlocal taken
        taken += 1
        if taken == steps:
            stop.set()
        return step()

    return counted


def test_the_make_up_policy_stops_at_a_miss_it_cannot_handle_and_resumes_after_the_fix(
    late: Stepdown, monkeypatch: pytest.MonkeyPatch
) -> None:
    seats = _published_seats(late, "2026-W47", "P0003")
    policy = late.policies[0]

    def defect(event: object) -> None:
        raise KeyError("a defect in the policy")

    monkeypatch.setattr(policy, "handle", defect)
    _mark(late, "P0003", seats[0], AttendanceStatus.MISSED, reason="flu")
    missed = event_count(late)
    assert late.refresh_after_write() is True  # the miss is stored and acknowledged
    stop = late.stopped_projections()["makeup_policy"]
    assert (stop.notification_id, stop.error) == (missed, "KeyError: 'a defect in the policy'")
    assert all(runner.position() == event_count(late) for runner in late.runners)

    monkeypatch.undo()  # the fix
    assert late.resume() == {}
    assert late.views.position("makeup_policy") == missed
    assert (seats[0][0], seats[0][1]) in late.app.get_enrollment(PROGRAM, "P0003").make_ups
