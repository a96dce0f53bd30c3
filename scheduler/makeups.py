"""A missed session gets a make-up: a later seat the same week, found and recorded at once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from events.calendar import iso_week, monday_of, plan_last_day
from events.enrollment import Enrollment
from events.program import Program
from events.values import Assignment, EnrollmentStatus
from scheduler.holidays import public_holiday
from scheduler.program_file import commitment_document
from scheduler.retry import retrying
from scheduler.roster_problem import busy_times, hours_text
from scheduler.service import Stepdown
from scheduler.staff.staffed_meetings import StaffedRuns, appointment_busy, staffed_runs
from solver import Busy, ClosedDay, PatientWeek, SessionOccurrence
from solver.makeup import MakeUpRequest, OccupiedSession, find_make_up
from solver.problem import MINUTES_PER_DAY


@dataclass(frozen=True)
class MakeUpOutcome:
    patient_id: str
    missed_session_id: str
    missed_date: date
    session_id: str | None
    session_date: date | None
    reason: str | None

    def describe(self) -> str:
        if self.session_id is not None:
            return f"make-up: {self.session_id} on {self.session_date}"
        return f"no make-up: {self.reason}"


def make_up_for_miss(
    stepdown: Stepdown,
    program_id: str,
    patient_id: str,
    session_id: str,
    session_date: date,
    *,
    recorded_at: datetime,
    actor: str,
) -> MakeUpOutcome:
    """Find and record the make-up for one miss; the same miss asked again changes nothing."""

    def use_case() -> MakeUpOutcome:
        app = stepdown.app
        enrollment = app.get_enrollment(program_id, patient_id)
        known = enrollment.make_ups.get((session_id, session_date))
        if known is not None and not enrollment.awaits_make_up(session_id, session_date):
            return _outcome(patient_id, session_id, session_date, known)
        mark = enrollment.attendance.get((session_id, session_date))
        if mark is None or mark[0] != "missed":
            # Corrected to attended before the policy got to it: nothing to make up.
            return _outcome(patient_id, session_id, session_date, "none: not missed")
        inactive = _inactive_reason(enrollment)
        if inactive is not None:
            # Decided when the policy runs, which may be long after the miss (worker mode).
            enrollment.record_no_make_up(
                session_id, session_date, "status", inactive, recorded_by=actor
            )
            app.save(enrollment)
            return _outcome(patient_id, session_id, session_date, f"status: {inactive}")
        program = app.get_program(program_id)
        roster = app.find_roster(program_id, iso_week(session_date))
        if roster is None or roster.roster_version == 0:
            enrollment.record_no_make_up(
                session_id, session_date, "roster", "no roster for that week", recorded_by=actor
            )
            app.save(enrollment)
            return _outcome(patient_id, session_id, session_date, "roster: no roster for that week")
        staffed = staffed_runs(app, roster, roster.sessions_in_force)
        request = _request(
            program,
            staffed,
            roster.seats_in_force,
            roster.assignments,
            enrollment,
            session_id,
            session_date,
            recorded_at,
            appointment_busy(roster, patient_id, monday_of(session_date)),
        )
        result = find_make_up(request)
        missed = Assignment(patient_id, session_id, session_date)
        if result.session is None:
            assert result.reason is not None
            enrollment.record_no_make_up(
                session_id, session_date, result.reason.kind, result.reason.text, recorded_by=actor
            )
            app.save(enrollment)
            text = f"{result.reason.kind}: {result.reason.text}"
            return _outcome(patient_id, session_id, session_date, text)
        chosen = Assignment(patient_id, result.session.session_id, result.session.day)
        roster.add_make_up(missed, chosen, recorded_by=actor, effective_on=chosen.session_date)
        enrollment.record_make_up(
            session_id, session_date, chosen.session_id, chosen.session_date, recorded_by=actor
        )
        # One transaction: the roster's new version and the patient's make-up, or neither.
        app.save(roster, enrollment)
        return _outcome(
            patient_id, session_id, session_date, (chosen.session_id, chosen.session_date)
        )

    return retrying(use_case, what=f"make-up for {patient_id}")


def make_up_outcome(
    stepdown: Stepdown, program_id: str, patient_id: str, session_id: str, session_date: date
) -> MakeUpOutcome | None:
    """What the policy decided for a miss, or None while it has not run."""
    enrollment = stepdown.app.get_enrollment(program_id, patient_id)
    known = enrollment.make_ups.get((session_id, session_date))
    if known is None or enrollment.awaits_make_up(session_id, session_date):
        return None
    return _outcome(patient_id, session_id, session_date, known)


def make_ups_for_cancellation(
    stepdown: Stepdown,
    program_id: str,
    session_id: str,
    session_date: date,
    *,
    now: datetime,
    actor: str,
) -> list[MakeUpOutcome]:
    """Move every patient of a cancelled session to a make-up, in one roster amendment."""

    def use_case() -> list[MakeUpOutcome]:
        app = stepdown.app
        roster = app.find_roster(program_id, iso_week(session_date))
        if roster is None or roster.roster_version == 0:
            return []
        program = app.get_program(program_id)
        if (session_id, session_date) not in program.cancellations:
            return []  # undone before the policy got to it: the meeting is held after all
        cancelled = tuple(
            a
            for a in roster.seats_in_force
            if (a.session_id, a.session_date) == (session_id, session_date)
        )
        remaining = [a for a in roster.seats_in_force if a not in set(cancelled)]
        waiting = [
            a
            for a in roster.assignments
            if (a.session_id, a.session_date) != (session_id, session_date)
        ]
        staffed = staffed_runs(
            app,
            roster,
            (
                r
                for r in roster.sessions_in_force
                if (r.session_id, r.session_date) != (session_id, session_date)
            ),
        )
        added: list[Assignment] = []
        enrollments: list[Enrollment] = []
        outcomes = []
        for seat in cancelled:
            enrollment = app.get_enrollment(program_id, seat.patient_id)
            inactive = _inactive_reason(enrollment)
            if inactive is not None:
                enrollment.record_no_make_up(
                    session_id, session_date, "status", inactive, recorded_by=actor
                )
                enrollments.append(enrollment)
                outcomes.append(
                    _outcome(seat.patient_id, session_id, session_date, f"status: {inactive}")
                )
                continue
            request = _request(
                program,
                staffed,
                (*remaining, *added),
                (*waiting, *added),
                enrollment,
                session_id,
                session_date,
                now,
                appointment_busy(roster, seat.patient_id, monday_of(session_date)),
            )
            result = find_make_up(request)
            if result.session is None:
                assert result.reason is not None
                enrollment.record_no_make_up(
                    session_id,
                    session_date,
                    result.reason.kind,
                    result.reason.text,
                    recorded_by=actor,
                )
                known: tuple[str, date] | str = f"{result.reason.kind}: {result.reason.text}"
            else:
                chosen = Assignment(seat.patient_id, result.session.session_id, result.session.day)
                added.append(chosen)
                enrollment.record_make_up(
                    session_id,
                    session_date,
                    chosen.session_id,
                    chosen.session_date,
                    recorded_by=actor,
                )
                known = (chosen.session_id, chosen.session_date)
            enrollments.append(enrollment)
            outcomes.append(_outcome(seat.patient_id, session_id, session_date, known))
        roster.cancel_session(
            (session_id, session_date),
            cancelled,
            tuple(added),
            recorded_by=actor,
            effective_on=session_date,
        )
        app.save(roster, *enrollments)
        return outcomes

    return retrying(use_case, what=f"cancel {session_id} {session_date}")


def _inactive_reason(enrollment: Enrollment) -> str | None:
    """A make-up is booked only for an active patient (not paused, stepped down, discharged)."""
    if enrollment.status is EnrollmentStatus.ACTIVE:
        return None
    return f"patient is {enrollment.status.value.replace('-', ' ')}"


def _request(
    program: Program,
    staffed: StaffedRuns,
    assignments: tuple[Assignment, ...],
    waiting: tuple[Assignment, ...],
    enrollment: Enrollment,
    session_id: str,
    session_date: date,
    recorded_at: datetime,
    appointments: tuple[Busy, ...],
) -> MakeUpRequest:
    monday = monday_of(session_date)
    sessions = []
    for run in staffed.runs:
        occurrence = _occurrence(program, run.session_id, run.session_date, staffed.virtual)
        cap = staffed.caps.get((run.session_id, run.session_date))
        if cap is not None and cap < occurrence.capacity:
            occurrence = replace(occurrence, capacity=cap)
        sessions.append(
            OccupiedSession(
                occurrence,
                _seated(assignments, run.session_id, run.session_date),
                _seated(waiting, run.session_id, run.session_date),
            )
        )
    missed = _occurrence(program, session_id, session_date, staffed.virtual)
    commitments = [commitment_document(c) for c in enrollment.commitments]
    plan_end = plan_last_day(enrollment.start_date, len(enrollment.weekly_targets))
    patient = PatientWeek(
        patient_id=enrollment.patient_id,
        required_days=0,
        min_weekly_minutes=0,
        available_from=max(monday, enrollment.start_date),
        available_until=min(monday + timedelta(days=6), plan_end),
        travel_minutes=enrollment.travel_minutes,
        busy=(*busy_times(commitments, monday), *appointments),
        preferred_track=enrollment.preferred_track,
        hours_text=hours_text(commitments),
    )
    notice = timedelta(minutes=program.policy.makeup_notice_minutes)
    local = recorded_at.astimezone(ZoneInfo(program.timezone)) + notice
    not_before = (local.date() - monday).days * MINUTES_PER_DAY + local.hour * 60 + local.minute
    closed = [
        ClosedDay(day, name)
        for day in (monday + timedelta(days=offset) for offset in range(7))
        if (name := public_holiday(program.holiday_region, day)) is not None
    ]
    closed += [
        ClosedDay(day, "program closure") for day in program.closures if monday_of(day) == monday
    ]
    return MakeUpRequest(monday, patient, missed, not_before, tuple(sessions), tuple(closed))


def _seated(seats: tuple[Assignment, ...], session_id: str, day: date) -> frozenset[str]:
    return frozenset(
        a.patient_id for a in seats if (a.session_id, a.session_date) == (session_id, day)
    )


def _occurrence(
    program: Program, session_id: str, day: date, virtual: frozenset[str]
) -> SessionOccurrence:
    spec = program.sessions.get(session_id) or program.retired_sessions[session_id]
    start = spec.start.hour * 60 + spec.start.minute
    return SessionOccurrence(
        session_id,
        day,
        start,
        start + spec.minutes,
        spec.capacity,
        spec.min_size,
        spec.track,
        virtual=session_id in virtual,
    )


def _outcome(
    patient_id: str, session_id: str, session_date: date, known: tuple[str, date] | str
) -> MakeUpOutcome:
    if isinstance(known, str):
        return MakeUpOutcome(patient_id, session_id, session_date, None, None, known)
    return MakeUpOutcome(patient_id, session_id, session_date, known[0], known[1], None)


def cancel_session(
    stepdown: Stepdown,
    program_id: str,
    session_id: str,
    session_date: date,
    *,
    reason: str,
    actor: str,
) -> None:
    """Record that the program calls off one meeting; the make-up policy moves its patients."""

    def use_case() -> None:
        program = stepdown.app.get_program(program_id)
        program.cancel_session(session_id, session_date, reason, recorded_by=actor)
        stepdown.app.save(program)

    retrying(use_case, what=f"cancel {session_id} {session_date}")


def cancellation_outcomes(
    stepdown: Stepdown, program_id: str, session_id: str, session_date: date
) -> list[MakeUpOutcome]:
    """Where each patient seated in a cancelled meeting went (once the policy has run)."""
    roster = stepdown.app.find_roster(program_id, iso_week(session_date))
    if roster is None:
        return []
    moved = sorted(
        a.patient_id
        for a in roster.made_up
        if (a.session_id, a.session_date) == (session_id, session_date)
    )
    outcomes = (
        make_up_outcome(stepdown, program_id, patient_id, session_id, session_date)
        for patient_id in moved
    )
    return [outcome for outcome in outcomes if outcome is not None]
