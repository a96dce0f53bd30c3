"""Staff in the roster week: what the staffing solver is given, read from the staff read model
and the week's roster problem, and its answer as the roster records it.

Two stages, patients then staff. Before the patients are seated, meetings nobody could lead are
not offered and those without a possible second facilitator are held to the size one may lead;
after, the week's facilitators and appointments are solved around the seats.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from typing import Any

from events.calendar import monday_of
from events.staff.values import BookedAppointment, StaffedMeeting, StaffingGap, WeekStaffing
from events.values import RosterSession, Weekday
from scheduler.projections.store import ViewCursor
from scheduler.roster_problem import RosterInput
from scheduler.staff.meetings import week_staffing
from scheduler.staff.queries import absences_of, session_staffing_rows
from scheduler.staff.staff_view import COUNSELLORS, PROGRAMS, STAFF
from solver import Placement, RosterSolution, SessionOccurrence
from solver.problem import MINUTES_PER_DAY
from solver.staffing import (
    AppointmentRequest,
    Clinician,
    Meeting,
    StaffingProblem,
    StaffingSolution,
    solve_staffing,
    staffable_meetings,
)

INDIVIDUAL = "individual"
FAMILY = "family"
# How far back a session already held counts: a whole course (12 weeks at most).
LOOK_BACK_WEEKS = 12


@dataclass(frozen=True)
class StaffContext:
    """The program's staff as the week sees them."""

    clinicians: tuple[Clinician, ...]
    sessions: dict[str, Any]  # session id → staffing row (usual facilitators, credentials)
    counsellors: dict[str, str]  # patient id → primary counsellor
    second_facilitator_above: int | None
    individual_every_weeks: int | None
    family_every_weeks: int | None
    # (patient, kind) → the day of their latest such session in the rosters of the weeks before
    last_held: dict[tuple[str, str], date] = field(default_factory=dict)


@dataclass(frozen=True)
class Restricted:
    roster_input: RosterInput
    # (session id, day) → why the meeting cannot run this week
    closed: dict[tuple[str, date], str]
    capped: dict[tuple[str, date], str]


def read_staff(cursor: ViewCursor, program_id: str, monday: date) -> StaffContext | None:
    """None for a program without staff (a stepdown/program@1 file): nothing is staffed."""
    programs = cursor.query(f"SELECT policy FROM {PROGRAMS} WHERE program_id = ?", (program_id,))
    if not programs:
        return None
    policy = json.loads(programs[0]["policy"])
    absent: dict[str, set[date]] = {}
    for absence in absences_of(cursor, program_id):
        day = max(absence.first_day, monday)
        while day <= min(absence.last_day, monday + timedelta(days=6)):
            absent.setdefault(absence.staff_id, set()).add(day)
            day += timedelta(days=1)
    clinicians = tuple(
        _clinician(row, monday, absent.get(row["staff_id"], set()))
        for row in cursor.query(
            f"SELECT * FROM {STAFF} WHERE program_id = ? ORDER BY staff_id", (program_id,)
        )
        if not row["removed_on"] or date.fromisoformat(row["removed_on"]) > monday
    )
    counsellors = {
        str(row["patient_id"]): str(row["staff_id"])
        for row in cursor.query(
            f"SELECT patient_id, staff_id FROM {COUNSELLORS} WHERE program_id = ?", (program_id,)
        )
    }
    last_held: dict[tuple[str, str], date] = {}
    for weeks_back in range(1, LOOK_BACK_WEEKS + 1):
        earlier = week_staffing(cursor, program_id, monday - timedelta(weeks=weeks_back))
        for a in earlier.appointments if earlier is not None else ():
            key = (a.patient_id, a.kind)
            last_held[key] = max(last_held.get(key, a.session_date), a.session_date)
    return StaffContext(
        last_held=last_held,
        clinicians=clinicians,
        sessions=session_staffing_rows(cursor, program_id),
        counsellors=counsellors,
        second_facilitator_above=policy.get("second_facilitator_above"),
        individual_every_weeks=policy.get("individual_session_every_weeks"),
        family_every_weeks=policy.get("family_session_every_weeks"),
    )


