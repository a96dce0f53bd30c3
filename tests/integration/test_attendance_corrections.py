"""Correcting attendance marks, on every backend: the history is kept, and a miss corrected to
attended gives back its make-up seat in the same save (unless the make-up took place)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from events.persistence import Database
from events.roster import Roster
from events.values import Assignment
from scheduler import queries
from scheduler.attendance import AttendanceMarked, AttendanceStatus, mark_attendance
from scheduler.attendance_changes import attendance_changes
from scheduler.importing import import_program
from scheduler.rosters import generate_roster, publish_roster
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import NOW
from tests.integration.helpers import event_count, publish_seats

PROGRAM, WEEK = "standard-101", "2026-W48"
MONDAY = date(2026, 11, 23)


class MovableClock:
    """The service's clock, set forward by the scenario (a week goes by)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(NOW)


@pytest.fixture
def service(database: Database, clock: MovableClock, sample_text: str) -> Iterator[Stepdown]:
    stepdown = open_stepdown(database, clock=clock)
    try:
        import_program(stepdown, sample_text, actor="coordinator")
        stepdown.catch_up()
        yield stepdown
    finally:
        stepdown.close()


@pytest.fixture
def rostered(service: Stepdown) -> Stepdown:
    generate_roster(
        service, PROGRAM, WEEK, actor="coordinator", time_limit_s=60, seed=3, deterministic=True
    )
    service.catch_up()
    publish_roster(service, PROGRAM, WEEK, actor="coordinator")
    service.catch_up()
    return service


def _mark(
    stepdown: Stepdown,
    seat: Assignment,
    status: AttendanceStatus,
    actor: str = "nurse",
    **extra: object,
) -> AttendanceMarked:
    return mark_attendance(
        stepdown,
        program_id=PROGRAM,
        patient_id=seat.patient_id,
        session_id=seat.session_id,
        session_date=seat.session_date,
        status=status,
        actor=actor,
        **extra,  # type: ignore[arg-type]
    )


def _roster(stepdown: Stepdown) -> Roster:
    roster = stepdown.app.find_roster(PROGRAM, WEEK)
    assert roster is not None
    return roster


def _miss_with_make_up(stepdown: Stepdown) -> tuple[Assignment, Assignment]:
    """A Monday seat missed, and the make-up the policy booked for it."""
    for seat in sorted(_roster(stepdown).published_assignments, key=str):
        if seat.session_date != MONDAY:
            continue
        _mark(stepdown, seat, AttendanceStatus.MISSED, reason="flu")
        stepdown.catch_up()
        booked = stepdown.app.get_enrollment(PROGRAM, seat.patient_id).make_ups[
            (seat.session_id, MONDAY)
        ]
        if isinstance(booked, tuple):
            return seat, Assignment(seat.patient_id, *booked)
    raise AssertionError("no Monday miss could be made up")


def test_a_miss_corrected_to_attended_gives_back_its_make_up_in_the_same_save(
    rostered: Stepdown,
) -> None:
    missed, make_up = _miss_with_make_up(rostered)
    before = event_count(rostered)

    marked = _mark(rostered, missed, AttendanceStatus.ATTENDED, actor="lead")

    # Before any policy ran: the mark, the enrolment's withdrawal and the roster's, together.
    assert marked == AttendanceMarked(
        True, AttendanceStatus.MISSED, (make_up.session_id, make_up.session_date), None
    )
    assert event_count(rostered) == before + 3
    assert make_up not in _roster(rostered).published_assignments
    version = _roster(rostered).roster_version
    rostered.catch_up()
    assert _roster(rostered).roster_version == version  # the policy found nothing left to do
    enrollment = rostered.app.get_enrollment(PROGRAM, missed.patient_id)
    assert enrollment.attendance[(missed.session_id, MONDAY)][0] == "attended"


