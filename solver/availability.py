"""Hard rules decided per patient and slot, before any search: who can attend what at all.

Each rule returns None when the patient can attend, or the reason they cannot.
"""

from __future__ import annotations

from collections.abc import Callable

from solver.problem import PatientWeek, RosterProblem
from solver.slots import Slot

PairRule = Callable[[RosterProblem, PatientWeek, Slot], str | None]


def within_enrolment_dates(problem: RosterProblem, patient: PatientWeek, slot: Slot) -> str | None:
    """Nothing outside the enrolment dates."""
    if patient.available_from <= slot.day <= patient.available_until:
        return None
    return "outside enrolment"


def no_sessions_on_closed_days(
    problem: RosterProblem, patient: PatientWeek, slot: Slot
) -> str | None:
    """No sessions on public holidays or program closures."""
    for closed in problem.closed_days:
        if closed.day == slot.day:
            return f"closed: {closed.reason}"
    return None


def no_commitment_conflict(problem: RosterProblem, patient: PatientWeek, slot: Slot) -> str | None:
    """No session closer to a commitment than the patient's travel minutes (overnight included);
    a virtual session needs no travel."""
    travel = 0 if slot.virtual else patient.travel_minutes
    for busy in patient.busy:
        if slot.week_start - travel < busy.end and busy.start < slot.week_end + travel:
            return busy.label
    return None


PAIR_RULES: tuple[PairRule, ...] = (
    within_enrolment_dates,
    no_sessions_on_closed_days,
    no_commitment_conflict,
)


def blocking_reason(problem: RosterProblem, patient: PatientWeek, slot: Slot) -> str | None:
    for rule in PAIR_RULES:
        reason = rule(problem, patient, slot)
        if reason is not None:
            return reason
    return None


def candidate_slots(problem: RosterProblem, slots: list[Slot]) -> dict[str, list[Slot]]:
    """For each patient, the slots every pair rule allows."""
    return {
        patient.patient_id: [
            slot for slot in slots if blocking_reason(problem, patient, slot) is None
        ]
        for patient in problem.patients
    }
