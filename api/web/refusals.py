"""A page form whose fields the shared types refuse goes back to its week with the reason, as
a refusal of the use case does; nothing is recorded."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.web.notices import NoticeStore, back
from api.web.session import SignInRequiredError, page_principal
from events.calendar import week_monday
from events.errors import InvalidRequestError
from scheduler.hygiene.fields import ID_PATTERN
from scheduler.hygiene.text import shown

WEEK_ACTION = re.compile(r"^/ui/programs/[^/]+/weeks/[^/]+/")


async def page_form_refused(
    request: Request, problems: Sequence[Mapping[str, Any]]
) -> Response | None:
    """The redirect to the week with an error notice naming each field and value, or None when
    the request is not a week page's form (the API answers 422 as usual)."""
    if request.method != "POST" or not WEEK_ACTION.match(request.url.path):
        return None
    program_id = str(request.path_params.get("program_id", ""))
    week = str(request.path_params.get("week", ""))
    if not re.match(ID_PATTERN, program_id) or not _is_week(week):
        return None
    try:
        who = await run_in_threadpool(page_principal, request)
    except SignInRequiredError:
        return RedirectResponse("/ui/sign-in", status_code=303)
    notices: NoticeStore = request.app.state.notices
    text = "Not done: " + "; ".join(_described(problem) for problem in problems)
    return await run_in_threadpool(back, notices, who, program_id, week, text, "error")


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
