"""Use cases for a referral: refer, admit (it becomes an enrolment), withdraw, erase."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta

from eventsourcing.application import AggregateNotFoundError

from events.errors import ConflictError, InvalidRequestError, NotFoundError
from events.ids import enrollment_uuid
from events.planning.referral import Referral, ReferralStatus, referral_uuid
from scheduler.file_checks import patient_problems
from scheduler.hygiene.ids import case_variant_message, case_variant_of, recorded_patient_ids
from scheduler.patients import new_enrollment
from scheduler.planning.referral_file import ReferralIn
from scheduler.planning.waitlist import recorded_referral_ids
from scheduler.program_file import PatientIn, commitment_document, commitment_of
from scheduler.retry import retrying
from scheduler.service import Stepdown
from scheduler.staff.caseloads import counsellor_for_new

# How far ahead a referral's earliest start and an admission's start date may lie.
HORIZON_WEEKS = 12
# A referral may say it can start no sooner than within a year.
MAX_REFERRAL_LEAD_WEEKS = 52


def get_referral(stepdown: Stepdown, program_id: str, referral_id: str) -> Referral:
    try:
        referral: Referral = stepdown.app.repository.get(referral_uuid(program_id, referral_id))
    except AggregateNotFoundError:
        raise NotFoundError(
            f"referral: {referral_id!r} is not a referral to program {program_id!r}"
        ) from None
    return referral


def find_referral(stepdown: Stepdown, program_id: str, referral_id: str) -> Referral | None:
    """The referral a patient was admitted from (patient id = referral id), if any."""
    try:
        return get_referral(stepdown, program_id, referral_id)
    except NotFoundError:
        return None


def refer(stepdown: Stepdown, program_id: str, referral: ReferralIn, *, actor: str) -> None:
    """Put a referral on the program's waitlist; its plan must fit the program's policy."""

    def use_case() -> None:
        app = stepdown.app
        program = app.get_program(program_id)
        today = stepdown.today(program.timezone)
        tracks = {session.track for session in program.sessions.values()}
        _require_no_problems(
            patient_problems("referral", referral.as_patient(), program.policy, tracks)
        )
        latest = today + timedelta(weeks=MAX_REFERRAL_LEAD_WEEKS)
        if referral.earliest_start > latest:
            raise InvalidRequestError(
                f"referral.earliest_start: {referral.earliest_start} is more than "
                f"{MAX_REFERRAL_LEAD_WEEKS} weeks after today ({today})"
            )
        if app.exists(referral_uuid(program_id, referral.id)):
            raise ConflictError(f"referral: {referral.id!r} is already referred to {program_id}")
        if app.exists(enrollment_uuid(program_id, referral.id)):
            raise ConflictError(
                f"referral: {referral.id!r} is the id of a patient enrolled in {program_id}"
            )
        known = [*recorded_patient_ids(stepdown, program_id)]
        known += recorded_referral_ids(stepdown, program_id)
        recorded = case_variant_of(referral.id, known)
        if recorded is not None:
            raise ConflictError(case_variant_message("id", referral.id, recorded, "referral"))
        app.save(
            Referral(
                program_id=program_id,
                referral_id=referral.id,
                name=referral.name,
                note=referral.note,
                level_of_care=referral.level_of_care,
                planned_weeks=referral.planned_weeks,
                initial_days_per_week=referral.initial_days_per_week,
                earliest_start=referral.earliest_start,
                priority=referral.priority,
                travel_minutes=referral.travel_minutes,
                preferred_track=referral.preferred_track,
                commitments=tuple(commitment_of(c) for c in referral.commitments),
                recorded_by=actor,
                effective_on=today,
            )
        )

    retrying(use_case, what=f"refer {referral.id}")


def admit(
    stepdown: Stepdown, program_id: str, referral_id: str, start_date: date, *, actor: str
) -> None:
    """The referral becomes an enrolment from `start_date`, checked as any enrolment is, and
    both are saved in one transaction."""

    def use_case() -> None:
        app = stepdown.app
        program = app.get_program(program_id)
        today = stepdown.today(program.timezone)
        referral = get_referral(stepdown, program_id, referral_id)
        _require_start_in_horizon(referral, start_date, today)
        patient = referral_as_patient(referral, start_date)
        tracks = {session.track for session in program.sessions.values()}
        _require_no_problems(patient_problems("referral", patient, program.policy, tracks))
        if app.exists(enrollment_uuid(program_id, referral_id)):
            raise ConflictError(f"patient: {referral_id!r} is already enrolled in {program_id}")
        recorded = case_variant_of(referral_id, recorded_patient_ids(stepdown, program_id))
        if recorded is not None:
            raise ConflictError(case_variant_message("id", referral_id, recorded, "patient"))
        referral.admit(start_date, recorded_by=actor, effective_on=today)
        enrollment = new_enrollment(program_id, program.policy, patient, actor)
        counsellor = counsellor_for_new(app, enrollment, actor=actor, today=today)
        app.save(referral, enrollment, *counsellor)

    retrying(use_case, what=f"admit {referral_id}")


def withdraw(
    stepdown: Stepdown, program_id: str, referral_id: str, *, reason: str, actor: str
) -> None:
    if not reason.strip():
        raise InvalidRequestError("reason: a withdrawal needs a reason")

    def use_case() -> None:
        app = stepdown.app
        today = stepdown.today(app.get_program(program_id).timezone)
        referral = get_referral(stepdown, program_id, referral_id)
        referral.withdraw(reason, recorded_by=actor, effective_on=today)
        app.save(referral)

    retrying(use_case, what=f"withdraw {referral_id}")


def referral_as_patient(referral: Referral, start_date: date) -> PatientIn:
    # Through JSON, as the import file is read: the strict model takes enums and dates as text.
    return PatientIn.model_validate_json(
        json.dumps(
            {
                "id": referral.referral_id,
                "name": referral.name,
                "start_date": start_date.isoformat(),
                "planned_weeks": referral.planned_weeks,
                "initial_days_per_week": referral.initial_days_per_week,
                "travel_minutes": referral.travel_minutes,
                "preferred_track": referral.preferred_track,
                "commitments": [commitment_document(c) for c in referral.commitments],
            }
        )
    )


def _require_start_in_horizon(referral: Referral, start_date: date, today: date) -> None:
    if referral.status is not ReferralStatus.WAITING:
        raise ConflictError(
            f"referral {referral.referral_id} is {referral.status.value}; cannot admit"
        )
    if start_date < today:
        raise InvalidRequestError(f"start_date: {start_date} is before today ({today})")
    if start_date < referral.earliest_start:
        raise InvalidRequestError(
            f"start_date: {start_date} is before the referral's earliest start "
            f"{referral.earliest_start}"
        )
    last = today + timedelta(weeks=HORIZON_WEEKS)
    if start_date > last:
        raise InvalidRequestError(
            f"start_date: {start_date} is beyond the {HORIZON_WEEKS}-week planning horizon "
            f"(until {last})"
        )


def _require_no_problems(problems: Iterable[str]) -> None:
    found = list(problems)
    if found:
        raise InvalidRequestError("; ".join(found))
