"""The week per group, for printing: each group's meetings of the week with who is seated in
each, one group to a printed page.

A group is what the week page calls one ("13:00 Afternoon group 2"): a name, a time and, where
the program runs several alike, a number; its meetings are that group's on each day it meets.
The seats are those of the version sign-in sheets print: the published one, else the latest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from events.errors import NotFoundError
from scheduler.roster_queries import roster_document
from scheduler.service import Stepdown
from scheduler.week_view import Day, Meeting, WeekView, natural, week_view


@dataclass(frozen=True)
class GroupDay:
    day: date
    seated: int
    note: str | None  # why nobody meets that day: "Cancelled", "Closed — …", "Does not run"


@dataclass(frozen=True)
class GroupRow:
    patient_id: str
    name: str
    seated: tuple[bool, ...]  # one per day of the group, in the order of its days


@dataclass
class GroupWeek:
    name: str  # "Afternoon group 2"
    start: str
    end: str
    track: str
    days: list[GroupDay] = field(default_factory=list)
    rows: list[GroupRow] = field(default_factory=list)


def week_per_group(
    stepdown: Stepdown, program_id: str, week: str
) -> tuple[WeekView, list[GroupWeek]]:
    """The week (published version if any) and its groups that seat anyone, in time order."""
    view = week_view(
        stepdown, program_id, week, version=_printed_version(stepdown, program_id, week)
    )
    return view, groups_of(view)


def groups_of(view: WeekView) -> list[GroupWeek]:
    meetings: dict[tuple[str, str, str, int], list[tuple[Day, Meeting]]] = {}
    for day in view.days:
        for meeting in day.meetings:
            # A lone group on one day is the first of its kind on days with several.
            key = (meeting.start, meeting.end, meeting.name, meeting.number or 1)
            meetings.setdefault(key, []).append((day, meeting))
    groups = [_group(held) for held in meetings.values()]
    return [group for group in groups if group.rows]


def _group(held: list[tuple[Day, Meeting]]) -> GroupWeek:
    first = held[0][1]
    numbered = any(meeting.number is not None for _, meeting in held)
    group = GroupWeek(
        f"{first.name} {first.number or 1}" if numbered else first.name,
        first.start,
        first.end,
        first.track,
    )
    names: dict[str, str] = {}
    seated_on: list[set[str]] = []
    for day, meeting in held:
        # A cancelled meeting's patients went to make-ups: it seats nobody on paper.
        ids = set() if meeting.cancelled else {seat.patient_id for seat in meeting.seats}
        names.update(
            (seat.patient_id, seat.name) for seat in meeting.seats if seat.patient_id in ids
        )
        seated_on.append(ids)
        group.days.append(GroupDay(day.date, len(ids), _why_nobody(day, meeting)))
    group.rows = [
        GroupRow(patient_id, name, tuple(patient_id in ids for ids in seated_on))
        for patient_id, name in sorted(names.items(), key=lambda item: natural(item[1]))
    ]
    return group


def _why_nobody(day: Day, meeting: Meeting) -> str | None:
    if meeting.cancelled:
        return "Cancelled"
    if day.closed_because:
        return f"Closed — {day.closed_because}"
    return None if meeting.seats else "Does not run"


def _printed_version(stepdown: Stepdown, program_id: str, week: str) -> str:
    """Those told to come: the published version, while a newer draft waits too."""
    try:
        roster_document(stepdown, program_id, week, version="published")
    except NotFoundError:
        return "latest"
    return "published"
