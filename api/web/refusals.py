"""A page form whose fields the shared types refuse goes back to its page (the week, or the
referral, the forecast) with the reason, as a refusal of the use case does; nothing is recorded."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.web.notices import NoticeStore, back_to
from api.web.session import SignInRequiredError, page_principal
from api.web.week.filters import kept_query
from api.web.worklist.words import FLAGS_PLACE
from events.calendar import week_monday
from events.errors import InvalidRequestError
from scheduler.hygiene.fields import ID_PATTERN
from scheduler.hygiene.text import shown

# The page each form's path returns to, and the parts of it that must be a week or an id.
FORM_PAGES = (
    re.compile(r"^(?P<page>/ui/programs/(?P<program>[^/]+)/weeks/(?P<week>[^/]+))/"),
    re.compile(r"^(?P<page>/ui/programs/(?P<program>[^/]+)/referrals/(?P<referral>[^/]+))/[a-z]+$"),
    re.compile(r"^(?P<page>/ui/programs/(?P<program>[^/]+)/waitlist)$"),
    re.compile(r"^(?P<page>/ui/programs/(?P<program>[^/]+)/forecast)/(?:what-if|advice)$"),
    re.compile(r"^(?P<page>/ui/programs/(?P<program>[^/]+)/worklist)/flags/acknowledge$"),
)


async def page_form_refused(
    request: Request, problems: Sequence[Mapping[str, Any]]
) -> Response | None:
    """The redirect to the form's page with an error notice naming each field and value, or
    None when the request is not a page's form (the API answers 422 as usual)."""
    page = _form_page(request)
    if page is None:
        return None
    try:
        who = await run_in_threadpool(page_principal, request)
    except SignInRequiredError:
        return RedirectResponse("/ui/sign-in", status_code=303)
    notices: NoticeStore = request.app.state.notices
    text = "Not done: " + "; ".join(_described(problem) for problem in problems)
    query = _week_filters(request, page)
    anchor = ""
    if page.endswith("/worklist"):
        # The worklist's week rides on the form's action; back to its flags.
        week = request.query_params.get("week", "")
        query, anchor = (f"?week={week}" if _is_week(week) else ""), FLAGS_PLACE
    return await run_in_threadpool(
        back_to, notices, who, page, text, "error", query=query, anchor=anchor
    )


def _week_filters(request: Request, page: str) -> str:
    """The week page's filters the form came from (on its action), so it returns as it was."""
    found = FORM_PAGES[0].match(page + "/")
    if found is None:
        return ""
    return kept_query(request.query_params, week_monday(found["week"]))


def _form_page(request: Request) -> str | None:
    """The page a form posted to this path came from; only paths of ours (ids and a week)."""
    if request.method != "POST":
        return None
    for pattern in FORM_PAGES:
        found = pattern.match(request.url.path)
        if found is None:
            continue
        parts = found.groupdict()
        ids = [parts["program"], parts.get("referral") or parts["program"]]
        if not all(re.match(ID_PATTERN, part) for part in ids):
            return None
        week = parts.get("week")
        if week is not None and not _is_week(week):
            return None
        return parts["page"]
    return None


def _described(problem: Mapping[str, Any]) -> str:
    field = ".".join(str(part) for part in problem["loc"][1:]) or "form"
    message = str(problem["msg"]).removeprefix("Value error, ")
    value = problem.get("input")
    return f"{field}: {message}" + (f" (got {shown(value)})" if isinstance(value, str) else "")


def _is_week(week: str) -> bool:
    try:
        week_monday(week)
    except InvalidRequestError:
        return False
    return True
