"""What a coordinator or clinician does from the week view: each form posts, then returns to
the week with a notice saying what happened (post/redirect/get; the notice is kept on the
server, see api.web.notices)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import TypeAdapter, ValidationError

from api.auth import Principal, Role
from api.dependencies import JobsDep, ServiceDep, SettingsDep
from api.guards.csrf import CsrfChecked
from api.routes.params import ProgramId, WeekPath, settle
from api.web.cancellation_notice import cancellation_notice, undo_notice
from api.web.notices import Notice, NoticeKind, NoticesDep, NoticeStore, back
from api.web.session import PageReader
from api.web.week.filters import kept_query, meeting_anchor
from events.calendar import week_monday
from events.errors import InvalidRequestError, StepdownError
from scheduler import rosters
from scheduler.attendance import AttendanceMarked, AttendanceStatus, mark_attendance
from scheduler.cancellations.outcome import cancellation_outcome
from scheduler.cancellations.undo import can_be_undone, undo_cancellation
from scheduler.hygiene.fields import Identifier, IsoDate, Note
from scheduler.hygiene.text import shown
from scheduler.jobs.tasks import ROSTER, roster_params
from scheduler.makeups import cancel_session, make_up_outcome
from scheduler.roster_queries import patient_names

router = APIRouter(
    prefix="/ui/programs/{program_id}/weeks/{week}",
    include_in_schema=False,
    dependencies=[CsrfChecked],
)

Id = Annotated[Identifier, Form()]
Day = Annotated[IsoDate, Form()]
Reason = Annotated[Note, Form(max_length=500)]
MEETING_DATE: TypeAdapter[date] = TypeAdapter(IsoDate)
# The week view reads these; a write waits for them before the page is shown again.
WEEK_VIEWS = ("directory", "census", "attendance", "roster", "compliance")
# Where on the page a form about the roster or the pins returns to.
ROSTER_PLACE = "roster-state"
PINS_PLACE = "pins-section"
# The status panel of a roster being generated.
GENERATING_PLACE = "generating"


def page_filters(request: Request, week: WeekPath) -> str:
    """The filters of the page a form came from (they ride on its action), to return to."""
    return kept_query(request.query_params, week_monday(week))


PageFilters = Annotated[str, Depends(page_filters)]


def refusal(who: Principal) -> str:
    return f"Your role ({who.role.value}) may not do this."


def act(
    notices: NoticeStore,
    program_id: str,
    week: str,
    who: Principal,
    role: Role,
    action: Callable[[], str | Notice],
    *,
    query: str = "",
    anchor: str = "",
) -> RedirectResponse:
    """Run one use case for the page: refusals and domain errors come back as the notice, on
    the page as it was (`query`: its filters) at the place of the form (`anchor`)."""
    kind: NoticeKind
    text: str | Notice
    if not who.role.allows(role):
        text, kind = refusal(who), "error"
    else:
        try:
            text, kind = action(), "ok"
        except StepdownError as error:
            text, kind = f"Not done: {error}", "error"
    return back(notices, who, program_id, week, text, kind, query=query, anchor=anchor)


@router.post("/generate")
def generate(
    program_id: ProgramId,
    week: WeekPath,
    who: PageReader,
    filters: PageFilters,
    notices: NoticesDep,
    jobs: JobsDep,
    settings: SettingsDep,
) -> RedirectResponse:
    """Solve the week as a job (as the API does for a large program) and show the week with its
    progress; asked again while the week's job is queued or running, that job is shown."""
    if not who.role.allows(Role.COORDINATOR):
        return back(notices, who, program_id, week, refusal(who), "error", query=filters)
    params = roster_params(settings.roster_time_limit_s, None)
    job = jobs.submit_unless_running(ROSTER, program_id, week, who.subject, params)
    joined = f"{filters}&" if filters else "?"
    return RedirectResponse(
        f"/ui/programs/{program_id}/weeks/{week}{joined}job={job.job_id}#{GENERATING_PLACE}",
        status_code=303,
    )


@router.post("/publish")
def publish(
    program_id: ProgramId,
    week: WeekPath,
    who: PageReader,
    filters: PageFilters,
    notices: NoticesDep,
    stepdown: ServiceDep,
    settings: SettingsDep,
    version: Annotated[int | None, Form(ge=1, description="the version reviewed")] = None,
) -> RedirectResponse:
    def run() -> str:
        # From the check page: only the version shown there, never a newer draft unseen.
        reviewed = None if version is None else frozenset({version})
        published = rosters.publish_roster(
            stepdown, program_id, week, actor=who.subject, expected_version=reviewed
        )
        settle(stepdown, settings, answer_from=WEEK_VIEWS)
        return f"Version {published} published."

    place = {"query": filters, "anchor": ROSTER_PLACE}
    return act(notices, program_id, week, who, Role.COORDINATOR, run, **place)


def _what_it_changed(marked: AttendanceMarked) -> str:
    if not marked.recorded:
        return " (already recorded)."
    text = "." if marked.corrected_from is None else f" (was {marked.corrected_from.value})."
    if marked.make_up_withdrawn is not None:
        session_id, day = marked.make_up_withdrawn
        text += f" Make-up {session_id} on {day} withdrawn: the seat is free again."
    if marked.make_up_kept is not None:
        session_id, day = marked.make_up_kept
        text += f" Make-up {session_id} on {day} kept: it already took place."
    return text


