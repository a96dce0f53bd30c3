"""The disclosure log: one row per patient for every read of their record and every export.

It is append-only: this module has no UPDATE or DELETE, and the database refuses them (a trigger
on each backend), so an entry cannot be changed or erased by the service or by hand in SQL.
Purposes and recipients (often a consent's terms) are sealed under the patient's own key when
written, so erasing the patient leaves the entries (who, when, what) and makes those unreadable,
without changing a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from events.ids import enrollment_uuid
from scheduler.projections.store import ViewCursor, ViewStore

APPEND_ONLY = "disclosure_log is append-only"

_COLUMNS = (
    "disclosed_at TEXT NOT NULL, program_id TEXT NOT NULL, patient_id TEXT NOT NULL, "
    "actor TEXT NOT NULL, channel TEXT NOT NULL, what TEXT NOT NULL, detail TEXT NOT NULL, "
    "purpose TEXT NOT NULL, recipient TEXT, consent_id TEXT"
)
SQLITE_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS disclosure_log (entry_id INTEGER PRIMARY KEY AUTOINCREMENT, "
    f"{_COLUMNS})",
    *(
        f"CREATE TRIGGER IF NOT EXISTS disclosure_log_no_{verb.lower()} BEFORE {verb} ON "
        f"disclosure_log BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        for verb in ("UPDATE", "DELETE")
    ),
)
POSTGRES_SCHEMA = (
    # Two processes starting together must not race on the DDL below.
    "SELECT pg_advisory_xact_lock(5702164, hashtext(current_schema()))",
    f"CREATE TABLE IF NOT EXISTS disclosure_log (entry_id BIGSERIAL PRIMARY KEY, {_COLUMNS})",
    "CREATE OR REPLACE FUNCTION disclosure_log_refuse() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$",
    "CREATE OR REPLACE TRIGGER disclosure_log_no_change BEFORE UPDATE OR DELETE ON "
    "disclosure_log FOR EACH ROW EXECUTE FUNCTION disclosure_log_refuse()",
    "CREATE OR REPLACE TRIGGER disclosure_log_no_truncate BEFORE TRUNCATE ON "
    "disclosure_log FOR EACH STATEMENT EXECUTE FUNCTION disclosure_log_refuse()",
)
INDEX = (
    "CREATE INDEX IF NOT EXISTS disclosure_log_by_patient "
    "ON disclosure_log (program_id, patient_id, entry_id)"
)


@dataclass(frozen=True)
class DisclosureEntry:
    """Who saw or received what about a patient, when, why, and under which consent."""

    disclosed_at: datetime
    program_id: str
    patient_id: str
    actor: str
    channel: str  # api, page or cli
    what: str  # e.g. patient-record, roster-csv, calendar-feed
    detail: str  # which part: a week, a date range, a session meeting
    purpose: str
    recipient: str | None = None
    consent_id: str | None = None


class DisclosureLog:
    def __init__(self, views: ViewStore) -> None:
        self._views = views
        with views.transaction() as cursor:
            for statement in POSTGRES_SCHEMA if views.is_postgres else SQLITE_SCHEMA:
                cursor.execute(statement)
            cursor.execute(INDEX)

    def append(self, entries: Sequence[DisclosureEntry]) -> None:
        """Record entries in one transaction: all of them or, on an error, none."""
        if not entries:
            return
        with self._views.transaction() as cursor:
            cursor.executemany(
                "INSERT INTO disclosure_log (disclosed_at, program_id, patient_id, actor, "
                "channel, what, detail, purpose, recipient, consent_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_row(cursor, entry) for entry in entries],
            )

    def for_patient(self, program_id: str, patient_id: str) -> list[DisclosureEntry]:
        """The patient's entries, oldest first."""
        with self._views.transaction(commit=False) as cursor:
            rows = cursor.query(
                "SELECT * FROM disclosure_log WHERE program_id = ? AND patient_id = ? "
                "ORDER BY entry_id",
                (program_id, patient_id),
            )
            return [
                DisclosureEntry(
                    disclosed_at=datetime.fromisoformat(row["disclosed_at"]),
                    program_id=row["program_id"],
                    patient_id=row["patient_id"],
                    actor=row["actor"],
                    channel=row["channel"],
                    what=row["what"],
                    detail=row["detail"],
                    purpose=cursor.unseal(row["purpose"]),
                    recipient=None if row["recipient"] is None else cursor.unseal(row["recipient"]),
                    consent_id=row["consent_id"],
                )
                for row in rows
            ]


def _row(cursor: ViewCursor, entry: DisclosureEntry) -> tuple[str | None, ...]:
    subject = enrollment_uuid(entry.program_id, entry.patient_id)
    return (
        entry.disclosed_at.isoformat(),
        entry.program_id,
        entry.patient_id,
        entry.actor,
        entry.channel,
        entry.what,
        entry.detail,
        cursor.seal_for(subject, entry.purpose),
        None if entry.recipient is None else cursor.seal_for(subject, entry.recipient),
        entry.consent_id,
    )
