"""Soft rules: each returns (variable, weight) penalty terms; the objective sums them in one place.

Weights follow the order the program asks for: a day short of the taper target outweighs
everything a patient could lose on every lower rule together.
"""

from __future__ import annotations

from solver.model import LinearTerm, RosterModel
from solver.slots import Slot

DAY_SHORT = 1000
MINUTE_SHORT = 5  # a 3-hour day short of the hours floor costs 900, the same tier as a day
STEP_EARLY = 30
EXTRA_TRACK = 10
OFF_PREFERRED_TRACK = 20
GROUP_CHANGED = 5
BACK_TO_BACK_DAYS = 2
CROWDED_SEAT = 1
# A room feels crowded beyond three quarters of its capacity: spread people to quieter rooms.
COMFORTABLE_SHARE = 0.75


def meet_required_days(roster: RosterModel) -> list[LinearTerm]:
    """Schedule each patient's required days for the week (the taper target)."""
    terms: list[LinearTerm] = []
    for patient in roster.problem.patients:
        pid = patient.patient_id
        short = roster.model.new_int_var(0, 7, f"days_short[{pid}]")
        roster.model.add(short >= roster.required[pid] - roster.days[pid])
        terms.append((short, DAY_SHORT))
        if pid in roster.steps_early:
            terms.append((roster.steps_early[pid], STEP_EARLY))
    return terms


def meet_weekly_hours(roster: RosterModel) -> list[LinearTerm]:
    """Reach the weekly hours floor (9 hours for adults, prorated in a partial week)."""
    terms: list[LinearTerm] = []
    for patient in roster.problem.patients:
        pid = patient.patient_id
        if patient.min_weekly_minutes <= 0:
            continue
        short = roster.model.new_int_var(0, patient.min_weekly_minutes, f"minutes_short[{pid}]")
        roster.model.add(short >= patient.min_weekly_minutes - roster.minutes[pid])
        terms.append((short, MINUTE_SHORT))
    return terms


def keep_to_one_track(roster: RosterModel) -> list[LinearTerm]:
    """A patient keeps to one track (day, evening, ...) where possible: without a preferred
    track, their track is the one that fits their hours on the most days, and each session
    outside it costs a little. (A preferred track already says which track is theirs.)"""
    terms: list[LinearTerm] = []
    for patient in roster.problem.patients:
        pid = patient.patient_id
        slots = roster.patient_slots(pid)
        tracks = sorted({slot.track for slot in slots})
        if len(tracks) < 2 or patient.preferred_track in tracks:
            continue
        own = natural_track(slots)
        for slot in slots:
            if slot.track != own:
                terms.append((roster.attends[pid, slot.index], EXTRA_TRACK))
    return terms


def natural_track(slots: list[Slot]) -> str:
    """The track with the most days that fit, then the earliest in the day."""
    days: dict[str, set[int]] = {}
    starts: dict[str, int] = {}
    for slot in slots:
        days.setdefault(slot.track, set()).add(slot.day_index)
        starts[slot.track] = min(starts.get(slot.track, slot.start_minute), slot.start_minute)
    return min(days, key=lambda track: (-len(days[track]), starts[track], track))


def prefer_preferred_track(roster: RosterModel) -> list[LinearTerm]:
    """A patient with a preferred track attends it."""
    terms: list[LinearTerm] = []
    for patient in roster.problem.patients:
        if patient.preferred_track is None:
            continue
        for slot in roster.patient_slots(patient.patient_id):
            if slot.track != patient.preferred_track:
                terms.append((roster.attends[patient.patient_id, slot.index], OFF_PREFERRED_TRACK))
    return terms


def keep_stable_groups(roster: RosterModel) -> list[LinearTerm]:
    """Keep last week's groups and this week's previous version: changes unsettle patients."""
    terms: list[LinearTerm] = []
    previous_by_patient: dict[str, set[tuple[str, object]]] = {}
    for placement in roster.problem.previous:
        previous_by_patient.setdefault(placement.patient_id, set()).add(
            (placement.session_id, placement.day)
        )
    for patient in roster.problem.patients:
        pid = patient.patient_id
        previous = previous_by_patient.get(pid, set())
        for slot in roster.patient_slots(pid):
            kept_before = any((sid, slot.day) in previous for sid in slot.session_ids)
            usual = bool(patient.previous_session_ids.intersection(slot.session_ids))
            if kept_before or usual:
                # Penalise leaving the familiar slot: GROUP_CHANGED × (1 − attends).
                terms.append((1 - roster.attends[pid, slot.index], GROUP_CHANGED))
    return terms


def spread_days_through_the_week(roster: RosterModel) -> list[LinearTerm]:
    """Spread a patient's days through the week rather than back to back."""
    terms: list[LinearTerm] = []
    for patient in roster.problem.patients:
        pid = patient.patient_id
        pairs = []
        for day_index in range(6):
            today = roster.attendance_on(pid, day_index)
            tomorrow = roster.attendance_on(pid, day_index + 1)
            if not today or not tomorrow:
                continue
            both = roster.model.new_bool_var(f"back_to_back[{pid},{day_index}]")
            roster.model.add(both >= sum(today) + sum(tomorrow) - 1)
            pairs.append(both)
            terms.append((both, BACK_TO_BACK_DAYS))
        if pairs:
            # Redundant, for the search's bound: attending more days than can be kept apart
            # forces that many back-to-back pairs.
            apart = _most_days_apart({slot.day_index for slot in roster.patient_slots(pid)})
            roster.model.add(sum(pairs) >= roster.days[pid] - apart)
    return terms


def _most_days_apart(days: set[int]) -> int:
    """How many of these days can be chosen with no two consecutive (per run of days: ⌈n/2⌉)."""
    most, run = 0, 0
    for day in range(8):
        if day in days:
            run += 1
        else:
            most += (run + 1) // 2
            run = 0
    return most


def balance_group_sizes(roster: RosterModel) -> list[LinearTerm]:
    """Balance group sizes: seats beyond three quarters of the open rooms' capacity cost a little."""
    terms: list[LinearTerm] = []
    for slot in roster.slots:
        attendees = roster.slot_attendees(slot)
        comfortable = int(slot.capacity * COMFORTABLE_SHARE)
        if len(attendees) <= comfortable:
            continue
        crowded = roster.model.new_int_var(0, len(attendees), f"crowded[{slot.label()}]")
        roster.model.add(crowded >= sum(attendees) - comfortable * roster.open_rooms[slot.index])
        terms.append((crowded, CROWDED_SEAT))
    return terms
