"""An independent checker of the staffing rules, over a week of staffed meetings.

It shares no code with the scheduler or the solver: plain records in, one sentence per violation
out, naming the staff member, room, session and date. Later solver work checks its staffed
rosters with it; today the staff week of a program file is checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


@dataclass(frozen=True)
class Worker:
    staff_id: str
    credentials: frozenset[str]
    # (weekday name, start, end)
    windows: tuple[tuple[str, time, time], ...]
    max_hours_per_week: int
    caseload_cap: int
    absent_days: frozenset[date] = frozenset()


@dataclass(frozen=True)
class StaffedMeeting:
    session_id: str
    day: date
    start: time
    end: time
    modality: str  # in_person | virtual | hybrid
    room_id: str | None
    facilitators: tuple[str, ...]  # the lead first
    needs: frozenset[str]  # credentials the lead facilitator must hold
    patients: int


@dataclass(frozen=True)
class Booked:
    """An individual or family session."""

    patient_id: str
    staff_id: str
    day: date
    start: time
    end: time


@dataclass(frozen=True)
class StaffedWeek:
    staff: dict[str, Worker]
    rooms: dict[str, int]  # room id → capacity
    meetings: tuple[StaffedMeeting, ...]
    primary_counsellors: dict[str, str] = field(default_factory=dict)  # patient → staff
    second_facilitator_above: int | None = None
    appointments: tuple[Booked, ...] = ()
    # Each patient's group seats and commitments: (day, start, end)
    patient_busy: dict[str, list[tuple[date, time, time]]] = field(default_factory=dict)
    # Meetings the roster says run without the second facilitator their size needs (a gap it
    # reports to the coordinator rather than hides).
    reported_without_second: frozenset[tuple[str, date]] = frozenset()


def staffing_violations(week: StaffedWeek) -> list[str]:
    return [
        *_double_booked_staff(week),
        *_double_booked_rooms(week),
        *_credentials(week),
        *_second_facilitator(week),
        *_availability(week),
        *_weekly_hours(week),
        *_caseloads(week),
        *_rooms_fit(week),
        *_appointments_fit(week),
    ]


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _overlap(a: StaffedMeeting, b: StaffedMeeting) -> bool:
    return (
        a.day == b.day
        and _minutes(a.start) < _minutes(b.end)
        and _minutes(b.start) < _minutes(a.end)
    )


def _pairs(meetings: list[StaffedMeeting]) -> Iterator[tuple[StaffedMeeting, StaffedMeeting]]:
    for index, first in enumerate(meetings):
        for second in meetings[index + 1 :]:
            if _overlap(first, second):
                yield first, second


def _double_booked_staff(week: StaffedWeek) -> Iterator[str]:
    """No staff member is in two places: two meetings, or a meeting and an appointment, or two
    appointments at once."""
    by_staff: dict[str, list[tuple[str, date, int, int]]] = defaultdict(list)
    for meeting in week.meetings:
        for staff_id in meeting.facilitators:
            by_staff[staff_id].append(
                (meeting.session_id, meeting.day, _minutes(meeting.start), _minutes(meeting.end))
            )
    for a in week.appointments:
        by_staff[a.staff_id].append(
            (f"a session with {a.patient_id}", a.day, _minutes(a.start), _minutes(a.end))
        )
    for staff_id, spans in sorted(by_staff.items()):
        for index, (what, day, start, end) in enumerate(spans):
            for other, other_day, other_start, other_end in spans[index + 1 :]:
                if day == other_day and start < other_end and other_start < end:
                    yield f"{staff_id} has {what} and {other} at once on {day}"


def _double_booked_rooms(week: StaffedWeek) -> Iterator[str]:
    """No room holds two meetings at once (a virtual meeting uses none)."""
    by_room: dict[str, list[StaffedMeeting]] = defaultdict(list)
    for meeting in week.meetings:
        if meeting.room_id is not None and meeting.modality != "virtual":
            by_room[meeting.room_id].append(meeting)
    for room_id, meetings in sorted(by_room.items()):
        for first, second in _pairs(meetings):
            yield f"room {room_id} holds {first.session_id} and {second.session_id} at once on {first.day}"


def _credentials(week: StaffedWeek) -> Iterator[str]:
    """Every meeting has a lead facilitator holding the credentials the group needs."""
    for meeting in week.meetings:
        if not meeting.facilitators:
            yield f"{meeting.session_id} on {meeting.day} has no facilitator"
            continue
        lead = week.staff[meeting.facilitators[0]]
        missing = meeting.needs - lead.credentials
        if missing:
            yield (
                f"{lead.staff_id} leads {meeting.session_id} on {meeting.day} without "
                f"{', '.join(sorted(missing))}"
            )


def _second_facilitator(week: StaffedWeek) -> Iterator[str]:
    """A group above the program's size threshold has two facilitators."""
    above = week.second_facilitator_above
    if above is None:
        return
    for meeting in week.meetings:
        if (
            meeting.patients > above
            and len(set(meeting.facilitators)) < 2
            and (meeting.session_id, meeting.day) not in week.reported_without_second
        ):
            yield (
                f"{meeting.session_id} on {meeting.day} has {meeting.patients} patients "
                f"(above {above}) and one facilitator"
            )


