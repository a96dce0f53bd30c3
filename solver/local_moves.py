"""Moves and swaps between patients: a fast improvement of the incumbent before a tier's search.

The tracks and comfort tiers have tight linear bounds but searches slow to find the rosters
that meet them: three evening days with no two in a row is Monday, Wednesday and Friday, and a
patient split across two tracks needs a seat someone else holds. So each patient in turn tries
moving one session to another of their candidate sessions, alone where a seat is free or
swapping with someone holding it. Each move keeps every earlier tier exactly: a session of the
same length (coverage and hours unchanged), never a pinned or familiar seat given up (stability
unchanged), and for comfort the same track (tracks unchanged). A move is taken only when the
tier's penalty falls. The result is checked by the model (`warm_start.complete`) like any other
roster.
"""

from __future__ import annotations

import time
from collections import defaultdict

from solver.model import RosterModel
from solver.rooms import COMFORTABLE_SHARE
from solver.slots import Slot
from solver.soft_rules import (
    CROWDED_SEAT,
    EXTRA_TRACK,
    OFF_LAST_WEEKS_TRACK,
    OFF_PREFERRED_TRACK,
    SPREAD_UP_TO_DAYS,
    familiar_slots,
    run_cost,
)
from solver.warm_start import Choice


def spread_by_swaps(roster: RosterModel, chosen: Choice, deadline: float) -> Choice:
    """A roster as good in every earlier tier, with less comfort penalty where moves find it."""
    return _improve(_State(roster, chosen, comfort=True), deadline)


def one_track_by_swaps(roster: RosterModel, chosen: Choice, deadline: float) -> Choice:
    """A roster as good in coverage and stability, with less tracks penalty where moves find it."""
    return _improve(_State(roster, chosen, comfort=False), deadline)


def _improve(state: _State, deadline: float) -> Choice:
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for pid in sorted(state.days):
            if time.perf_counter() >= deadline:
                break
            if state.cost(pid, state.slots_of(pid)) > 0 and state.improve(pid):
                improved = True
    return state.choice()


