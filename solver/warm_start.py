"""A first roster from a min-cost flow relaxation: a hint for CP-SAT, and often a proof.

Patients → (patient, day) → slot → sink is a transportation problem: one session a day, the
week's required days, seats per slot. Unit costs rank the tiers lexicographically (a unit of a
higher tier outweighs every lower-tier cost together). The flow leaves out only group
minimums and the rooms that enforce them, and it prices hours as three-hour days: so when every
session lasts three hours, nothing is pinned, and the flow's roster also satisfies the group
minimums, that roster is optimal for the first two tiers, and CP-SAT need only optimise the
last one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from solver.model import RosterModel
from solver.problem import PatientWeek
from solver.slots import Slot
from solver.soft_rules import (
    DAY_SHORT,
    EXTRA_TRACK,
    GROUP_CHANGED,
    MINUTE_SHORT,
    OFF_PREFERRED_TRACK,
    STEP_EARLY,
    natural_track,
)

THREE_HOURS = 180


@dataclass(frozen=True)
class WarmStart:
    tier_values: tuple[int, ...]  # each tier's penalty in the hinted roster; () if no hint
    exact: bool  # the hint is optimal for the first two tiers


def warm_start(
    roster: RosterModel, tiers: list[cp_model.LinearExpr], time_limit_s: float
) -> WarmStart:
    """Hint the model with the flow's roster, completed; say whether it is provably optimal."""
    chosen = flow_roster(roster)
    if not chosen:
        return WarmStart((), False)
    _add_partial_hint(roster, chosen)
    values = complete_hint(roster, tiers, time_limit_s)
    return WarmStart(values, bool(values) and _flow_is_exact(roster))


def _flow_is_exact(roster: RosterModel) -> bool:
    problem = roster.problem
    if problem.pins:
        return False
    three_hour_days = all(slot.minutes == THREE_HOURS for slot in roster.slots)
    whole_days = all(p.min_weekly_minutes % THREE_HOURS == 0 for p in problem.patients)
    return three_hour_days and whole_days


def flow_roster(roster: RosterModel) -> dict[tuple[str, int], int]:
    """(patient id, slot index) → 1 for each placement of the relaxation's optimum."""
    problem = roster.problem
    total_days = sum(p.required_days for p in problem.patients)
    # Lexicographic weights: tier 3 < tier 2 < tier 1, unit for unit, over the whole week.
    tier3_unit = 1
    tier2_unit = tier3_unit * (GROUP_CHANGED * total_days + 1)
    tier1_unit = tier2_unit * ((OFF_PREFERRED_TRACK + EXTRA_TRACK) * total_days + 1)
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    next_node = 2
    slot_node: dict[int, int] = {}
    for slot in roster.slots:
        slot_node[slot.index] = next_node
        flow.add_arc_with_capacity_and_unit_cost(
            next_node, sink, slot.capacity * len(slot.rooms), 0
        )
        next_node += 1
    familiar = _familiar(roster)
    placement_arcs: dict[int, tuple[str, int]] = {}
    for patient in problem.patients:
        pid, need = patient.patient_id, patient.required_days
        patient_node = next_node
        next_node += 1
        flow.add_arc_with_capacity_and_unit_cost(source, patient_node, need, 0)
        for cost in _unmet_day_costs(patient):
            flow.add_arc_with_capacity_and_unit_cost(patient_node, sink, 1, cost * tier1_unit)
        slots = roster.candidates[pid]
        own_track = _own_track(patient, slots)
        day_nodes: dict[int, int] = {}
        for slot in slots:
            if slot.day_index not in day_nodes:
                day_nodes[slot.day_index] = next_node
                flow.add_arc_with_capacity_and_unit_cost(patient_node, next_node, 1, 0)
                next_node += 1
            track_cost = 0
            if patient.preferred_track is not None and slot.track != patient.preferred_track:
                track_cost += OFF_PREFERRED_TRACK
            if own_track is not None and slot.track != own_track:
                track_cost += EXTRA_TRACK
            stable_cost = 0 if (pid, slot.index) in familiar else GROUP_CHANGED
            arc = flow.add_arc_with_capacity_and_unit_cost(
                day_nodes[slot.day_index],
                slot_node[slot.index],
                1,
                track_cost * tier2_unit + stable_cost * tier3_unit,
            )
            placement_arcs[arc] = (pid, slot.index)
    flow.set_node_supply(source, total_days)
    flow.set_node_supply(sink, -total_days)
    if flow.solve() != flow.OPTIMAL:
        return {}
    return {key: 1 for arc, key in placement_arcs.items() if flow.flow(arc) > 0}


