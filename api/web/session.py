"""Signing in to the page: an API token opens a session of at most 12 hours, whose own secret
(never the API token) is kept in an HttpOnly, SameSite=Strict cookie; signing out revokes it.

SameSite=Strict keeps other sites' forms from riding on the cookie (no cross-site POST carries
it); each form also carries a CSRF token (api.guards.csrf) for browsers and sites it misses.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.auth import Kind, Principal, TokenStore
from api.dependencies import require_program
from api.ops.request_context import note_subject

COOKIE = "stepdown_session"


class SignInRequiredError(Exception):
    """Raised by page dependencies; the app answers with a redirect to the sign-in form."""


def page_principal(request: Request) -> Principal:
    tokens: TokenStore = request.app.state.tokens
    token = request.cookies.get(COOKIE)
    principal = None if token is None else tokens.authenticate(token, Kind.SESSION)
    if principal is None:
        raise SignInRequiredError
    note_subject(principal.subject)
    program_id = request.path_params.get("program_id")
    if program_id is not None:
        require_program(principal, program_id)
    return principal


# Every role may read the pages; what a role may do is checked by each action (api.web.actions).
PageReader = Annotated[Principal, Depends(page_principal)]
