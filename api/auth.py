"""Bearer tokens and page sessions: random secrets shown once, stored only as a SHA-256 digest,
each with a role, the programs it may act on, and an expiry."""

from __future__ import annotations

import enum
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from eventsourcing.persistence import PersistenceError

from api.token_table import ORGANISATION_WIDE, ensure_token_table
from events.errors import InvalidRequestError, NotFoundError
from scheduler.service import Stepdown

log = logging.getLogger("stepdown.api")

API_TOKEN_LIFETIME = timedelta(days=90)
SESSION_LIFETIME = timedelta(hours=12)  # a working day; sign in again tomorrow
# Last use is written at most this often per token, so reads do not write on every request.
LAST_USE_EVERY = timedelta(minutes=1)
# A token checked in the last few seconds is not looked up again; a revocation takes effect in
# every process within this time.
RECHECK_AFTER_S = 5.0


class Role(enum.Enum):
    """What a token may do; each role includes everything the roles below it may do."""

    VIEWER = "viewer"  # read only
    CLINICIAN = "clinician"  # + attendance and progress
    COORDINATOR = "coordinator"  # + everything else

    def allows(self, needed: Role) -> bool:
        order = list(Role)
        return order.index(self) >= order.index(needed)


class Kind(enum.Enum):
    API = "api"  # a bearer token for scripts and integrations
    SESSION = "session"  # the page's sign-in cookie, minted from an API token


@dataclass(frozen=True)
class Scope:
    """The programs a token may act on; None means organisation-wide, which must be asked for."""

    programs: frozenset[str] | None

    @classmethod
    def organisation_wide(cls) -> Scope:
        return cls(None)

    @classmethod
    def of(cls, programs: Iterable[str]) -> Scope:
        chosen = frozenset(programs)
        if not chosen:
            raise InvalidRequestError("programs: name at least one program, or all programs")
        for program_id in sorted(chosen):
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", program_id):
                raise InvalidRequestError(f"programs: {program_id!r} is not a program id")
        return cls(chosen)

    def allows(self, program_id: str) -> bool:
        return self.programs is None or program_id in self.programs

    def stored(self) -> str:
        return ORGANISATION_WIDE if self.programs is None else " ".join(sorted(self.programs))

    @classmethod
    def from_stored(cls, text: str | None) -> Scope:
        if text == ORGANISATION_WIDE:
            return cls(None)
        return cls(frozenset((text or "").split()))

    def describe(self) -> str:
        return "all programs" if self.programs is None else ", ".join(sorted(self.programs))


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    scope: Scope
    expires_at: datetime
    kind: Kind
    credential: str  # the digest of the token or session it came from


@dataclass(frozen=True)
class TokenInfo:
    """What the operator sees of a token (never the secret)."""

    token_id: str
    subject: str
    role: str
    kind: str
    scope: str
    created_at: str
    expires_at: str
    last_used_at: str | None
    revoked: bool


