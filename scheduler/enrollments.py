"""Use cases for an enrolment's course: pause, resume, step down, discharge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from events.enrollment import Enrollment
from events.errors import InvalidRequestError
from scheduler.retry import retrying
from scheduler.service import Stepdown
from scheduler.staff.caseloads import leaving_caseload

Change = Callable[[Enrollment, date], None]


def pause(
    stepdown: Stepdown,
    program_id: str,
    patient_id: str,
    *,
    reason: str,
    actor: str,
    on_date: date | None = None,
) -> None:
    def change(e: Enrollment, day: date) -> None:
        e.pause(reason, recorded_by=actor, effective_on=day)

    _change(stepdown, program_id, patient_id, on_date, change, "pause", actor)


def resume(
    stepdown: Stepdown, program_id: str, patient_id: str, *, actor: str, on_date: date | None = None
) -> None:
    def change(e: Enrollment, day: date) -> None:
        e.resume(recorded_by=actor, effective_on=day)

    _change(stepdown, program_id, patient_id, on_date, change, "resume", actor)


def step_down(
    stepdown: Stepdown,
    program_id: str,
    patient_id: str,
    *,
    summary: str,
    actor: str,
    on_date: date | None = None,
) -> None:
    def change(e: Enrollment, day: date) -> None:
        e.step_down(summary, recorded_by=actor, effective_on=day)

    _change(stepdown, program_id, patient_id, on_date, change, "step down", actor)


def discharge(
    stepdown: Stepdown,
    program_id: str,
    patient_id: str,
    *,
    reason: str,
    actor: str,
    on_date: date | None = None,
) -> None:
    def change(e: Enrollment, day: date) -> None:
        e.discharge(reason, recorded_by=actor, effective_on=day)

    _change(stepdown, program_id, patient_id, on_date, change, "discharge", actor)


def _change(
    stepdown: Stepdown,
    program_id: str,
    patient_id: str,
    on_date: date | None,
    change: Change,
    what: str,
    actor: str,
) -> None:
    """get → decide → save, with a date that defaults to today and may not be in the future."""

    def use_case() -> None:
        app = stepdown.app
        today = stepdown.today(app.get_program(program_id).timezone)
        effective_on = on_date or today
        if effective_on > today:
            raise InvalidRequestError(f"date: {effective_on} is in the future")
        enrollment = app.get_enrollment(program_id, patient_id)
        change(enrollment, effective_on)
        app.save(enrollment, *leaving_caseload(app, enrollment, actor=actor, today=effective_on))

    retrying(use_case, what=f"{what} {patient_id}")
