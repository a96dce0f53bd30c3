"""Import a `stepdown/program@1` or `@2` file: idempotent on the same ids.

An invalid file changes nothing. A valid file applies what is allowed; a change the patient's
recorded state refuses (new commitments for someone who has left, a different start date) is
named in the report, and the rest is applied. The same facts again record nothing, whatever
happened since.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from eventsourcing.domain import Aggregate
from pydantic import ValidationError

from events.enrollment import ENDED, Enrollment
from events.errors import InvalidRequestError
from events.ids import enrollment_uuid, program_uuid
from events.program import Program
from scheduler.file_checks import cross_record_problems
from scheduler.hygiene.documents import lone_surrogates
from scheduler.hygiene.ids import (
    case_variant_message,
    case_variant_of,
    recorded_patient_ids,
    recorded_program_ids,
)
from scheduler.patients import new_enrollment
from scheduler.program_file import (
    PatientIn,
    ProgramFile,
    closures_of,
    commitment_of,
    holiday_region_of,
    policy_of,
    session_of,
)
from scheduler.retry import retrying
from scheduler.service import Stepdown
from scheduler.staff.caseloads import counsel_enrolled
from scheduler.staff.importing import StaffingCounts, import_staffing, removed_staff_in_file

MAX_LISTED_PROBLEMS = 20


class ImportFileError(InvalidRequestError):
    """The file is not a valid program file; every problem names its record and field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_LISTED_PROBLEMS]
        more = len(problems) - len(shown)
        text = "\n".join(shown) + (f"\n… and {more} more" if more else "")
        super().__init__(text)


@dataclass(frozen=True)
class ImportReport:
    program_id: str
    program_created: bool
    sessions_added: int
    sessions_changed: int
    closures_added: int
    patients_enrolled: int
    commitments_changed: int
    events_recorded: int
    # Each change the file asks for that was not applied, naming the record, field and why.
    refused: tuple[str, ...] = ()
    # stepdown/program@2 only.
    staffing: StaffingCounts = field(default_factory=StaffingCounts)


def parse_program_file(text: str | bytes) -> ProgramFile:
    try:
        file = ProgramFile.model_validate_json(text)
    except ValidationError as error:
        problems = [_describe(problem) for problem in error.errors()]
        if error.errors()[0]["type"] in ("json_invalid", "string_unicode"):
            # The JSON reader refuses a lone surrogate without saying where: find the field.
            problems = list(lone_surrogates(text)) or problems
        raise ImportFileError(problems) from None
    problems = list(cross_record_problems(file))
    if problems:
        raise ImportFileError(problems)
    return file


def import_program(stepdown: Stepdown, text: str | bytes, *, actor: str) -> ImportReport:
    file = parse_program_file(text)
    return retrying(lambda: _import(stepdown, file, actor), what=f"import {file.program.id}")


def _import(stepdown: Stepdown, file: ProgramFile, actor: str) -> ImportReport:
    app = stepdown.app
    source = file.program
    today = stepdown.today(source.timezone)
    created = program_uuid(source.id) not in app.repository
    if created:
        program = Program(
            program_id=source.id,
            name=source.name,
            timezone=source.timezone,
            holiday_region=holiday_region_of(source.holidays),
            policy=policy_of(source.policy),
            recorded_by=actor,
            effective_on=today,
        )
    else:
        program = app.get_program(source.id)
        _require_same_program(program, file)
    case_variants = list(_case_variants_of_recorded(stepdown, file, program, created))
    case_variants.extend(removed_staff_in_file(app, file))
    if case_variants:
        raise ImportFileError(case_variants)

    added = changed = 0
    for session_in in file.sessions:
        session = session_of(session_in)
        current = program.sessions.get(session.session_id)
        if current is None:
            program.add_session(session, recorded_by=actor, effective_on=today)
            added += 1
        elif current != session:
            program.change_session(session, recorded_by=actor, effective_on=today)
            changed += 1
    closures_before = len(program.closures)
    for closed_on, reason in closures_of(source):
        program.add_closure(closed_on, reason, recorded_by=actor)

    aggregates: list[Aggregate] = [program]
    enrolled = commitments_changed = 0
    admitted: list[Enrollment] = []
    refused: list[str] = []
    for index, patient in enumerate(file.patients):
        if enrollment_uuid(source.id, patient.id) in app.repository:
            enrollment = app.get_enrollment(source.id, patient.id)
            refused.extend(_enrollment_differences(enrollment, patient, index, file))
            commitments = tuple(commitment_of(c) for c in patient.commitments)
            if commitments == enrollment.commitments:
                continue
            if enrollment.status in ENDED:
                refused.append(
                    f"patients[{index}].commitments: {patient.id} is "
                    f"{enrollment.status.value}; commitments not changed"
                )
                continue
            enrollment.change_commitments(commitments, recorded_by=actor, effective_on=today)
            commitments_changed += 1
        else:
            enrollment = new_enrollment(source.id, policy_of(source.policy), patient, actor)
            admitted.append(enrollment)
            enrolled += 1
        aggregates.append(enrollment)

    staffing_counts = StaffingCounts()
    if file.has_staffing:
        staffing, staffing_counts = import_staffing(app, file, actor=actor, today=today)
        # Each patient has a primary counsellor from admission on (the same file again
        # admits nobody, so records nothing).
        counsel_enrolled(staffing, admitted, actor=actor, today=today)
        aggregates.append(staffing)

    recorded = sum(len(aggregate.pending_events) for aggregate in aggregates)
    app.save(*aggregates)
    return ImportReport(
        program_id=source.id,
        program_created=created,
        sessions_added=added,
        sessions_changed=changed,
        closures_added=len(program.closures) - closures_before,
        patients_enrolled=enrolled,
        commitments_changed=commitments_changed,
        events_recorded=recorded,
        refused=tuple(refused),
        staffing=staffing_counts,
    )


