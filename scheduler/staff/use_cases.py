"""Use cases of staffing: mark a staff member absent, assign a primary counsellor (caseload cap
checked), remove a staff member. Each is get → decide → save, retried on a concurrent write."""

from __future__ import annotations

from datetime import date

from eventsourcing.application import AggregateNotFoundError

from events.application import StepdownApplication
from events.errors import InvalidRequestError, NotFoundError
from events.ids import staffing_uuid
from events.staff.staffing import Staffing
from scheduler.retry import retrying
from scheduler.service import Stepdown

# An absence is recorded for at most this many days at once (a longer leave is a removal).
MAX_ABSENCE_DAYS = 366


def get_staffing(app: StepdownApplication, program_id: str) -> Staffing:
    app.get_program(program_id)
    try:
        staffing: Staffing = app.repository.get(staffing_uuid(program_id))
    except AggregateNotFoundError:
        raise NotFoundError(
            f"program: {program_id!r} has no staff yet (import a stepdown/program@2 file)"
        ) from None
    return staffing


def mark_absent(
    stepdown: Stepdown,
    program_id: str,
    staff_id: str,
    first_day: date,
    last_day: date | None = None,
    reason: str = "",
    *,
    actor: str,
) -> None:
    """A staff member is away for a day or a range of days (both ends included)."""
    until = first_day if last_day is None else last_day
    if (until - first_day).days >= MAX_ABSENCE_DAYS:
        raise InvalidRequestError(
            f"last_day: {until} is more than {MAX_ABSENCE_DAYS} days after {first_day}"
        )

    def use_case() -> None:
        staffing = get_staffing(stepdown.app, program_id)
        staffing.mark_absent(staff_id, first_day, until, reason, recorded_by=actor)
        stepdown.app.save(staffing)

    retrying(use_case, what=f"absence of {staff_id}")


def assign_primary_counsellor(
    stepdown: Stepdown, program_id: str, patient_id: str, staff_id: str, *, actor: str
) -> None:
    """The patient's primary counsellor, within the counsellor's caseload cap."""

    def use_case() -> None:
        app = stepdown.app
        program = app.get_program(program_id)
        app.get_enrollment(program_id, patient_id)
        staffing = get_staffing(app, program_id)
        staffing.assign_primary_counsellor(
            patient_id, staff_id, recorded_by=actor, effective_on=stepdown.today(program.timezone)
        )
        app.save(staffing)

    retrying(use_case, what=f"primary counsellor of {patient_id}")


def remove_staff(stepdown: Stepdown, program_id: str, staff_id: str, *, actor: str) -> None:
    """A staff member leaves: refused while they still facilitate a session or counsel anyone."""

    def use_case() -> None:
        app = stepdown.app
        program = app.get_program(program_id)
        staffing = get_staffing(app, program_id)
        staffing.remove_staff(
            staff_id, recorded_by=actor, effective_on=stepdown.today(program.timezone)
        )
        app.save(staffing)

    retrying(use_case, what=f"removal of {staff_id}")
