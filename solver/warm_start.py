"""A first roster from a min-cost flow relaxation: the search's first incumbent, and a proven
lower bound on the coverage tier.

Patients → (patient, day) → slot → sink is a transportation problem: one session a day, the
week's required days, seats per slot, pins taken first. The flow leaves out only group minimums
(repaired afterwards by closing the groups that cannot reach theirs), the weekly hours ceiling
(repaired likewise) and the exact length of each session: it counts a patient's minutes as if
each of their sessions were their longest, so its coverage cost never exceeds a real roster's,
and its optimum is a lower bound on coverage for any roster. When the repaired roster meets
that bound, coverage is proven without a search.

Unit costs rank coverage above everything else (a unit of coverage outweighs every other
cost of the whole week together); the lower costs only shape the hint. The weights are checked
against the flow's integer range, and dropped to coverage alone rather than overflow.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from solver.model import RosterModel, may_step_early
from solver.problem import PatientWeek
from solver.slots import Slot
from solver.soft_rules import DAY_SHORT, MINUTE_SHORT, STEP_EARLY, familiar_slots

# Hint-only costs per placement, below coverage: leaving a familiar group, then a session off
# the patient's preferred track, then one off the track they kept to (last week's, else the one
# that fits them on the most days).
UNFAMILIAR = 40
OFF_PREFERRED = 20
OFF_OWN_TRACK = 10
# The flow's costs are int64; OR-Tools scales them by the node count while it solves.
COST_RANGE = 2**62
# Closing groups that cannot reach their minimum and solving the flow again converges in a few
# rounds; after these, the remaining ones are simply emptied.
REPAIR_ROUNDS = 6

Choice = set[tuple[str, int]]  # (patient id, slot index)


@dataclass(frozen=True)
class FlowRoster:
    chosen: Choice
    coverage_bound: int  # no roster's coverage penalty is lower


def flow_roster(roster: RosterModel) -> FlowRoster | None:
    """The relaxation's roster, repaired to keep every group minimum and the hours ceiling,
    with the relaxation's coverage bound; None when the flow cannot be solved."""
    relaxation = _Relaxation(roster)
    first = relaxation.solve(closed=set())
    if first is None:
        return None
    chosen, bound = first
    # With sessions of different lengths the relaxation counts every session as the longest,
    # which keeps its bound but lets it pick short sessions: the roster itself comes from a
    # flow that also prices each minute below the patient's longest session.
    prefer_long = len({slot.minutes for slot in roster.slots}) > 1
    if prefer_long:
        longer = relaxation.solve(closed=set(), prefer_long=True)
        if longer is not None:
            chosen = longer[0]
    closed: set[int] = set()
    for _ in range(REPAIR_ROUNDS):
        invalid = _invalid_slots(roster, _within_ceiling(roster, chosen))
        if not invalid:
            break
        closed |= invalid - relaxation.pinned_slot_indexes
        again = relaxation.solve(closed, prefer_long=prefer_long)
        if again is None:
            break
        chosen = again[0]
    return FlowRoster(_repaired(roster, chosen), bound)


def _within_ceiling(roster: RosterModel, chosen: Choice) -> Choice:
    """Drop each patient's longest unpinned sessions until they are under the weekly ceiling."""
    ceiling = roster.problem.max_weekly_minutes
    by_patient: dict[str, list[Slot]] = defaultdict(list)
    for pid, index in chosen:
        by_patient[pid].append(roster.slots[index])
    kept = set(chosen)
    for pid, slots in by_patient.items():
        pinned = roster.pinned_slots.get(pid, set())
        total = sum(slot.minutes for slot in slots)
        for slot in sorted(slots, key=lambda s: (-s.minutes, s.index)):
            if total <= ceiling:
                break
            if slot.index not in pinned:
                kept.discard((pid, slot.index))
                total -= slot.minutes
    return kept


