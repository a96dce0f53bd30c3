"""The solver's progress hooks only report: each tier's work is announced in the program's order
of importance, and a solve told of its progress finds the same roster as one that is not."""

from solver import RosterProblem, solve
from solver.rules import TIERS
from tests.unit.solver.builders import MONDAY, patient, session

EVENINGS = tuple(session(f"eve-{d}", d, capacity=2) for d in range(5))
PATIENTS = tuple(patient(f"P{n}", 3) for n in range(4))


def test_each_tier_is_announced_in_order_and_the_roster_is_the_same() -> None:
    problem = RosterProblem(MONDAY, EVENINGS, PATIENTS)
    stages: list[str] = []
    found: list[str] = []
    told = solve(
        problem,
        time_limit_s=5,
        workers=1,
        deterministic=True,
        on_stage=lambda seconds, tier: stages.append(tier),
        on_progress=lambda seconds, tier, objective, bound: found.append(tier),
    )
    quiet = solve(problem, time_limit_s=5, workers=1, deterministic=True)
    assert stages[: len(TIERS)] == list(TIERS)
    assert set(found) <= set(TIERS)
    assert set(told.placements) == set(quiet.placements)
    assert told.stats.objective == quiet.stats.objective
