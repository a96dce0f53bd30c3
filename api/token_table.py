"""The api_tokens table: API tokens and page sessions, stored as digests, and its migration.

Tokens created before tokens had scopes and expiry keep working as what they were
(organisation-wide, their role) until 90 days after the migration, so a deployment is not
locked out by an upgrade, yet no old token lives for ever; reissue them with a program scope.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from scheduler.projections.store import ViewCursor, ViewStore

ORGANISATION_WIDE = "*"
MIGRATED_TOKENS_EXPIRE_AFTER = timedelta(days=90)

TABLE = (
    "CREATE TABLE IF NOT EXISTS api_tokens ("
    "token_hash TEXT PRIMARY KEY, subject TEXT NOT NULL, role TEXT NOT NULL, "
    "created_at TEXT NOT NULL, revoked_at TEXT, kind TEXT, programs TEXT, expires_at TEXT, "
    "last_used_at TEXT, parent_hash TEXT)"
)
# Columns the first version of the table did not have (it had the five above them).
ADDED_COLUMNS = ("kind", "programs", "expires_at", "last_used_at", "parent_hash")


def ensure_token_table(views: ViewStore, now: datetime) -> None:
    with views.transaction() as cursor:
        if views.is_postgres:
            cursor.execute("SELECT pg_advisory_xact_lock(5702165, hashtext(current_schema()))")
        cursor.execute(TABLE)
        if not views.is_postgres:  # take the write lock before looking at the columns
            cursor.execute("UPDATE api_tokens SET role = role WHERE token_hash = ''")
        present = _columns(cursor, postgres=views.is_postgres)
        for column in ADDED_COLUMNS:
            if column not in present:
                cursor.execute(f"ALTER TABLE api_tokens ADD COLUMN {column} TEXT")
        # Only rows from before the migration lack these: every token created since sets them.
        cursor.execute(
            "UPDATE api_tokens SET kind = 'api', programs = ?, expires_at = ? "
            "WHERE expires_at IS NULL",
            (ORGANISATION_WIDE, (now + MIGRATED_TOKENS_EXPIRE_AFTER).isoformat()),
        )


def _columns(cursor: ViewCursor, *, postgres: bool) -> set[str]:
    if postgres:
        rows = cursor.query(
            "SELECT column_name AS name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'api_tokens'"
        )
    else:
        rows = cursor.query("PRAGMA table_info(api_tokens)")
    return {str(row["name"]) for row in rows}
