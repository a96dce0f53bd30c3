"""The pattern relaxation: each pattern's costs are the model's own penalties, and its bounds
never pass a tier's proven optimum (a bound above it would call a worse roster optimal)."""

from __future__ import annotations

import importlib
import random
from dataclasses import replace

import pytest
from ortools.sat.python import cp_model

from solver import Placement, RosterProblem, solve
from solver.greedy import greedy_roster
from solver.model import RosterModel, build_variables
from solver.pattern_search import PatternSearch
from solver.patterns import pattern_relaxation
from solver.rules import COMFORT, STABILITY, TIERS, add_rules, penalty_tiers
from solver.solve import _check, _expression, _value
from tests.unit.solver.builders import MONDAY, patient, session, works

# `solver.solve` the module, not the function the package exports under that name.
solve_module = importlib.import_module("solver.solve")
# Slot-level terms: the relaxation prices them in its linking rows (crowding) or leaves them
# out (rooms changed), so they are not part of any pattern's cost.
SLOT_RULES = {STABILITY: "stable rooms", COMFORT: "balanced groups"}


def _varied_program(seed: int, patients: int = 18) -> RosterProblem:
    """Mornings, evenings of mixed lengths and a Saturday; preferred tracks, early steps, last
    week's groups and pins, drawn from the seed."""
    draw = random.Random(seed)
    sessions = []
    for day in range(5):
        for room in "ab"[: draw.choice((1, 2))]:
            sessions.append(session(f"am-{day}-{room}", day, 9, capacity=4, track="morning"))
        hours = draw.choice((3, 3, 4))
        sessions.append(session(f"pm-{day}", day, 17, hours=hours, capacity=5, min_size=2))
    sessions.append(session("sat", 5, 9, capacity=6, min_size=2, track="weekend"))
    everyone = []
    for i in range(patients):
        busy = works(range(5), 8, 16) if draw.random() < 0.5 else works(range(5), 13, 16)
        everyone.append(
            patient(
                f"P{i:02d}",
                draw.choice((2, 3, 3, 4)),
                busy=busy[: draw.choice((3, 4, 5))],
                preferred_track=draw.choice((None, "morning", "evening")),
                may_step_early=draw.random() < 0.3,
                previous_session_ids=frozenset(
                    draw.sample([s.session_id for s in sessions], draw.choice((0, 0, 2)))
                ),
            )
        )
    problem = RosterProblem(MONDAY, tuple(sessions), tuple(everyone))
    first = greedy_roster(problem).placements
    pins = tuple(draw.sample(first, min(2, len(first))))
    return replace(problem, pins=pins)


def _seats(roster: RosterModel, placements: tuple[Placement, ...]) -> set[tuple[str, int]]:
    slot_of = {
        (room.session_id, slot.day): slot.index for slot in roster.slots for room in slot.rooms
    }
    return {(p.patient_id, slot_of[p.session_id, p.day]) for p in placements}


@pytest.mark.parametrize("seed", range(4))
def test_each_patients_pattern_costs_what_the_model_charges_them(seed: int) -> None:
    problem = _varied_program(seed)
    roster = build_variables(problem)
    penalties = add_rules(roster)
    tiers = penalty_tiers(penalties)
    relaxation = pattern_relaxation(roster)
    assert relaxation is not None
    solution = solve(problem, time_limit_s=3, workers=1, seed=seed)
    values = _check(roster, tiers, _seats(roster, solution.placements), 10)
    assert values is not None
    chosen = relaxation.patterns_of(_seats(roster, solution.placements))
    assert set(chosen) == {p.patient_id for p in problem.patients}  # every week is a pattern
    for at, tier in enumerate(TIERS):
        model_value = _value(tiers[tier], values)
        if tier in SLOT_RULES:
            model_value -= _value(penalties[SLOT_RULES[tier]], values)
        patterns_value = sum(
            relaxation.classes[c].patterns[p].costs[at] for c, p in chosen.values()
        )
        assert patterns_value == model_value, tier


@pytest.mark.parametrize("seed", range(4))
def test_no_tier_bound_passes_the_tiers_proven_optimum(seed: int) -> None:
    problem = _varied_program(seed, patients=14)
    roster = build_variables(problem)
    tiers = penalty_tiers(add_rules(roster))
    relaxation = pattern_relaxation(roster)
    assert relaxation is not None
    search = PatternSearch(roster, relaxation)
    held: PatternSearch | None = None  # without the weeks leaving more familiar groups
    earlier: dict[str, int] = {}
    for tier in TIERS:
        model = roster.model.clone()
        for name, value in earlier.items():
            model.add(_expression(tiers[name]) <= value)
        model.minimize(_expression(tiers[tier]))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.max_time_in_seconds = 60
        assert solver.solve(model) == cp_model.OPTIMAL
        optimum = round(solver.objective_value)
        bound = search.bound(tier, earlier, 30)
        assert bound is not None
        assert bound <= optimum, tier
        if held is not None:
            assert (held.bound(tier, earlier, 30) or 0) <= optimum, tier
        earlier[tier] = optimum
        if tier == STABILITY:
            filtered = pattern_relaxation(roster, unfamiliar_at_most=optimum)
            assert filtered is not None
            held = PatternSearch(roster, filtered)


def test_solve_proves_every_tier_of_a_week_through_the_patterns() -> None:
    problem = _varied_program(11, patients=40)
    solution = solve(problem, time_limit_s=20, workers=1, seed=1)
    assert [t.status for t in solution.stats.tiers] == ["OPTIMAL"] * len(TIERS)


def test_without_the_relaxation_the_search_keeps_the_models_own_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(solve_module, "pattern_relaxation", lambda roster, unfamiliar=None: None)
    problem = _varied_program(2)
    solution = solve(problem, time_limit_s=3, workers=1, seed=2)
    assert solution.placements
    for tier in solution.stats.tiers:
        assert tier.bound <= tier.objective


def test_once_stability_is_held_each_patient_keeps_only_weeks_within_it() -> None:
    roster = build_variables(_varied_program(5))
    add_rules(roster)
    full, held = pattern_relaxation(roster), pattern_relaxation(roster, unfamiliar_at_most=0)
    assert full is not None
    assert held is not None
    at = TIERS.index(STABILITY)
    assert all(p.costs[at] == 0 for c in held.classes for p in c.patterns)
    assert sum(len(c.patterns) for c in held.classes) < sum(len(c.patterns) for c in full.classes)


def test_too_many_patterns_build_no_relaxation(monkeypatch: pytest.MonkeyPatch) -> None:
    from solver import patterns

    monkeypatch.setattr(patterns, "MAX_PATTERNS", 10)
    roster = build_variables(_varied_program(3))
    add_rules(roster)
    assert pattern_relaxation(roster) is None


@pytest.mark.parametrize("unfamiliar", [None, 0, 1])
def test_the_count_before_listing_is_never_below_the_patterns_listed(
    unfamiliar: int | None,
) -> None:
    from solver.patterns import _pattern_count, _patterns
    from solver.soft_rules import familiar_slots

    roster = build_variables(_varied_program(7))
    add_rules(roster)
    familiar = familiar_slots(roster)
    for person in roster.problem.patients:
        own = {slot.index for slot in familiar.get(person.patient_id, set())}
        listed = _patterns(roster, person, 10**6, own, unfamiliar)
        assert listed is not None
        counted = _pattern_count(roster, person, own, unfamiliar)
        assert counted >= len(listed)
        if person.patient_id not in roster.pinned_slots:  # hours never bind here
            assert counted == len(listed)