def _require_same_program(program: Program, file: ProgramFile) -> None:
    """A re-import may add sessions, closures and patients; it does not rewrite the program."""
    source = file.program
    differences = {
        "name": (program.name, source.name),
        "timezone": (program.timezone, source.timezone),
        "holidays": (program.holiday_region, holiday_region_of(source.holidays)),
        "policy": (program.policy, policy_of(source.policy)),
    }
    for field_name, (stored, given) in differences.items():
        if stored != given:
            raise ImportFileError(
                [
                    f"program.{field_name}: program {source.id} already exists with a different "
                    f"{field_name}; changing it by import is not supported"
                ]
            )
    for index, session in enumerate(file.sessions):
        if session.id in program.retired_sessions:
            raise ImportFileError([f"sessions[{index}].id: {session.id!r} was retired"])


def _case_variants_of_recorded(
    stepdown: Stepdown, file: ProgramFile, program: Program, created: bool
) -> Iterator[str]:
    """A new id of the file that repeats a recorded one in another case (ids are unique
    ignoring case); an id written exactly as recorded is the same record."""
    source = file.program
    if created:
        recorded = case_variant_of(source.id, recorded_program_ids(stepdown))
        if recorded is not None:
            yield case_variant_message("program.id", source.id, recorded, "program")
        return
    sessions = [*program.sessions, *program.retired_sessions]
    for index, session in enumerate(file.sessions):
        recorded = case_variant_of(session.id, sessions)
        if recorded is not None:
            yield case_variant_message(f"sessions[{index}].id", session.id, recorded, "session")
    patients = recorded_patient_ids(stepdown, source.id)
    for index, patient in enumerate(file.patients):
        recorded = case_variant_of(patient.id, patients)
        if recorded is not None:
            yield case_variant_message(f"patients[{index}].id", patient.id, recorded, "patient")


def _enrollment_differences(
    enrollment: Enrollment, patient: PatientIn, index: int, file: ProgramFile
) -> list[str]:
    """Only commitments change on re-import; other enrolment facts have their own use cases."""
    travel = patient.travel_minutes
    if travel is None:
        travel = file.program.policy.travel_buffer_minutes
    fields = {
        "start_date": (enrollment.start_date, patient.start_date),
        "planned_weeks": (enrollment.planned_weeks, patient.planned_weeks),
        "initial_days_per_week": (enrollment.initial_days_per_week, patient.initial_days_per_week),
        "travel_minutes": (enrollment.travel_minutes, travel),
        "preferred_track": (enrollment.preferred_track, patient.preferred_track),
    }
    refused = []
    if enrollment.name != patient.name:
        # Names are not repeated in answers and logs.
        refused.append(
            f"patients[{index}].name: {patient.id} is already enrolled under another name; "
            "not changed by import"
        )
    refused.extend(
        f"patients[{index}].{field_name}: {patient.id} is already enrolled with "
        f"{field_name} {stored}; the file says {given}; not changed by import"
        for field_name, (stored, given) in fields.items()
        if stored != given
    )
    return refused


def _describe(problem: object) -> str:
    details = problem if isinstance(problem, dict) else {}
    path = ""
    for part in details.get("loc", ()):
        if isinstance(part, str) and not part.isidentifier():
            continue  # a validator's name inside a union, not a field of the file
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    value = details.get("input")
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    message = str(details.get("msg", "invalid")).removeprefix("Value error, ")
    if details.get("type") in ("missing",):
        return f"{path or 'file'}: {message}"
    return f"{path or 'file'}: {message} (got {shown})"
