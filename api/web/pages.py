"""Pages: the week at a glance, a patient's course, the census, and signing in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from api.auth import SESSION_LIFETIME, Principal, TokenStore
from api.dependencies import JobsDep, ServiceDep, SettingsDep
from api.guards.csrf import CsrfChecked
from api.privacy.access import audit_for
from api.routes.params import PatientId, ProgramId, WeekPath, settle
from api.web.actions import WEEK_VIEWS
from api.web.chart import taper_chart
from api.web.generating import shown_job
from api.web.last_program import program_to_open, remember
from api.web.notices import Notice, NoticeStore
from api.web.plain_words import day_text
from api.web.printouts.links import week_printouts
from api.web.program_switcher import readable_programs
from api.web.session import COOKIE, PageReader
from api.web.week.filters import read_filters
from api.web.week.generating import generating_panel, outcome_notice
from api.web.week.layout import tracks_of, week_page
from api.web.week.words import flag_text, solver_text, week_heading, week_link
from events.calendar import iso_week, week_monday
from scheduler import queries
from scheduler.flags.history import flag_history
from scheduler.roster_queries import patient_names
from scheduler.service import Stepdown
from scheduler.taper_course import patient_course
from scheduler.week_view import week_view

router = APIRouter(prefix="/ui", include_in_schema=False)


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    templates = request.app.state.templates
    who = context.get("who")
    notice = _notice(request, who)
    if who is not None:  # the header's program switcher
        context.setdefault("programs", readable_programs(request.app.state.stepdown, who))
    context.setdefault("notice", None if notice is None else _notice_body(request, notice))
    context.setdefault("notice_kind", "ok" if notice is None else notice.kind)
    response: HTMLResponse = templates.TemplateResponse(request, f"web/{template}", context)
    if who is not None:
        remember(request, response)
    return response


def _notice_body(request: Request, notice: Notice) -> str | Markup:
    """A one-line notice as text; a longer one rendered from its template (autoescaped)."""
    if notice.template is None:
        return notice.text
    page = request.app.state.templates.env.get_template(f"web/notices/{notice.template}.html")
    return Markup(page.render(request=request, **notice.context))


def _notice(request: Request, who: Principal | None) -> Notice | None:
    """The notice the last form left for this person: the URL names it, the server holds it."""
    notice_id = request.query_params.get("notice")
    if notice_id is None or who is None:
        return None
    notices: NoticeStore = request.app.state.notices
    return notices.take(notice_id, who.subject)


@router.get("")
def home(request: Request, who: PageReader, stepdown: ServiceDep) -> RedirectResponse:
    """This week of the program opened last, or of the first the session may read."""
    program_id = program_to_open(request, stepdown, who)
    if program_id is None:
        return RedirectResponse("/ui/empty", status_code=303)
    today = stepdown.today(queries.program_timezone(stepdown, program_id))
    return RedirectResponse(f"/ui/programs/{program_id}/weeks/{iso_week(today)}", status_code=303)


@router.get("/empty")
def empty(request: Request, who: PageReader) -> HTMLResponse:
    return render(request, "empty.html", who=who)


@router.get("/sign-in")
def sign_in_form(request: Request) -> HTMLResponse:
    return render(request, "sign_in.html", who=None)


@router.post("/sign-in")
def sign_in(request: Request, token: Annotated[str, Form(max_length=200)]) -> Response:
    tokens: TokenStore = request.app.state.tokens
    principal = tokens.authenticate(token.strip())
    if principal is None:
        return render(request, "sign_in.html", who=None, error="That token is not valid.")
    response = RedirectResponse("/ui", status_code=303)
    response.set_cookie(
        COOKIE,
        tokens.open_session(principal),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )
    return response


@router.post("/sign-out", dependencies=[CsrfChecked])
def sign_out(request: Request) -> RedirectResponse:
    session = request.cookies.get(COOKIE)
    if session is not None:
        tokens: TokenStore = request.app.state.tokens
        tokens.close_session(session)
    response = RedirectResponse("/ui/sign-in", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/programs/{program_id}/weeks/{week}")
def week(
    request: Request,
    program_id: ProgramId,
    week: WeekPath,
    who: PageReader,
    stepdown: ServiceDep,
    jobs: JobsDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """The week by day and meeting (or by patient, `view=patients`), filtered by the query;
    while its roster is generated, how far that got (`job`: the job a generate form started,
    whose notice is shown once it has ended)."""
    job = shown_job(jobs, program_id, week, request.query_params.get("job"))
    if job is not None and job.finished:
        settle(stepdown, settings, answer_from=WEEK_VIEWS)
    view = week_view(stepdown, program_id, week)
    monday = week_monday(week)
    filters, problems = read_filters(request.query_params, monday, view.today, tracks_of(view))
    page = week_page(view, filters, problems, pin=request.query_params.get("pin"))
    extra: dict[str, Any] = {"generating": None}
    if job is not None and not job.finished:
        # Job times are wall-clock times (scheduler.jobs.records), never the service clock.
        now = datetime.now(UTC)
        extra["generating"] = generating_panel(job, now, settings.roster_time_limit_s)
    elif job is not None:
        names = patient_names(stepdown, program_id)
        notice = outcome_notice(job, names, page.label)
        extra.update(notice=notice.text, notice_kind=notice.kind)
    return render(
        request,
        "week.html",
        who=who,
        view=view,
        page=page,
        **extra,
        monday=monday,
        previous_week=iso_week(monday - timedelta(days=7)),
        next_week=iso_week(monday + timedelta(days=7)),
        this_week=iso_week(view.today),
        heading=week_heading(monday),
        previous_link=week_link(monday - timedelta(days=7), view.today),
        next_link=week_link(monday + timedelta(days=7), view.today),
        solver_text=solver_text,
        flag_text=flag_text,
        day_text=lambda day: day_text(day, view.today),
    )


@router.get("/programs/{program_id}/patients/{patient_id}")
def patient(
    request: Request,
    program_id: ProgramId,
    patient_id: PatientId,
    who: PageReader,
    stepdown: ServiceDep,
) -> HTMLResponse:
    return patient_page(request, stepdown, program_id, patient_id, who)


def patient_page(
    request: Request,
    stepdown: Stepdown,
    program_id: str,
    patient_id: str,
    who: Principal,
    **extra: Any,
) -> HTMLResponse:
    """A patient's course; `extra` is what an action adds (a feed URL shown once)."""
    course = patient_course(stepdown, program_id, patient_id)
    audit_for(request, who, "page").disclose(program_id, [patient_id], what="patient-record")
    return render(
        request,
        "patient.html",
        who=who,
        program_id=program_id,
        course=course,
        chart=taper_chart(course.weeks, course.current_week),
        flags=flag_history(stepdown, program_id, patient_id),
        flag_text=flag_text,
        day_text=day_text,
        today=stepdown.today(queries.program_timezone(stepdown, program_id)),
        this_week=iso_week(stepdown.today(queries.program_timezone(stepdown, program_id))),
        **extra,
    )


@router.get("/programs/{program_id}/census")
def census(
    request: Request, program_id: ProgramId, who: PageReader, stepdown: ServiceDep
) -> HTMLResponse:
    entries = queries.census(stepdown, program_id)
    compliance: dict[str, tuple[int, int]] = {}
    for week_row in queries.compliance_weeks(stepdown, program_id):
        met, total = compliance.get(week_row.patient_id, (0, 0))
        compliance[week_row.patient_id] = (met + week_row.meets_weekly_floor, total + 1)
    timezone = queries.program_timezone(stepdown, program_id)
    today = stepdown.today(timezone)
    this_week, next_week = iso_week(today), iso_week(today + timedelta(days=7))
    return render(
        request,
        "census.html",
        who=who,
        program_id=program_id,
        entries=entries,
        compliance=compliance,
        this_week=this_week,
        today=today,
        printouts=[week_printouts(stepdown, program_id, w) for w in (this_week, next_week)],
        day_text=day_text,
    )
