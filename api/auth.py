"""Bearer tokens: random secrets shown once, stored only as a SHA-256 digest with a role."""

from __future__ import annotations

import enum
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from events.errors import InvalidRequestError, NotFoundError
from scheduler.service import Stepdown

TOKEN_TABLE = (
    "CREATE TABLE IF NOT EXISTS api_tokens ("
    "token_hash TEXT PRIMARY KEY, subject TEXT NOT NULL, role TEXT NOT NULL, "
    "created_at TEXT NOT NULL, revoked_at TEXT)"
)


class Role(enum.Enum):
    """What a token may do; each role includes everything the roles below it may do."""

    VIEWER = "viewer"  # read only
    CLINICIAN = "clinician"  # + attendance and progress
    COORDINATOR = "coordinator"  # + everything else

    def allows(self, needed: Role) -> bool:
        order = list(Role)
        return order.index(self) >= order.index(needed)


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role


def digest(token: str) -> str:
    # Tokens are 256 random bits, so a plain hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


# A token checked in the last few seconds is not looked up again; a revocation takes effect in
# every process within this time.
RECHECK_AFTER_S = 5.0


class TokenStore:
    def __init__(self, stepdown: Stepdown) -> None:
        self._views = stepdown.views
        self._recent: dict[str, tuple[Principal | None, float]] = {}
        with self._views.transaction() as cursor:
            cursor.execute(TOKEN_TABLE)

    def create(self, subject: str, role: Role) -> str:
        """A new token for `subject`; the caller shows it once, it is not stored."""
        token = "sd_" + secrets.token_urlsafe(32)
        with self._views.transaction() as cursor:
            cursor.execute(
                "INSERT INTO api_tokens VALUES (?, ?, ?, ?, NULL)",
                (digest(token), subject, role.value, datetime.now(UTC).isoformat()),
            )
        return token

    def recently_checked(self, token: str) -> tuple[bool, Principal | None]:
        """(True, the answer) when the token was checked in the last few seconds; no I/O."""
        known = self._recent.get(digest(token))
        if known is not None and known[1] > time.monotonic():
            return True, known[0]
        return False, None

    def authenticate(self, token: str) -> Principal | None:
        checked, principal = self.recently_checked(token)
        if checked:
            return principal
        key = digest(token)
        principal = self._lookup(key)
        if len(self._recent) > 10_000:  # bounded: unknown tokens cannot grow it without limit
            self._recent.clear()
        self._recent[key] = (principal, time.monotonic() + RECHECK_AFTER_S)
        return principal

    def _lookup(self, key: str) -> Principal | None:
        with self._views.transaction(commit=False) as cursor:
            rows = cursor.query(
                "SELECT subject, role FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
                (key,),
            )
        return Principal(rows[0]["subject"], Role(rows[0]["role"])) if rows else None

    def subjects(self) -> list[tuple[str, str, str, bool]]:
        """(subject, role, created at, revoked) of every token, for the operator."""
        with self._views.transaction(commit=False) as cursor:
            rows = cursor.query(
                "SELECT subject, role, created_at, revoked_at FROM api_tokens "
                "ORDER BY subject, created_at"
            )
        return [
            (r["subject"], r["role"], r["created_at"], r["revoked_at"] is not None) for r in rows
        ]

    def revoke(self, subject: str) -> int:
        """Revoke every live token of `subject`; returns how many."""
        with self._views.transaction() as cursor:
            live = cursor.query(
                "SELECT token_hash FROM api_tokens WHERE subject = ? AND revoked_at IS NULL",
                (subject,),
            )
            if not live:
                raise NotFoundError(f"subject: {subject!r} has no live token")
            cursor.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE subject = ? AND revoked_at IS NULL",
                (datetime.now(UTC).isoformat(), subject),
            )
        self._recent.clear()
        return len(live)


def require_subject(subject: str) -> str:
    subject = subject.strip()
    if not subject or len(subject) > 100 or not subject.isprintable():
        raise InvalidRequestError(f"subject: {subject!r} must be 1–100 printable characters")
    return subject
