from datetime import date, time, timedelta

import pytest

from events.enrollment import Enrollment
from events.errors import ConflictError, InvalidRequestError
from events.values import CheckInRating, Commitment, CommitmentKind, EnrollmentStatus, Weekday
from tests.unit.factories import START, an_enrollment


def test_enrolment_carries_who_recorded_it_and_when_it_takes_effect() -> None:
    enrollment = an_enrollment()
    enrolled = enrollment.collect_events()[0]
    assert type(enrolled).__qualname__ == "Enrollment.PatientEnrolled"
    assert enrolled.recorded_by == "coordinator"  # type: ignore[attr-defined]
    assert enrolled.effective_on == START  # type: ignore[attr-defined]


def test_attendance_records_minutes_present_for_late_arrival() -> None:
    enrollment = an_enrollment()
    enrollment.record_attendance(
        "mon-day", START, scheduled_minutes=180, minutes_present=150, recorded_by="nurse"
    )
    event = enrollment.collect_events()[-1]
    assert event.minutes_present == 150  # type: ignore[attr-defined]
    assert event.effective_on == START  # type: ignore[attr-defined]


def test_more_minutes_than_the_session_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="minutes: 200"):
        an_enrollment().record_attendance(
            "mon-day", START, scheduled_minutes=180, minutes_present=200, recorded_by="nurse"
        )


def test_attendance_before_the_start_date_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="before P1's start date"):
        an_enrollment().record_miss(
            "mon-day",
            date(2026, 10, 26),
            scheduled_minutes=180,
            excused=False,
            reason="",
            contact_made=False,
            recorded_by="nurse",
        )


def test_recording_the_same_miss_twice_records_one_event() -> None:
    enrollment = an_enrollment()
    for _ in range(2):
        enrollment.record_miss(
            "mon-day",
            START,
            scheduled_minutes=180,
            excused=False,
            reason="flu",
            contact_made=True,
            recorded_by="nurse",
        )
    names = [type(e).__qualname__ for e in enrollment.collect_events()]
    assert names.count("Enrollment.SessionMissed") == 1


def test_a_paused_patient_cannot_be_marked_attended() -> None:
    enrollment = an_enrollment()
    enrollment.pause("hospital stay", recorded_by="coordinator", effective_on=START)
    with pytest.raises(ConflictError, match="is paused"):
        enrollment.record_attendance(
            "mon-day", START, scheduled_minutes=180, minutes_present=180, recorded_by="nurse"
        )


def test_a_discharged_patient_cannot_be_paused() -> None:
    enrollment = an_enrollment()
    enrollment.discharge("moved away", recorded_by="coordinator", effective_on=START)
    assert enrollment.status is EnrollmentStatus.DISCHARGED
    with pytest.raises(ConflictError, match="discharged"):
        enrollment.pause("x", recorded_by="coordinator", effective_on=START)


def test_needs_support_holds_the_taper() -> None:
    enrollment = an_enrollment()
    before = enrollment.weekly_targets
    enrollment.record_progress(
        CheckInRating.NEEDS_SUPPORT, None, recorded_by="clinician", effective_on=date(2026, 11, 20)
    )
    assert len(enrollment.weekly_targets) == len(before) + 1


def test_unchanged_commitments_record_nothing() -> None:
    enrollment = an_enrollment()
    count = len(enrollment.pending_events)
    enrollment.change_commitments(
        enrollment.commitments, recorded_by="coordinator", effective_on=START
    )
    assert len(enrollment.pending_events) == count
    night_shift = (Commitment(CommitmentKind.WORK, (Weekday.MON,), time(22), time(6, 30)),)
    enrollment.change_commitments(night_shift, recorded_by="coordinator", effective_on=START)
    assert enrollment.commitments == night_shift


def _miss(
    enrollment: Enrollment, day: date, *, excused: bool = False, contact: bool = False
) -> None:
    enrollment.record_miss(
        "mon-day",
        day,
        scheduled_minutes=180,
        excused=excused,
        reason="",
        contact_made=contact,
        recorded_by="nurse",
    )


def _flags(enrollment: Enrollment) -> list[str]:
    return [
        e.flag  # type: ignore[attr-defined]
        for e in enrollment.collect_events()
        if type(e).__qualname__ == "Enrollment.AttendanceFlagRaised"
    ]


def test_three_misses_in_a_row_without_contact_need_outreach() -> None:
    enrollment = an_enrollment()
    for week in range(3):
        _miss(enrollment, START + timedelta(weeks=week))
    assert _flags(enrollment) == ["outreach"]


def test_contact_on_a_miss_breaks_the_outreach_run() -> None:
    enrollment = an_enrollment()
    _miss(enrollment, START)
    _miss(enrollment, START + timedelta(weeks=1), contact=True)
    _miss(enrollment, START + timedelta(weeks=2))
    assert _flags(enrollment) == []


def test_more_than_six_unexcused_misses_in_twelve_weeks_need_clinical_review() -> None:
    enrollment = an_enrollment()
    for week in range(7):
        _miss(enrollment, START + timedelta(weeks=week), contact=True)
    assert _flags(enrollment) == ["clinical_review"]


def test_excused_misses_do_not_count_towards_clinical_review() -> None:
    enrollment = an_enrollment()
    for week in range(7):
        _miss(enrollment, START + timedelta(weeks=week), excused=True, contact=True)
    assert _flags(enrollment) == []


def test_the_same_check_in_recorded_twice_is_one_event() -> None:
    enrollment = an_enrollment()
    day = START + timedelta(days=7)
    assert enrollment.record_progress(
        CheckInRating.NEEDS_SUPPORT, None, recorded_by="nurse", effective_on=day
    )
    assert not enrollment.record_progress(
        CheckInRating.NEEDS_SUPPORT, None, recorded_by="nurse", effective_on=day
    )
    assert enrollment.record_progress(
        CheckInRating.ON_TRACK, None, recorded_by="nurse", effective_on=day
    )  # a correction is recorded
    names = [type(e).__qualname__ for e in enrollment.collect_events()]
    assert names.count("Enrollment.ProgressRecorded") == 2


def test_a_make_up_is_withdrawn_once_and_says_why() -> None:
    enrollment = an_enrollment()
    wednesday = START + timedelta(days=2)
    enrollment.record_make_up("mon-day", START, "wed-day", wednesday, recorded_by="policy")
    assert enrollment.withdraw_make_up("mon-day", START, "patient paused", recorded_by="policy")
    assert not enrollment.withdraw_make_up("mon-day", START, "again", recorded_by="policy")
    assert enrollment.make_ups[("mon-day", START)] == "withdrawn: patient paused"
    # a withdrawn make-up is an answer: the same miss is not made up again
    enrollment.record_make_up("mon-day", START, "thu-day", wednesday, recorded_by="policy")
    assert enrollment.make_ups[("mon-day", START)] == "withdrawn: patient paused"
