"""What the census page offers to print or export for a week: the roster CSV, the week per group,
and a sign-in sheet for each meeting someone is seated in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from events.calendar import week_monday
from events.errors import NotFoundError
from scheduler import queries
from scheduler.roster_queries import roster_document
from scheduler.service import Stepdown


@dataclass(frozen=True)
class SheetLink:
    day: date
    start: str
    end: str
    session_name: str
    seated: int
    href: str


@dataclass(frozen=True)
class Printouts:
    week: str
    monday: date
    csv_href: str | None  # None: no roster generated for the week
    sheets: list[SheetLink] = field(default_factory=list)
    groups_href: str | None = None  # the week per group, one printed page each


def week_printouts(stepdown: Stepdown, program_id: str, week: str) -> Printouts:
    """The sheets list the meetings of the version sign-in sheets print (the published one)."""
    base = f"/ui/programs/{program_id}/weeks/{week}"
    try:
        document = roster_document(stepdown, program_id, week, version="published")
    except NotFoundError:
        try:
            document = roster_document(stepdown, program_id, week)
        except NotFoundError:
            return Printouts(week, week_monday(week), None)
    names = {s["id"]: s["name"] for s in queries.program_sessions(stepdown, program_id)}
    sheets = [
        SheetLink(
            date.fromisoformat(s["date"]),
            s["start"],
            s["end"],
            names.get(s["session_id"], s["session_id"]),
            len(s["patient_ids"]),
            f"{base}/sessions/{s['session_id']}/{s['date']}/sign-in",
        )
        for s in document["sessions"]
        if s["patient_ids"]
    ]
    return Printouts(week, week_monday(week), f"{base}/roster.csv", sheets, f"{base}/print")
