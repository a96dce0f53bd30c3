"""Parallel rooms of one time slot are interchangeable: the model decides how many rooms of a
slot to open and who attends the slot, never which identical room — so it never searches
symmetric copies of the same roster. Rooms are filled afterwards (`solver/rooms.py`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from solver.problem import MINUTES_PER_DAY, RosterProblem, SessionOccurrence


@dataclass(frozen=True)
class Slot:
    index: int
    day: date
    day_index: int
    start_minute: int
    end_minute: int
    track: str
    capacity: int  # per room
    min_size: int  # per room
    rooms: tuple[SessionOccurrence, ...]
    virtual: bool = False  # every room of the slot is joined online: no travel around it

    @property
    def minutes(self) -> int:
        return self.end_minute - self.start_minute

    @property
    def week_start(self) -> int:
        return self.day_index * MINUTES_PER_DAY + self.start_minute

    @property
    def week_end(self) -> int:
        return self.day_index * MINUTES_PER_DAY + self.end_minute

    @cached_property
    def session_ids(self) -> tuple[str, ...]:
        return tuple(room.session_id for room in self.rooms)

    def label(self) -> str:
        start = f"{self.start_minute // 60:02d}:{self.start_minute % 60:02d}"
        return f"{self.day:%a} {start} {self.track} ({', '.join(self.session_ids)})"


def group_slots(problem: RosterProblem) -> list[Slot]:
    """One slot per (day, hours, track, room size): its rooms are interchangeable."""
    groups: dict[tuple[date, int, int, str, int, int, bool], list[SessionOccurrence]] = defaultdict(
        list
    )
    for session in problem.sessions:
        key = (
            session.day,
            session.start_minute,
            session.end_minute,
            session.track,
            session.capacity,
            session.min_size,
            # A virtual group and a room are not interchangeable: one needs no travel.
            session.virtual,
        )
        groups[key].append(session)
    slots = []
    for index, (key, rooms) in enumerate(sorted(groups.items(), key=lambda item: item[0])):
        day, start, end, track, capacity, min_size, virtual = key
        slots.append(
            Slot(
                index=index,
                day=day,
                day_index=problem.day_index(day),
                start_minute=start,
                end_minute=end,
                track=track,
                capacity=capacity,
                min_size=min_size,
                rooms=tuple(sorted(rooms, key=lambda room: room.session_id)),
                virtual=virtual,
            )
        )
    return slots
