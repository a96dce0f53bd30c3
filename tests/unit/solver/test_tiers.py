"""The search tier by tier: honest statistics per tier, a roster under any time limit, weights
that cannot overflow, and a week that did not change kept as it was."""

from dataclasses import replace
from datetime import timedelta

import pytest

from solver import Placement, RosterProblem, solve
from solver import warm_start as warm_start_module
from solver.model import build_variables
from solver.rules import TIERS, add_rules
from solver.warm_start import flow_roster
from tests.unit.solver.builders import MONDAY, patient, session, sessions_of, solve_small, works


def _program(patients: int = 24) -> RosterProblem:
    """Evenings with two parallel rooms, a Saturday morning, and patients who work days."""
    evenings = [
        session(f"eve-{d}-{room}", d, capacity=6, min_size=2) for d in range(5) for room in "ab"
    ]
    sessions = (*evenings, session("sat", 5, 9, capacity=8, min_size=2, track="weekend"))
    people = tuple(
        patient(f"P{i:02d}", 3 + i % 2, busy=works(range(5), 9, 17)) for i in range(patients)
    )
    return RosterProblem(MONDAY, sessions, people)


def test_each_tier_reports_its_own_status_objective_bound_and_gap() -> None:
    stats = solve_small(_program()).stats
    assert [t.name for t in stats.tiers] == list(TIERS)
    for tier in stats.tiers:
        assert tier.bound <= tier.objective
        assert tier.gap == pytest.approx((tier.objective - tier.bound) / max(1, tier.objective))
    proven = all(t.status == "OPTIMAL" for t in stats.tiers)
    assert (stats.status == "OPTIMAL") == proven
    assert stats.gap == max(t.gap for t in stats.tiers)


def test_a_roster_is_returned_however_short_the_time_limit() -> None:
    solution = solve(_program(60), time_limit_s=0.001, workers=1, seed=3)
    assert solution.placements
    assert solution.stats.status in ("OPTIMAL", "FEASIBLE")
    coverage = solution.stats.tiers[0]
    # The flow's bound proves coverage without any search (three-hour sessions).
    assert (coverage.name, coverage.status) == ("coverage", "OPTIMAL")


def test_the_flow_drops_to_coverage_alone_rather_than_overflow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = build_variables(_program())
    add_rules(roster)
    shaped = flow_roster(roster)
    monkeypatch.setattr(warm_start_module, "COST_RANGE", 10**6)
    plain = flow_roster(roster)
    assert shaped is not None
    assert plain is not None
    assert plain.coverage_bound == shaped.coverage_bound


def test_a_week_that_did_not_change_keeps_every_weekday_track_and_room() -> None:
    first = solve_small(_program())
    by_patient: dict[str, set[str]] = {}
    for placement in first.placements:
        by_patient.setdefault(placement.patient_id, set()).add(placement.session_id)
    next_monday = MONDAY + timedelta(days=7)
    week = _program()
    again = replace(
        week,
        week_monday=next_monday,
        sessions=tuple(replace(s, day=s.day + timedelta(days=7)) for s in week.sessions),
        patients=tuple(
            replace(
                p,
                available_from=next_monday,
                available_until=next_monday + timedelta(days=6),
                previous_session_ids=frozenset(by_patient.get(p.patient_id, set())),
            )
            for p in week.patients
        ),
    )
    second = solve_small(again)
    moved = {(p.patient_id, p.session_id, p.day.weekday()) for p in first.placements} ^ {
        (p.patient_id, p.session_id, p.day.weekday()) for p in second.placements
    }
    assert moved == set()
    stability = second.stats.tiers[1]
    assert (stability.name, stability.objective, stability.status) == ("stability", 0, "OPTIMAL")


def test_one_track_means_one_track_not_the_track_with_most_days() -> None:
    # P1 fits the day track every weekday but its seats are taken on three days; the evening
    # track fits on three days. A true one-track week is three evenings, not days plus one.
    day_sessions = tuple(session(f"day-{d}", d, 9, capacity=1, track="day") for d in range(5))
    evenings = tuple(session(f"eve-{d}", d) for d in range(3))
    regulars = tuple(
        patient(f"R{d}", 1, busy=works(range(5), 17, 23), previous_session_ids=frozenset())
        for d in range(3)
    )
    pins = tuple(Placement(f"R{d}", f"day-{d}", MONDAY + timedelta(days=d)) for d in range(3))
    problem = RosterProblem(
        MONDAY, day_sessions + evenings, (patient("P1", 3), *regulars), pins=pins
    )
    assert sessions_of(solve_small(problem), "P1") == ["eve-0", "eve-1", "eve-2"]