def _availability(week: StaffedWeek) -> Iterator[str]:
    """A facilitator works the whole meeting within one of their windows, and is not absent."""
    for meeting in week.meetings:
        weekday = WEEKDAYS[meeting.day.weekday()]
        for staff_id in meeting.facilitators:
            worker = week.staff[staff_id]
            if meeting.day in worker.absent_days:
                yield f"{staff_id} is absent on {meeting.day} and facilitates {meeting.session_id}"
            if not any(
                day == weekday and start <= meeting.start and meeting.end <= end
                for day, start, end in worker.windows
            ):
                yield f"{staff_id} is not available for {meeting.session_id} on {meeting.day}"


def _weekly_hours(week: StaffedWeek) -> Iterator[str]:
    """A staff member facilitates no more than their maximum hours in an ISO week."""
    minutes: dict[tuple[str, int, int], int] = defaultdict(int)
    for meeting in week.meetings:
        year, number, _ = meeting.day.isocalendar()
        for staff_id in meeting.facilitators:
            minutes[staff_id, year, number] += _minutes(meeting.end) - _minutes(meeting.start)
    for a in week.appointments:
        year, number, _ = a.day.isocalendar()
        minutes[a.staff_id, year, number] += _minutes(a.end) - _minutes(a.start)
    for (staff_id, year, number), total in sorted(minutes.items()):
        cap = week.staff[staff_id].max_hours_per_week * 60
        if total > cap:
            yield f"{staff_id} facilitates {total / 60:g} h in {year}-W{number:02d}, above {cap // 60} h"


def _caseloads(week: StaffedWeek) -> Iterator[str]:
    """No counsellor is primary counsellor of more patients than their caseload cap."""
    counts: dict[str, int] = defaultdict(int)
    for staff_id in week.primary_counsellors.values():
        counts[staff_id] += 1
    for staff_id, count in sorted(counts.items()):
        if count > week.staff[staff_id].caseload_cap:
            yield f"{staff_id} counsels {count} patients, above the cap {week.staff[staff_id].caseload_cap}"


def _rooms_fit(week: StaffedWeek) -> Iterator[str]:
    """An in-person meeting has a room that holds its patients; a virtual one has no room.
    A program that keeps no rooms is not checked."""
    if not week.rooms:
        return
    for meeting in week.meetings:
        if meeting.modality == "virtual":
            if meeting.room_id is not None:
                yield f"{meeting.session_id} on {meeting.day} is virtual and holds room {meeting.room_id}"
            continue
        if meeting.modality == "in_person" and meeting.room_id is None:
            yield f"{meeting.session_id} on {meeting.day} is in person without a room"
        if meeting.room_id is not None and meeting.modality == "in_person":
            capacity = week.rooms[meeting.room_id]
            if meeting.patients > capacity:
                yield (
                    f"room {meeting.room_id} holds {capacity}, fewer than the "
                    f"{meeting.patients} patients of {meeting.session_id} on {meeting.day}"
                )


def _appointments_fit(week: StaffedWeek) -> Iterator[str]:
    """An appointment is with a staff member who works then and is not absent, and clear of the
    patient's groups and commitments."""
    for a in week.appointments:
        worker = week.staff[a.staff_id]
        weekday = WEEKDAYS[a.day.weekday()]
        if a.day in worker.absent_days:
            yield f"{a.staff_id} is absent on {a.day} and sees {a.patient_id}"
        if not any(
            day == weekday and start <= a.start and a.end <= end
            for day, start, end in worker.windows
        ):
            yield f"{a.staff_id} does not work {a.day} {a.start}-{a.end} (sees {a.patient_id})"
        for day, start, end in week.patient_busy.get(a.patient_id, []):
            if (
                day == a.day
                and _minutes(start) < _minutes(a.end)
                and _minutes(a.start) < _minutes(end)
            ):
                yield f"{a.patient_id}'s session with {a.staff_id} on {a.day} overlaps {start}-{end}"