@router.post("/attendance")
def attendance(
    program_id: ProgramId,
    week: WeekPath,
    patient_id: Id,
    session_id: Id,
    session_date: Day,
    status: Annotated[AttendanceStatus, Form()],
    who: PageReader,
    filters: PageFilters,
    notices: NoticesDep,
    stepdown: ServiceDep,
    settings: SettingsDep,
    reason: Reason = "",
    contact_made: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    def run() -> str:
        # The reason and "contact made" fields sit beside all three buttons: they belong to an
        # absence, so a presence recorded with the form leaves them out.
        attended = status is AttendanceStatus.ATTENDED
        marked = mark_attendance(
            stepdown,
            program_id=program_id,
            patient_id=patient_id,
            session_id=session_id,
            session_date=session_date,
            status=status,
            reason="" if attended else reason,
            contact_made=contact_made and not attended,
            actor=who.subject,
        )
        settle(stepdown, settings, answer_from=WEEK_VIEWS)
        name = patient_names(stepdown, program_id).get(patient_id, patient_id)
        text = f"{name} ({patient_id}) {status.value} {session_id} on {session_date}"
        text += _what_it_changed(marked)
        if attended:
            return text
        outcome = make_up_outcome(stepdown, program_id, patient_id, session_id, session_date)
        if outcome is None:
            return text + " The make-up is being looked for."
        if outcome.session_id is not None:
            return text + f" Make-up: {outcome.session_id} on {outcome.session_date}."
        return text + f" No make-up: {outcome.reason}."

    place = {"query": filters, "anchor": meeting_anchor(session_id, session_date)}
    return act(notices, program_id, week, who, Role.CLINICIAN, run, **place)


@router.post("/pins")
def pin(
    program_id: ProgramId,
    week: WeekPath,
    patient_id: Id,
    meeting: Annotated[str, Form(max_length=80, description="session_id|YYYY-MM-DD")],
    who: PageReader,
    filters: PageFilters,
    notices: NoticesDep,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> RedirectResponse:
    def run() -> str:
        session_id, _, day = meeting.partition("|")
        try:
            session_date = MEETING_DATE.validate_python(day)
        except ValidationError:
            raise InvalidRequestError(
                f"meeting: {shown(meeting)} is not a session and a date"
            ) from None
        rosters.pin_assignment(
            stepdown,
            program_id,
            week,
            patient_id=patient_id,
            session_id=session_id,
            session_date=session_date,
            actor=who.subject,
        )
        settle(stepdown, settings, answer_from=WEEK_VIEWS)
        return f"{patient_id} pinned to {session_id} on {session_date}; generate to apply it."

    place = {"query": filters, "anchor": PINS_PLACE}
    return act(notices, program_id, week, who, Role.COORDINATOR, run, **place)


@router.post("/pins/remove")
def unpin(
    program_id: ProgramId,
    week: WeekPath,
    patient_id: Id,
    session_id: Id,
    session_date: Day,
    who: PageReader,
    filters: PageFilters,
    notices: NoticesDep,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> RedirectResponse:
    def run() -> str:
        rosters.pin_assignment(
            stepdown,
            program_id,
            week,
            patient_id=patient_id,
            session_id=session_id,
            session_date=session_date,
            actor=who.subject,
            unpin=True,
        )
        settle(stepdown, settings, answer_from=WEEK_VIEWS)
        return f"Pin removed: {patient_id} {session_id} on {session_date}; generate to apply it."

    place = {"query": filters, "anchor": PINS_PLACE}
    return act(notices, program_id, week, who, Role.COORDINATOR, run, **place)


@router.post("/cancellations")
def cancel(
    program_id: ProgramId,
    week: WeekPath,
    session_id: Id,
    session_date: Day,
    reason: Annotated[Note, Form(min_length=1, max_length=500)],
    who: PageReader,
    filters: PageFilters,
    notices: NoticesDep,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> RedirectResponse:
    def run() -> Notice:
        cancel_session(
            stepdown, program_id, session_id, session_date, reason=reason, actor=who.subject
        )
        settle(stepdown, settings, answer_from=WEEK_VIEWS)
        outcome = cancellation_outcome(stepdown, program_id, session_id, session_date)
        undoable = can_be_undone(stepdown, program_id, session_id, session_date)
        return cancellation_notice(
            stepdown, program_id, week, outcome, can_undo=undoable, filters=filters
        )

    place = {"query": filters, "anchor": meeting_anchor(session_id, session_date)}
    return act(notices, program_id, week, who, Role.COORDINATOR, run, **place)


@router.post("/cancellations/undo")
def undo_cancel(
    program_id: ProgramId,
    week: WeekPath,
    session_id: Id,
    session_date: Day,
    who: PageReader,
    filters: PageFilters,
    notices: NoticesDep,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> RedirectResponse:
    def run() -> Notice:
        outcome = undo_cancellation(
            stepdown, program_id, session_id, session_date, actor=who.subject
        )
        settle(stepdown, settings, answer_from=WEEK_VIEWS)
        return undo_notice(stepdown, program_id, outcome)

    place = {"query": filters, "anchor": meeting_anchor(session_id, session_date)}
    return act(notices, program_id, week, who, Role.COORDINATOR, run, **place)