def _invalid_slots(roster: RosterModel, chosen: Choice) -> set[int]:
    """Slots whose attendees no count of open rooms can seat within min_size..capacity."""
    sizes: dict[int, int] = defaultdict(int)
    for _, index in chosen:
        sizes[index] += 1
    invalid = set()
    for index, size in sizes.items():
        slot = roster.slots[index]
        rooms = -(-size // slot.capacity)
        if rooms > len(slot.rooms) or rooms * slot.min_size > size:
            invalid.add(index)
    return invalid


def _repaired(roster: RosterModel, chosen: Choice) -> Choice:
    """Empty the groups that still cannot run (pins stay: the search decides those)."""
    pinned = {(pid, index) for pid, indexes in roster.pinned_slots.items() for index in indexes}
    kept = _within_ceiling(roster, chosen)
    while invalid := _invalid_slots(roster, kept) - {index for _, index in pinned}:
        kept = {
            (pid, index) for pid, index in kept if index not in invalid or (pid, index) in pinned
        }
    return kept


class _Relaxation:
    def __init__(self, roster: RosterModel) -> None:
        self.roster = roster
        self.familiar = {
            (pid, slot.index) for pid, slots in familiar_slots(roster).items() for slot in slots
        }
        self.pinned_slot_indexes = {
            index for indexes in roster.pinned_slots.values() for index in indexes
        }

    def solve(self, closed: set[int], *, prefer_long: bool = False) -> tuple[Choice, int] | None:
        """The flow's roster and, without `prefer_long`, its proven coverage bound."""
        roster = self.roster
        patients = roster.problem.patients
        units = sum(p.required_days for p in patients)
        lower_unit = 1 + (UNFAMILIAR + OFF_PREFERRED + OFF_OWN_TRACK) * units
        coverage_costs = {p.patient_id: _coverage_costs(roster, p) for p in patients}
        largest = max((max(c[0], default=0) for c in coverage_costs.values()), default=0)
        longest = {
            p.patient_id: max((slot.minutes for slot in roster.candidates[p.patient_id]), default=0)
            for p in patients
        }
        if prefer_long:
            largest += MINUTE_SHORT * max(longest.values(), default=0)
        nodes = 2 + len(roster.slots) + sum(1 + p.required_days for p in patients)
        if (largest + 1) * lower_unit * (nodes + 1) >= COST_RANGE:
            lower_unit = 1  # coverage alone: the hint loses its shape, never its bound
        flow = min_cost_flow.SimpleMinCostFlow()
        source, sink = 0, 1
        seats = {slot.index: slot.capacity * len(slot.rooms) for slot in roster.slots}
        for indexes in roster.pinned_slots.values():
            for index in indexes:
                seats[index] -= 1
        slot_node = {}
        for offset, slot in enumerate(roster.slots):
            slot_node[slot.index] = 2 + offset
            capacity = 0 if slot.index in closed else max(0, seats[slot.index])
            flow.add_arc_with_capacity_and_unit_cost(slot_node[slot.index], sink, capacity, 0)
        next_node = 2 + len(roster.slots)
        arcs: dict[int, tuple[str, int]] = {}
        supply, constant = 0, 0
        for patient in patients:
            pid = patient.patient_id
            costs, at_most = coverage_costs[pid]
            constant += at_most
            need = len(costs)
            if need == 0:
                continue
            patient_node = next_node
            next_node += 1
            supply += need
            flow.add_arc_with_capacity_and_unit_cost(source, patient_node, need, 0)
            for cost in costs:
                flow.add_arc_with_capacity_and_unit_cost(patient_node, sink, 1, cost * lower_unit)
            pinned_days = {roster.slots[i].day_index for i in roster.pinned_slots.get(pid, ())}
            day_nodes: dict[int, int] = {}
            for slot in roster.candidates[pid]:
                if slot.day_index in pinned_days or slot.index in closed:
                    continue
                if slot.day_index not in day_nodes:
                    day_nodes[slot.day_index] = next_node
                    flow.add_arc_with_capacity_and_unit_cost(patient_node, next_node, 1, 0)
                    next_node += 1
                cost = self._hint_cost(patient, slot) if lower_unit > 1 else 0
                if prefer_long:
                    cost += MINUTE_SHORT * (longest[pid] - slot.minutes) * lower_unit
                arc = flow.add_arc_with_capacity_and_unit_cost(
                    day_nodes[slot.day_index], slot_node[slot.index], 1, cost
                )
                arcs[arc] = (pid, slot.index)
        flow.set_node_supply(source, supply)
        flow.set_node_supply(sink, -supply)
        if flow.solve() != flow.OPTIMAL:
            return None
        chosen = {key for arc, key in arcs.items() if flow.flow(arc) > 0}
        for pid, indexes in roster.pinned_slots.items():
            chosen.update((pid, index) for index in indexes)
        coverage = flow.optimal_cost() // lower_unit + constant
        return chosen, coverage

    def _hint_cost(self, patient: PatientWeek, slot: Slot) -> int:
        pid = patient.patient_id
        cost = 0 if (pid, slot.index) in self.familiar else UNFAMILIAR
        if patient.preferred_track is not None and slot.track != patient.preferred_track:
            cost += OFF_PREFERRED
        own = self.roster.last_weeks_track.get(pid) or _fitting_track(self.roster, pid)
        if slot.track != own:
            cost += OFF_OWN_TRACK
        return cost


def _fitting_track(roster: RosterModel, pid: str) -> str | None:
    """The track that fits the patient on the most days, then the earliest in the day."""
    days: dict[str, set[int]] = defaultdict(set)
    starts: dict[str, int] = {}
    for slot in roster.candidates[pid]:
        days[slot.track].add(slot.day_index)
        starts[slot.track] = min(starts.get(slot.track, slot.start_minute), slot.start_minute)
    if not days:
        return None
    return min(days, key=lambda track: (-len(days[track]), starts[track], track))


def _coverage_costs(roster: RosterModel, patient: PatientWeek) -> tuple[list[int], int]:
    """Each further unmet day's coverage cost, cheapest first (convex, so the flow takes them in
    order), and the cost at the most days the patient may have. The cost of d days is at most
    what any roster with d days pays: minutes are counted as if every session were the
    patient's longest."""
    pid = patient.patient_id
    candidates = roster.candidates[pid]
    pinned = [roster.slots[i] for i in sorted(roster.pinned_slots.get(pid, ()))]
    longest = max((slot.minutes for slot in candidates), default=0)
    pinned_minutes = sum(slot.minutes for slot in pinned)
    required = patient.required_days
    early = may_step_early(patient, candidates)

    def cost(days: int) -> int:
        day_part = DAY_SHORT * max(0, required - days)
        if early:
            day_part = min(day_part, STEP_EARLY + DAY_SHORT * max(0, required - 1 - days))
        minutes = pinned_minutes + (days - len(pinned)) * longest
        return day_part + MINUTE_SHORT * max(0, patient.min_weekly_minutes - minutes)

    most = roster.most_days(patient)
    open_days = len({s.day_index for s in candidates} - {s.day_index for s in pinned})
    # Days the patient could be given beyond their pins (at most one session a day).
    units = min(most - len(pinned), open_days) if most > len(pinned) else 0
    top = len(pinned) + units
    costs = [cost(top - unmet) - cost(top - unmet + 1) for unmet in range(1, units + 1)]
    assert all(a <= b for a, b in itertools.pairwise(costs)), "coverage must be convex"
    return costs, cost(top)


def complete(
    roster: RosterModel, chosen: Choice, penalties: cp_model.LinearExprT, time_limit_s: float
) -> list[int] | None:
    """Every variable's value for this choice of seats (each auxiliary at its least, each slot's
    room count the least crowded that is valid), found by solving with the seats fixed; this
    also checks the roster breaks no hard rule. None when it does, or when the check runs out
    of time."""
    model = roster.model.clone()
    hint_vars, hint_values = [], []
    for (pid, index), var in roster.attends.items():
        value = int((pid, index) in chosen)
        hint_vars.append(var.index)
        hint_values.append(value)
    model.proto.solution_hint.vars.extend(hint_vars)
    model.proto.solution_hint.values.extend(hint_values)
    # Each penalty variable depends only on the fixed seats: the least sum is each at its least.
    model.minimize(penalties)
    fixer = cp_model.CpSolver()
    fixer.parameters.fix_variables_to_their_hinted_value = True
    fixer.parameters.num_workers = 1
    fixer.parameters.max_time_in_seconds = time_limit_s
    status = fixer.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(fixer.response_proto.solution)
