"""Primary counsellors: each patient gets one on admission, the counsellor whose hours best fit
the patient's free time with room in their caseload, the lighter caseload on a tie. Once
assigned a counsellor stays (continuity of care); a patient who left the program leaves the
caseload, so caps count the patients in treatment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from events.application import StepdownApplication
from events.enrollment import ENDED, Enrollment
from events.ids import staffing_uuid
from events.staff.staffing import Staffing
from events.staff.values import StaffMember
from events.values import Commitment

# The grid the fit is counted on: 50-minute sessions starting on the half hour.
STEP_MINUTES = 30
SESSION_MINUTES = 50


@dataclass(frozen=True)
class PatientHours:
    patient_id: str
    commitments: tuple[Commitment, ...]
    travel_minutes: int


def release_departed(staffing: Staffing, active: set[str], *, actor: str, today: date) -> int:
    """Patients no longer in treatment leave their counsellor's caseload."""
    departed = sorted(set(staffing.primary_counsellors) - active)
    for patient_id in departed:
        staffing.release_primary_counsellor(patient_id, recorded_by=actor, effective_on=today)
    return len(departed)


def assign_counsellors(
    staffing: Staffing, patients: Iterable[PatientHours], *, actor: str, today: date
) -> int:
    """A counsellor for each patient who has none, within caps; returns how many were assigned.
    A patient no counsellor has room for stays unassigned (the roster says so)."""
    assigned = 0
    for patient in sorted(patients, key=lambda p: p.patient_id):
        if patient.patient_id in staffing.primary_counsellors:
            continue
        open_caseloads = [
            m
            for m in staffing.staff.values()
            if m.caseload_cap > 0 and staffing.caseload(m.staff_id) < m.caseload_cap
        ]
        if not open_caseloads:
            continue
        best = max(
            open_caseloads,
            key=lambda m: (
                fitting_starts(m, patient) > 0,
                -staffing.caseload(m.staff_id) / m.caseload_cap,
                fitting_starts(m, patient),
                m.staff_id,
            ),
        )
        staffing.assign_primary_counsellor(
            patient.patient_id, best.staff_id, recorded_by=actor, effective_on=today
        )
        assigned += 1
    return assigned


def fitting_starts(member: StaffMember, patient: PatientHours) -> int:
    """How many 50-minute sessions a week could start when the counsellor works and the patient
    is clear of every commitment (travel included)."""
    count = 0
    for window in member.availability:
        start = _minutes(window.start)
        while start + SESSION_MINUTES <= _minutes(window.end):
            if not any(
                _clashes(c, window.weekday.value, start, patient.travel_minutes)
                for c in patient.commitments
            ):
                count += 1
            start += STEP_MINUTES
    return count


def _clashes(commitment: Commitment, weekday: int, start: int, travel: int) -> bool:
    if weekday not in {day.value for day in commitment.days}:
        return False
    busy_start = _minutes(commitment.start) - travel
    busy_end = _minutes(commitment.end) + travel
    if busy_end <= busy_start:  # overnight: busy to midnight
        busy_end = 24 * 60 + travel
    return start < busy_end and busy_start < start + SESSION_MINUTES


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def counsel_enrolled(
    staffing: Staffing, enrollments: Iterable[Enrollment], *, actor: str, today: date
) -> int:
    """A counsellor for each patient these enrolments admit who is in treatment without one."""
    return assign_counsellors(
        staffing,
        [
            PatientHours(e.patient_id, e.commitments, e.travel_minutes)
            for e in enrollments
            if e.status not in ENDED
        ],
        actor=actor,
        today=today,
    )


def counsellor_for_new(
    app: StepdownApplication, enrollment: Enrollment, *, actor: str, today: date
) -> list[Staffing]:
    """A newly enrolled patient's primary counsellor, to save with the enrolment ([] for a
    program without staff, or when no counsellor has room: the roster then says so)."""
    staffing = _staffing_of(app, enrollment.program_id)
    if staffing is None:
        return []
    hours = PatientHours(enrollment.patient_id, enrollment.commitments, enrollment.travel_minutes)
    if assign_counsellors(staffing, [hours], actor=actor, today=today) == 0:
        return []
    return [staffing]


def leaving_caseload(
    app: StepdownApplication, enrollment: Enrollment, *, actor: str, today: date
) -> list[Staffing]:
    """A patient who stepped down or was discharged leaves their counsellor's caseload: the
    Staffing change to save with the enrolment's, or nothing."""
    if enrollment.status not in ENDED:
        return []
    staffing = _staffing_of(app, enrollment.program_id)
    if staffing is None or enrollment.patient_id not in staffing.primary_counsellors:
        return []
    staffing.release_primary_counsellor(
        enrollment.patient_id, recorded_by=actor, effective_on=today
    )
    return [staffing]


def _staffing_of(app: StepdownApplication, program_id: str) -> Staffing | None:
    if staffing_uuid(program_id) not in app.repository:
        return None
    staffing: Staffing = app.repository.get(staffing_uuid(program_id))
    return staffing