def _clinician(row: Any, monday: date, absent: set[date]) -> Clinician:
    windows = []
    for window in json.loads(row["availability"]):
        day = monday + timedelta(days=Weekday[window["weekday"]].value)
        if day in absent:
            continue
        base = (day - monday).days * MINUTES_PER_DAY
        windows.append((base + _minutes(window["start"]), base + _minutes(window["end"])))
    return Clinician(
        staff_id=row["staff_id"],
        name=row["name"],
        credentials=tuple(json.loads(row["credentials"])),
        windows=tuple(sorted(windows)),
        max_minutes=int(row["max_hours_per_week"]) * 60,
        absent_days=tuple(sorted(absent)),
    )


def restrict_to_staffable(
    roster_input: RosterInput, staff: StaffContext, *, time_limit_s: float
) -> Restricted:
    """The week's problem with only the meetings staff can cover, each no larger than its
    staff may lead; the make-up seats in a meeting that cannot run leave with it."""
    problem = roster_input.problem
    meetings = _meetings(staff, problem.week_monday, problem.sessions, sizes=None)
    capacities = {(s.session_id, s.day): s.capacity for s in problem.sessions}
    staffable = staffable_meetings(
        _staffing_problem(staff, problem.week_monday, meetings),
        capacities,
        time_limit_s=time_limit_s,
    )
    closed, capped = staffable.closed, staffable.capped
    sessions = tuple(
        replace(s, capacity=min(s.capacity, capped[(s.session_id, s.day)][0]))
        if (s.session_id, s.day) in capped
        else s
        for s in problem.sessions
        if (s.session_id, s.day) not in closed
    )
    make_ups = tuple(m for m in roster_input.make_up_seats if (m.session_id, m.day) not in closed)
    pins = tuple(p for p in problem.pins if (p.session_id, p.day) not in closed)
    restricted = replace(
        roster_input,
        problem=replace(problem, sessions=sessions, pins=pins),
        make_up_seats=make_ups,
    )
    return Restricted(restricted, closed, {key: reason for key, (_, reason) in capped.items()})


def staff_the_week(
    roster_input: RosterInput,
    solution: RosterSolution,
    staff: StaffContext,
    restricted: Restricted,
    *,
    previous: WeekStaffing | None = None,
    time_limit_s: float,
) -> WeekStaffing:
    """Facilitators for every meeting that runs and the appointments due, around the seats."""
    problem = roster_input.problem
    monday = problem.week_monday
    sizes: dict[tuple[str, date], int] = {}
    for placement in solution.placements:
        key = (placement.session_id, placement.day)
        sizes[key] = sizes.get(key, 0) + 1
    meetings = _meetings(staff, monday, problem.sessions, sizes=sizes)
    requests = requests_for(roster_input, solution.placements, staff)
    staffing = replace(
        _staffing_problem(staff, monday, meetings),
        requests=requests,
        previous=_previous_appointments(previous, monday),
        previous_leads=tuple(
            (m.session_id, m.session_date, m.facilitator_ids)
            for m in (previous.meetings if previous else ())
        ),
    )
    answer = solve_staffing(staffing, time_limit_s=time_limit_s)
    return recorded_staffing(answer, monday, restricted)


