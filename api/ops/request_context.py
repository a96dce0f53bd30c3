"""Who and which request a log line belongs to: a request id per HTTP request (the caller's
`X-Request-ID` when well formed, else a new one, echoed in the answer) and the acting subject."""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
# Ids from a proxy or client are kept only when they cannot forge a log line or carry a name:
# letters, digits and . _ : - up to 128 characters (UUIDs, trace ids, ULIDs all fit).
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

access_log = logging.getLogger("stepdown.access")


@dataclass
class RequestContext:
    """Mutable on purpose: the subject is learnt after authentication, possibly in a worker
    thread holding a copy of the context, and must still reach the access line."""

    request_id: str | None = None
    subject: str | None = None


_current: ContextVar[RequestContext | None] = ContextVar("stepdown_request", default=None)
# A CLI command or the worker acts for one subject throughout, in every thread it starts.
_process = RequestContext()


def current_context() -> RequestContext:
    return _current.get() or _process


def bind_process_subject(subject: str | None) -> None:
    _process.subject = subject


def note_subject(subject: str) -> None:
    """Record who the current request acts for (called once its credential is checked)."""
    context = _current.get()
    if context is not None:
        context.subject = subject


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER.encode():
            offered = str(value.decode("latin-1"))
            if WELL_FORMED_REQUEST_ID.fullmatch(offered):
                return offered
            break
    return uuid.uuid4().hex


class RequestLog:
    """Binds a request id and (once known) the subject to every log line of the request, echoes
    the id in the answer, and writes one access line: method, path, status, duration — never a
    body, a query string or a name (paths carry ids only; feed secrets are redacted)."""

    def __init__(self, app: ASGIApp, *, access: bool = True) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        context = RequestContext(request_id=request_id_from(scope))
        token = _current.set(context)
        started = time.perf_counter()
        status = 500

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != REQUEST_ID_HEADER.encode()
                ]
                headers.append((REQUEST_ID_HEADER.encode(), str(context.request_id).encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            if self.access:
                access_log.info(
                    "%s %s %d %.1fms",
                    scope["method"],
                    scope.get("path", ""),
                    status,
                    (time.perf_counter() - started) * 1000,
                )
            _current.reset(token)
