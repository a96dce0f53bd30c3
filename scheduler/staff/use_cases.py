"""Use cases of staffing: mark a staff member absent, assign a primary counsellor (caseload cap
checked), remove a staff member. Each is get → decide → save, retried on a concurrent write."""

from __future__ import annotations

from datetime import date, timedelta

from eventsourcing.application import AggregateNotFoundError

from events.application import StepdownApplication
from events.calendar import iso_week, monday_of
from events.enrollment import ENDED
from events.errors import InvalidRequestError, NotFoundError
from events.ids import staffing_uuid
from events.roster import Roster
from events.staff.staffing import Staffing
from scheduler.retry import retrying
from scheduler.service import Stepdown
from scheduler.staff.absence_cover import CoverOutcome, cover_absence

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
) -> list[CoverOutcome]:
    """A staff member is away for a day or a range of days (both ends included). Each roster
    week it touches from today on is re-solved for it at once, in the same save: a covering
    facilitator where one fits, otherwise the meeting is called off (its patients get make-ups);
    their appointments move where they can."""
    until = first_day if last_day is None else last_day
    if (until - first_day).days >= MAX_ABSENCE_DAYS:
        raise InvalidRequestError(
            f"last_day: {until} is more than {MAX_ABSENCE_DAYS} days after {first_day}"
        )

    def use_case() -> list[CoverOutcome]:
        app = stepdown.app
        staffing = get_staffing(app, program_id)
        if (first_day, until) in staffing.absences.get(staff_id, []):
            return []
        staffing.mark_absent(staff_id, first_day, until, reason, recorded_by=actor)
        program = app.get_program(program_id)
        # Days already past are not re-solved: their meetings happened or did not.
        today = stepdown.today(program.timezone)
        rosters = _rosters_touched(stepdown, program_id, max(first_day, today), until)
        outcomes: list[CoverOutcome] = []
        if rosters:
            # The week is read from read models that have applied every write so far (caught up
            # here rather than waited for: runners of a read model take turns under its lock).
            for name in ("directory", "census", "attendance", "roster", "staff"):
                stepdown.runner(name).catch_up()
            with stepdown.views.transaction(commit=False) as cursor:
                outcomes = cover_absence(
                    cursor,
                    program,
                    rosters,
                    staff_id,
                    max(first_day, today),
                    until,
                    actor=actor,
                )
        app.save(staffing, program, *rosters)
        return outcomes

    return retrying(use_case, what=f"absence of {staff_id}")


def _rosters_touched(
    stepdown: Stepdown, program_id: str, first_day: date, last_day: date
) -> list[Roster]:
    rosters = []
    monday = monday_of(first_day)
    while monday <= last_day:
        roster = stepdown.app.find_roster(program_id, iso_week(monday))
        if roster is not None and roster.roster_version > 0:
            rosters.append(roster)
        monday += timedelta(days=7)
    return rosters


def assign_primary_counsellor(
    stepdown: Stepdown, program_id: str, patient_id: str, staff_id: str, *, actor: str
) -> None:
    """The patient's primary counsellor, within the counsellor's caseload cap."""

    def use_case() -> None:
        app = stepdown.app
        program = app.get_program(program_id)
        enrollment = app.get_enrollment(program_id, patient_id)
        if enrollment.status in ENDED:
            raise InvalidRequestError(
                f"patient: {patient_id} is {enrollment.status.value.replace('-', ' ')}; "
                "a patient who left the program has no primary counsellor"
            )
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