def test_a_make_up_that_took_place_stays_when_the_miss_is_corrected(
    rostered: Stepdown, clock: MovableClock
) -> None:
    missed, make_up = _miss_with_make_up(rostered)
    clock.now = NOW + timedelta(days=4)  # Sunday: the make-up has met
    _mark(rostered, make_up, AttendanceStatus.ATTENDED)

    marked = _mark(rostered, missed, AttendanceStatus.ATTENDED)

    assert marked.make_up_kept == (make_up.session_id, make_up.session_date)
    assert marked.make_up_withdrawn is None
    rostered.catch_up()
    assert make_up in _roster(rostered).published_assignments


def test_a_miss_corrected_to_attended_then_back_to_missed_is_made_up_again(
    rostered: Stepdown,
) -> None:
    missed, _ = _miss_with_make_up(rostered)
    _mark(rostered, missed, AttendanceStatus.ATTENDED)
    rostered.catch_up()

    marked = _mark(rostered, missed, AttendanceStatus.EXCUSED, reason="sick note")
    rostered.catch_up()

    assert marked.corrected_from is AttendanceStatus.ATTENDED
    booked = rostered.app.get_enrollment(PROGRAM, missed.patient_id).make_ups[
        (missed.session_id, MONDAY)
    ]
    assert isinstance(booked, tuple)
    assert Assignment(missed.patient_id, *booked) in _roster(rostered).published_assignments


# P0002's seats in the week of 16 Nov, all in the past by the clock.
WEEK_47 = [
    Assignment("P0002", "mon-evening-1", date(2026, 11, 16)),
    Assignment("P0002", "tue-evening-1", date(2026, 11, 17)),
    Assignment("P0002", "wed-evening-1", date(2026, 11, 18)),
]


@pytest.fixture
def week_47(service: Stepdown) -> Stepdown:
    publish_seats(
        service,
        PROGRAM,
        "2026-W47",
        [(a.patient_id, a.session_id, a.session_date) for a in WEEK_47],
    )
    return service


def test_the_history_shows_each_mark_who_recorded_it_when_and_what_it_replaced(
    week_47: Stepdown, clock: MovableClock
) -> None:
    seat = WEEK_47[0]
    _mark(week_47, seat, AttendanceStatus.MISSED, actor="nurse")
    clock.now = NOW + timedelta(minutes=5)
    _mark(week_47, seat, AttendanceStatus.EXCUSED, actor="lead", reason="sick", contact_made=True)
    clock.now = NOW + timedelta(minutes=9)
    _mark(week_47, seat, AttendanceStatus.ATTENDED, actor="coordinator")
    _mark(week_47, seat, AttendanceStatus.ATTENDED, actor="coordinator")  # a retry: nothing new
    week_47.catch_up()

    changes = attendance_changes(week_47, PROGRAM, patient_id="P0002", week="2026-W47")
    assert [(c.from_status, c.to_status, c.recorded_by) for c in changes] == [
        (None, "missed", "nurse"),
        ("missed", "excused", "lead"),
        ("excused", "attended", "coordinator"),
    ]
    assert [c.recorded_at.astimezone(UTC) for c in changes] == [
        NOW,
        NOW + timedelta(minutes=5),
        NOW + timedelta(minutes=9),
    ]
    assert (changes[1].reason, changes[1].contact_made) == ("sick", True)
    corrections = attendance_changes(week_47, PROGRAM, corrections_only=True)
    assert len(corrections) == 2
    assert attendance_changes(week_47, PROGRAM, week="2026-W48") == []


def test_an_excused_absence_answers_the_outreach_flag_and_ends_the_run(week_47: Stepdown) -> None:
    for seat in WEEK_47:
        _mark(week_47, seat, AttendanceStatus.MISSED)
    week_47.catch_up()
    [flag] = queries.attendance_flags(week_47, PROGRAM)
    assert flag["flag"] == "outreach"

    _mark(week_47, WEEK_47[1], AttendanceStatus.EXCUSED, reason="hospital")
    week_47.catch_up()

    assert queries.attendance_flags(week_47, PROGRAM) == []
    [attendance] = queries.attendance_weeks(week_47, PROGRAM, patient_id="P0002")
    assert (attendance.misses, attendance.unexcused_misses) == (3, 2)
    assert attendance.consecutive_misses == 1
    assert "outreach" not in week_47.app.get_enrollment(PROGRAM, "P0002").open_flags