def _unmet_day_costs(patient: PatientWeek) -> list[int]:
    """What each further unmet day costs in tier 1, cheapest first (so the flow takes them in
    order): a taper step taken early, then whole days, plus their hours below the floor."""
    need = patient.required_days
    floor_days = min(need, -(-patient.min_weekly_minutes // THREE_HOURS))
    costs = []
    for unmet in range(1, need + 1):
        base = STEP_EARLY if unmet == 1 and patient.may_step_early and need > 1 else DAY_SHORT
        below_floor = unmet > need - floor_days
        costs.append(base + (MINUTE_SHORT * THREE_HOURS if below_floor else 0))
    return costs


def _own_track(patient: PatientWeek, slots: list[Slot]) -> str | None:
    """The track `keep_to_one_track` holds the patient to, or None when that rule is silent."""
    tracks = {slot.track for slot in slots}
    if len(tracks) < 2 or patient.preferred_track in tracks:
        return None
    return natural_track(slots)


def _familiar(roster: RosterModel) -> set[tuple[str, int]]:
    previous = {(p.patient_id, p.session_id, p.day) for p in roster.problem.previous}
    familiar = set()
    for patient in roster.problem.patients:
        for slot in roster.candidates[patient.patient_id]:
            usual = bool(patient.previous_session_ids.intersection(slot.session_ids))
            kept = any((patient.patient_id, sid, slot.day) in previous for sid in slot.session_ids)
            if usual or kept:
                familiar.add((patient.patient_id, slot.index))
    return familiar


def _add_partial_hint(roster: RosterModel, chosen: dict[tuple[str, int], int]) -> None:
    sizes: dict[int, int] = {}
    for (patient_id, slot_index), var in roster.attends.items():
        value = chosen.get((patient_id, slot_index), 0)
        roster.model.add_hint(var, value)
        sizes[slot_index] = sizes.get(slot_index, 0) + value
    for slot in roster.slots:
        size = sizes.get(slot.index, 0)
        roster.model.add_hint(
            roster.open_rooms[slot.index], min(len(slot.rooms), -(-size // slot.capacity))
        )


def complete_hint(
    roster: RosterModel, tiers: list[cp_model.LinearExpr], time_limit_s: float
) -> tuple[int, ...]:
    """Turn a partial hint into a full assignment (every auxiliary variable at its least) by
    solving with the hinted values fixed; this also checks the hint breaks no hard rule.
    Returns each tier's penalty in it, or () when the hint is infeasible."""
    roster.model.minimize(sum(tiers))
    fixer = cp_model.CpSolver()
    fixer.parameters.fix_variables_to_their_hinted_value = True
    fixer.parameters.num_workers = 1
    fixer.parameters.max_time_in_seconds = time_limit_s
    status = fixer.solve(roster.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        roster.model.clear_hints()  # type: ignore[no-untyped-call]
        return ()
    hint_solution(roster.model, fixer)
    return tuple(int(fixer.value(tier)) for tier in tiers)


def hint_solution(model: cp_model.CpModel, solved: cp_model.CpSolver) -> None:
    """Make a solver's whole assignment the hint for the next solve of the same model."""
    values = [
        solved.value(model.get_int_var_from_proto_index(i))
        for i in range(len(model.proto.variables))
    ]
    model.clear_hints()  # type: ignore[no-untyped-call]
    for index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(index), value)
