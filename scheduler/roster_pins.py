"""Pins keep the rules: a pin that breaks a hard rule is refused with the reason, and a pin a later
change broke is dropped with the reason when the week is generated, never failing the generate.

The seat rules are the solver's own (solver/pins.py over the same problem the solver is given);
this module adds what only the records can say: who is paused or discharged, which session is
retired, which meeting was cancelled.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.calendar import plan_last_day, week_monday
from events.values import Assignment, Weekday
from scheduler.projections.census import decode_targets
from scheduler.projections.store import ViewCursor
from scheduler.queries import program_timezone
from scheduler.roster_problem import RosterInput
from scheduler.service import Stepdown
from solver import Placement
from solver.pins import pin_blocking_reason, pin_clash, pin_group_too_small


@dataclass(frozen=True)
class DroppedPin:
    pin: Assignment
    reason: str


def describe(pin: Assignment) -> str:
    return f"{pin.patient_id} → {pin.session_id} {pin.session_date}"


def pin_refusal(
    cursor: ViewCursor,
    program_id: str,
    roster_input: RosterInput,
    pin: Assignment,
    kept: Sequence[Assignment],
) -> str | None:
    """Why `pin` cannot be kept alongside the pins already `kept`; None when it can."""
    placement = _placement(pin)
    problem = roster_input.problem
    meeting = (pin.session_id, pin.session_date)
    capacity = next((s.capacity for s in problem.sessions if (s.session_id, s.day) == meeting), 0)
    return (
        _patient_reason(cursor, program_id, pin)
        or _session_reason(cursor, program_id, pin)
        or pin_blocking_reason(problem, placement)
        or pin_clash(placement, [_placement(p) for p in kept], capacity)
        or pin_group_too_small(problem, placement, [_placement(p) for p in kept])
    )


def keep_or_drop(
    cursor: ViewCursor, program_id: str, roster_input: RosterInput, pins: Iterable[Assignment]
) -> tuple[tuple[Assignment, ...], tuple[DroppedPin, ...]]:
    """The pins that can all be kept together, and each other pin with its reason (earliest day
    first, so which of two clashing pins gives way is the same every time)."""
    # The week's make-up seats are kept whatever happens: a pin clashing with one gives way.
    make_ups = [Assignment(p.patient_id, p.session_id, p.day) for p in roster_input.make_up_seats]
    kept: list[Assignment] = []
    dropped: list[DroppedPin] = []
    for pin in sorted(set(pins), key=lambda p: (p.session_date, p.patient_id, p.session_id)):
        if pin in make_ups:
            kept.append(pin)
            continue
        reason = pin_refusal(cursor, program_id, roster_input, pin, [*make_ups, *kept])
        if reason is None:
            kept.append(pin)
        else:
            dropped.append(DroppedPin(pin, reason))
    return tuple(kept), tuple(dropped)


def as_placements(pins: Iterable[Assignment]) -> tuple[Placement, ...]:
    return tuple(_placement(p) for p in pins)


def roster_pins(stepdown: Stepdown, program_id: str, week: str) -> list[dict[str, Any]]:
    """The week's pins, by date: patient, session, date, who pinned and when."""
    week_monday(week)
    program_timezone(stepdown, program_id)  # NotFoundError for an unknown program
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT p.* FROM view_roster_pins p JOIN view_rosters r ON r.roster_id = p.roster_id "
            "WHERE r.program_id = ? AND r.week = ? "
            "ORDER BY p.session_date, p.patient_id, p.session_id",
            (program_id, week),
        )
    return [
        {
            "patient_id": row["patient_id"],
            "session_id": row["session_id"],
            "date": row["session_date"],
            "pinned_by": row["pinned_by"],
            "pinned_at": row["pinned_at"],
        }
        for row in rows
    ]


def _patient_reason(cursor: ViewCursor, program_id: str, pin: Assignment) -> str | None:
    rows = cursor.query(
        "SELECT status, start_date, targets FROM view_census WHERE program_id = ? "
        "AND patient_id = ?",
        (program_id, pin.patient_id),
    )
    if not rows:
        return f"{pin.patient_id} is not enrolled in {program_id}"
    row = rows[0]
    if row["status"] != "active":
        return f"{pin.patient_id} is {row['status'].replace('-', ' ')}"  # paused, stepped down...
    start = date.fromisoformat(row["start_date"])
    if pin.session_date < start:
        return f"{pin.patient_id} starts on {start}, after {pin.session_date}"
    last_day = plan_last_day(start, len(decode_targets(row["targets"])))
    if pin.session_date > last_day:
        return f"{pin.patient_id}'s plan ends on {last_day}"
    return None


def _session_reason(cursor: ViewCursor, program_id: str, pin: Assignment) -> str | None:
    sessions = cursor.query(
        "SELECT document, retired FROM view_directory_sessions WHERE program_id = ? "
        "AND session_id = ?",
        (program_id, pin.session_id),
    )
    if not sessions:
        return f"{pin.session_id} is not a session of {program_id}"
    if sessions[0]["retired"]:
        return f"{pin.session_id} is retired"
    weekday = json.loads(sessions[0]["document"])["weekday"]
    if Weekday.of(pin.session_date).name != weekday:
        return (
            f"{pin.session_id} meets on {weekday}; "
            f"{pin.session_date} is a {Weekday.of(pin.session_date).name}"
        )
    cancelled = cursor.query(
        "SELECT reason FROM view_directory_cancellations WHERE program_id = ? "
        "AND session_id = ? AND session_date = ?",
        (program_id, pin.session_id, pin.session_date.isoformat()),
    )
    if cancelled:
        reason = cursor.unseal(cancelled[0]["reason"])
        return f"the {pin.session_id} meeting on {pin.session_date} is cancelled ({reason})"
    return None


def _placement(pin: Assignment) -> Placement:
    return Placement(pin.patient_id, pin.session_id, pin.session_date)
