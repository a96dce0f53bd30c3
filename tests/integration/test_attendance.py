import threading
from datetime import date
from typing import Any

import pytest

from events.calendar import iso_week
from events.errors import InvalidRequestError
from events.values import CheckInRating, ScreenResult
from scheduler import queries
from scheduler.attendance import AttendanceStatus, record_attendance, record_progress
from scheduler.importing import import_program
from scheduler.service import Stepdown
from tests.integration.helpers import publish_seats

PROGRAM = "standard-101"
# P0002 works MON–FRI 09:00–18:00, so evening groups fit; the week of 2026-11-16 is W47.
WEEK_47 = {
    date(2026, 11, 16): "mon-evening-1",
    date(2026, 11, 17): "tue-evening-1",
    date(2026, 11, 18): "wed-evening-1",
}


def _publish(stepdown: Stepdown, *days: date) -> None:
    """P0002's seats on these days in the published rosters of their weeks."""
    weeks: dict[str, list[tuple[str, str, date]]] = {}
    for day in days:
        seat = ("P0002", WEEK_47.get(day, "mon-evening-1"), day)
        weeks.setdefault(iso_week(day), []).append(seat)
    for week, seats in weeks.items():
        publish_seats(stepdown, PROGRAM, week, seats)


def _record(stepdown: Stepdown, day: date, status: AttendanceStatus, **extra: Any) -> bool:
    return record_attendance(
        stepdown,
        program_id=PROGRAM,
        patient_id="P0002",
        session_id=WEEK_47[day],
        session_date=day,
        status=status,
        actor="nurse",
        **extra,
    )


@pytest.fixture
def enrolled(stepdown: Stepdown, sample_text: str) -> Stepdown:
    import_program(stepdown, sample_text, actor="coordinator")
    return stepdown


def test_three_full_sessions_meet_the_billing_week(enrolled: Stepdown) -> None:
    _publish(enrolled, *WEEK_47)
    for day in WEEK_47:
        _record(enrolled, day, AttendanceStatus.ATTENDED)
    enrolled.catch_up()
    [week] = queries.compliance_weeks(enrolled, PROGRAM, patient_id="P0002")
    assert (week.week, week.billable_days, week.attended_hours) == ("2026-W47", 3, 9.0)
    assert week.meets_weekly_floor


def test_arriving_late_makes_the_day_not_billable(enrolled: Stepdown) -> None:
    _publish(enrolled, *WEEK_47)
    days = list(WEEK_47)
    _record(enrolled, days[0], AttendanceStatus.ATTENDED, minutes=150)
    _record(enrolled, days[1], AttendanceStatus.ATTENDED)
    _record(enrolled, days[2], AttendanceStatus.ATTENDED)
    enrolled.catch_up()
    [week] = queries.compliance_weeks(enrolled, PROGRAM, patient_id="P0002")
    assert week.billable_days == 2
    assert week.attended_hours == pytest.approx(8.5)
    assert not week.meets_weekly_floor


def test_misses_are_counted_and_an_excused_absence_ends_the_run(enrolled: Stepdown) -> None:
    _publish(enrolled, *WEEK_47)
    days = list(WEEK_47)
    _record(enrolled, days[0], AttendanceStatus.ATTENDED)
    _record(enrolled, days[1], AttendanceStatus.MISSED, reason="no show")
    _record(enrolled, days[2], AttendanceStatus.EXCUSED, reason="sick", contact_made=True)
    enrolled.catch_up()
    [week] = queries.attendance_weeks(enrolled, PROGRAM, patient_id="P0002")
    assert (week.scheduled_hours, week.attended_hours) == (9.0, 3.0)
    # Both absences are misses (billing); the excused one ends the run toward outreach.
    assert (week.misses, week.unexcused_misses, week.consecutive_misses) == (2, 1, 0)


def test_a_correction_replaces_the_earlier_mark(enrolled: Stepdown) -> None:
    _publish(enrolled, next(iter(WEEK_47)))
    day = next(iter(WEEK_47))
    _record(enrolled, day, AttendanceStatus.MISSED)
    _record(enrolled, day, AttendanceStatus.ATTENDED)
    enrolled.catch_up()
    [week] = queries.attendance_weeks(enrolled, PROGRAM, patient_id="P0002")
    assert (week.misses, week.attended_hours, week.scheduled_hours) == (0, 3.0, 3.0)


