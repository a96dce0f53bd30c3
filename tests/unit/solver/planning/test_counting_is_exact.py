"""The forecast counts seats per unit of identical patients (units.py); a model that seats each
patient on their own must reach the same optimum. Checked on small random programs against such
a per-patient model, written here independently, moves and planned admissions included."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from ortools.sat.python import cp_model

from solver.planning import ClosedDate, ForecastProblem, solve_forecast
from solver.planning.forecast_model import DAY_SHORT, GIVEN_BACK, STEP_EARLY, WAIT_WEEK
from solver.planning.units import group_slots, slot_seats, weekly_fit
from tests.unit.solver.planning.builders import (
    CHILDCARE,
    DAY_WORK,
    MONDAY,
    admission,
    patient,
    problem,
    session,
)


def _random_program(seed: int) -> ForecastProblem:
    rng = random.Random(seed)
    weeks = 3
    sessions = [
        session(f"s{i}", rng.randrange(6), rng.choice([9.5, 18]), rng.randint(1, 6))
        for i in range(rng.randint(3, 6))
    ]
    kinds = [(), CHILDCARE, DAY_WORK]
    patients = []
    for i in range(rng.randint(3, 7)):
        start = rng.randint(3, 5)
        course = [max(3, start - (w // 2)) for w in range(weeks + 1)]
        if rng.random() < 0.3:
            course[rng.randrange(1, weeks + 1)] = 0
            course = [c if all(course[: k + 1]) else 0 for k, c in enumerate(course)]
        # Pairs of identical patients make units of two.
        copies = 2 if rng.random() < 0.4 else 1
        hours = rng.choice(kinds)
        patients += [patient(f"P{i}{c}", tuple(course), hours) for c in range(copies)]
    admissions = [
        admission(f"R{i}", rng.randrange(weeks), (rng.randint(3, 4), 3), rng.choice(kinds))
        for i in range(rng.randint(0, 2))
    ]
    # A day closed early on leaves days to give back once seats are free again.
    closed = (ClosedDate(MONDAY + timedelta(days=rng.randrange(5)), "closure"),)
    return problem(
        weeks,
        sessions,
        patients,
        admissions,
        min_days_per_week=3,
        closed=closed if rng.random() < 0.6 else (),
    )


def _per_patient_optimum(program: ForecastProblem) -> float:
    """Each patient and each admission seated on their own; the same rules and weights."""
    model = cp_model.CpModel()
    slots = group_slots(program)
    seats = slot_seats(program, slots)
    horizon = program.horizon
    by_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    cost: list[Any] = []
    for person in program.patients:
        fits = weekly_fit(slots, person.busy, person.travel_minutes)
        t = person.targets
        short: dict[int, Any] = {}
        early: dict[int, cp_model.IntVar] = {}
        for w in range(horizon):
            if t[w] == 0:
                continue
            seated = []
            for s in sorted(fits):
                if seats[w][s] and slots[s].weekday in person.days[w]:
                    var = model.new_bool_var("")
                    seated.append((slots[s].weekday, var))
                    by_slot.setdefault((w, s), []).append(var)
            for day in {d for d, _ in seated}:
                model.add(sum(v for d, v in seated if d == day) <= 1)
            required: Any = t[w]
            if 0 < t[w + 1] < t[w] and t[w + 1] >= program.min_days_per_week:
                early[w] = model.new_bool_var("")
                required = required - early[w]
                cost.append(STEP_EARLY * early[w])
            if w >= 1 and 0 < t[w] < t[w - 1]:
                later = model.new_bool_var("")
                model.add(later <= short[w - 1])
                if w - 1 in early:
                    model.add(early[w - 1] + later <= 1)
                required = required + later
                cost.append(-GIVEN_BACK * later)
            given = sum(v for _, v in seated)
            model.add(given <= required)
            short[w] = required - given
            cost.append(DAY_SHORT * short[w])
    for entry in program.admissions:
        fits = weekly_fit(slots, entry.busy, entry.travel_minutes)
        starts = {s: model.new_bool_var("") for s in [*range(entry.earliest_week, horizon), None]}
        model.add_exactly_one(starts.values())
        for start, chosen in starts.items():
            waited = (horizon if start is None else start) - entry.earliest_week
            cost.append(WAIT_WEEK * waited * chosen)
        for w in range(horizon):
            level = {
                s: entry.course[w - s]
                for s in starts
                if s is not None and 0 <= w - s < len(entry.course)
            }
            if not level:
                continue
            active = sum(starts[s] for s in level)
            required = sum(starts[s] * days for s, days in level.items())
            seated = []
            for s in sorted(fits):
                if seats[w][s]:
                    var = model.new_bool_var("")
                    seated.append((slots[s].weekday, var))
                    by_slot.setdefault((w, s), []).append(var)
            for day in {d for d, _ in seated}:
                model.add(sum(v for d, v in seated if d == day) <= active)
            given = sum(v for _, v in seated)
            model.add(given <= required)
            cost.append(DAY_SHORT * (required - given))
    for (w, s), attendees in by_slot.items():
        model.add(sum(attendees) <= seats[w][s])
    model.minimize(sum(cost))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver.objective_value


@pytest.mark.parametrize("seed", range(40))  # seed 36 moves a step later
def test_counting_per_unit_reaches_the_per_patient_optimum(seed: int) -> None:
    program = _random_program(seed)
    forecast = solve_forecast(program)
    assert forecast.status == "OPTIMAL"
    assert round(forecast.objective) == round(_per_patient_optimum(program))
