"""Why a patient is short of their required days, in words a coordinator can act on.

Two causes, both named when both apply: too few days where a session fits the patient at all
(their hours, travel, enrolment dates, closures) — kind "availability" whenever that alone forces
the shortfall — and sessions that fit but had no seat for them — kind "capacity". Parallel rooms
are one slot ("Sat 09:30 weekend, 7 rooms"); lists are capped so a reason stays short.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import groupby

from solver.availability import (
    PAIR_RULES,
    PairRule,
    no_commitment_conflict,
    no_sessions_on_closed_days,
    within_enrolment_dates,
)
from solver.problem import Busy, PatientWeek, RosterProblem, UnmetReason
from solver.slots import Slot

LISTED = 3  # items named in one list before "and K more"
PLURAL_VERBS = {"does": "do", "has": "have", "was": "were"}


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
    scheduled_minutes: int | None = None,
) -> UnmetReason:
    """`required_days` is the true taper target; `slot_sizes` and `slot_rooms` give each slot's
    attendees and the rooms the roster uses, by slot index; `scheduled_minutes` (when given)
    lets a session refused by the weekly hours maximum be told apart from a full one."""
    fitting_days = {slot.day_index for slot in candidates}
    unused = [slot for slot in candidates if slot.day_index not in scheduled_days]
    no_seat = _no_seat_text(problem, unused, slot_sizes, slot_rooms, scheduled_minutes)
    if len(fitting_days) < required_days:
        fits = _availability_text(problem, patient, slots, candidates)
        parts = [f"needs {required_days} days", fits]
        return UnmetReason("availability", "; ".join(parts + ([no_seat] if no_seat else [])))
    if stepped_early:
        return UnmetReason(
            "capacity",
            f"taper step taken a week early (next week's target, {required_days - 1} days): "
            f"{no_seat}; add seats or a room to keep them at {required_days} days",
        )
    return UnmetReason("capacity", f"needs {required_days} days; {no_seat}")


def _availability_text(
    problem: RosterProblem, patient: PatientWeek, slots: list[Slot], candidates: list[Slot]
) -> str:
    if candidates:
        days = len({slot.day_index for slot in candidates})
        fits = f"sessions that fit exist on only {days} day(s): {_listed(_whens(candidates))}"
    else:
        fits = "no session fits their hours"
    why_not_more = _why_not_more(problem, patient, slots)
    hours = patient.hours_text
    if not hours and not patient.busy and not why_not_more:
        hours = "no commitments on file"  # the program's own timetable is what falls short
    return "; ".join(clause for clause in (hours, fits, *why_not_more) if clause)


def _why_not_more(problem: RosterProblem, patient: PatientWeek, slots: list[Slot]) -> list[str]:
    """The enrolment dates, closures and travel time that alone keep a session from fitting:
    only days that matter to this patient."""
    only: dict[PairRule, list[Slot]] = {}
    for slot in slots:
        blocked = _blocked_by(problem, patient, slot)
        if len(blocked) == 1:
            only.setdefault(blocked[0], []).append(slot)
    clauses = []
    if outside := only.get(within_enrolment_dates):
        clauses.append(_enrolment_text(patient, outside))
    if closed := only.get(no_sessions_on_closed_days):
        closures = sorted(
            {(c.day, c.reason) for c in problem.closed_days for s in closed if c.day == s.day}
        )
        clauses.append("closed " + _listed([f"{_date(day)} ({why})" for day, why in closures]))
    if conflicting := only.get(no_commitment_conflict):
        clauses.extend(_travel_texts(patient, conflicting))
    return clauses


def _enrolment_text(patient: PatientWeek, outside: list[Slot]) -> str:
    window = []
    if any(slot.day < patient.available_from for slot in outside):
        window.append(f"from {_date(patient.available_from)}")
    if any(slot.day > patient.available_until for slot in outside):
        window.append(f"until {_date(patient.available_until)}")
    return "enrolled " + " ".join(window)


def _travel_texts(patient: PatientWeek, conflicting: list[Slot]) -> list[str]:
    """Sessions that clear the commitment itself but not the patient's travel time to it
    (sessions during the commitment are told by their hours)."""
    by_commitment: dict[str, list[Slot]] = {}
    for slot in conflicting:
        busy = _travel_only_conflict(patient, slot)
        if busy is not None:
            by_commitment.setdefault(busy.label, []).append(slot)
    texts = []
    for label, near in sorted(by_commitment.items()):
        whens = _whens(near)
        verb = "is" if len(whens) == 1 else "are"
        texts.append(
            f"{_listed(whens)} {verb} within their {patient.travel_minutes} travel minutes of {label}"
        )
    return texts


def _travel_only_conflict(patient: PatientWeek, slot: Slot) -> Busy | None:
    travel = patient.travel_minutes
    near = [
        busy
        for busy in patient.busy
        if slot.week_start - travel < busy.end and busy.start < slot.week_end + travel
    ]
    if any(slot.week_start < busy.end and busy.start < slot.week_end for busy in near):
        return None
    return near[0] if near else None


def _no_seat_text(
    problem: RosterProblem,
    unused: list[Slot],
    sizes: dict[int, int],
    rooms: dict[int, int],
    scheduled_minutes: int | None,
) -> str:
    """Each unused slot that fits, as it ran (full, not run, over the weekly hours); slots that
    ran alike are named together."""
    whens_by_state: dict[str, list[str]] = {}
    for when, group in _by_when(unused):
        too_long = scheduled_minutes is not None and (
            scheduled_minutes + group[0].minutes > problem.max_weekly_minutes
        )
        if too_long:
            state = f"would take them past {problem.max_weekly_minutes / 60:g} hours a week"
        else:
            state = _seat_state(group, sizes, rooms)
        whens_by_state.setdefault(state, []).append(when)
    if not whens_by_state:
        return ""
    states = [
        f"{_listed(whens)} {state if len(whens) == 1 else _plural(state)}"
        for state, whens in whens_by_state.items()
    ]
    all_full = all(state.startswith("full (") for state in whens_by_state)
    head = "the sessions that fit their hours" + (" are full" if all_full else "")
    return f"{head}: {_listed(states, separator='; ')}"


def _seat_state(group: list[Slot], sizes: dict[int, int], rooms: dict[int, int]) -> str:
    size = sum(sizes.get(slot.index, 0) for slot in group)
    opened = sum(rooms.get(slot.index, 0) for slot in group)
    total = sum(len(slot.rooms) for slot in group)
    seats = sum(rooms.get(slot.index, 0) * slot.capacity for slot in group)
    min_size = min(slot.min_size for slot in group)
    if opened == 0:
        if min_size <= 1:
            return "was not opened in the time allowed"
        return f"does not run (fewer than {min_size} patients fit)"
    if size < seats:
        return f"has {seats - size} free seat(s) the search did not fill in time"
    if opened < total:
        return (
            f"full ({size}/{seats} in {opened} of {total} rooms; "
            f"a {_ordinal(opened + 1)} room needs {min_size} patients)"
        )
    return f"full ({size}/{seats}{f', {total} rooms' if total > 1 else ''})"


def _plural(state: str) -> str:
    verb, _, rest = state.partition(" ")
    return f"{ {'does': 'do', 'has': 'have', 'was': 'were'}.get(verb, verb) } {rest}"


def _blocked_by(problem: RosterProblem, patient: PatientWeek, slot: Slot) -> list[PairRule]:
    return [rule for rule in PAIR_RULES if rule(problem, patient, slot) is not None]


def _by_when(slots: Sequence[Slot]) -> list[tuple[str, list[Slot]]]:
    """Parallel rooms and slots that differ only in room size, as one 'Mon 18:00 evening'."""
    ordered = sorted(slots, key=lambda s: (s.day_index, s.start_minute, s.track, s.index))
    return [(when, list(group)) for when, group in groupby(ordered, key=_when)]


def _whens(slots: Sequence[Slot]) -> list[str]:
    return [when for when, _ in _by_when(slots)]


def _when(slot: Slot) -> str:
    return f"{slot.day:%a} {slot.start_minute // 60:02d}:{slot.start_minute % 60:02d} {slot.track}"


def _date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _listed(items: Sequence[str], separator: str = ", ") -> str:
    shown = separator.join(items[:LISTED])
    more = len(items) - LISTED
    return f"{shown}{separator}and {more} more" if more > 0 else shown
