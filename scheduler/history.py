"""A patient's audit trail: every recorded event of their enrolment, when, and by whom."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from events.ids import enrollment_uuid
from scheduler.service import Stepdown

# Bookkeeping every event has; the trail shows it in its own fields.
_ENVELOPE = {"originator_id", "originator_version", "timestamp", "recorded_by", "effective_on"}


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    event: str
    recorded_at: datetime
    recorded_by: str
    effective_on: date | None
    details: dict[str, Any]


def enrollment_history(stepdown: Stepdown, program_id: str, patient_id: str) -> list[HistoryEntry]:
    """The enrolment's own events, oldest first (one aggregate's stream, not a list query)."""
    stepdown.app.get_enrollment(program_id, patient_id)  # NotFoundError when not enrolled
    events = stepdown.app.repository.event_store.get(enrollment_uuid(program_id, patient_id))
    return [
        HistoryEntry(
            version=event.originator_version,
            event=type(event).__name__,
            recorded_at=event.timestamp,  # type: ignore[attr-defined]
            recorded_by=getattr(event, "recorded_by", ""),
            effective_on=getattr(event, "effective_on", None),
            details={
                name: plain(value)
                for name, value in vars(event).items()
                if name not in _ENVELOPE and not name.startswith("_")
            },
        )
        for event in events
    ]


def plain(value: Any) -> Any:
    """A JSON-ready copy of an event attribute."""
    if isinstance(value, enum.Enum):
        return value.name if isinstance(value.value, int) else value.value
    if isinstance(value, date | time):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value
