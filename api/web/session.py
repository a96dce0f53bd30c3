"""Signing in to the page: the API token, kept in an HttpOnly, SameSite=Strict cookie.

SameSite=Strict keeps other sites' forms from riding on the cookie (no cross-site POST carries
it); each form also carries a CSRF token (api.guards.csrf) for browsers and sites it misses.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.auth import Principal, TokenStore

COOKIE = "stepdown_token"


class SignInRequiredError(Exception):
    """Raised by page dependencies; the app answers with a redirect to the sign-in form."""


def page_principal(request: Request) -> Principal:
    tokens: TokenStore = request.app.state.tokens
    token = request.cookies.get(COOKIE)
    principal = None if token is None else tokens.authenticate(token)
    if principal is None:
        raise SignInRequiredError
    return principal


# Every role may read the pages; what a role may do is checked by each action (api.web.actions).
PageReader = Annotated[Principal, Depends(page_principal)]
