"""An enrolment's fixed facts (program, patient, start date, weekly hours), read once per runner.

They never change after enrolment, so a read model that needs them for every attendance mark
keeps them in memory instead of asking its table each time.
"""

from __future__ import annotations

from typing import Any

from scheduler.projections.store import Row, ViewCursor


class EnrollmentFacts:
    def __init__(self, table: str) -> None:
        self._table = table
        self._known: dict[str, Row] = {}

    def of(self, cursor: ViewCursor, event: Any) -> Row:
        key = event.originator_id.hex
        row = self._known.get(key)
        if row is None:
            row = cursor.query(f"SELECT * FROM {self._table} WHERE enrollment_id = ?", (key,))[0]
            self._known[key] = row
        return row

    def forget(self) -> None:
        """After the table is cleared (a rebuild)."""
        self._known.clear()
