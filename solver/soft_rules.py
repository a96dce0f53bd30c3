"""Soft rules: each returns (literal or integer variable, weight) penalty terms.

Each rule belongs to one tier (solver/rules.py) and a tier is optimised on its own, so weights
only rank penalties against others of the same tier: nothing here has to outweigh anything in
another tier, and no weight grows with the program's size.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection
from datetime import date

from ortools.sat.python import cp_model

from solver.model import LinearTerm, RosterModel
from solver.rooms import COMFORTABLE_SHARE
from solver.slots import Slot

# Coverage: a day short of the taper target; a minute short of the weekly hours floor (a
# three-hour day short of the floor costs 900, about as much as the day itself); a taper step
# taken a week early to free a seat (cheap: the step was due next week anyway).
DAY_SHORT = 1000
MINUTE_SHORT = 5
STEP_EARLY = 30
# Tracks: a further track in a patient's week; a session off their preferred track; a track
# other than the one they kept to last week.
EXTRA_TRACK = 10
OFF_PREFERRED_TRACK = 20
OFF_LAST_WEEKS_TRACK = 5
# Comfort: a three-day patient on three days in a row; two days back to back; a seat beyond
# three quarters of a room's capacity.
THREE_IN_A_ROW = 6
BACK_TO_BACK_DAYS = 2
CROWDED_SEAT = 1
# Spreading matters to patients who come three days or fewer: with four or five days in a
# five-day week, back-to-back days cannot be avoided.
SPREAD_UP_TO_DAYS = 3


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


def keep_last_weeks_sessions(roster: RosterModel) -> list[LinearTerm]:
    """A patient keeps the weekday and group they had: each of last week's sessions (and each
    seat of this week's previous version) not kept costs one move. Only moves the patient
    could have avoided count: a session they can no longer attend has no term."""
    terms: list[LinearTerm] = []
    for pid, slots in familiar_slots(roster).items():
        for slot in sorted(slots, key=lambda s: s.index):
            terms.append((roster.attends[pid, slot.index].Not(), 1))
    return terms


def keep_last_weeks_rooms(roster: RosterModel) -> list[LinearTerm]:
    """A slot keeps the number of rooms its patients knew (last week's, or this week's previous
    version): each room opened or closed beyond that is a change for the people in it."""
    known: dict[int, set[str]] = defaultdict(set)
    by_session = {(room.session_id, slot.day): slot for slot in roster.slots for room in slot.rooms}
    weekly = {room.session_id: slot for slot in roster.slots for room in slot.rooms}
    for patient in roster.problem.patients:
        for session_id in patient.previous_session_ids:
            if session_id in weekly:
                known[weekly[session_id].index].add(session_id)
    for placement in roster.problem.previous:
        slot = by_session.get((placement.session_id, placement.day))
        if slot is not None:
            known[slot.index].add(placement.session_id)
    terms: list[LinearTerm] = []
    for index, rooms in sorted(known.items()):
        slot = roster.slots[index]
        changed = roster.model.new_int_var(0, len(slot.rooms), f"rooms_changed[{slot.label()}]")
        roster.model.add_abs_equality(changed, roster.open_rooms[index] - len(rooms))
        terms.append((changed, 1))
    return terms


def familiar_slots(roster: RosterModel) -> dict[str, set[Slot]]:
    """Each patient's slots holding a session they had last week (a weekly session keeps its
    weekday) or a seat of this week's previous version."""
    if roster.familiar is not None:
        return roster.familiar
    previous: dict[str, set[tuple[str, date]]] = defaultdict(set)
    for placement in roster.problem.previous:
        previous[placement.patient_id].add((placement.session_id, placement.day))
    familiar: dict[str, set[Slot]] = {}
    for patient in roster.problem.patients:
        pid = patient.patient_id
        mine = previous.get(pid, set())
        for slot in roster.candidates[pid]:
            usual = not patient.previous_session_ids.isdisjoint(slot.session_ids)
            kept = bool(mine) and any((sid, slot.day) in mine for sid in slot.session_ids)
            if usual or kept:
                familiar.setdefault(pid, set()).add(slot)
    roster.familiar = familiar
    return familiar


