"""Fill the interchangeable rooms of each slot once the model chose who attends.

A patient keeps the room they know: a pin first, then this week's previous version, then last
week's room. The slot opens as many rooms as those familiar rooms need where that count is valid,
newcomers go to the emptiest room, and only then are sizes repaired, moving the fewest patients
and strangers to a room before its regulars.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping

from solver.problem import Placement, RosterProblem
from solver.slots import Slot

# A room feels crowded beyond three quarters of its capacity: spread people to quieter rooms.
COMFORTABLE_SHARE = 0.75

Members = dict[str, list[str]]  # room (session id) → patient ids, in the order they were seated


def fill_rooms(
    problem: RosterProblem, slot: Slot, attendees: list[str], rooms: int | None = None
) -> list[Placement]:
    """Pinned patients in their pinned room; each other patient in their familiar room while it
    is open and has a seat, else in the emptiest open room; then sizes repaired. `rooms` is the
    count of rooms the model chose to open (it keeps last week's count where it can, and
    otherwise opens the least crowded count); without it, the familiar rooms decide."""
    if not attendees:
        return []
    patients = sorted(set(attendees))
    pinned = _pinned_rooms(problem, slot, patients)
    familiar = _familiar_rooms(problem, slot, patients)
    count = _room_count(slot, len(patients), pinned, familiar, rooms)
    members: Members = {room: [] for room in _rooms_to_open(slot, count, pinned, familiar)}
    _seat(slot, members, patients, pinned, familiar)
    repair_sizes(slot, members, pinned, familiar)
    return [
        Placement(patient_id, room, slot.day)
        for room in sorted(members)
        for patient_id in members[room]
    ]


def crowded_seats(slot: Slot, members_by_room: Mapping[str, Collection[str]]) -> int:
    """The balanced-groups penalty on the rooms actually used: seats beyond the comfortable
    share of each room's capacity."""
    return sum(_crowded(slot.capacity, len(members)) for members in members_by_room.values())


def crowded_seats_in(problem: RosterProblem, placements: Iterable[Placement]) -> int:
    """Crowded seats over every room a roster uses (the balance actually delivered)."""
    capacity = {(s.session_id, s.day): s.capacity for s in problem.sessions}
    sizes = Counter((p.session_id, p.day) for p in placements)
    return sum(_crowded(capacity[room], size) for room, size in sizes.items() if room in capacity)


def _crowded(capacity: int, size: int) -> int:
    return max(0, size - int(capacity * COMFORTABLE_SHARE))


def _pinned_rooms(problem: RosterProblem, slot: Slot, patients: list[str]) -> dict[str, str]:
    attending = set(patients)
    return {
        pin.patient_id: pin.session_id
        for pin in sorted(problem.pins, key=lambda p: (p.patient_id, p.session_id))
        if pin.day == slot.day
        and pin.session_id in slot.session_ids
        and pin.patient_id in attending
    }


def _familiar_rooms(problem: RosterProblem, slot: Slot, patients: list[str]) -> dict[str, str]:
    """This week's previous version wins over last week's room."""
    attending = set(patients)
    familiar: dict[str, str] = {}
    for patient in problem.patients:
        if patient.patient_id in attending:
            known = sorted(patient.previous_session_ids.intersection(slot.session_ids))
            if known:
                familiar[patient.patient_id] = known[0]
    for placement in sorted(problem.previous, key=lambda p: (p.patient_id, p.session_id)):
        if (
            placement.day == slot.day
            and placement.session_id in slot.session_ids
            and placement.patient_id in attending
        ):
            familiar[placement.patient_id] = placement.session_id
    return familiar


def _room_count(
    slot: Slot, size: int, pinned: dict[str, str], familiar: dict[str, str], chosen: int | None
) -> int:
    """The model's count, else as many rooms as the familiar and pinned rooms, where that count
    is valid; else the nearest valid count (the model proved one exists)."""
    pinned_rooms = len(set(pinned.values()))
    wanted = chosen if chosen else len(set(pinned.values()) | set(familiar.values()))
    fewest = max(1, -(-size // slot.capacity), pinned_rooms)
    most = min(len(slot.rooms), size // max(1, slot.min_size))
    if fewest > most:  # pins are kept in their rooms even then
        return max(pinned_rooms, min(len(slot.rooms), -(-size // slot.capacity)))
    return min(max(wanted, fewest), most)


def _rooms_to_open(
    slot: Slot, count: int, pinned: dict[str, str], familiar: dict[str, str]
) -> list[str]:
    """Pinned rooms, then the familiar rooms most attendees know, then by room id."""
    regulars = Counter(familiar.values())
    pinned_rooms = set(pinned.values())
    order = sorted(slot.session_ids, key=lambda r: (r not in pinned_rooms, -regulars[r], r))
    return order[:count]


def _seat(
    slot: Slot,
    members: Members,
    patients: list[str],
    pinned: dict[str, str],
    familiar: dict[str, str],
) -> None:
    newcomers = []
    for patient_id in patients:
        if patient_id in pinned:
            members[pinned[patient_id]].append(patient_id)
    for patient_id in patients:
        if patient_id in pinned:
            continue
        room = familiar.get(patient_id)
        if room in members and len(members[room]) < slot.capacity:
            members[room].append(patient_id)
        else:
            newcomers.append(patient_id)
    for patient_id in newcomers:
        members[_emptiest(members)].append(patient_id)


def _emptiest(members: Members, excluding: str = "") -> str:
    return min((r for r in members if r != excluding), key=lambda r: (len(members[r]), r))


def repair_sizes(
    slot: Slot, members: Members, pinned: dict[str, str], familiar: dict[str, str]
) -> None:
    """Fill rooms below their minimum from rooms that can spare a patient, then empty rooms
    over capacity into the emptiest, one patient per missing or extra seat: strangers to the
    room move before its regulars, pinned patients never. (After seating newcomers in the
    emptiest room strangers rarely sit in a room that can spare one; pins can put them there.)"""
    for room in sorted(members):
        while len(members[room]) < slot.min_size:
            donors = [r for r in members if r != room and len(members[r]) > slot.min_size]
            move = _cheapest_move(members, donors, pinned, familiar)
            if move is None:
                break
            donor, patient_id = move
            members[donor].remove(patient_id)
            members[room].append(patient_id)
    for room in sorted(members):
        while len(members[room]) > slot.capacity and len(members) > 1:
            move = _cheapest_move(members, [room], pinned, familiar)
            target = _emptiest(members, excluding=room)
            if move is None or len(members[target]) >= slot.capacity:
                break
            members[room].remove(move[1])
            members[target].append(move[1])


def _cheapest_move(
    members: Members, donors: list[str], pinned: dict[str, str], familiar: dict[str, str]
) -> tuple[str, str] | None:
    """(room, patient): an unpinned stranger to the room first, from the fullest room."""
    options = [
        (familiar.get(patient_id) == room, -len(members[room]), room, patient_id)
        for room in donors
        for patient_id in members[room]
        if patient_id not in pinned
    ]
    if not options:
        return None
    _, _, room, patient_id = min(options)
    return room, patient_id
