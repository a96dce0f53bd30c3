"""CSRF tokens on the page's forms: every POST form carries a token only the page can know.

SameSite=Strict alone leaves older browsers and same-site attackers (another app on a sibling
subdomain) free to post with the session cookie. The token is a keyed hash of the session
cookie's value: a site that cannot read the HttpOnly cookie cannot compute it, it changes with
every sign-in, and it needs no server-side state. It follows whatever value the cookie holds.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request, status

from api.web.session import COOKIE

FIELD = "csrf_token"
_PURPOSE = b"stepdown page form v1"


def csrf_token(request: Request) -> str:
    """The token for this session's forms; empty before sign-in (those forms are not checked)."""
    session = request.cookies.get(COOKIE)
    return token_for_session(session) if session else ""


def token_for_session(session_cookie: str) -> str:
    return hmac.new(_PURPOSE, session_cookie.encode(), hashlib.sha256).hexdigest()


async def require_csrf_token(
    request: Request, csrf_token_field: Annotated[str, Form(alias=FIELD, max_length=128)] = ""
) -> None:
    expected = csrf_token(request)
    if not expected or not hmac.compare_digest(csrf_token_field, expected):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "the form's CSRF token is missing or does not match your session (a form from "
            "another site, or from before you signed in again): reload the page and try again",
        )


# On a page route or router: its POST is refused unless the form came from this session's page.
CsrfChecked = Depends(require_csrf_token)
