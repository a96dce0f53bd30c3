"""A first roster from a min-cost flow relaxation, handed to CP-SAT as a hint.

Patients → (patient, day) → slot → sink is a transportation problem: one session a day, the
week's required days, seats per slot. The flow ignores group minimums, one-track and spread,
so CP-SAT starts from an almost-right roster instead of from nothing, and only repairs.
"""

from __future__ import annotations

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from solver.model import RosterModel
from solver.soft_rules import DAY_SHORT, GROUP_CHANGED, MINUTE_SHORT, OFF_PREFERRED_TRACK

TYPICAL_SESSION_MINUTES = 180


def flow_hint(roster: RosterModel) -> dict[tuple[str, int], int]:
    """(patient id, slot index) → 1 for each placement of the relaxed optimum."""
    problem = roster.problem
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
    placement_arcs: dict[int, tuple[str, int]] = {}
    total = 0
    for patient in problem.patients:
        pid = patient.patient_id
        need = patient.required_days
        total += need
        patient_node = next_node
        next_node += 1
        flow.add_arc_with_capacity_and_unit_cost(source, patient_node, need, 0)
        # An unmet day costs what the rules charge: the day, plus its hours once the patient
        # falls below the weekly hours floor (three-hour days assumed in this relaxation).
        floor_days = min(need, -(-patient.min_weekly_minutes // TYPICAL_SESSION_MINUTES))
        if need > floor_days:
            flow.add_arc_with_capacity_and_unit_cost(
                patient_node, sink, need - floor_days, DAY_SHORT
            )
        if floor_days:
            flow.add_arc_with_capacity_and_unit_cost(
                patient_node, sink, floor_days, DAY_SHORT + MINUTE_SHORT * TYPICAL_SESSION_MINUTES
            )
        day_nodes: dict[int, int] = {}
        for slot in roster.candidates[pid]:
            if slot.day_index not in day_nodes:
                day_nodes[slot.day_index] = next_node
                flow.add_arc_with_capacity_and_unit_cost(patient_node, next_node, 1, 0)
                next_node += 1
            familiar = bool(patient.previous_session_ids.intersection(slot.session_ids))
            cost = (0 if familiar else GROUP_CHANGED) + (
                OFF_PREFERRED_TRACK if patient.preferred_track not in (None, slot.track) else 0
            )
            arc = flow.add_arc_with_capacity_and_unit_cost(
                day_nodes[slot.day_index], slot_node[slot.index], 1, cost
            )
            placement_arcs[arc] = (pid, slot.index)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    if flow.solve() != flow.OPTIMAL:
        return {}
    return {key: 1 for arc, key in placement_arcs.items() if flow.flow(arc) > 0}


def add_flow_hint(roster: RosterModel) -> bool:
    chosen = flow_hint(roster)
    if not chosen:
        return False
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
    return True


def complete_hint(roster: RosterModel, time_limit_s: float) -> bool:
    """Turn a partial hint into a full assignment (every auxiliary variable too) by solving with
    the hinted values fixed; CP-SAT follows a complete hint far better than a partial one."""
    fixer = cp_model.CpSolver()
    fixer.parameters.fix_variables_to_their_hinted_value = True
    fixer.parameters.num_workers = 1
    fixer.parameters.max_time_in_seconds = time_limit_s
    status = fixer.solve(roster.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    hint_solution(roster.model, fixer)
    return True


def hint_solution(model: cp_model.CpModel, solved: cp_model.CpSolver) -> None:
    """Make a solver's whole assignment the hint for the next solve of the same model."""
    values = [
        solved.value(model.get_int_var_from_proto_index(i))
        for i in range(len(model.proto.variables))
    ]
    model.clear_hints()  # type: ignore[no-untyped-call]
    for index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(index), value)
