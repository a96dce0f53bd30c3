"""The roster as CSV: one row per seat, the same for the CLI and the HTTP API."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from typing import Any, TextIO

COLUMNS = ["date", "start", "end", "session_id", "track", "patient_id", "patient_name"]


def write_roster_csv(document: Mapping[str, Any], names: Mapping[str, str], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for session in document["sessions"]:
        for patient_id in session["patient_ids"]:
            writer.writerow(
                [
                    session["date"],
                    session["start"],
                    session["end"],
                    session["session_id"],
                    session["track"],
                    patient_id,
                    names.get(patient_id, ""),
                ]
            )
