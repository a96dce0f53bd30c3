"""The program a person opened last, so signing in (and the bare /ui) opens it again.

Kept in its own cookie, not in the session: a session ends at sign-out, the choice should not.
It holds a program id and nothing else (no patient, no person), and it is only a preference:
on the way back in, the session's own scope decides whether that program may be opened.
"""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi import Request, Response

from api.auth import Principal
from scheduler import queries
from scheduler.service import Stepdown

COOKIE = "stepdown_program"
REMEMBERED_FOR = timedelta(days=180)
_PROGRAM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def remember(request: Request, response: Response) -> None:
    """A signed-in page of one program was shown: it becomes the one to open next time."""
    program_id = request.path_params.get("program_id")
    if not isinstance(program_id, str) or request.cookies.get(COOKIE) == program_id:
        return
    response.set_cookie(
        COOKIE,
        program_id,
        path="/ui",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=int(REMEMBERED_FOR.total_seconds()),
    )


def program_to_open(request: Request, stepdown: Stepdown, who: Principal) -> str | None:
    """The program opened last, if it still exists and this session may read it; otherwise the
    first the session may read (by id); None when it may read none."""
    readable = [
        program_id for program_id in queries.program_ids(stepdown) if who.scope.allows(program_id)
    ]
    last = request.cookies.get(COOKIE, "")
    if _PROGRAM_ID.fullmatch(last) and last in readable:
        return last
    return readable[0] if readable else None
