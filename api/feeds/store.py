"""Feed secrets: random, shown once, stored only as a SHA-256 digest, each opening one feed.

A phone calendar cannot send an Authorization header, so the secret travels in the URL. It is a
capability for exactly one feed (a patient's seats, a session's dates or a staff member's
meetings) and nothing else: the
bearer-token store does not know it, and it names no program or patient by itself.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass

from eventsourcing.persistence import IntegrityError

from events.errors import ConflictError, NotFoundError
from scheduler.projections.store import ViewCursor
from scheduler.schedules import require_patient
from scheduler.service import Stepdown
from scheduler.staff.calendar import require_current_staff

FEED_TABLE = (
    "CREATE TABLE IF NOT EXISTS feed_tokens ("
    "token_hash TEXT PRIMARY KEY, program_id TEXT NOT NULL, feed_kind TEXT NOT NULL, "
    "feed_of TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL, "
    "revoked_at TEXT, last_used_at TEXT)"
)
# One live URL per feed, kept by the database: two coordinators creating at once cannot leave
# a second live secret that nobody knows about.
ONE_LIVE_FEED = (
    "CREATE UNIQUE INDEX IF NOT EXISTS feed_tokens_live "
    "ON feed_tokens (program_id, feed_kind, feed_of) WHERE revoked_at IS NULL"
)
SECRET_PREFIX = "sdf_"
# Longer input is not a secret this store issued; it is answered like any unknown one.
MAX_SECRET_LENGTH = 100


class FeedKind(enum.Enum):
    PATIENT = "patient"  # the patient's published seats and make-ups
    SESSION = "session"  # the dates a group meets, for the staff who run it
    STAFF = "staff"  # the meetings one staff member leads, absence days left out


@dataclass(frozen=True)
class Feed:
    """What one secret opens."""

    program_id: str
    kind: FeedKind
    feed_of: str  # the patient id, session id or staff id

    def describe(self) -> str:
        return f"{self.kind.value} {self.feed_of!r} of {self.program_id}"


@dataclass(frozen=True)
class OpenedFeed:
    """A feed opened by its live secret."""

    feed: Feed
    secret_digest: str  # stable per secret; seeds event ids that say nothing about the feed


@dataclass(frozen=True)
class IssuedFeed:
    feed: Feed
    secret: str  # shown to the coordinator once; only its digest is stored
    created_at: str
    replaced: bool  # a rotation: the previous secret no longer opens anything


def digest(secret: str) -> str:
    # 256 random bits: a plain hash is enough, there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


class FeedStore:
    def __init__(self, stepdown: Stepdown) -> None:
        self._stepdown = stepdown
        self._views = stepdown.views
        with self._views.transaction() as cursor:
            cursor.execute(FEED_TABLE)
            cursor.execute(ONE_LIVE_FEED)

    def create(self, feed: Feed, *, actor: str) -> IssuedFeed:
        """The feed's first secret; refused when it has a live one (rotate that instead)."""
        return self._issue(feed, actor=actor, rotating=False)

    def rotate(self, feed: Feed, *, actor: str) -> IssuedFeed:
        """A new secret for the feed; the old one stops working at once."""
        return self._issue(feed, actor=actor, rotating=True)

    def renew(self, feed: Feed, *, actor: str) -> IssuedFeed:
        """A new secret whether or not one is live (one button on the page does both)."""
        try:
            return self.create(feed, actor=actor)
        except ConflictError:
            return self.rotate(feed, actor=actor)

    def revoke(self, feed: Feed) -> None:
        """The feed's secret stops working; the feed has none until one is created again."""
        with self._views.transaction() as cursor:
            if not self._revoke_live(cursor, feed):
                raise NotFoundError(f"feed: {feed.describe()} has no live feed URL")

    def open(self, secret: str) -> OpenedFeed | None:
        """The feed a live secret opens, noting its use; None for any other string."""
        if len(secret) > MAX_SECRET_LENGTH:
            return None
        key = digest(secret)
        with self._views.transaction() as cursor:
            rows = cursor.query(
                "SELECT program_id, feed_kind, feed_of FROM feed_tokens "
                "WHERE token_hash = ? AND revoked_at IS NULL",
                (key,),
            )
            if not rows:
                return None
            cursor.execute(
                "UPDATE feed_tokens SET last_used_at = ? WHERE token_hash = ?", (self._now(), key)
            )
        row = rows[0]
        return OpenedFeed(Feed(row["program_id"], FeedKind(row["feed_kind"]), row["feed_of"]), key)

    def _issue(self, feed: Feed, *, actor: str, rotating: bool) -> IssuedFeed:
        self._require_exists(feed)
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        now = self._now()
        try:
            with self._views.transaction() as cursor:
                replaced = self._revoke_live(cursor, feed) if rotating else False
                if rotating and not replaced:
                    raise NotFoundError(
                        f"feed: {feed.describe()} has no live feed URL to rotate; create one"
                    )
                cursor.execute(
                    "INSERT INTO feed_tokens VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)",
                    (digest(secret), feed.program_id, feed.kind.value, feed.feed_of, actor, now),
                )
        except IntegrityError as clash:
            raise ConflictError(
                f"feed: {feed.describe()} already has a live feed URL; rotate it for a new one"
            ) from clash
        return IssuedFeed(feed, secret, now, replaced)

    def _revoke_live(self, cursor: ViewCursor, feed: Feed) -> bool:
        live = cursor.query(
            "SELECT token_hash FROM feed_tokens WHERE program_id = ? AND feed_kind = ? "
            "AND feed_of = ? AND revoked_at IS NULL",
            (feed.program_id, feed.kind.value, feed.feed_of),
        )
        cursor.execute(
            "UPDATE feed_tokens SET revoked_at = ? WHERE program_id = ? AND feed_kind = ? "
            "AND feed_of = ? AND revoked_at IS NULL",
            (self._now(), feed.program_id, feed.kind.value, feed.feed_of),
        )
        return bool(live)

    def _require_exists(self, feed: Feed) -> None:
        with self._views.transaction(commit=False) as cursor:
            if feed.kind is FeedKind.PATIENT:
                require_patient(cursor, feed.program_id, feed.feed_of)
                return
            if feed.kind is FeedKind.STAFF:
                require_current_staff(cursor, feed.program_id, feed.feed_of)
                return
            rows = cursor.query(
                "SELECT 1 FROM view_directory_sessions WHERE program_id = ? AND session_id = ? "
                "AND retired = 0",
                (feed.program_id, feed.feed_of),
            )
        if not rows:
            raise NotFoundError(
                f"session: {feed.feed_of!r} is not an active session of {feed.program_id}"
            )

    def _now(self) -> str:
        return self._stepdown.clock().isoformat()
