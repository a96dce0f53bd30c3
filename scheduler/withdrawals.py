"""Seats a patient no longer has a right to leave the roster, published version and draft alike.

A status change, a closure, a session change or a corrected miss removes seats from the date it
takes effect (earlier seats are history and stay); a make-up seat among them is withdrawn on the
patient's enrolment too. Each use case is idempotent: seats already gone change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from events.calendar import iso_week
from events.enrollment import Enrollment
from events.roster import Roster
from events.values import Assignment
from scheduler.retry import retrying
from scheduler.service import Stepdown

# Rosters are looked up this many weeks ahead even before the roster read model lists them
# (a worker's policy may run ahead of the read model); later ones come from the read model.
WEEKS_AHEAD = 14

SeatRule = Callable[[Assignment], bool]


def withdraw_seats(
    stepdown: Stepdown,
    program_id: str,
    rule: SeatRule,
    reason: str,
    *,
    effective_on: date,
    weeks: list[str] | None = None,
    actor: str,
) -> list[Assignment]:
    """Withdraw every seat the rule names on or after `effective_on`; returns those withdrawn."""

    def choose(roster: Roster) -> tuple[Assignment, ...]:
        return tuple(
            a
            for a in {*roster.published_assignments, *roster.assignments}
            if a.session_date >= effective_on and rule(a)
        )

    return _withdraw_in_rosters(
        stepdown,
        program_id,
        weeks or roster_weeks(stepdown, program_id, effective_on),
        choose,
        reason,
        actor,
    )


def withdraw_over_capacity(
    stepdown: Stepdown,
    program_id: str,
    session_id: str,
    capacity: int,
    reason: str,
    *,
    effective_on: date,
    actor: str,
) -> list[Assignment]:
    """A session's capacity was lowered: seats beyond it leave its meetings from `effective_on`,
    the last seated first (make-ups, added last, before the generated seats; pins last of all)."""

    def choose(roster: Roster) -> tuple[Assignment, ...]:
        over: list[Assignment] = []
        for seats in (roster.published_assignments, roster.assignments):
            meetings: dict[date, list[Assignment]] = {}
            for a in seats:
                if a.session_id == session_id and a.session_date >= effective_on:
                    meetings.setdefault(a.session_date, []).append(a)
            for seated in meetings.values():
                # Pinned seats are the coordinator's decision: they stay before any other.
                pinned = [a for a in seated if a in roster.pins]
                over += [*pinned, *(a for a in seated if a not in roster.pins)][capacity:]
        return tuple(over)

    weeks = roster_weeks(stepdown, program_id, effective_on)
    return _withdraw_in_rosters(stepdown, program_id, weeks, choose, reason, actor)


def _withdraw_in_rosters(
    stepdown: Stepdown,
    program_id: str,
    weeks: list[str],
    choose: Callable[[Roster], tuple[Assignment, ...]],
    reason: str,
    actor: str,
) -> list[Assignment]:
    withdrawn: list[Assignment] = []
    for week in weeks:

        def use_case(week: str = week) -> tuple[Assignment, ...]:
            roster = stepdown.app.find_roster(program_id, week)
            if roster is None:
                return ()
            return _withdraw(stepdown, roster, choose(roster), reason, actor)

        withdrawn += retrying(use_case, what=f"withdraw seats {program_id} {week}")
    return withdrawn


def withdraw_corrected_make_up(
    stepdown: Stepdown,
    program_id: str,
    patient_id: str,
    missed_session_id: str,
    missed_date: date,
    *,
    actor: str,
) -> bool:
    """A miss corrected to attended needs no make-up: its seat is withdrawn, unless the make-up
    already took place (attendance recorded for it). False when nothing was withdrawn."""

    def use_case() -> bool:
        enrollment = stepdown.app.get_enrollment(program_id, patient_id)
        key = (missed_session_id, missed_date)
        booked = enrollment.make_ups.get(key)
        mark = enrollment.attendance.get(key)
        if not isinstance(booked, tuple) or mark is None or mark[0] != "attended":
            return False
        if booked in enrollment.attendance:
            return False  # the make-up took place: it is history
        reason = (
            f"{patient_id}'s miss of {missed_session_id} on {missed_date} was corrected to attended"
        )
        roster = stepdown.app.find_roster(program_id, iso_week(booked[1]))
        seat = Assignment(patient_id, *booked)
        enrollment.withdraw_make_up(
            missed_session_id, missed_date, reason, recorded_by=actor, corrected=True
        )
        if roster is None:
            stepdown.app.save(enrollment)
        else:
            roster.withdraw_seats(
                (seat,),
                reason,
                recorded_by=actor,
                effective_on=booked[1],
                reopened=(Assignment(patient_id, *key),),
            )
            stepdown.app.save(roster, enrollment)
        return True

    return retrying(use_case, what=f"withdraw make-up of {patient_id}")


def roster_weeks(stepdown: Stepdown, program_id: str, since: date) -> list[str]:
    """The weeks from `since` that may hold a roster of the program."""
    ahead = {iso_week(since + timedelta(weeks=offset)) for offset in range(WEEKS_AHEAD)}
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT week FROM view_rosters WHERE program_id = ? AND week >= ?",
            (program_id, iso_week(since)),
        )
    return sorted(ahead | {str(row["week"]) for row in rows})


def _withdraw(
    stepdown: Stepdown,
    roster: Roster,
    seats: tuple[Assignment, ...],
    reason: str,
    actor: str,
) -> tuple[Assignment, ...]:
    """One transaction: the roster's new version and the make-ups it takes back."""
    if not seats:
        return ()
    effective_on = min(a.session_date for a in seats)
    withdrawn = roster.withdraw_seats(seats, reason, recorded_by=actor, effective_on=effective_on)
    enrollments: list[Enrollment] = []
    for patient_id in sorted({a.patient_id for a in withdrawn}):
        enrollment = stepdown.app.get_enrollment(roster.program_id, patient_id)
        mine = {(a.session_id, a.session_date) for a in withdrawn if a.patient_id == patient_id}
        missed = [key for key, booked in enrollment.make_ups.items() if booked in mine]
        taken = [enrollment.withdraw_make_up(*k, reason, recorded_by=actor) for k in missed]
        if any(taken):
            enrollments.append(enrollment)
    if withdrawn:
        stepdown.app.save(roster, *enrollments)
    return withdrawn
