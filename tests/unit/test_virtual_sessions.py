"""A virtual session is joined from wherever the patient is: no travel time around it."""

from __future__ import annotations

from datetime import date

from solver import Busy, PatientWeek, RosterProblem, SessionOccurrence
from solver.availability import no_commitment_conflict
from solver.slots import group_slots

MONDAY = date(2026, 11, 30)


def week(*, virtual: bool) -> tuple[RosterProblem, PatientWeek]:
    # Work ends 17:00 Monday; the group starts 17:15, so 30 travel minutes do not fit.
    patient = PatientWeek(
        patient_id="p1",
        required_days=1,
        min_weekly_minutes=0,
        available_from=MONDAY,
        available_until=MONDAY,
        travel_minutes=30,
        busy=(Busy(9 * 60, 17 * 60, "work MON 09:00–17:00"),),
    )
    session = SessionOccurrence("g1", MONDAY, 17 * 60 + 15, 20 * 60 + 15, 8, 1, "evening", virtual)
    return RosterProblem(MONDAY, (session,), (patient,)), patient


def test_an_in_person_group_keeps_the_travel_time_from_work() -> None:
    problem, patient = week(virtual=False)
    (slot,) = group_slots(problem)
    assert no_commitment_conflict(problem, patient, slot) == "work MON 09:00–17:00"


def test_a_virtual_group_needs_no_travel() -> None:
    problem, patient = week(virtual=True)
    (slot,) = group_slots(problem)
    assert slot.virtual
    assert no_commitment_conflict(problem, patient, slot) is None


def test_a_virtual_group_and_a_room_at_the_same_hour_are_not_one_slot() -> None:
    problem, _ = week(virtual=True)
    in_person = SessionOccurrence("g2", MONDAY, 17 * 60 + 15, 20 * 60 + 15, 8, 1, "evening")
    both = RosterProblem(MONDAY, (*problem.sessions, in_person), problem.patients)
    assert sorted(s.virtual for s in group_slots(both)) == [False, True]
