"""The waitlist read model: every referral, its status and dates, names sealed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from events.ids import enrollment_uuid
from events.privacy.sealing_mapper import ERASED
from scheduler.projections.runner import Handler, Projection
from scheduler.projections.store import ViewCursor

WAITLIST_TABLE = "view_waitlist"


class WaitlistProjection(Projection):
    name = "waitlist"
    tables = (WAITLIST_TABLE,)

    def create_tables(self, cursor: ViewCursor) -> None:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {WAITLIST_TABLE} ("
            "referral_uuid TEXT PRIMARY KEY, program_id TEXT NOT NULL, "
            "referral_id TEXT NOT NULL, name TEXT NOT NULL, note TEXT NOT NULL, "
            "level_of_care TEXT NOT NULL, planned_weeks INTEGER NOT NULL, "
            "initial_days INTEGER NOT NULL, earliest_start TEXT NOT NULL, "
            "priority INTEGER NOT NULL, referred_on TEXT NOT NULL, status TEXT NOT NULL, "
            "start_date TEXT, closed_on TEXT, close_reason TEXT, "
            "UNIQUE (program_id, referral_id))"
        )

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "Referral.Referred": self._referred,
            "Referral.Admitted": self._admitted,
            "Referral.ReferralWithdrawn": self._withdrawn,
            "Referral.ReferralErased": self._erased,
        }

    def _referred(self, cursor: ViewCursor, event: Any) -> None:
        # Sealed under the key of the enrolment it may become: erasing either erases it here.
        subject = enrollment_uuid(event.program_id, event.referral_id)
        cursor.execute(
            f"INSERT INTO {WAITLIST_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', "
            "NULL, NULL, NULL) ON CONFLICT (referral_uuid) DO NOTHING",
            (
                event.originator_id.hex,
                event.program_id,
                event.referral_id,
                cursor.seal_for(subject, event.name),
                cursor.seal_for(subject, event.note),
                event.level_of_care,
                event.planned_weeks,
                event.initial_days_per_week,
                event.earliest_start.isoformat(),
                event.priority,
                event.effective_on.isoformat(),
            ),
        )

    def _admitted(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            f"UPDATE {WAITLIST_TABLE} SET status = 'admitted', start_date = ?, closed_on = ? "
            "WHERE referral_uuid = ?",
            (
                event.start_date.isoformat(),
                event.effective_on.isoformat(),
                event.originator_id.hex,
            ),
        )

    def _withdrawn(self, cursor: ViewCursor, event: Any) -> None:
        row = cursor.query(
            f"SELECT program_id, referral_id FROM {WAITLIST_TABLE} WHERE referral_uuid = ?",
            (event.originator_id.hex,),
        )[0]
        subject = enrollment_uuid(row["program_id"], row["referral_id"])
        cursor.execute(
            f"UPDATE {WAITLIST_TABLE} SET status = 'withdrawn', closed_on = ?, close_reason = ? "
            "WHERE referral_uuid = ?",
            (
                event.effective_on.isoformat(),
                cursor.seal_for(subject, event.reason),
                event.originator_id.hex,
            ),
        )

    def _erased(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            f"UPDATE {WAITLIST_TABLE} SET name = ?, note = ?, close_reason = ? "
            "WHERE referral_uuid = ?",
            (ERASED, ERASED, ERASED, event.originator_id.hex),
        )
