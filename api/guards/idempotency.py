"""`Idempotency-Key` on POSTs: a retried request is applied once and answered like the first.

A client that lost the answer (a timeout, a dropped connection, a resubmitted form) sends the
request again with the same key. The first request claims the key by inserting it (the primary
key (caller, key) lets one insert win even when two retries race); its answer is stored and
replayed to every retry for a day. The same key with another body or route is a client error
(422); a retry while the first is still running gets 409. The page's forms carry a fresh key each
in a hidden field (`idempotency_key`), so a form posted twice is applied once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.web.session import COOKIE
from scheduler.projections.store import ViewStore

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
MAX_KEY_LENGTH = 255
# A claim whose request never finished (the process was killed) is taken over after this long:
# longer than any request runs (an inline roster solve is limited to 10 minutes).
STALE_CLAIM = timedelta(minutes=15)
# Answers that say the request was applied, or refused for what it said: the same request gets
# the same answer. Others (401, 403, 409 lost race, 5xx) release the key so a retry runs again.
KEPT_ERRORS = frozenset({400, 404, 410, 413, 422})
# Headers the server adds to each answer itself; not part of the stored answer.
NOT_REPLAYED = frozenset({b"date", b"server"})

TABLE = (
    "CREATE TABLE IF NOT EXISTS idempotent_requests ("
    "caller TEXT NOT NULL, idempotency_key TEXT NOT NULL, request TEXT NOT NULL, "
    "fingerprint TEXT NOT NULL, claim TEXT NOT NULL, status INTEGER, response TEXT, "
    "claimed_at TEXT NOT NULL, expires_at TEXT NOT NULL, "
    "PRIMARY KEY (caller, idempotency_key))"
)
EXPIRY_INDEX = (
    "CREATE INDEX IF NOT EXISTS idempotent_requests_expiry ON idempotent_requests (expires_at)"
)


@dataclass(frozen=True)
class Claimed:
    """This request holds the key: run it, then `finish` or `release`."""

    claim: str


@dataclass(frozen=True)
class Answered:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass(frozen=True)
class Refused:
    status: int
    detail: str


Outcome = Claimed | Answered | Refused


class IdempotencyStore:
    """Keys and first answers, in a table beside the read models (answers sealed with the
    store's key when one is set: they may hold names)."""

    def __init__(
        self, views: ViewStore, *, ttl: timedelta, now: Callable[[], datetime] | None = None
    ) -> None:
        self._views = views
        self._ttl = ttl
        # Operational time (when a stored answer expires), not the service's business clock.
        self._now = now or (lambda: datetime.now(UTC))
        with views.transaction() as cursor:
            cursor.execute(TABLE)
            cursor.execute(EXPIRY_INDEX)

    def claim(self, caller: str, key: str, request: str, fingerprint: str) -> Outcome:
        now = self._now()
        claim = secrets.token_hex(16)
        with self._views.transaction() as cursor:
            cursor.execute(
                "DELETE FROM idempotent_requests WHERE expires_at < ?", (now.isoformat(),)
            )
            cursor.execute(
                "DELETE FROM idempotent_requests WHERE caller = ? AND idempotency_key = ? "
                "AND status IS NULL AND claimed_at < ?",
                (caller, key, (now - STALE_CLAIM).isoformat()),
            )
            cursor.execute(
                "INSERT INTO idempotent_requests (caller, idempotency_key, request, fingerprint, "
                "claim, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (caller, idempotency_key) DO NOTHING",
                (
                    caller,
                    key,
                    request,
                    fingerprint,
                    claim,
                    now.isoformat(),
                    (now + self._ttl).isoformat(),
                ),
            )
            rows = cursor.query(
                "SELECT request, fingerprint, claim, status, response FROM idempotent_requests "
                "WHERE caller = ? AND idempotency_key = ?",
                (caller, key),
            )
            row = rows[0]
            response = None if row["response"] is None else cursor.unseal(row["response"])
        if row["claim"] == claim:
            return Claimed(claim)
        if row["request"] != request or row["fingerprint"] != fingerprint:
            return Refused(
                422,
                f"{HEADER}: {key!r} was used for another request ({row['request']}, another "
                "body); a new request needs a new key",
            )
        if row["status"] is None or response is None:
            return Refused(
                409, f"{HEADER}: {key!r}: the first request with this key is still running"
            )
        stored = json.loads(response)
        return Answered(
            int(row["status"]),
            [
                (name.encode("latin-1"), value.encode("latin-1"))
                for name, value in stored["headers"]
            ],
            base64.b64decode(stored["body"]),
        )

    def finish(self, caller: str, key: str, claim: str, answer: Answered) -> None:
        stored = json.dumps(
            {
                "headers": [(n.decode("latin-1"), v.decode("latin-1")) for n, v in answer.headers],
                "body": base64.b64encode(answer.body).decode(),
            }
        )
        with self._views.transaction() as cursor:
            cursor.execute(
                "UPDATE idempotent_requests SET status = ?, response = ? "
                "WHERE caller = ? AND idempotency_key = ? AND claim = ?",
                (answer.status, cursor.seal(stored), caller, key, claim),
            )

    def release(self, caller: str, key: str, claim: str) -> None:
        with self._views.transaction() as cursor:
            cursor.execute(
                "DELETE FROM idempotent_requests WHERE caller = ? AND idempotency_key = ? AND claim = ?",
                (caller, key, claim),
            )


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
        if key is None:
            await self.app(scope, _replay_body(body, receive), send)
            return
        if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
            problem = f"{HEADER}: must be 1–{MAX_KEY_LENGTH} printable ASCII characters"
            await _refuse(Refused(422, problem), scope, receive, send)
            return
        request = f"{scope['method']} {scope['path']}"
        fingerprint = _fingerprint(scope, headers, body)
        store: IdempotencyStore = scope["app"].state.idempotency
        outcome = await run_in_threadpool(store.claim, caller, key, request, fingerprint)
        if isinstance(outcome, Refused):
            await _refuse(outcome, scope, receive, send)
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
            await run_in_threadpool(store.release, caller, key, claimed.claim)
            raise
        if status < 400 or status in KEPT_ERRORS:
            answer = Answered(status, answer_headers, b"".join(chunks))
            await run_in_threadpool(store.finish, caller, key, claimed.claim, answer)
        else:
            await run_in_threadpool(store.release, caller, key, claimed.claim)


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


async def _refuse(refused: Refused, scope: Scope, receive: Receive, send: Send) -> None:
    response: Response = JSONResponse({"detail": refused.detail}, status_code=refused.status)
    if refused.status == 409:
        response.headers["Retry-After"] = "1"
    await response(scope, receive, send)


async def _replay(answer: Answered, send: Send) -> None:
    headers = [*answer.headers, (b"idempotent-replayed", b"true")]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})
