"""The roster as CSV: one row per seat, the same for the CLI and the HTTP API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TextIO

from api.spreadsheets.cells import write_table
from scheduler.staff.meetings import MODALITY_WORDS

# Staff columns come last so that sheets reading the first seven by position keep working.
COLUMNS = [
    "date",
    "start",
    "end",
    "session_id",
    "track",
    "patient_id",
    "patient_name",
    "modality",
    "room",
    "facilitators",
]


def write_roster_csv(document: Mapping[str, Any], names: Mapping[str, str], out: TextIO) -> None:
    write_table(
        out,
        COLUMNS,
        (
            [
                session["date"],
                session["start"],
                session["end"],
                session["session_id"],
                session["track"],
                patient_id,
                names.get(patient_id, ""),
                MODALITY_WORDS.get(session.get("modality") or "", ""),
                session.get("room_id") or "",
                "; ".join(f["name"] for f in session.get("facilitators", [])),
            ]
            for session in document["sessions"]
            for patient_id in session["patient_ids"]
        ),
    )