def test_a_session_on_the_wrong_weekday_is_refused(enrolled: Stepdown) -> None:
    with pytest.raises(InvalidRequestError, match="2026-11-17 is a TUE"):
        record_attendance(
            enrolled,
            program_id=PROGRAM,
            patient_id="P0002",
            session_id="mon-evening-1",
            session_date=date(2026, 11, 17),
            status=AttendanceStatus.ATTENDED,
            actor="nurse",
        )


def test_a_positive_screen_holds_the_census_target(enrolled: Stepdown) -> None:
    enrolled.catch_up()
    as_of = date(2026, 12, 28)
    before = {e.patient_id: e for e in queries.census(enrolled, PROGRAM, as_of=as_of)}["P0002"]
    record_progress(
        enrolled,
        program_id=PROGRAM,
        patient_id="P0002",
        rating=CheckInRating.ON_TRACK,
        screen=ScreenResult.POSITIVE,
        on_date=date(2026, 11, 20),
        actor="clinician",
    )
    enrolled.catch_up()
    after = {e.patient_id: e for e in queries.census(enrolled, PROGRAM, as_of=as_of)}["P0002"]
    assert after.plan_weeks == before.plan_weeks  # 12-week plan is already at the maximum
    assert after.weekly_target is not None
    assert before.weekly_target is not None
    assert after.weekly_target >= before.weekly_target


def test_concurrent_writes_to_one_enrolment_are_retried_and_both_kept(
    enrolled: Stepdown,
) -> None:
    _publish(enrolled, *list(WEEK_47)[:2])
    app = enrolled.app
    original_get = app.repository.get
    both_read = threading.Barrier(2)
    first_attempt: set[int] = set()

    def get_then_wait_for_the_other_writer(*args: Any, **kwargs: Any) -> Any:
        aggregate = original_get(*args, **kwargs)
        thread = threading.get_ident()
        if type(aggregate).__name__ == "Enrollment" and thread not in first_attempt:
            first_attempt.add(thread)
            both_read.wait(timeout=10)  # both threads now hold the same version
        return aggregate

    app.repository.get = get_then_wait_for_the_other_writer  # type: ignore[method-assign]
    days = list(WEEK_47)[:2]
    results: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda d=day: results.append(_record(enrolled, d, AttendanceStatus.ATTENDED))
        )
        for day in days
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    app.repository.get = original_get  # type: ignore[method-assign]
    assert results == [True, True]
    enrollment = app.get_enrollment(PROGRAM, "P0002")
    assert {key[1] for key in enrollment.attendance} == set(days)


def test_three_misses_without_contact_show_outreach_in_the_census(enrolled: Stepdown) -> None:
    _publish(enrolled, date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23))
    for day in (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)):
        record_attendance(
            enrolled,
            program_id=PROGRAM,
            patient_id="P0002",
            session_id="mon-evening-1",
            session_date=day,
            status=AttendanceStatus.MISSED,
            actor="nurse",
        )
    enrolled.catch_up()
    census = {e.patient_id: e for e in queries.census(enrolled, PROGRAM)}
    assert census["P0002"].flags == ("outreach",)
    record_attendance(
        enrolled,
        program_id=PROGRAM,
        patient_id="P0002",
        session_id="mon-evening-1",
        session_date=date(2026, 11, 23),
        status=AttendanceStatus.ATTENDED,
        actor="nurse",
    )
    enrolled.catch_up()
    census = {e.patient_id: e for e in queries.census(enrolled, PROGRAM)}
    assert census["P0002"].flags == ()


def test_a_miss_without_a_make_up_stays_in_the_weeks_compliance(enrolled: Stepdown) -> None:
    _publish(enrolled, date(2026, 11, 16))
    record_attendance(
        enrolled,
        program_id=PROGRAM,
        patient_id="P0002",
        session_id="mon-evening-1",
        session_date=date(2026, 11, 16),
        status=AttendanceStatus.MISSED,
        actor="nurse",
    )
    enrolled.catch_up()
    [week] = queries.compliance_weeks(enrolled, PROGRAM, patient_id="P0002")
    assert not week.meets_weekly_floor
    [unmade] = week.misses_without_make_up
    assert unmade.startswith("mon-evening-1 2026-11-16: ")
