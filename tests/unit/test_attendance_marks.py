"""The attendance rules a clinician expects, on the Enrollment and Roster aggregates alone.

- attended / missed / excused; an absence may carry a reason and "contact made";
- an excused absence is still a miss (it gets a make-up, its hours count as scheduled) but it
  does not count toward outreach, and neither does a miss with contact made: staff are in touch;
- a different mark is a correction: a new event, the earlier one stays in the stream;
- a miss corrected to attended gives its make-up back, and is answered again if it is marked
  missed again (a make-up withdrawn for a pause or a closure answers the miss for good).
"""

from datetime import date, timedelta

from events.enrollment import Enrollment
from events.roster import Roster
from events.values import Assignment, SolveStatistics
from tests.unit.factories import START, an_enrollment

WEDNESDAY = START + timedelta(days=2)


def _absent(
    enrollment: Enrollment,
    day: date,
    *,
    excused: bool = False,
    contact: bool = False,
    reason: str = "",
) -> bool:
    return enrollment.record_miss(
        "mon-day",
        day,
        scheduled_minutes=180,
        excused=excused,
        reason=reason,
        contact_made=contact,
        recorded_by="nurse",
    )


def _present(enrollment: Enrollment, day: date) -> bool:
    return enrollment.record_attendance(
        "mon-day", day, scheduled_minutes=180, minutes_present=180, recorded_by="nurse"
    )


def _raised(enrollment: Enrollment) -> list[str]:
    return [
        e.flag  # type: ignore[attr-defined]
        for e in enrollment.collect_events()
        if type(e).__qualname__ == "Enrollment.AttendanceFlagRaised"
    ]


def _week(n: int) -> date:
    return START + timedelta(weeks=n)


def test_an_excused_absence_ends_the_run_of_misses_toward_outreach() -> None:
    enrollment = an_enrollment()
    _absent(enrollment, _week(0))
    _absent(enrollment, _week(1))
    _absent(enrollment, _week(2), excused=True, reason="court date")
    _absent(enrollment, _week(3))
    _absent(enrollment, _week(4))
    assert _raised(enrollment) == []
    _absent(enrollment, _week(5))
    assert _raised(enrollment) == ["outreach"]


def test_an_excused_absence_answers_an_open_outreach_flag() -> None:
    enrollment = an_enrollment()
    for week in range(3):
        _absent(enrollment, _week(week))
    assert enrollment.open_flags == {"outreach"}
    _absent(enrollment, _week(3), excused=True, reason="in hospital")
    assert enrollment.open_flags == set()


def test_contact_made_on_a_miss_means_the_outreach_happened() -> None:
    enrollment = an_enrollment()
    for week in range(3):
        _absent(enrollment, _week(week))
    _absent(enrollment, _week(3), contact=True, reason="car broke down")
    assert enrollment.open_flags == set()


def test_a_miss_corrected_to_excused_is_a_new_event_and_the_first_stays() -> None:
    enrollment = an_enrollment()
    assert _absent(enrollment, START)
    assert _absent(enrollment, START, excused=True, reason="sick note")
    assert not _absent(enrollment, START, excused=True, reason="sick note")
    misses = [e for e in enrollment.collect_events() if isinstance(e, Enrollment.SessionMissed)]
    assert [(e.excused, e.reason) for e in misses] == [(False, ""), (True, "sick note")]
    assert enrollment.attendance[("mon-day", START)] == ("missed", True, "sick note", False)


def test_correcting_an_attended_mark_to_missed_counts_toward_outreach() -> None:
    enrollment = an_enrollment()
    _absent(enrollment, _week(0))
    _absent(enrollment, _week(1))
    _present(enrollment, _week(2))
    assert _raised(enrollment) == []
    _absent(enrollment, _week(2))  # the attended mark was a mis-click
    assert _raised(enrollment) == ["outreach"]


def test_a_make_up_withdrawn_because_the_miss_was_corrected_is_answered_again() -> None:
    enrollment = an_enrollment()
    enrollment.record_make_up("mon-day", START, "wed-day", WEDNESDAY, recorded_by="policy")
    assert not enrollment.awaits_make_up("mon-day", START)
    enrollment.withdraw_make_up(
        "mon-day", START, "corrected to attended", recorded_by="nurse", corrected=True
    )
    assert enrollment.make_ups[("mon-day", START)] == "withdrawn: corrected to attended"
    assert enrollment.awaits_make_up("mon-day", START)
    enrollment.record_make_up("mon-day", START, "thu-day", WEDNESDAY, recorded_by="policy")
    assert enrollment.make_ups[("mon-day", START)] == ("thu-day", WEDNESDAY)
    assert not enrollment.awaits_make_up("mon-day", START)


def test_a_make_up_withdrawn_for_a_pause_answers_the_miss_for_good() -> None:
    enrollment = an_enrollment()
    enrollment.record_make_up("mon-day", START, "wed-day", WEDNESDAY, recorded_by="policy")
    enrollment.withdraw_make_up("mon-day", START, "patient paused", recorded_by="policy")
    assert not enrollment.awaits_make_up("mon-day", START)


def test_a_roster_makes_up_a_miss_again_once_its_make_up_was_given_back() -> None:
    monday = date(2026, 11, 30)
    missed = Assignment("P1", "mon-day", monday)
    first, second = (
        Assignment("P1", "wed-day", monday + timedelta(days=2)),
        Assignment("P1", "thu-day", monday + timedelta(days=3)),
    )
    roster = Roster("prog", "2026-W49", recorded_by="c", effective_on=monday)
    roster.record_generated(
        (missed,),
        SolveStatistics("OPTIMAL", 0.0, 0.0, 0.0, 0.1),
        recorded_by="c",
        effective_on=monday,
    )
    roster.publish(recorded_by="c", effective_on=monday)
    assert roster.add_make_up(missed, first, recorded_by="p", effective_on=monday)
    roster.withdraw_seats(
        (first,), "corrected", recorded_by="nurse", effective_on=monday, reopened=(missed,)
    )
    assert first not in roster.published_assignments
    assert roster.add_make_up(missed, second, recorded_by="p", effective_on=monday)
    assert second in roster.published_assignments
