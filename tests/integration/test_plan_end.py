"""A draft records only itself; a plan's end steps the patient down when its date arrives."""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from events.errors import ConflictError, InvalidRequestError
from events.persistence import Database
from events.values import EnrollmentStatus
from scheduler import plan_end_policy, queries
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.enrollments import discharge, pause, resume, step_down
from scheduler.importing import import_program
from scheduler.rosters import generate_roster
from scheduler.service import Stepdown, open_stepdown
from scheduler.worker import loops
from tests.conftest import NOW
from tests.integration.helpers import event_count, publish_seats

PROGRAM = "standard-101"
# Started 2026-10-12 (or that week) for 8 weeks: the plan's last day is Sunday 2026-12-06.
ENDING = {"P0006", "P0028", "P0030"}
MONDAY_AFTER = date(2026, 12, 7)


class MovableClock:
    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def __call__(self) -> datetime:
        return self.instant


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(NOW)


@pytest.fixture
def program(database: Database, clock: MovableClock, sample_text: str) -> Iterator[Stepdown]:
    service = open_stepdown(database, clock=clock)
    import_program(service, sample_text, actor="coordinator")
    service.catch_up()
    try:
        yield service
    finally:
        service.close()


def _ending(stepdown: Stepdown) -> set[str]:
    return {
        e.patient_id
        for e in queries.census(stepdown, PROGRAM, as_of=MONDAY_AFTER)
        if e.program_week > e.plan_weeks
    }


def _stepped_down_events(stepdown: Stepdown) -> int:
    notifications = stepdown.app.recorder.select_notifications(
        start=1, limit=100_000, topics=["events.enrollment:Enrollment.SteppedDown"]
    )
    return len(notifications)


def test_generating_a_later_week_steps_nobody_down(program: Stepdown) -> None:
    ending = _ending(program)
    assert ending == ENDING
    before = event_count(program)
    generate_roster(program, PROGRAM, "2027-W10", actor="coordinator", time_limit_s=10)
    program.catch_up()
    assert event_count(program) == before + 2  # the roster opened and its draft, nothing else
    for patient_id in ending:
        status = program.app.get_enrollment(PROGRAM, patient_id).status
        assert status is EnrollmentStatus.ACTIVE


@pytest.mark.parametrize("week", ["9999-W52", "2026-W54", "1999-W10"])
def test_a_week_nobody_plans_for_is_refused_and_records_nothing(
    program: Stepdown, week: str
) -> None:
    before = event_count(program)
    with pytest.raises(InvalidRequestError, match=week):
        generate_roster(program, PROGRAM, week, actor="coordinator", time_limit_s=5)
    assert event_count(program) == before


def test_plan_end_step_down_happens_when_its_date_arrives(
    program: Stepdown, clock: MovableClock
) -> None:
    # Sunday evening in Chicago: the last plan day has not ended.
    clock.instant = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
    program.catch_up()
    assert _stepped_down_events(program) == 0
    # Monday 00:30 in Chicago: the Monday after the plan has arrived.
    clock.instant = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)
    program.catch_up()
    assert _stepped_down_events(program) == len(ENDING)
    for patient_id in ENDING:
        entry = queries.census_entry(program, PROGRAM, patient_id)
        assert entry.status == "stepped-down"
        assert entry.ended_on == MONDAY_AFTER
        assert entry.end_note is not None
        assert "no published roster or attendance was recorded" in entry.end_note
    assert ENDING.isdisjoint(e.patient_id for e in queries.census(program, PROGRAM))


def test_plan_end_step_down_is_recorded_once_with_two_runners(
    database: Database, program: Stepdown, clock: MovableClock
) -> None:
    clock.instant = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    other = open_stepdown(database, clock=clock)
    try:
        other.catch_up()
        program.catch_up()
        other.catch_up()
    finally:
        other.close()
    assert _stepped_down_events(program) == len(ENDING)


def test_a_stepped_down_patient_is_not_stepped_down_again(
    program: Stepdown, clock: MovableClock
) -> None:
    step_down(program, PROGRAM, "P0006", summary="ready early", actor="clinician")
    clock.instant = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)
    program.catch_up()
    assert _stepped_down_events(program) == len(ENDING)
    summary = program.app.get_enrollment(PROGRAM, "P0006")
    assert summary.status is EnrollmentStatus.STEPPED_DOWN


def _rostered(stepdown: Stepdown, week: str) -> dict[str, set[date]]:
    solution = generate_roster(stepdown, PROGRAM, week, actor="coordinator", time_limit_s=5)
    stepdown.catch_up()
    days: dict[str, set[date]] = {o.patient_id: set() for o in solution.outcomes}
    for placement in solution.placements:
        days[placement.patient_id].add(placement.day)
    return days