class _State:
    def __init__(self, roster: RosterModel, chosen: Choice, *, comfort: bool) -> None:
        self.roster = roster
        self.comfort = comfort
        self.seat: dict[tuple[str, int], Slot] = {}  # (patient, day index) → slot
        self.days: dict[str, set[int]] = defaultdict(set)
        self.size: dict[int, int] = defaultdict(int)
        self.members: dict[int, set[str]] = defaultdict(set)
        for pid, index in chosen:
            slot = roster.slots[index]
            self.seat[pid, slot.day_index] = slot
            self.days[pid].add(slot.day_index)
            self.size[index] += 1
            self.members[index].add(pid)
        self.spread_patients = {
            p.patient_id
            for p in roster.problem.patients
            if roster.most_days(p) <= SPREAD_UP_TO_DAYS
        }
        self.locked = {
            (pid, slot.index) for pid, slots in familiar_slots(roster).items() for slot in slots
        }
        self.locked |= {(pid, i) for pid, indexes in roster.pinned_slots.items() for i in indexes}
        self.candidates: dict[str, dict[int, list[Slot]]] = {}
        for patient in roster.problem.patients:
            by_day: dict[int, list[Slot]] = defaultdict(list)
            for slot in roster.candidates[patient.patient_id]:
                by_day[slot.day_index].append(slot)
            self.candidates[patient.patient_id] = by_day
        self.tracks = {
            pid: {slot.track for slot in roster.candidates[pid]} for pid in roster.candidates
        }
        self.preferred = {p.patient_id: p.preferred_track for p in roster.problem.patients}

    def choice(self) -> Choice:
        return {(pid, slot.index) for (pid, _), slot in self.seat.items()}

    def slots_of(self, pid: str) -> list[Slot]:
        return [self.seat[pid, day] for day in self.days[pid]]

    def cost(self, pid: str, slots: list[Slot]) -> int:
        """The patient's own penalty in the tier being improved."""
        if self.comfort:
            return self.run_cost(pid, {slot.day_index for slot in slots})
        return self.track_cost(pid, slots)

    def track_cost(self, pid: str, slots: list[Slot]) -> int:
        """As soft_rules.keep_to_one_track and prefer_preferred_track price it."""
        if len(self.tracks[pid]) < 2:
            return 0
        used = {slot.track for slot in slots}
        cost = EXTRA_TRACK * max(0, len(used) - 1)
        last_weeks = self.roster.last_weeks_track.get(pid)
        if last_weeks in self.tracks[pid]:
            cost += OFF_LAST_WEEKS_TRACK * len(used - {last_weeks})
        preferred = self.preferred[pid]
        if preferred is not None:
            cost += OFF_PREFERRED_TRACK * sum(1 for slot in slots if slot.track != preferred)
        return cost

    def run_cost(self, pid: str, days: set[int]) -> int:
        return run_cost(days) if pid in self.spread_patients else 0

    def crowded(self, slot: Slot, size: int) -> int:
        """The least crowding any valid count of open rooms gives this many attendees."""
        comfortable = int(slot.capacity * COMFORTABLE_SHARE)
        rooms = min(len(slot.rooms), size // slot.min_size if slot.min_size else len(slot.rooms))
        return CROWDED_SEAT * max(0, size - comfortable * max(rooms, 1)) if size else 0

    def valid(self, slot: Slot, size: int) -> bool:
        rooms = -(-size // slot.capacity)
        return size == 0 or (rooms <= len(slot.rooms) and rooms * slot.min_size <= size)

    def improve(self, pid: str) -> bool:
        """Move one of the patient's sessions to another they can attend (alone, or swapping
        with whoever holds the seat there) when the tier's penalty falls."""
        mine = self.slots_of(pid)
        before = self.cost(pid, mine)
        for leaving in sorted(mine, key=lambda slot: slot.index):
            if (pid, leaving.index) in self.locked:
                continue
            others = [slot for slot in mine if slot is not leaving]
            taken = {slot.day_index for slot in others}
            for new_day, slots in sorted(self.candidates[pid].items()):
                if new_day in taken:
                    continue
                for joining in slots:
                    if joining is leaving or joining.minutes != leaving.minutes:
                        continue
                    if self.comfort and joining.track != leaving.track:
                        continue
                    gain = before - self.cost(pid, [*others, joining])
                    if gain > 0 and (
                        self._move(pid, leaving, joining, gain)
                        or self._swap(pid, leaving, joining, gain)
                    ):
                        return True
        return False

    def _move(self, pid: str, leaving: Slot, joining: Slot, gain: int) -> bool:
        out, into = self.size[leaving.index] - 1, self.size[joining.index] + 1
        if not (self.valid(leaving, out) and self.valid(joining, into)):
            return False
        crowding = self.comfort and (
            self.crowded(leaving, out)
            + self.crowded(joining, into)
            - self.crowded(leaving, out + 1)
            - self.crowded(joining, into - 1)
        )
        if gain - int(crowding) <= 0:
            return False
        self._relocate(pid, leaving, joining)
        return True

    def _swap(self, pid: str, leaving: Slot, joining: Slot, gain: int) -> bool:
        """Someone in `joining` takes the seat `pid` leaves, on the same terms."""
        for other in sorted(self.members[joining.index]):
            if other == pid or (other, joining.index) in self.locked:
                continue
            held = self.seat.get((other, leaving.day_index))
            if held is not None and held is not joining:
                continue  # one session a day
            if leaving not in self.candidates[other].get(leaving.day_index, ()):
                continue
            if self.comfort and leaving.track != joining.track:
                continue
            theirs = self.slots_of(other)
            swapped = [slot for slot in theirs if slot is not joining] + [leaving]
            loss = self.cost(other, swapped) - self.cost(other, theirs)
            if gain - loss <= 0:
                continue
            self._relocate(other, joining, leaving)
            self._relocate(pid, leaving, joining)
            return True
        return False

    def _relocate(self, pid: str, leaving: Slot, joining: Slot) -> None:
        del self.seat[pid, leaving.day_index]
        self.days[pid].discard(leaving.day_index)
        self.size[leaving.index] -= 1
        self.members[leaving.index].discard(pid)
        self.seat[pid, joining.day_index] = joining
        self.days[pid].add(joining.day_index)
        self.size[joining.index] += 1
        self.members[joining.index].add(pid)
