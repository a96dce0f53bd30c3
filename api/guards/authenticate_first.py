"""Credentials are checked before a request body is read, and the store is opened first.

Routes check the caller too, but only after FastAPI has read and parsed the body: an
unauthenticated client could make the server take in megabytes per request. Here a request that
carries a body to a route needing a credential is answered 401 (the page: back to sign-in)
before a byte of it is read. Requests without a body are left to the routes' own checks.
"""

from __future__ import annotations

from eventsourcing.persistence import PersistenceError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api.service_access import ServiceAccess
from api.web.session import SignInRequiredError, page_principal
from events.errors import StorageFaultError
from events.storage_faults import storage_fault

# Answered without the store: the health check says itself what is wrong with it, and the API's
# description needs none.
STORE_FREE_PATHS = ("/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc")
STORE_FREE_PREFIXES = ("/static/",)
# The only route that takes a body from someone not yet signed in.
PUBLIC_WRITES = ("/ui/sign-in",)
PAGE_PREFIX = "/ui"


class AuthenticateFirst:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or path in STORE_FREE_PATHS
            or path.startswith(STORE_FREE_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        access: ServiceAccess = scope["app"].state.service
        if access.ready is None:
            try:
                await run_in_threadpool(access.open)
            except StorageFaultError as unavailable:
                await _store_unavailable(str(unavailable))(scope, receive, send)
                return
        if _carries_body(scope) and path not in PUBLIC_WRITES:
            try:
                refusal = await _refusal(scope, path)
            except PersistenceError as error:
                fault = storage_fault(error) or "the store failed to answer"
                refusal = _store_unavailable(f"database unavailable: {fault}")
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _carries_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False


async def _refusal(scope: Scope, path: str) -> Response | None:
    """None when the request names a caller the store knows; else the answer to send."""
    request = Request(scope)
    if path == PAGE_PREFIX or path.startswith(PAGE_PREFIX + "/"):
        try:
            await run_in_threadpool(page_principal, request)
        except SignInRequiredError:
            return RedirectResponse("/ui/sign-in", status_code=303, headers={"Connection": "close"})
        return None
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        tokens = scope["app"].state.tokens
        checked, principal = tokens.recently_checked(token.strip())
        if not checked:
            principal = await run_in_threadpool(tokens.authenticate, token.strip())
        if principal is not None:
            return None
    return JSONResponse(
        {"detail": "a valid bearer token is required"},
        status_code=401,
        # The body is not read: the connection cannot carry another request after it.
        headers={"WWW-Authenticate": "Bearer", "Connection": "close"},
    )


def _store_unavailable(detail: str) -> Response:
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "2"})
