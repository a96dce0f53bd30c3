"""Hard rules added to the model: a roster that breaks one is never returned."""

from __future__ import annotations

from solver.model import RosterModel


def one_session_per_patient_per_day(roster: RosterModel) -> None:
    """A patient attends at most one group a day."""
    for patient in roster.problem.patients:
        for day_index in range(7):
            attending = roster.attendance_on(patient.patient_id, day_index)
            if len(attending) > 1:
                roster.model.add_at_most_one(attending)


def group_capacity_and_minimum_size(roster: RosterModel) -> None:
    """Each open room holds min_size..capacity patients; a room that would hold fewer does not run."""
    for slot in roster.slots:
        rooms = roster.open_rooms[slot.index]
        attendees = roster.slot_attendees(slot)
        size = sum(attendees)
        roster.model.add(size <= slot.capacity * rooms)
        roster.model.add(size >= slot.min_size * rooms)
        if not attendees:
            roster.model.add(rooms == 0)


def coordinator_pins_kept(roster: RosterModel) -> None:
    """A pinned patient is in the pinned session; the pinned room is open."""
    for pin in roster.problem.pins:
        for slot_index in roster.pinned_slots.get(pin.patient_id, set()):
            slot = roster.slots[slot_index]
            if slot.day == pin.day and pin.session_id in slot.session_ids:
                roster.model.add(roster.attends[pin.patient_id, slot_index] == 1)
    for slot_index, rooms in roster.pinned_rooms().items():
        roster.model.add(roster.open_rooms[slot_index] >= rooms)


def taper_target_is_a_ceiling(roster: RosterModel) -> None:
    """Never more days than the week's taper target (pins aside), never 20+ hours (ASAM 2.5)."""
    for patient in roster.problem.patients:
        pid = patient.patient_id
        pins = len(roster.pinned_slots.get(pid, set()))
        if pins > patient.required_days:
            roster.model.add(roster.days[pid] <= pins)
        else:
            roster.model.add(roster.days[pid] <= roster.required[pid])
        roster.model.add(
            roster.minutes[pid] <= max(roster.problem.max_weekly_minutes, pins * 24 * 60)
        )
