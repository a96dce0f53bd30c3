"""Whether coordinators' pins can be kept: the pair rules every seat obeys (solver/availability.py),
then the rules pins share among themselves (one session a day, a session's capacity).

Each check returns None when the pin can be kept, or the reason in words a coordinator can act on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from solver.availability import (
    PAIR_RULES,
    no_commitment_conflict,
    no_sessions_on_closed_days,
    within_enrolment_dates,
)
from solver.problem import PatientWeek, Placement, RosterProblem
from solver.slots import Slot, group_slots


def pin_blocking_reason(problem: RosterProblem, pin: Placement) -> str | None:
    """Why this pin breaks a hard rule of the week, on its own; None when it does not."""
    patient = next((p for p in problem.patients if p.patient_id == pin.patient_id), None)
    if patient is None:
        return f"{pin.patient_id} has no roster week then (not active in their plan that week)"
    slot = next(
        (s for s in group_slots(problem) if s.day == pin.day and pin.session_id in s.session_ids),
        None,
    )
    if slot is None:
        return f"{pin.session_id} does not meet on {pin.day}"
    for rule in PAIR_RULES:
        reason = rule(problem, patient, slot)
        if reason is not None:
            return _in_words(rule, reason, patient, slot)
    return None


def pin_group_too_small(
    problem: RosterProblem, pin: Placement, kept: Sequence[Placement]
) -> str | None:
    """A pinned group runs, so it must reach its minimum: enough patients who could sit in it
    (their hours and enrolment allow it, and no other pin holds them elsewhere that day)."""
    slot = next(
        (s for s in group_slots(problem) if s.day == pin.day and pin.session_id in s.session_ids),
        None,
    )
    if slot is None or slot.min_size <= 1:
        return None
    elsewhere = {
        p.patient_id for p in kept if p.day == pin.day and p.session_id not in slot.session_ids
    }
    able = [
        patient.patient_id
        for patient in problem.patients
        if patient.required_days > 0
        and patient.patient_id not in elsewhere
        and all(rule(problem, patient, slot) is None for rule in PAIR_RULES)
    ]
    if len(able) < slot.min_size:
        return (
            f"{pin.session_id} on {pin.day} could not reach its minimum of {slot.min_size}: "
            f"{len(able)} patient{'' if len(able) == 1 else 's'} can attend it that week"
        )
    return None


def pin_clash(pin: Placement, kept: Sequence[Placement], capacity: int) -> str | None:
    """Why this pin cannot join the pins already kept: one session a day, the session's capacity."""
    for other in kept:
        if other.patient_id == pin.patient_id and other.day == pin.day and other != pin:
            return (
                f"{pin.patient_id} is already pinned to {other.session_id} on {pin.day} "
                "(one session a day)"
            )
    seats = Counter((p.session_id, p.day) for p in kept if p != pin)
    if seats[pin.session_id, pin.day] >= capacity:
        return f"{pin.session_id} on {pin.day} is already pinned to its capacity of {capacity}"
    return None


def _in_words(rule: object, reason: str, patient: PatientWeek, slot: Slot) -> str:
    pid = patient.patient_id
    if rule is within_enrolment_dates:
        if slot.day < patient.available_from:
            return f"{pid} is not enrolled before {patient.available_from} (outside enrolment)"
        return f"{pid} is not enrolled after {patient.available_until} (outside enrolment)"
    if rule is no_sessions_on_closed_days:
        return f"the program is closed on {slot.day} ({reason.removeprefix('closed: ')})"
    if rule is no_commitment_conflict:
        return (
            f"conflicts with {pid}'s {reason} "
            f"(closer than their {patient.travel_minutes} travel minutes)"
        )
    return reason
