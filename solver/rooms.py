"""Fill the interchangeable rooms of each slot once the model chose who attends and how many rooms."""

from __future__ import annotations

from solver.problem import Placement, RosterProblem
from solver.slots import Slot


def fill_rooms(problem: RosterProblem, slot: Slot, attendees: list[str]) -> list[Placement]:
    """Pinned patients first, then each patient to their familiar room while it has its fair
    share, then to the emptiest room; sizes stay within min_size..capacity and balanced."""
    if not attendees:
        return []
    pinned = {
        pin.patient_id: pin.session_id
        for pin in problem.pins
        if pin.day == slot.day and pin.session_id in slot.session_ids
    }
    familiar = _familiar_rooms(problem, slot)
    count = _room_count(problem, slot, len(attendees), len(set(pinned.values())))
    rooms = _rooms_to_open(slot, count, pinned, familiar, attendees)
    fair_share = -(-len(attendees) // count)
    members: dict[str, list[str]] = {room: [] for room in rooms}
    for patient_id in sorted(attendees, key=lambda p: (p not in pinned, p)):
        room = pinned.get(patient_id)
        if room not in members:
            room = familiar.get(patient_id)
            if room not in members or len(members[room]) >= fair_share:
                room = min(members, key=lambda r: (len(members[r]), r))
        members[room].append(patient_id)
    _even_out(slot, members, set(pinned))
    return [
        Placement(patient_id, room, slot.day)
        for room, patients in members.items()
        for patient_id in patients
    ]


def _room_count(problem: RosterProblem, slot: Slot, size: int, pinned_rooms: int) -> int:
    """As many rooms as the previous version used where that still works, else as few as hold
    everyone (fewer facilitators). The model proved some count in between is valid."""
    fewest = max(-(-size // slot.capacity), pinned_rooms)
    before = len(
        {
            p.session_id
            for p in problem.previous
            if p.day == slot.day and p.session_id in slot.session_ids
        }
    )
    if fewest <= before <= len(slot.rooms) and slot.min_size * before <= size:
        return before
    return fewest


def _familiar_rooms(problem: RosterProblem, slot: Slot) -> dict[str, str]:
    familiar: dict[str, str] = {}
    for patient in problem.patients:
        for session_id in slot.session_ids:
            if session_id in patient.previous_session_ids:
                familiar[patient.patient_id] = session_id
    for placement in problem.previous:  # this week's previous version wins over last week
        if placement.day == slot.day and placement.session_id in slot.session_ids:
            familiar[placement.patient_id] = placement.session_id
    return familiar


def _rooms_to_open(
    slot: Slot,
    count: int,
    pinned: dict[str, str],
    familiar: dict[str, str],
    attendees: list[str],
) -> list[str]:
    popularity = dict.fromkeys(slot.session_ids, 0)
    for patient_id in attendees:
        if patient_id in familiar:
            popularity[familiar[patient_id]] += 1
    pinned_rooms = set(pinned.values())
    order = sorted(slot.session_ids, key=lambda r: (r not in pinned_rooms, -popularity[r], r))
    return order[:count]


def _even_out(slot: Slot, members: dict[str, list[str]], pinned: set[str]) -> None:
    """Move unpinned patients from the fullest room to the emptiest until every room is valid."""
    for _ in range(sum(len(m) for m in members.values()) * 2):
        fullest = max(members, key=lambda r: len(members[r]))
        emptiest = min(members, key=lambda r: len(members[r]))
        too_small = len(members[emptiest]) < slot.min_size
        too_big = len(members[fullest]) > slot.capacity
        if not (too_small or too_big) or len(members[fullest]) - len(members[emptiest]) < 2:
            return
        movable = [p for p in members[fullest] if p not in pinned]
        if not movable:
            return
        members[fullest].remove(movable[-1])
        members[emptiest].append(movable[-1])


def crowded_seats_in(problem: RosterProblem, placements: list[Placement]) -> int:
    """Seats beyond three quarters of each used room's capacity, on the rooms actually filled."""
    capacity = {s.session_id: s.capacity for s in problem.sessions}
    sizes: dict[tuple[str, object], int] = {}
    for p in placements:
        sizes[p.session_id, p.day] = sizes.get((p.session_id, p.day), 0) + 1
    return sum(max(0, size - int(capacity[sid] * 0.75)) for (sid, _), size in sizes.items())
