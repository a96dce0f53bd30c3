"""The week's worklist reads what needs doing from the read models: a miss with no make-up,
open flags, stale pins, and what a waiting draft would change against the published week."""

from __future__ import annotations

from datetime import date

import pytest

from events.calendar import week_monday
from events.roster import Roster
from events.values import Assignment, RosterSession, SolveStatistics
from scheduler import rosters
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.enrollments import pause
from scheduler.importing import import_program
from scheduler.rosters import generate_roster
from scheduler.search.patients import find_patients
from scheduler.service import Stepdown
from scheduler.week_view import week_view
from scheduler.worklist.roster_changes import SeatShown, draft_changes
from scheduler.worklist.week_worklist import week_worklist
from tests.integration.helpers import publish_seats

PROGRAM = "standard-101"
# P0002 works MON–FRI 09:00–18:00, so evening groups fit; the clock is Wed 25 Nov (W48).
EVENINGS_47 = (
    ("mon-evening-1", date(2026, 11, 16)),
    ("tue-evening-1", date(2026, 11, 17)),
    ("wed-evening-1", date(2026, 11, 18)),
)


@pytest.fixture
def enrolled(stepdown: Stepdown, sample_text: str) -> Stepdown:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    return stepdown


def miss(stepdown: Stepdown, session_id: str, day: date) -> None:
    record_attendance(
        stepdown,
        program_id=PROGRAM,
        patient_id="P0002",
        session_id=session_id,
        session_date=day,
        status=AttendanceStatus.MISSED,
        actor="nurse",
    )


def record_draft(stepdown: Stepdown, week: str, seats: list[tuple[str, str, date]]) -> None:
    """A newer version of the week with exactly these seats, left as a draft."""
    program = stepdown.app.get_program(PROGRAM)
    roster = stepdown.app.find_roster(PROGRAM, week)
    assert isinstance(roster, Roster)
    assignments = tuple(Assignment(*seat) for seat in seats)
    sessions = tuple(
        RosterSession(
            a.session_id,
            a.session_date,
            program.sessions[a.session_id].start,
            program.sessions[a.session_id].end,
            program.sessions[a.session_id].track,
        )
        for a in assignments
    )
    roster.record_generated(
        assignments,
        SolveStatistics("OPTIMAL", 0, 0, 0, 0.0),
        sessions=sessions,
        recorded_by="coordinator",
        effective_on=week_monday(week),
    )
    stepdown.app.save(roster)


def test_a_miss_with_no_make_up_and_the_outreach_flag_are_on_the_worklist(
    enrolled: Stepdown,
) -> None:
    publish_seats(enrolled, PROGRAM, "2026-W47", [("P0002", s, d) for s, d in EVENINGS_47])
    for session_id, day in EVENINGS_47:
        miss(enrolled, session_id, day)
    enrolled.catch_up()

    worklist = week_worklist(enrolled, PROGRAM, "2026-W47")

    assert [(m.patient_id, m.name, m.missed_on) for m in worklist.unfilled_make_ups] == [
        ("P0002", "Patient 2", day) for _, day in EVENINGS_47
    ]
    assert all(m.reason for m in worklist.unfilled_make_ups)
    assert worklist.unfilled_make_ups[0].session_name == "Evening group"  # its name, not its id
    [flag] = worklist.flags
    assert (flag.patient_id, flag.flag) == ("P0002", "outreach")
    assert "3 consecutive misses" in flag.reason
    assert "P0002" in worklist.patient_ids
    assert not worklist.empty
    # Another week has no misses to make up; the flag is open whichever week is shown.
    other = week_worklist(enrolled, PROGRAM, "2026-W48")
    assert other.unfilled_make_ups == ()
    assert [f.flag for f in other.flags] == ["outreach"]


def test_a_miss_corrected_to_attended_leaves_the_worklist(enrolled: Stepdown) -> None:
    session_id, day = EVENINGS_47[0]
    publish_seats(enrolled, PROGRAM, "2026-W47", [("P0002", session_id, day)])
    miss(enrolled, session_id, day)
    record_attendance(
        enrolled,
        program_id=PROGRAM,
        patient_id="P0002",
        session_id=session_id,
        session_date=day,
        status=AttendanceStatus.ATTENDED,
        actor="nurse",
    )
    enrolled.catch_up()
    assert week_worklist(enrolled, PROGRAM, "2026-W47").unfilled_make_ups == ()