def test_a_stepped_down_patient_stays_in_their_last_plan_week(
    program: Stepdown, clock: MovableClock
) -> None:
    clock.instant = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    program.catch_up()
    assert queries.census_entry(program, PROGRAM, "P0006").status == "stepped-down"
    assert "P0006" in _rostered(program, "2026-W49")
    assert "P0006" not in _rostered(program, "2026-W50")


def test_a_discharged_patient_is_rostered_only_before_the_discharge_date(
    program: Stepdown,
) -> None:
    wednesday = date(2026, 11, 25)  # today, by the fixed clock
    discharge(program, PROGRAM, "P0030", reason="moved away", actor="coordinator")
    program.catch_up()
    assert "P0030" in _rostered(program, "2026-W47")
    this_week = _rostered(program, "2026-W48")
    assert "P0030" in this_week
    assert all(day < wednesday for day in this_week["P0030"])


def test_a_paused_patient_is_rostered_only_on_the_days_they_were_not_paused(
    program: Stepdown, clock: MovableClock
) -> None:
    pause(program, PROGRAM, "P0028", reason="hospital", actor="coordinator")
    clock.instant = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)  # Friday
    resume(program, PROGRAM, "P0028", actor="coordinator")
    program.catch_up()
    days = _rostered(program, "2026-W48")
    assert "P0028" in days
    assert not {date(2026, 11, 25), date(2026, 11, 26)} & days["P0028"]


def test_attendance_before_a_step_down_took_effect_is_still_recorded(
    program: Stepdown, clock: MovableClock
) -> None:
    friday, monday = date(2026, 12, 4), MONDAY_AFTER
    publish_seats(program, PROGRAM, "2026-W49", [("P0006", "fri-evening-1", friday)])
    publish_seats(program, PROGRAM, "2026-W50", [("P0006", "mon-evening-1", monday)])
    clock.instant = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    program.catch_up()
    assert program.app.get_enrollment(PROGRAM, "P0006").status is EnrollmentStatus.STEPPED_DOWN

    def attended(session_id: str, day: date) -> bool:
        return record_attendance(
            program,
            program_id=PROGRAM,
            patient_id="P0006",
            session_id=session_id,
            session_date=day,
            status=AttendanceStatus.ATTENDED,
            actor="nurse",
        )

    assert attended("fri-evening-1", friday)
    with pytest.raises(ConflictError, match="P0006 is stepped-down"):
        attended("mon-evening-1", monday)


def test_the_discharge_summary_counts_only_the_weeks_the_program_recorded(
    program: Stepdown, clock: MovableClock
) -> None:
    week_46 = [date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 12)]
    week_47 = [date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)]
    evening = {0: "mon-evening-1", 1: "tue-evening-1", 2: "wed-evening-1", 3: "thu-evening-1"}
    for week, days in (("2026-W46", week_46), ("2026-W47", week_47)):
        publish_seats(program, PROGRAM, week, [("P0006", evening[d.weekday()], d) for d in days])
    for day in (week_46[0], *week_47):
        record_attendance(
            program,
            program_id=PROGRAM,
            patient_id="P0006",
            session_id=evening[day.weekday()],
            session_date=day,
            status=AttendanceStatus.ATTENDED,
            actor="nurse",
        )
    clock.instant = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    program.catch_up()
    note = queries.census_entry(program, PROGRAM, "P0006").end_note
    assert note == (
        "Completed the 8-week IOP plan; attended 12.0 of 18.0 scheduled hours over the 2 "
        "recorded weeks with 0 misses; 1 of 2 recorded weeks met the billing floor. "
        "Stepped down to standard outpatient care."
    )


def test_the_worker_runs_the_plan_end_policy(program: Stepdown, clock: MovableClock) -> None:
    [plan_end] = [loop for loop in loops(program) if loop.name == "plan_end_policy"]
    clock.instant = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    assert plan_end.step() == len(ENDING)
    assert plan_end.step() == 0


def test_a_plan_end_policy_defect_is_reported_and_never_fails_a_write(
    program: Stepdown, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> list[str]:
        raise RuntimeError("defect in the plan-end rule")

    monkeypatch.setattr(plan_end_policy, "step_down_ended_plans", broken)
    clock.instant = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    pause(program, PROGRAM, "P0002", reason="hospital", actor="coordinator")
    assert program.refresh_after_write()  # the write stands; the policy reports its stop
    assert "defect in the plan-end rule" in program.stopped_projections()["plan_end_policy"].error
    monkeypatch.undo()  # the fix
    clock.instant = datetime(2026, 12, 8, 15, 5, tzinfo=UTC)
    program.catch_up()
    assert "plan_end_policy" not in program.stopped_projections()
    assert program.app.get_enrollment(PROGRAM, "P0006").status is EnrollmentStatus.STEPPED_DOWN
