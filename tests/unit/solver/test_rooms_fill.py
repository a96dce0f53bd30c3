"""Rooms of a slot are filled stably: patients keep the room they know unless a rule moves them."""

from dataclasses import replace

from solver import Placement, RosterProblem, SessionOccurrence
from solver.rooms import crowded_seats, crowded_seats_in, fill_rooms, repair_sizes
from solver.slots import Slot, group_slots
from tests.unit.solver.builders import MONDAY, patient, session

ROOMS = tuple(session(f"mon-{room}", 0, capacity=12, min_size=4) for room in "abc")


def only_slot(problem: RosterProblem) -> Slot:
    [slot] = group_slots(problem)
    return slot


def rooms_of(placements: list[Placement]) -> dict[str, str]:
    return {p.patient_id: p.session_id for p in placements}


def regulars(room: str, count: int, start: int) -> list[tuple[str, str]]:
    return [(f"P{start + i:02d}", room) for i in range(count)]


def last_week(
    membership: list[tuple[str, str]], sessions: tuple[SessionOccurrence, ...] = ROOMS
) -> RosterProblem:
    patients = tuple(
        patient(pid, 1, previous_session_ids=frozenset({room})) for pid, room in membership
    )
    return RosterProblem(MONDAY, sessions, patients)


def test_an_unchanged_slot_keeps_every_patient_in_the_same_room() -> None:
    membership = regulars("mon-a", 9, 0) + regulars("mon-b", 5, 20) + regulars("mon-c", 7, 40)
    problem = last_week(membership)
    placed = fill_rooms(problem, only_slot(problem), [pid for pid, _ in reversed(membership)])
    assert rooms_of(placed) == dict(membership)


def test_a_new_patient_goes_to_the_emptiest_room() -> None:
    membership = regulars("mon-a", 9, 0) + regulars("mon-b", 5, 20) + regulars("mon-c", 7, 40)
    problem = last_week(membership)
    problem = replace(problem, patients=(*problem.patients, patient("NEW", 1)))
    attendees = ["NEW", *(pid for pid, _ in membership)]
    placed = rooms_of(fill_rooms(problem, only_slot(problem), attendees))
    assert placed["NEW"] == "mon-b"
    assert {pid: placed[pid] for pid, _ in membership} == dict(membership)


def test_a_pin_wins_over_the_familiar_room() -> None:
    membership = regulars("mon-a", 6, 0) + regulars("mon-b", 6, 20)
    problem = last_week(membership, ROOMS[:2])
    problem = replace(problem, pins=(Placement("P00", "mon-b", MONDAY),))
    placed = rooms_of(fill_rooms(problem, only_slot(problem), [pid for pid, _ in membership]))
    assert placed["P00"] == "mon-b"
    assert sorted(placed.values()).count("mon-a") == 5


def test_this_weeks_previous_version_wins_over_last_week() -> None:
    membership = regulars("mon-a", 5, 0) + regulars("mon-b", 5, 20)
    problem = last_week(membership, ROOMS[:2])
    problem = replace(problem, previous=(Placement("P00", "mon-b", MONDAY),))
    placed = rooms_of(fill_rooms(problem, only_slot(problem), [pid for pid, _ in membership]))
    assert placed["P00"] == "mon-b"


def test_min_size_repair_moves_a_stranger_before_a_regular() -> None:
    problem = RosterProblem(MONDAY, ROOMS[:2], ())
    regulars_of_a = [f"P{i:02d}" for i in range(7)]
    members = {"mon-a": [*regulars_of_a, "STRANGER"], "mon-b": ["P20", "P21"]}
    familiar = dict.fromkeys(regulars_of_a, "mon-a") | {"P20": "mon-b", "P21": "mon-b"}
    repair_sizes(only_slot(problem), members, {}, familiar)
    assert members == {
        "mon-a": regulars_of_a[1:],
        "mon-b": ["P20", "P21", "STRANGER", "P00"],
    }


def test_min_size_repair_never_moves_a_pinned_patient() -> None:
    problem = RosterProblem(MONDAY, ROOMS[:2], ())
    members = {"mon-a": ["PIN1", "PIN2", "PIN3", "PIN4", "P00"], "mon-b": ["P20", "P21", "P22"]}
    pinned = dict.fromkeys(("PIN1", "PIN2", "PIN3", "PIN4"), "mon-a")
    repair_sizes(only_slot(problem), members, pinned, {})
    assert members == {
        "mon-a": ["PIN1", "PIN2", "PIN3", "PIN4"],
        "mon-b": ["P20", "P21", "P22", "P00"],
    }


def test_the_room_count_follows_last_weeks_count_when_valid() -> None:
    # 10 patients fit one room of 12, but they were in two rooms last week and still fill two.
    membership = regulars("mon-a", 5, 0) + regulars("mon-c", 5, 20)
    problem = last_week(membership)
    placed = fill_rooms(problem, only_slot(problem), [pid for pid, _ in membership])
    assert rooms_of(placed) == dict(membership)


def test_the_room_count_falls_to_the_nearest_valid_count() -> None:
    # Three familiar rooms, but 9 patients can fill only two rooms of at least four.
    membership = regulars("mon-a", 4, 0) + regulars("mon-b", 3, 20) + regulars("mon-c", 2, 40)
    problem = last_week(membership)
    placed = rooms_of(fill_rooms(problem, only_slot(problem), [pid for pid, _ in membership]))
    assert sorted(set(placed.values())) == ["mon-a", "mon-b"]
    assert all(placed[pid] == room for pid, room in membership if room != "mon-c")


def test_newcomers_open_as_few_rooms_as_hold_them_balanced() -> None:
    problem = RosterProblem(MONDAY, ROOMS, tuple(patient(f"N{i:02d}", 1) for i in range(20)))
    placed = rooms_of(fill_rooms(problem, only_slot(problem), [f"N{i:02d}" for i in range(20)]))
    assert sorted(list(placed.values()).count(room) for room in set(placed.values())) == [10, 10]


def test_filling_does_not_depend_on_the_order_of_attendees() -> None:
    membership = regulars("mon-a", 9, 0) + regulars("mon-b", 2, 20)
    problem = last_week(membership)
    problem = replace(problem, patients=(*problem.patients, patient("NEW", 1)))
    attendees = ["NEW", *(pid for pid, _ in membership)]
    first = fill_rooms(problem, only_slot(problem), attendees)
    assert fill_rooms(problem, only_slot(problem), list(reversed(attendees))) == first


def test_crowded_seats_count_the_rooms_actually_used() -> None:
    problem = RosterProblem(MONDAY, ROOMS[:2], ())
    slot = only_slot(problem)
    members = {"mon-a": [f"A{i}" for i in range(12)], "mon-b": [f"B{i}" for i in range(4)]}
    assert crowded_seats(slot, members) == 3  # 12 - 9; the slot's 16 of 24 seats would say 0
    placements = [Placement(pid, room, MONDAY) for room, ids in members.items() for pid in ids]
    assert crowded_seats_in(problem, placements) == 3