def recorded_staffing(
    answer: StaffingSolution, monday: date, restricted: Restricted | None = None
) -> WeekStaffing:
    gaps = [
        StaffingGap("not_running", reason, session_id=session_id, session_date=day)
        for (session_id, day), reason in sorted((restricted.closed if restricted else {}).items())
    ]
    gaps += [
        StaffingGap(
            "no_second" if gap.only_second else "not_staffed",
            gap.reason,
            session_id=gap.session_id,
            session_date=gap.day,
        )
        for gap in answer.unstaffed
    ]
    gaps += [
        StaffingGap(unmet.kind, unmet.reason, patient_id=unmet.patient_id) for unmet in answer.unmet
    ]
    return WeekStaffing(
        meetings=tuple(
            StaffedMeeting(m.session_id, m.day, m.facilitator_ids) for m in answer.meetings
        ),
        appointments=tuple(
            BookedAppointment(
                patient_id=a.patient_id,
                kind=a.kind,
                staff_id=a.staff_id,
                session_date=monday + timedelta(days=a.start // MINUTES_PER_DAY),
                start=_clock(a.start),
                end=_clock(a.end),
                next_to_group=a.next_to_group,
            )
            for a in answer.appointments
        ),
        gaps=tuple(gaps),
        status=answer.status,
        objective=answer.objective,
        best_bound=answer.best_bound,
        wall_time_s=answer.wall_time_s,
    )


def _meetings(
    staff: StaffContext,
    monday: date,
    sessions: Iterable[SessionOccurrence],
    *,
    sizes: dict[tuple[str, date], int] | None,
) -> tuple[Meeting, ...]:
    meetings = []
    for session in sessions:
        row = staff.sessions.get(session.session_id)
        base = (session.day - monday).days * MINUTES_PER_DAY
        size = (
            session.capacity if sizes is None else sizes.get((session.session_id, session.day), 0)
        )
        meetings.append(
            Meeting(
                session_id=session.session_id,
                day=session.day,
                start=base + session.start_minute,
                end=base + session.end_minute,
                size=size,
                credentials=tuple(json.loads(row["credentials"])) if row else (),
                usual=tuple(json.loads(row["facilitators"])) if row else (),
            )
        )
    return tuple(meetings)


def meetings_of_roster(
    staff: StaffContext,
    monday: date,
    sessions: tuple[RosterSession, ...],
    placements: tuple[Placement, ...],
) -> tuple[Meeting, ...]:
    """The meetings of a recorded roster version, sized by its seats."""
    sizes: dict[tuple[str, date], int] = {}
    for placement in placements:
        key = (placement.session_id, placement.day)
        sizes[key] = sizes.get(key, 0) + 1
    occurrences = [
        SessionOccurrence(
            session_id=s.session_id,
            day=s.session_date,
            start_minute=s.start.hour * 60 + s.start.minute,
            end_minute=s.end.hour * 60 + s.end.minute,
            capacity=0,
            min_size=0,
            track=s.track,
        )
        for s in sessions
    ]
    return _meetings(staff, monday, occurrences, sizes=sizes)


def _staffing_problem(
    staff: StaffContext, monday: date, meetings: tuple[Meeting, ...]
) -> StaffingProblem:
    return StaffingProblem(
        week_monday=monday,
        meetings=meetings,
        clinicians=staff.clinicians,
        second_facilitator_above=staff.second_facilitator_above,
    )


def due(every_weeks: int | None, last_held: date | None, monday: date) -> bool:
    """A session every N weeks is due when none was booked in the N - 1 weeks before this one:
    at once for a patient who never had one (the counsellor meets them as they start), and
    again the week after one that could not be booked (it is not skipped)."""
    if every_weeks is None:
        return False
    return last_held is None or (monday - monday_of(last_held)).days // 7 >= every_weeks


def requests_for(
    roster_input: RosterInput, placements: tuple[Placement, ...], staff: StaffContext
) -> tuple[AppointmentRequest, ...]:
    problem = roster_input.problem
    monday = problem.week_monday
    closed = {c.day for c in problem.closed_days}
    starts = {(s.session_id, s.day): s for s in problem.sessions}
    requests = []
    for patient in problem.patients:
        kinds = [
            kind
            for kind, every in (
                (INDIVIDUAL, staff.individual_every_weeks),
                (FAMILY, staff.family_every_weeks),
            )
            if due(every, staff.last_held.get((patient.patient_id, kind)), monday)
        ]
        if not kinds:
            continue
        travel = patient.travel_minutes
        groups = []
        for placement in placements:
            if placement.patient_id != patient.patient_id:
                continue
            session = starts[(placement.session_id, placement.day)]
            base = (placement.day - monday).days * MINUTES_PER_DAY
            groups.append((base + session.start_minute, base + session.end_minute))
        days = tuple(
            day
            for offset in range(7)
            if (day := monday + timedelta(days=offset)) not in closed
            and patient.available_from <= day <= patient.available_until
        )
        for kind in kinds:
            requests.append(
                AppointmentRequest(
                    patient_id=patient.patient_id,
                    kind=kind,
                    counsellor_id=staff.counsellors.get(patient.patient_id),
                    # Travel between a commitment and the clinic, both ways.
                    busy=tuple((b.start - travel, b.end + travel) for b in patient.busy),
                    groups=tuple(sorted(groups)),
                    days=days,
                )
            )
    return tuple(requests)


def _previous_appointments(
    previous: WeekStaffing | None, monday: date
) -> tuple[tuple[str, str, int, str], ...]:
    if previous is None:
        return ()
    return tuple(
        (
            a.patient_id,
            a.kind,
            (a.session_date - monday).days * MINUTES_PER_DAY + a.start.hour * 60 + a.start.minute,
            a.staff_id,
        )
        for a in previous.appointments
    )


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _clock(minute: int) -> time:
    within = minute % MINUTES_PER_DAY
    return time(within // 60, within % 60)
