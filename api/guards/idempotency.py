"""`Idempotency-Key` on POSTs: a retried request is applied once and answered like the first.

A client that lost the answer (a timeout, a dropped connection, a resubmitted form) sends the
request again with the same key. The first request claims the key by inserting it (the primary
key (caller, key) lets one insert win even when two retries race); its answer is stored and
replayed to every retry for a day. The same key with another body or route is a client error
(422); a retry while the first is still running gets 409. The page's forms carry a fresh key each
in a hidden field (`idempotency_key`), so a form posted twice is applied once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from urllib.parse import parse_qs

from eventsourcing.persistence import PersistenceError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.guards.idempotency_store import (
    HEADER,
    Answered,
    Claimed,
    IdempotencyStore,
    Outcome,
    Refused,
)
from api.web.session import COOKIE
from events.storage_faults import storage_fault

log = logging.getLogger("stepdown.api")

FORM_FIELD = "idempotency_key"
MAX_KEY_LENGTH = 255
# Answers that say the request was applied, or refused for what it said: the same request gets
# the same answer. Others (401, 403, 409 lost race, 5xx) release the key so a retry runs again.
KEPT_ERRORS = frozenset({400, 404, 410, 413, 422})
# Headers the server adds to each answer itself; not part of the stored answer.
NOT_REPLAYED = frozenset({b"date", b"server"})


class IdempotentRetries:
    """Plain ASGI middleware, inside the body limit and the credential check (which opens the
    store, and with it `app.state.idempotency`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        caller = _caller(headers)
        header_key = headers.get(HEADER)
        if caller is None or (header_key is None and not _is_form(headers)):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        key = header_key if header_key is not None else _form_key(body)
        # Where the key came from, for a 422 that names it as the field at fault.
        field = ["header", HEADER] if header_key is not None else ["body", FORM_FIELD]
        if key is None:
            await self.app(scope, _replay_body(body, receive), send)
            return
        if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
            problem = f"{HEADER}: must be 1–{MAX_KEY_LENGTH} printable ASCII characters"
            await _refuse(Refused(422, problem), field, scope, receive, send)
            return
        request = f"{scope['method']} {scope['path']}"
        fingerprint = _fingerprint(scope, headers, body)
        store: IdempotencyStore = scope["app"].state.idempotency
        try:
            outcome: Outcome = await run_in_threadpool(
                store.claim, caller, key, request, fingerprint
            )
        except PersistenceError as error:
            fault = storage_fault(error) or "the store failed to answer"
            outcome = Refused(503, f"database unavailable: {fault}")
        if isinstance(outcome, Refused):
            await _refuse(outcome, field, scope, receive, send)
        elif isinstance(outcome, Answered):
            await _replay(outcome, send)
        else:
            await self._run_once(
                scope, _replay_body(body, receive), send, store, caller, key, outcome
            )

    async def _run_once(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        store: IdempotencyStore,
        caller: str,
        key: str,
        claimed: Claimed,
    ) -> None:
        status = 500
        answer_headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def recording_send(message: Message) -> None:
            nonlocal status, answer_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                answer_headers = [
                    (bytes(n), bytes(v))
                    for n, v in message.get("headers", [])
                    if n not in NOT_REPLAYED
                ]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        except BaseException:
            await _after_answer(store.release, caller, key, claimed.claim)
            raise
        # An answer marked no-store holds a secret shown once (a new feed link): it is not kept,
        # so a retry runs again (and makes another) rather than find the secret in the table.
        no_store = any(
            name == b"cache-control" and b"no-store" in value for name, value in answer_headers
        )
        if not no_store and (status < 400 or status in KEPT_ERRORS):
            answer = Answered(status, answer_headers, b"".join(chunks))
            await _after_answer(store.finish, caller, key, claimed.claim, answer)
        else:
            await _after_answer(store.release, caller, key, claimed.claim)


async def _after_answer(step: Callable[..., None], *args: object) -> None:
    """Store or free the key once the client has its answer; a store failing now cannot change
    that answer, so it is logged (the claim goes stale and is taken over, see STALE_CLAIM)."""
    try:
        await run_in_threadpool(step, *args)
    except PersistenceError as error:
        log.warning(
            "Idempotency-Key not updated after the answer: %s", storage_fault(error) or error
        )


def _caller(headers: Headers) -> str | None:
    """Who is asking, as a digest of their credential: keys of different callers never meet."""
    credential = headers.get("authorization") or _cookie(headers, COOKIE)
    if not credential:
        return None
    return hashlib.sha256(credential.encode()).hexdigest()


def _cookie(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        cookie_name, _, value = part.strip().partition("=")
        if cookie_name == name and value:
            return value
    return None


def _is_form(headers: Headers) -> bool:
    return headers.get("content-type", "").startswith("application/x-www-form-urlencoded")


def form_key() -> str:
    """A fresh key for one rendered form (the page's templates call it)."""
    return secrets.token_urlsafe(16)


def _form_key(body: bytes) -> str | None:
    values = parse_qs(body.decode("latin-1")).get(FORM_FIELD)
    return values[0] if values else None


def _fingerprint(scope: Scope, headers: Headers, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (scope.get("query_string", b""), headers.get("content-type", "").encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


async def _read_body(receive: Receive) -> bytes:
    """The whole body (the body limit outside bounds it)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay_body(body: bytes, then: Receive) -> Receive:
    """The body already read, then the client's own messages (a disconnect, when it comes)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _refuse(
    refused: Refused, field: list[str], scope: Scope, receive: Receive, send: Send
) -> None:
    detail: object = refused.detail
    if refused.status == 422:
        # The shape of every 422 the API answers: a list of the fields at fault (here, the key).
        detail = [{"loc": field, "msg": refused.detail, "type": "idempotency_key"}]
    response: Response = JSONResponse({"detail": detail}, status_code=refused.status)
    if refused.status == 409:
        response.headers["Retry-After"] = "1"
    elif refused.status == 503:
        response.headers["Retry-After"] = "2"
    await response(scope, receive, send)


async def _replay(answer: Answered, send: Send) -> None:
    headers = [*answer.headers, (b"idempotent-replayed", b"true")]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})
