"""Signing in to the page: the API token, kept in an HttpOnly, SameSite=Strict cookie.

SameSite=Strict keeps other sites' forms from riding on the cookie (no cross-site POST carries
it), so the page's forms need no separate CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from api.auth import Principal, Role, TokenStore

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


def page_role(role: Role) -> Callable[[Principal], Principal]:
    def check(principal: Annotated[Principal, Depends(page_principal)]) -> Principal:
        if not principal.role.allows(role):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"role {principal.role.value} may not do this; it needs {role.value}",
            )
        return principal

    return check


PageReader = Annotated[Principal, Depends(page_role(Role.VIEWER))]
PageClinician = Annotated[Principal, Depends(page_role(Role.CLINICIAN))]
PageCoordinator = Annotated[Principal, Depends(page_role(Role.COORDINATOR))]
