"""Attendance only where a meeting took place for that patient, or as an explicit walk-in."""

from datetime import date

import pytest

from events.enrollment import Enrollment
from events.errors import InvalidRequestError
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.importing import import_program
from scheduler.makeups import cancel_session
from scheduler.service import Stepdown
from tests.integration.helpers import event_count, publish_seats

PROGRAM = "standard-101"
MONDAY_16, TUESDAY_17 = date(2026, 11, 16), date(2026, 11, 17)


@pytest.fixture
def enrolled(stepdown: Stepdown, sample_text: str) -> Stepdown:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    return stepdown


def _record(
    stepdown: Stepdown,
    session_id: str,
    day: date,
    status: AttendanceStatus = AttendanceStatus.ATTENDED,
    *,
    walk_in: bool = False,
) -> bool:
    return record_attendance(
        stepdown,
        program_id=PROGRAM,
        patient_id="P0002",
        session_id=session_id,
        session_date=day,
        status=status,
        walk_in=walk_in,
        actor="nurse",
    )


def _refused(stepdown: Stepdown, match: str, session_id: str, day: date, **extra: bool) -> None:
    before = event_count(stepdown)
    with pytest.raises(InvalidRequestError, match=match):
        _record(stepdown, session_id, day, **extra)  # type: ignore[arg-type]
    assert event_count(stepdown) == before


def test_attendance_on_a_holiday_is_refused(enrolled: Stepdown) -> None:
    veterans_day = date(2026, 11, 11)
    publish_seats(enrolled, PROGRAM, "2026-W46", [("P0002", "wed-evening-1", veterans_day)])
    _refused(
        enrolled,
        r"wed-evening-1 on 2026-11-11: .*public holiday \(Veterans Day\)",
        "wed-evening-1",
        veterans_day,
    )
    _refused(enrolled, "public holiday", "wed-evening-1", veterans_day, walk_in=True)


def test_attendance_on_a_program_closure_is_refused(enrolled: Stepdown) -> None:
    friday = date(2026, 11, 20)
    publish_seats(enrolled, PROGRAM, "2026-W47", [("P0002", "fri-evening-1", friday)])
    program = enrolled.app.get_program(PROGRAM)
    program.add_closure(friday, "staff training", recorded_by="coordinator")
    enrolled.app.save(program)
    _refused(enrolled, "2026-11-20 is a program closure", "fri-evening-1", friday)


def test_attendance_at_a_cancelled_meeting_is_refused(enrolled: Stepdown) -> None:
    publish_seats(enrolled, PROGRAM, "2026-W47", [("P0002", "tue-evening-1", TUESDAY_17)])
    cancel_session(enrolled, PROGRAM, "tue-evening-1", TUESDAY_17, reason="ill", actor="c")
    _refused(
        enrolled,
        "tue-evening-1 on 2026-11-17: the meeting was cancelled",
        "tue-evening-1",
        TUESDAY_17,
    )


def test_attendance_at_a_meeting_that_has_not_started_is_refused(enrolled: Stepdown) -> None:
    today = date(2026, 11, 25)  # noon in Chicago by the fixed clock
    publish_seats(enrolled, PROGRAM, "2026-W48", [("P0002", "wed-evening-1", today)])
    # The refusal names the patient, the session, its date and when it starts.
    _refused(
        enrolled,
        r"P0002's session wed-evening-1 on 2026-11-25 has not started yet \(starts 18:00\)",
        "wed-evening-1",
        today,
    )
    _refused(
        enrolled,
        r"P0002's session fri-evening-1 on 2026-11-27 is in the future \(starts 18:00\)",
        "fri-evening-1",
        date(2026, 11, 27),
    )


def test_attendance_at_a_session_not_on_the_patients_roster_is_refused(
    enrolled: Stepdown,
) -> None:
    publish_seats(enrolled, PROGRAM, "2026-W47", [("P0002", "mon-evening-1", MONDAY_16)])
    _refused(enrolled, "not on the published roster", "mon-evening-2", MONDAY_16)
    _refused(enrolled, "they have no seat that day", "tue-evening-1", TUESDAY_17)
    assert _record(enrolled, "mon-evening-1", MONDAY_16)


def test_attendance_without_a_published_roster_is_refused(enrolled: Stepdown) -> None:
    _refused(enrolled, "no published roster for week 2026-W47", "mon-evening-1", MONDAY_16)


def test_an_unscheduled_walk_in_is_recorded_when_said_so(enrolled: Stepdown) -> None:
    assert _record(enrolled, "mon-evening-1", MONDAY_16, walk_in=True)
    enrollment = enrolled.app.get_enrollment(PROGRAM, "P0002")
    assert enrollment.attendance[("mon-evening-1", MONDAY_16)][0] == "attended"
    [event] = [
        e
        for e in enrolled.app.repository.event_store.get(enrollment.id)
        if isinstance(e, Enrollment.SessionAttended)
    ]
    assert event.walk_in is True


def test_a_walk_in_on_a_day_with_a_seat_elsewhere_is_refused(enrolled: Stepdown) -> None:
    publish_seats(enrolled, PROGRAM, "2026-W47", [("P0002", "mon-evening-1", MONDAY_16)])
    _refused(
        enrolled,
        "seat in mon-evening-1 on 2026-11-16; one session a day",
        "mon-day-1",
        MONDAY_16,
        walk_in=True,
    )
    _refused(enrolled, "record it without walk-in", "mon-evening-1", MONDAY_16, walk_in=True)


def test_a_second_walk_in_the_same_day_is_refused(enrolled: Stepdown) -> None:
    assert _record(enrolled, "mon-day-1", MONDAY_16, walk_in=True)
    _refused(enrolled, "one session a day", "mon-evening-1", MONDAY_16, walk_in=True)


def test_a_missed_walk_in_is_refused(enrolled: Stepdown) -> None:
    with pytest.raises(InvalidRequestError, match="only an attended session can be a walk-in"):
        _record(enrolled, "mon-evening-1", MONDAY_16, AttendanceStatus.MISSED, walk_in=True)


def test_a_correction_of_a_recorded_mark_is_accepted_after_its_seat_was_made_up(
    enrolled: Stepdown,
) -> None:
    publish_seats(enrolled, PROGRAM, "2026-W47", [("P0002", "mon-evening-1", MONDAY_16)])
    assert _record(enrolled, "mon-evening-1", MONDAY_16, AttendanceStatus.MISSED)
    enrolled.catch_up()
    assert _record(enrolled, "mon-evening-1", MONDAY_16)
