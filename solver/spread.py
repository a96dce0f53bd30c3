"""Spreading days by moves and swaps between patients: a fast improvement of the incumbent
before the comfort tier's search.

The comfort tier's linear bound is tight but its search is slow to find spread weeks: three
evening days with no two in a row is Monday, Wednesday and Friday, so spreading one patient
usually means moving another to the day they leave. Each move here keeps every earlier tier
exactly: the patient stays on the same track in a session of the same length (coverage,
hours and tracks unchanged), and no pinned or familiar seat is given up (stability
unchanged). A move is taken only when the week's comfort penalty falls. The result is checked
by the model (`warm_start.complete`) like any other roster.
"""

from __future__ import annotations

import time
from collections import defaultdict

from solver.model import RosterModel
from solver.rooms import COMFORTABLE_SHARE
from solver.slots import Slot
from solver.soft_rules import (
    BACK_TO_BACK_DAYS,
    CROWDED_SEAT,
    SPREAD_UP_TO_DAYS,
    THREE_IN_A_ROW,
    familiar_slots,
)
from solver.warm_start import Choice


def spread_by_swaps(roster: RosterModel, chosen: Choice, deadline: float) -> Choice:
    """A roster as good in every earlier tier, with less comfort penalty where moves find it."""
    state = _State(roster, chosen)
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for pid in sorted(state.days):
            if time.perf_counter() >= deadline:
                break
            if state.run_cost(pid, state.days[pid]) > 0 and state.improve(pid):
                improved = True
    return state.choice()


class _State:
    def __init__(self, roster: RosterModel, chosen: Choice) -> None:
        self.roster = roster
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
            if max(p.required_days, len(roster.pinned_slots.get(p.patient_id, ())))
            <= SPREAD_UP_TO_DAYS
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

    def choice(self) -> Choice:
        return {(pid, slot.index) for (pid, _), slot in self.seat.items()}

    def run_cost(self, pid: str, days: set[int]) -> int:
        if pid not in self.spread_patients:
            return 0
        pairs = sum(1 for d in days if d + 1 in days)
        threes = sum(1 for d in days if d + 1 in days and d + 2 in days)
        return BACK_TO_BACK_DAYS * pairs + THREE_IN_A_ROW * threes

    def crowded(self, slot: Slot, size: int) -> int:
        """The least crowding any valid count of open rooms gives this many attendees."""
        comfortable = int(slot.capacity * COMFORTABLE_SHARE)
        rooms = min(len(slot.rooms), size // slot.min_size if slot.min_size else len(slot.rooms))
        return CROWDED_SEAT * max(0, size - comfortable * max(rooms, 1)) if size else 0

    def valid(self, slot: Slot, size: int) -> bool:
        rooms = -(-size // slot.capacity)
        return size == 0 or (rooms <= len(slot.rooms) and rooms * slot.min_size <= size)

    def improve(self, pid: str) -> bool:
        """Move one of the patient's days to a free day (alone, or swapping with whoever holds
        the seat there) when the week's comfort penalty falls."""
        days = self.days[pid]
        before = self.run_cost(pid, days)
        for day in sorted(days):
            leaving = self.seat[pid, day]
            if (pid, leaving.index) in self.locked:
                continue
            for new_day, slots in sorted(self.candidates[pid].items()):
                if new_day in days:
                    continue
                moved = (days - {day}) | {new_day}
                gain = before - self.run_cost(pid, moved)
                if gain <= 0:
                    continue
                for joining in slots:
                    if joining.track != leaving.track or joining.minutes != leaving.minutes:
                        continue
                    if self._move(pid, leaving, joining, gain) or self._swap(
                        pid, leaving, joining, gain
                    ):
                        return True
        return False

    def _move(self, pid: str, leaving: Slot, joining: Slot, gain: int) -> bool:
        out, into = self.size[leaving.index] - 1, self.size[joining.index] + 1
        if not (self.valid(leaving, out) and self.valid(joining, into)):
            return False
        crowding = (
            self.crowded(leaving, out)
            + self.crowded(joining, into)
            - self.crowded(leaving, out + 1)
            - self.crowded(joining, into - 1)
        )
        if gain - crowding <= 0:
            return False
        self._relocate(pid, leaving, joining)
        return True

    def _swap(self, pid: str, leaving: Slot, joining: Slot, gain: int) -> bool:
        """Someone in `joining` takes the seat `pid` leaves, on the same terms."""
        day = joining.day_index
        for other in sorted(self.members[joining.index]):
            if other == pid or (other, joining.index) in self.locked:
                continue
            if leaving.day_index in self.days[other]:
                continue
            if leaving not in self.candidates[other].get(leaving.day_index, ()):
                continue
            theirs = self.days[other]
            loss = self.run_cost(other, (theirs - {day}) | {leaving.day_index}) - self.run_cost(
                other, theirs
            )
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
