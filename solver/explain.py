"""Why a patient is short of their required days, in words a coordinator can act on."""

from __future__ import annotations

from solver.availability import blocking_reason
from solver.problem import PatientWeek, RosterProblem, UnmetReason
from solver.slots import Slot


def unmet_reason(
    problem: RosterProblem,
    patient: PatientWeek,
    slots: list[Slot],
    candidates: list[Slot],
    scheduled_days: set[int],
    required_days: int,
    slot_sizes: dict[int, int],
    slot_rooms: dict[int, int],
    *,
    stepped_early: bool = False,
) -> UnmetReason:
    """'Nothing fits their hours on enough days' versus 'the sessions that fit are full'."""
    fitting_days = {slot.day_index for slot in candidates}
    if len(fitting_days) < required_days:
        return UnmetReason(
            "availability", _availability_text(problem, patient, slots, candidates, required_days)
        )
    crowded = []
    for slot in candidates:
        if slot.day_index in scheduled_days:
            continue
        size = slot_sizes.get(slot.index, 0)
        if slot_rooms.get(slot.index, 0) == 0:
            crowded.append(f"{slot.label()} does not run (fewer than {slot.min_size} patients fit)")
        else:
            crowded.append(f"{slot.label()} full ({size}/{len(slot.rooms) * slot.capacity})")
    text = (
        f"needs {required_days} days; the sessions that fit their hours are full: "
        + "; ".join(crowded[:6])
        + (f"; and {len(crowded) - 6} more" if len(crowded) > 6 else "")
    )
    return UnmetReason("capacity", text)


def _availability_text(
    problem: RosterProblem,
    patient: PatientWeek,
    slots: list[Slot],
    candidates: list[Slot],
    required_days: int,
) -> str:
    hours = patient.hours_text or "no commitments on file"
    if candidates:
        fitting = "; ".join(sorted({slot.label() for slot in candidates}))
        days = len({slot.day for slot in candidates})
        fits = f"sessions that fit exist on only {days} day(s): {fitting}"
    else:
        fits = "no session fits their hours"
    closed = sorted(
        {
            reason
            for slot in slots
            if (reason := blocking_reason(problem, patient, slot)) and reason.startswith("closed")
        }
    )
    closures = f"; {', '.join(closed)}" if closed else ""
    return f"needs {required_days} days; {hours}; {fits}{closures}"
