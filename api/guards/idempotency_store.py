"""Idempotency keys and the first answer to each, in a table beside the read models.

The first request claims its key by inserting it: the primary key (caller, key) lets exactly one
insert win, even when retries race in several processes. Its answer is stored (sealed with the
store's key when one is set: answers may hold names) and replayed until it expires.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from scheduler.projections.store import ViewStore

HEADER = "Idempotency-Key"
# A claim whose request never finished (the process was killed) is taken over after this long:
# longer than any request runs (an inline roster solve is limited to 10 minutes).
STALE_CLAIM = timedelta(minutes=15)
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
