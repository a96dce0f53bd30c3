"""Advice: the sessions to open, each proven by solving the forecast again, equal on small
programs to solving the forecast with every candidate."""

from __future__ import annotations

from solver.planning import Advice, advise, candidate_sessions, evaluate, solve_forecast
from tests.unit.solver.planning.builders import (
    CHILDCARE,
    DAY_WORK,
    admission,
    patient,
    problem,
    session,
)

# Like the sample program: parents with childcare fit only the Saturday group.
PROGRAM = problem(
    3,
    [
        session("mon-eve", 0, capacity=2),
        session("wed-eve", 2, capacity=2),
        session("mon-day", 0, 9, capacity=2, track="day"),
        session("sat", 5, 9.5, capacity=3, track="weekend"),
    ],
    [
        patient("P1", (3, 3, 3, 3), CHILDCARE),
        patient("P2", (3, 3, 2, 2), CHILDCARE),
        patient("W1", (2, 2, 2, 2), DAY_WORK),
        patient("W2", (2, 2, 2, 0), DAY_WORK),
        patient("W3", (2, 2, 0, 0), DAY_WORK),
    ],
    [admission("R1", 1, (3, 3), CHILDCARE)],
)


def _exhaustive(count: int) -> list[Advice]:
    """Every candidate solved; the best of each weekday and track that meets a day or shortens
    a wait, best first."""
    best: dict[tuple[int, str], Advice] = {}
    for advice in evaluate(PROGRAM, candidate_sessions(PROGRAM)):
        if advice.shortfall_days_gain <= 0 and advice.waiting_weeks_gain <= 0:
            continue
        key = (advice.session.weekday, advice.session.track)
        if key not in best or advice.objective_gain > best[key].objective_gain:
            best[key] = advice
    return sorted(best.values(), key=lambda a: -a.objective_gain)[:count]


def test_advice_equals_an_exhaustive_check_of_every_candidate() -> None:
    advice = advise(PROGRAM, count=3)
    exhaustive = _exhaustive(3)
    assert len(advice) == 3
    assert [a.objective_gain for a in advice] == [a.objective_gain for a in exhaustive]
    assert [(a.shortfall_days_gain, a.waiting_weeks_gain) for a in advice] == [
        (a.shortfall_days_gain, a.waiting_weeks_gain) for a in exhaustive
    ]
    assert all(a.proven for a in advice)


def test_the_best_advice_is_a_weekday_morning_group_parents_can_reach() -> None:
    [best, *_] = advise(PROGRAM, count=1)
    assert best.session.weekday < 5
    assert best.session.start_minute >= 9 * 60 + 30
    assert best.session.end_minute <= 14 * 60 + 30
    # Proven by solving again with it: the gain is the difference of two forecasts.
    base = solve_forecast(PROGRAM)
    assert best.shortfall_days_after == base.shortfall_days - best.shortfall_days_gain


def test_advice_counts_the_weeks_a_referral_no_longer_waits() -> None:
    waiting = problem(3, [session("sat", 5, 9.5)], [], [admission("R1", 0, (2, 2), CHILDCARE)])
    [best] = advise(waiting, count=1)
    assert (best.waiting_weeks_gain, best.waiting_weeks_after) == (3, 0)
    assert best.shortfall_days_gain == 0


def test_nothing_to_gain_gives_no_advice() -> None:
    roomy = problem(1, [session("mon", 0)], [patient("A", (1, 1))])
    assert advise(roomy) == []
