"""A patient's attendance flags, oldest first: when each was raised and why, and how it closed
(acknowledged by someone with a note, or answered by attendance or contact)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduler.service import Stepdown


@dataclass(frozen=True)
class Acknowledgement:
    acknowledged_on: date
    acknowledged_by: str
    note: str


@dataclass(frozen=True)
class FlagEntry:
    flag: str  # outreach | clinical_review
    raised_on: date
    reason: str
    open: bool
    # None while open, or when attendance or contact closed it (outreach).
    acknowledgement: Acknowledgement | None


def flag_history(stepdown: Stepdown, program_id: str, patient_id: str) -> tuple[FlagEntry, ...]:
    with stepdown.views.transaction(commit=False) as cursor:
        flags = cursor.query(
            "SELECT flag, raised_on, reason, open FROM view_attendance_flags "
            "WHERE program_id = ? AND patient_id = ? ORDER BY raised_on, flag",
            (program_id, patient_id),
        )
        acknowledgements = cursor.query(
            "SELECT flag, raised_on, acknowledged_on, acknowledged_by, note "
            "FROM view_attendance_flag_acknowledgements WHERE program_id = ? AND patient_id = ? "
            "ORDER BY event_version",
            (program_id, patient_id),
        )
        # The latest acknowledgement of each flag row (a row raised again the same day keeps
        # its place, so only the last one closed it).
        closed_by = {
            (row["flag"], row["raised_on"]): Acknowledgement(
                date.fromisoformat(row["acknowledged_on"]),
                row["acknowledged_by"],
                cursor.unseal(row["note"]),
            )
            for row in acknowledgements
        }
    return tuple(
        FlagEntry(
            row["flag"],
            date.fromisoformat(row["raised_on"]),
            row["reason"],
            bool(row["open"]),
            None if row["open"] else closed_by.get((row["flag"], row["raised_on"])),
        )
        for row in flags
    )