def keep_to_one_track(roster: RosterModel) -> list[LinearTerm]:
    """A patient keeps to one track (day, evening, ...) all week: each further track they use
    costs the same whichever it is, so the solver looks for a true one-track week rather than
    a track guessed beforehand. Last week's track is kept too, where they had only one.

    The model chooses, for each patient, the set of tracks their week uses (at most one set):
    a session needs its track in the chosen set, and a set offers at most as many days as its
    sessions meet on. Choosing whole sets, not one flag per track, keeps the search's linear
    bound honest: a patient cannot half-use a second track at half the cost."""
    terms: list[LinearTerm] = []
    model = roster.model
    for patient in roster.problem.patients:
        pid = patient.patient_id
        by_track: dict[str, list[Slot]] = defaultdict(list)
        for slot in roster.patient_slots(pid):
            by_track[slot.track].append(slot)
        if len(by_track) < 2:
            continue
        tracks = sorted(by_track)
        last_weeks = roster.last_weeks_track.get(pid)
        chosen: dict[frozenset[str], cp_model.IntVar] = {}
        for size in range(1, len(tracks) + 1):
            for subset in itertools.combinations(tracks, size):
                week = frozenset(subset)
                chosen[week] = model.new_bool_var(f"track_set[{pid},{'+'.join(subset)}]")
                if size > 1:
                    terms.append((chosen[week], EXTRA_TRACK * (size - 1)))
                if last_weeks in by_track and any(t != last_weeks for t in week):
                    terms.append((chosen[week], OFF_LAST_WEEKS_TRACK * len(week - {last_weeks})))
        model.add_at_most_one(chosen.values())
        most = roster.most_days(patient)
        for track, slots in by_track.items():
            covering = sum(var for week, var in chosen.items() if track in week)
            for slot in slots:
                model.add(roster.attends[pid, slot.index] <= covering)
            # Days on a track, at most as many as it meets on or the patient may have.
            meets_on = len({slot.day_index for slot in slots})
            model.add(
                sum(roster.attends[pid, slot.index] for slot in slots)
                <= min(most, meets_on) * covering
            )
        # A set offers no more days than its sessions meet on, nor than the patient may have
        # (their taper target, or their pins): the cap is what makes a patient who needs
        # three days, with only two left on one track, pay for the second track.
        model.add(
            roster.days[pid]
            <= sum(
                min(most, len({s.day_index for t in week for s in by_track[t]})) * var
                for week, var in chosen.items()
            )
        )
    return terms


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


def spread_days_through_the_week(roster: RosterModel) -> list[LinearTerm]:
    """Spread a patient's days through the week: never three days in a row for a three-day
    patient when a spread exists, and as few back-to-back days as can be.

    The model chooses each patient's set of days outright (one set, each day attended exactly
    when it is in the set), and prices each set by its runs of days: choosing whole sets keeps
    the search's linear bound honest, where a flag per pair of days lets it half-attend every
    day at no cost."""
    terms: list[LinearTerm] = []
    model = roster.model
    for patient in roster.problem.patients:
        pid = patient.patient_id
        most = roster.most_days(patient)
        if most > SPREAD_UP_TO_DAYS:
            continue
        on_day = {d: roster.attendance_on(pid, d) for d in range(7)}
        open_days = [d for d, attending in on_day.items() if attending]
        if not any(d + 1 in open_days for d in open_days):
            continue  # no two of their days are consecutive: nothing to spread
        sets: dict[tuple[int, ...], cp_model.IntVar] = {}
        for size in range(min(most, len(open_days)) + 1):
            for days in itertools.combinations(open_days, size):
                sets[days] = model.new_bool_var(f"day_set[{pid},{days}]")
                cost = run_cost(days)
                if cost:
                    terms.append((sets[days], cost))
        model.add_exactly_one(sets.values())
        for day in open_days:
            model.add(sum(on_day[day]) == sum(var for days, var in sets.items() if day in days))
    return terms


def run_cost(days: Collection[int]) -> int:
    """Back-to-back pairs, and three days in a row, in a set of days."""
    chosen = set(days)
    pairs = sum(1 for d in chosen if d + 1 in chosen)
    threes = sum(1 for d in chosen if d + 1 in chosen and d + 2 in chosen)
    return BACK_TO_BACK_DAYS * pairs + THREE_IN_A_ROW * threes


def balance_group_sizes(roster: RosterModel) -> list[LinearTerm]:
    """Balance group sizes: seats beyond three quarters of the open rooms' capacity cost a little.
    (The roster reports this on the rooms it actually fills: solver/rooms.py.)"""
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