def test_a_draft_lists_the_seats_each_patient_gains_and_loses(enrolled: Stepdown) -> None:
    monday = date(2026, 11, 30)
    tuesday = date(2026, 12, 1)
    publish_seats(
        enrolled,
        PROGRAM,
        "2026-W49",
        [("P0002", "mon-evening-1", monday), ("P0007", "mon-evening-1", monday)],
    )
    enrolled.catch_up()
    assert draft_changes(enrolled, PROGRAM, "2026-W49") is None  # nothing waits

    record_draft(
        enrolled,
        "2026-W49",
        [("P0002", "tue-evening-1", tuesday), ("P0007", "mon-evening-1", monday)],
    )
    enrolled.catch_up()
    changes = draft_changes(enrolled, PROGRAM, "2026-W49")

    assert changes is not None
    assert (changes.published_version, changes.draft_version) == (1, 2)
    [patient] = changes.patients  # P0007 keeps their seat: not listed
    assert (patient.patient_id, patient.name) == ("P0002", "Patient 2")
    [added] = patient.added
    [removed] = patient.removed
    assert (added.session_id, added.day) == ("tue-evening-1", tuesday)
    assert (removed.session_id, removed.day) == ("mon-evening-1", monday)
    assert added == SeatShown(tuesday, added.start, "tue-evening-1", "Evening group")
    assert (changes.seats_added, changes.seats_removed) == (1, 1)
    assert week_worklist(enrolled, PROGRAM, "2026-W49").draft == changes


def test_a_first_draft_counts_every_seat_as_new(enrolled: Stepdown) -> None:
    monday = date(2026, 11, 30)
    roster = Roster(
        program_id=PROGRAM, week="2026-W49", recorded_by="coordinator", effective_on=monday
    )
    enrolled.app.save(roster)
    record_draft(enrolled, "2026-W49", [("P0002", "mon-evening-1", monday)])
    enrolled.catch_up()
    changes = draft_changes(enrolled, PROGRAM, "2026-W49")
    assert changes is not None
    assert changes.published_version is None
    assert (changes.seats_added, changes.seats_removed) == (1, 0)


def test_a_pin_whose_day_has_passed_is_stale(enrolled: Stepdown) -> None:
    # Patient 7 has no commitments; Monday 23 Nov is before the clock's Wednesday.
    rosters.pin_assignment(
        enrolled,
        PROGRAM,
        "2026-W48",
        patient_id="P0007",
        session_id="mon-evening-1",
        session_date=date(2026, 11, 23),
        actor="coordinator",
    )
    rosters.pin_assignment(
        enrolled,
        PROGRAM,
        "2026-W48",
        patient_id="P0007",
        session_id="fri-day-1",
        session_date=date(2026, 11, 27),
        actor="coordinator",
    )
    enrolled.catch_up()
    [stale] = week_worklist(enrolled, PROGRAM, "2026-W48").stale_pins
    assert (stale.patient_id, stale.day, stale.why) == (
        "P0007",
        date(2026, 11, 23),
        "its day has passed",
    )


def test_patients_are_found_by_part_of_their_name_or_id_in_any_case(enrolled: Stepdown) -> None:
    by_name = find_patients(enrolled, PROGRAM, "  patient 1")
    assert by_name.total == 11  # Patient 1 and Patient 10–19
    assert by_name.matches[0].name == "Patient 1"
    by_id = find_patients(enrolled, PROGRAM, "p0007")
    assert [(m.patient_id, m.name) for m in by_id.matches] == [("P0007", "Patient 7")]
    assert find_patients(enrolled, PROGRAM, "nobody").matches == ()
    empty = find_patients(enrolled, PROGRAM, "   ")
    assert (empty.text, empty.total) == ("", 0)
    capped = find_patients(enrolled, PROGRAM, "patient", at_most=5)
    assert (len(capped.matches), capped.total) == (5, 30)


def test_the_worklist_and_the_week_agree_on_who_is_short_and_a_paused_patient_is_not(
    enrolled: Stepdown,
) -> None:
    generate_roster(
        enrolled,
        PROGRAM,
        "2026-W49",
        actor="coordinator",
        time_limit_s=60,
        seed=3,
        deterministic=True,
    )
    enrolled.catch_up()

    def short_lists() -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
        week = week_view(enrolled, PROGRAM, "2026-W49").short
        worklist = week_worklist(enrolled, PROGRAM, "2026-W49").short
        return (
            [(s.patient_id, s.scheduled_days, s.required_days) for s in week],
            [(s.patient_id, s.scheduled_days, s.required_days) for s in worklist],
        )

    on_the_week, on_the_worklist = short_lists()
    assert on_the_week == on_the_worklist
    assert on_the_week, "the sample week leaves someone short"
    paused, _, _ = on_the_week[0]
    pause(enrolled, PROGRAM, paused, reason="hospital stay", actor="coordinator")
    enrolled.catch_up()
    on_the_week, on_the_worklist = short_lists()
    assert on_the_week == on_the_worklist
    assert paused not in [patient_id for patient_id, _, _ in on_the_week]
