"""Enrolling one patient and changing their commitments (import does these in bulk)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from events.enrollment import Enrollment
from events.errors import ConflictError, InvalidRequestError
from events.ids import enrollment_uuid
from events.values import Policy
from scheduler.file_checks import commitment_problems, patient_problems
from scheduler.hygiene.ids import case_variant_message, case_variant_of, recorded_patient_ids
from scheduler.program_file import CommitmentIn, PatientIn, commitment_of
from scheduler.retry import retrying
from scheduler.service import Stepdown
from scheduler.staff.caseloads import counsellor_for_new


def enroll_patient(stepdown: Stepdown, program_id: str, patient: PatientIn, *, actor: str) -> None:
    """Enrol a patient under the program's current policy; enrolling them twice is a conflict."""

    def use_case() -> None:
        app = stepdown.app
        program = app.get_program(program_id)
        tracks = {session.track for session in program.sessions.values()}
        _require_no_problems(patient_problems("patient", patient, program.policy, tracks))
        if app.exists(enrollment_uuid(program_id, patient.id)):
            raise ConflictError(f"patient: {patient.id!r} is already enrolled in {program_id}")
        recorded = case_variant_of(patient.id, recorded_patient_ids(stepdown, program_id))
        if recorded is not None:
            raise ConflictError(case_variant_message("id", patient.id, recorded, "patient"))
        enrollment = new_enrollment(program_id, program.policy, patient, actor)
        today = stepdown.today(program.timezone)
        app.save(enrollment, *counsellor_for_new(app, enrollment, actor=actor, today=today))

    retrying(use_case, what=f"enrol {patient.id}")


def change_commitments(
    stepdown: Stepdown,
    program_id: str,
    patient_id: str,
    commitments: Sequence[CommitmentIn],
    *,
    actor: str,
) -> bool:
    """Replace a patient's weekly commitments; returns False when they are the same."""
    _require_no_problems(commitment_problems("patient", commitments))
    changed = False

    def use_case() -> None:
        nonlocal changed
        app = stepdown.app
        today = stepdown.today(app.get_program(program_id).timezone)
        enrollment = app.get_enrollment(program_id, patient_id)
        version = enrollment.version
        enrollment.change_commitments(
            tuple(commitment_of(c) for c in commitments), recorded_by=actor, effective_on=today
        )
        changed = enrollment.version != version
        app.save(enrollment)

    retrying(use_case, what=f"change commitments of {patient_id}")
    return changed


def new_enrollment(program_id: str, policy: Policy, patient: PatientIn, actor: str) -> Enrollment:
    """The enrolment captures the policy it was made under: a later policy change is not retroactive."""
    return Enrollment(
        program_id=program_id,
        patient_id=patient.id,
        name=patient.name,
        start_date=patient.start_date,
        planned_weeks=patient.planned_weeks,
        initial_days_per_week=patient.initial_days_per_week,
        min_days_per_week=policy.min_days_per_week,
        max_program_weeks=policy.max_program_weeks,
        min_weekly_hours=policy.min_weekly_hours,
        travel_minutes=(
            patient.travel_minutes
            if patient.travel_minutes is not None
            else policy.travel_buffer_minutes
        ),
        preferred_track=patient.preferred_track,
        commitments=tuple(commitment_of(c) for c in patient.commitments),
        recorded_by=actor,
        effective_on=patient.start_date,
    )


def _require_no_problems(problems: Iterable[str]) -> None:
    found = list(problems)
    if found:
        raise InvalidRequestError("; ".join(found))