def digest(token: str) -> str:
    # Tokens are 256 random bits, so a plain hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore:
    def __init__(self, stepdown: Stepdown) -> None:
        self._views = stepdown.views
        self._stepdown = stepdown
        self._recent: dict[str, tuple[Principal | None, float]] = {}
        ensure_token_table(self._views, self._clock())

    def _clock(self) -> datetime:
        # Read through the service each time: its clock is the one clock of the process.
        return self._stepdown.clock()

    def create(
        self, subject: str, role: Role, scope: Scope, *, lifetime: timedelta = API_TOKEN_LIFETIME
    ) -> str:
        """A new API token for `subject`; the caller shows it once, it is not stored."""
        if lifetime <= timedelta(0):
            raise InvalidRequestError(f"lifetime: {lifetime} must be positive")
        token = "sd_" + secrets.token_urlsafe(32)
        self._insert(token, subject, role, scope, Kind.API, self._clock() + lifetime, None)
        return token

    def open_session(self, principal: Principal) -> str:
        """A page session for an API token's holder: its role and scope, for 12 hours at most
        (never past the token's own expiry), ended by signing out or revoking the token."""
        session = "ss_" + secrets.token_urlsafe(32)
        expires_at = min(self._clock() + SESSION_LIFETIME, principal.expires_at)
        self._insert(
            session,
            principal.subject,
            principal.role,
            principal.scope,
            Kind.SESSION,
            expires_at,
            principal.credential,
        )
        return session

    def recently_checked(self, token: str, kind: Kind = Kind.API) -> tuple[bool, Principal | None]:
        """(True, the answer) when the token was checked in the last few seconds; no I/O."""
        known = self._recent.get(digest(token))
        if known is not None and known[1] > time.monotonic():
            return True, self._valid(known[0], kind)
        return False, None

    def authenticate(self, token: str, kind: Kind = Kind.API) -> Principal | None:
        checked, principal = self.recently_checked(token, kind)
        if checked:
            return principal
        key = digest(token)
        principal = self._lookup(key)
        if len(self._recent) > 10_000:  # bounded: unknown tokens cannot grow it without limit
            self._recent.clear()
        self._recent[key] = (principal, time.monotonic() + RECHECK_AFTER_S)
        return self._valid(principal, kind)

    def close_session(self, session: str) -> None:
        """Sign-out: the session is revoked, so a copy of the cookie no longer works."""
        with self._views.transaction() as cursor:
            cursor.execute(
                "UPDATE api_tokens SET revoked_at = ? "
                "WHERE token_hash = ? AND kind = ? AND revoked_at IS NULL",
                (self._clock().isoformat(), digest(session), Kind.SESSION.value),
            )
        self._recent.pop(digest(session), None)

    def listing(self) -> list[TokenInfo]:
        """Every token and session, for the operator."""
        with self._views.transaction(commit=False) as cursor:
            rows = cursor.query("SELECT * FROM api_tokens ORDER BY subject, created_at")
        return [
            TokenInfo(
                token_id=r["token_hash"][:12],
                subject=r["subject"],
                role=r["role"],
                kind=r["kind"],
                scope=Scope.from_stored(r["programs"]).describe(),
                created_at=r["created_at"],
                expires_at=r["expires_at"],
                last_used_at=r["last_used_at"],
                revoked=r["revoked_at"] is not None,
            )
            for r in rows
        ]

    def revoke(self, subject: str | None = None, *, token_id: str | None = None) -> int:
        """Revoke every live token and session of `subject`, or one token (by the id `token
        list` shows) with its sessions; returns how many were revoked."""
        if (subject is None) == (token_id is None):
            raise InvalidRequestError("revoke: name a subject or a token id")
        params: tuple[str, ...]
        with self._views.transaction() as cursor:
            if subject is not None:
                where, params = "subject = ?", (subject,)
            else:
                if not re.fullmatch(r"[0-9a-f]{8,64}", token_id or ""):
                    raise InvalidRequestError(
                        f"token id: {token_id!r} is not 8 or more characters of `token list`'s id"
                    )
                where = "(token_hash LIKE ? OR parent_hash LIKE ?)"
                params = (f"{token_id}%", f"{token_id}%")
            live = cursor.query(
                f"SELECT token_hash FROM api_tokens WHERE {where} AND revoked_at IS NULL", params
            )
            if not live:
                named = f"subject: {subject!r}" if subject is not None else f"token: {token_id!r}"
                raise NotFoundError(f"{named} has no live token")
            cursor.execute(
                f"UPDATE api_tokens SET revoked_at = ? WHERE {where} AND revoked_at IS NULL",
                (self._clock().isoformat(), *params),
            )
        self._recent.clear()
        return len(live)

    def _insert(
        self,
        token: str,
        subject: str,
        role: Role,
        scope: Scope,
        kind: Kind,
        expires_at: datetime,
        parent: str | None,
    ) -> None:
        with self._views.transaction() as cursor:
            cursor.execute(
                "INSERT INTO api_tokens (token_hash, subject, role, created_at, revoked_at, "
                "kind, programs, expires_at, last_used_at, parent_hash) "
                "VALUES (?, ?, ?, ?, NULL, ?, ?, ?, NULL, ?)",
                (
                    digest(token),
                    subject,
                    role.value,
                    self._clock().isoformat(),
                    kind.value,
                    scope.stored(),
                    expires_at.isoformat(),
                    parent,
                ),
            )

    def _valid(self, principal: Principal | None, kind: Kind) -> Principal | None:
        if principal is None or principal.kind is not kind:
            return None
        return principal if self._clock() < principal.expires_at else None

    def _lookup(self, key: str) -> Principal | None:
        # A session lives only while the API token it was opened with does.
        with self._views.transaction(commit=False) as cursor:
            rows = cursor.query(
                "SELECT t.subject, t.role, t.kind, t.programs, t.expires_at, t.last_used_at "
                "FROM api_tokens t LEFT JOIN api_tokens p ON p.token_hash = t.parent_hash "
                "WHERE t.token_hash = ? AND t.revoked_at IS NULL "
                "AND (t.parent_hash IS NULL OR (p.token_hash IS NOT NULL AND p.revoked_at IS NULL))",
                (key,),
            )
        if not rows:
            return None
        row = rows[0]
        principal = Principal(
            subject=row["subject"],
            role=Role(row["role"]),
            scope=Scope.from_stored(row["programs"]),
            expires_at=datetime.fromisoformat(row["expires_at"]),
            kind=Kind(row["kind"]),
            credential=key,
        )
        self._note_use(key, row["last_used_at"])
        return principal

    def _note_use(self, key: str, last_used_at: str | None) -> None:
        now = self._clock()
        if last_used_at is not None and now - datetime.fromisoformat(last_used_at) < LAST_USE_EVERY:
            return
        try:
            with self._views.transaction() as cursor:
                cursor.execute(
                    "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?",
                    (now.isoformat(), key),
                )
        except PersistenceError as error:  # the caller is still who they are; say it, go on
            log.warning("token last use not recorded: %s", type(error).__name__)


def require_subject(subject: str) -> str:
    subject = subject.strip()
    if not subject or len(subject) > 100 or not subject.isprintable():
        raise InvalidRequestError(f"subject: {subject!r} must be 1–100 printable characters")
    return subject
