"""A staff member's absence, re-solved at once in every roster week it touches.

Only what the absence takes is solved again: the meetings the absent member was to facilitate
and the appointments they were to hold on those days. Everything else keeps its facilitators and
its time (their hours are taken out of everyone's week first). A meeting with a covering
facilitator is recorded as a staffing amendment of the roster; one nobody can cover is called off
(the program's cancellation, so its patients get make-ups from the make-up policy, as for any
cancellation). The absence, the amendments and the cancellations are saved together.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from events.calendar import week_monday
from events.program import Program
from events.roster import Roster
from events.staff.values import BookedAppointment, StaffedMeeting, StaffingGap, WeekStaffing
from events.values import RosterSession
from scheduler.projections.store import ViewCursor
from scheduler.roster_problem import build_roster_input
from scheduler.staff.roster_staffing import (
    StaffContext,
    meetings_of_roster,
    read_staff,
    recorded_staffing,
    requests_for,
)
from solver import Placement
from solver.problem import MINUTES_PER_DAY
from solver.staffing import StaffingProblem, solve_staffing
from solver.staffing.problem import Interval

COVER_LIMIT_S = 5.0


@dataclass(frozen=True)
class CoverOutcome:
    week: str
    covered: tuple[StaffedMeeting, ...]  # meetings with a new facilitator
    cancelled: tuple[tuple[str, date, str], ...]  # (session, date, reason): nobody could cover
    appointments_moved: tuple[BookedAppointment, ...]
    appointments_lost: tuple[StaffingGap, ...]


def cover_absence(
    cursor: ViewCursor,
    program: Program,
    rosters: list[Roster],
    staff_id: str,
    first_day: date,
    last_day: date,
    *,
    actor: str,
) -> list[CoverOutcome]:
    """Amend each roster (and cancel meetings on `program`) for the absence; the caller saves
    them with the absence, in one transaction."""
    absent = {first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)}
    outcomes = []
    for roster in rosters:
        monday = week_monday(roster.week)
        days = {d for d in absent if monday <= d <= monday + timedelta(days=6)}
        staff = read_staff(cursor, program.program_id, monday)
        if staff is None or not days or roster.staffing_in_force is None:
            continue
        staff = _without(staff, staff_id, days, monday)
        in_force = roster.staffing_in_force
        # A meeting already called off or on a closure needs nobody.
        days_off = {
            (session_id, day) for session_id, day in program.cancellations if day in days
        } | {("", day) for day in days if day in program.closures}
        published = _cover(
            cursor, roster, staff, in_force, staff_id, days, days_off, seats="in_force"
        )
        latest = published
        # A draft waiting with staffing of its own is covered on its own seats.
        if roster.staffing is not None and roster.staffing != in_force:
            latest = _cover(
                cursor, roster, staff, roster.staffing, staff_id, days, days_off, seats="latest"
            )
        if latest.staffing == roster.staffing and published.staffing == in_force:
            continue
        reason = f"{staff_id} absent {first_day}" + (
            f" to {last_day}" if last_day > first_day else ""
        )
        roster.amend_staffing(
            latest.staffing,
            published.staffing if roster.published_version is not None else None,
            reason,
            recorded_by=actor,
            effective_on=min(days),
        )
        for session_id, day, why in published.cancelled:
            program.cancel_session(session_id, day, why, recorded_by=actor)
        outcomes.append(published.outcome(roster.week))
    return outcomes


@dataclass(frozen=True)
class _Covered:
    staffing: WeekStaffing
    covered: tuple[StaffedMeeting, ...]
    cancelled: tuple[tuple[str, date, str], ...]
    moved: tuple[BookedAppointment, ...]
    lost: tuple[StaffingGap, ...]

    def outcome(self, week: str) -> CoverOutcome:
        return CoverOutcome(week, self.covered, self.cancelled, self.moved, self.lost)


def _cover(
    cursor: ViewCursor,
    roster: Roster,
    staff: StaffContext,
    current: WeekStaffing,
    staff_id: str,
    days: set[date],
    days_off: set[tuple[str, date]],
    *,
    seats: str,
) -> _Covered:
    monday = week_monday(roster.week)
    assignments = roster.seats_in_force if seats == "in_force" else roster.assignments
    sessions = roster.sessions_in_force if seats == "in_force" else roster.sessions
    affected_meetings = {
        (m.session_id, m.session_date)
        for m in current.meetings
        if m.session_date in days
        and staff_id in m.facilitator_ids
        and (m.session_id, m.session_date) not in days_off
        and ("", m.session_date) not in days_off
    }
    affected_appointments = [
        a for a in current.appointments if a.session_date in days and a.staff_id == staff_id
    ]
    if not affected_meetings and not affected_appointments:
        return _Covered(current, (), (), (), ())
    kept_meetings = [
        m for m in current.meetings if (m.session_id, m.session_date) not in affected_meetings
    ]
    kept_appointments = [a for a in current.appointments if a not in affected_appointments]
    busy = _busy_by_staff(kept_meetings, kept_appointments, sessions, monday)
    clinicians = tuple(c.without(busy.get(c.staff_id, [])) for c in staff.clinicians)
    placements = tuple(Placement(a.patient_id, a.session_id, a.session_date) for a in assignments)
    meetings = tuple(
        m
        for m in meetings_of_roster(staff, monday, sessions, placements)
        if (m.session_id, m.day) in affected_meetings
    )
    roster_input = build_roster_input(cursor, roster.program_id, roster.week)
    wanted = {(a.patient_id, a.kind) for a in affected_appointments}
    requests = tuple(
        r for r in requests_for(roster_input, placements, staff) if (r.patient_id, r.kind) in wanted
    )
    problem = StaffingProblem(
        week_monday=monday,
        meetings=meetings,
        clinicians=clinicians,
        requests=requests,
        second_facilitator_above=staff.second_facilitator_above,
    )
    answer = recorded_staffing(solve_staffing(problem, time_limit_s=COVER_LIMIT_S), monday)
    cancelled = tuple(
        (g.session_id, g.session_date, f"no cover for {staff_id}: {g.reason}")
        for g in answer.gaps
        if g.kind == "not_staffed" and g.session_id is not None and g.session_date is not None
    )
    lost = tuple(g for g in answer.gaps if g.patient_id is not None)
    kept_gaps = tuple(
        g
        for g in current.gaps
        if not (g.patient_id is not None and (g.patient_id, g.kind) in wanted)
    )
    staffing = WeekStaffing(
        meetings=tuple(sorted((*kept_meetings, *answer.meetings), key=_meeting_key)),
        appointments=tuple(
            sorted((*kept_appointments, *answer.appointments), key=_appointment_key)
        ),
        gaps=(
            *kept_gaps,
            *(g for g in answer.gaps if g.kind != "not_staffed"),
            *(
                StaffingGap("not_running", reason, session_id=session_id, session_date=day)
                for session_id, day, reason in cancelled
            ),
        ),
        # The cover's own solve: what this amendment decided.
        status=answer.status,
        objective=answer.objective,
        best_bound=answer.best_bound,
        wall_time_s=answer.wall_time_s,
    )
    return _Covered(staffing, answer.meetings, cancelled, answer.appointments, lost)


def _without(staff: StaffContext, staff_id: str, days: set[date], monday: date) -> StaffContext:
    """The absence as the solver sees it, before the read model has it."""
    clinicians = []
    for clinician in staff.clinicians:
        if clinician.staff_id == staff_id:
            off = {(d - monday).days for d in days}
            clinician = replace(
                clinician,
                windows=tuple(w for w in clinician.windows if w[0] // MINUTES_PER_DAY not in off),
                absent_days=tuple(sorted({*clinician.absent_days, *days})),
            )
        clinicians.append(clinician)
    return replace(staff, clinicians=tuple(clinicians))


def _busy_by_staff(
    meetings: list[StaffedMeeting],
    appointments: list[BookedAppointment],
    sessions: tuple[RosterSession, ...],
    monday: date,
) -> dict[str, list[Interval]]:
    spans = {(s.session_id, s.session_date): (s.start, s.end) for s in sessions}
    busy: dict[str, list[Interval]] = {}
    for meeting in meetings:
        span = spans.get((meeting.session_id, meeting.session_date))
        if span is None:
            continue
        interval = _interval(meeting.session_date, span[0], span[1], monday)
        for facilitator in meeting.facilitator_ids:
            busy.setdefault(facilitator, []).append(interval)
    for appointment in appointments:
        busy.setdefault(appointment.staff_id, []).append(
            _interval(appointment.session_date, appointment.start, appointment.end, monday)
        )
    return busy


def _interval(day: date, start: time, end: time, monday: date) -> Interval:
    base = (day - monday).days * MINUTES_PER_DAY
    return (base + start.hour * 60 + start.minute, base + end.hour * 60 + end.minute)


def _meeting_key(m: StaffedMeeting) -> tuple[date, str]:
    return (m.session_date, m.session_id)


def _appointment_key(a: BookedAppointment) -> tuple[date, time, str]:
    return (a.session_date, a.start, a.patient_id)


def describe_cover(outcome: CoverOutcome) -> list[str]:
    """One line per change, for the CLI and the page."""
    lines = [
        f"{outcome.week}: {m.session_id} on {m.session_date} now led by {', '.join(m.facilitator_ids)}"
        for m in outcome.covered
    ]
    lines += [
        f"{outcome.week}: {session_id} on {day} called off ({reason}); its patients get make-ups"
        for session_id, day, reason in outcome.cancelled
    ]
    lines += [
        f"{outcome.week}: {a.kind} session of {a.patient_id} moved to {a.session_date} "
        f"{a.start:%H:%M} with {a.staff_id}"
        for a in outcome.appointments_moved
    ]
    lines += [f"{outcome.week}: {g.patient_id}: {g.reason}" for g in outcome.appointments_lost]
    return lines
