"""Checks across records of an import file that a per-field schema cannot make."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import holidays

from events.values import Policy
from scheduler.hygiene.ids import case_variants_within
from scheduler.program_file import CommitmentIn, PatientIn, ProgramFile, SessionIn, policy_of
from scheduler.staff.file_checks import staffing_problems


def cross_record_problems(file: ProgramFile) -> Iterator[str]:
    program, policy = file.program, file.program.policy
    countries = holidays.list_supported_countries()
    if program.holidays.country not in countries:
        yield f"program.holidays.country: {program.holidays.country!r} is not a supported country"
    elif (
        program.holidays.subdivision is not None
        and program.holidays.subdivision not in countries[program.holidays.country]
    ):
        yield (
            f"program.holidays.subdivision: {program.holidays.subdivision!r} is not a "
            f"subdivision of {program.holidays.country}"
        )
    if policy.min_days_per_week > policy.max_days_per_week:
        yield (
            f"program.policy.min_days_per_week: {policy.min_days_per_week} is above "
            f"max_days_per_week {policy.max_days_per_week}"
        )
    if policy.min_program_weeks > policy.max_program_weeks:
        yield (
            f"program.policy.min_program_weeks: {policy.min_program_weeks} is above "
            f"max_program_weeks {policy.max_program_weeks}"
        )

    seen_sessions: set[str] = set()
    for index, session in enumerate(file.sessions):
        where = f"sessions[{index}]"
        if session.id in seen_sessions:
            yield f"{where}.id: {session.id!r} appears more than once"
        seen_sessions.add(session.id)
        yield from session_problems(where, session)

    yield from case_variants_within("sessions", (session.id for session in file.sessions))

    tracks = {session.track for session in file.sessions}
    seen_patients: set[str] = set()
    for index, patient in enumerate(file.patients):
        where = f"patients[{index}]"
        if patient.id in seen_patients:
            yield f"{where}.id: {patient.id!r} appears more than once"
        seen_patients.add(patient.id)
        yield from patient_problems(where, patient, policy_of(policy), tracks)
    yield from case_variants_within("patients", (patient.id for patient in file.patients))
    yield from staffing_problems(file)


def session_problems(where: str, session: SessionIn) -> Iterator[str]:
    """One session's own consistency: it ends after it starts and can run at its minimum."""
    if session.end <= session.start:
        yield f"{where}.end: {session.end:%H:%M} is not after start {session.start:%H:%M}"
    if session.min_size > session.capacity:
        yield f"{where}.min_size: {session.min_size} is above capacity {session.capacity}"


def patient_problems(
    where: str, patient: PatientIn, policy: Policy, tracks: set[str]
) -> Iterator[str]:
    """A patient's plan fits the program's policy; their commitments are well formed."""
    if not policy.min_program_weeks <= patient.planned_weeks <= policy.max_program_weeks:
        yield (
            f"{where}.planned_weeks: {patient.planned_weeks} is outside the program's "
            f"{policy.min_program_weeks}–{policy.max_program_weeks} weeks"
        )
    if not policy.min_days_per_week <= patient.initial_days_per_week <= policy.max_days_per_week:
        yield (
            f"{where}.initial_days_per_week: {patient.initial_days_per_week} is outside the "
            f"program's {policy.min_days_per_week}–{policy.max_days_per_week} days"
        )
    if patient.preferred_track is not None and patient.preferred_track not in tracks:
        yield (
            f"{where}.preferred_track: {patient.preferred_track!r} is not a track of any "
            f"session ({', '.join(sorted(tracks)) or 'none'})"
        )
    yield from commitment_problems(where, patient.commitments)


def commitment_problems(where: str, commitments: Sequence[CommitmentIn]) -> Iterator[str]:
    for c_index, commitment in enumerate(commitments):
        c_where = f"{where}.commitments[{c_index}]"
        if commitment.end == commitment.start:
            yield f"{c_where}.end: {commitment.end:%H:%M} equals start"
        if len(set(commitment.days)) != len(commitment.days):
            yield f"{c_where}.days: a day appears more than once"
        if (
            commitment.valid_from is not None
            and commitment.valid_until is not None
            and commitment.valid_until < commitment.valid_from
        ):
            yield (
                f"{c_where}.until: {commitment.valid_until} is before from {commitment.valid_from}"
            )
