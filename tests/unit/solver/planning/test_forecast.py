"""The forecast's rules, one hand-made program each."""

from __future__ import annotations

from datetime import timedelta

from solver.planning import ClosedDate, solve_forecast
from tests.unit.solver.planning.builders import (
    CHILDCARE,
    MONDAY,
    admission,
    patient,
    problem,
    session,
)


def test_seats_short_is_a_capacity_shortfall_naming_the_full_sessions() -> None:
    forecast = solve_forecast(
        problem(
            1,
            [session("mon-1", 0, capacity=2)],
            [patient("A", (1, 1)), patient("B", (1, 1)), patient("C", (1, 1))],
        )
    )
    week = forecast.weeks[0]
    assert (week.census, week.required_days, week.expected_days) == (3, 3, 2)
    assert week.shortfall_days == 1
    [short] = week.shortfalls
    assert short.kind == "capacity"
    assert "MON 18:00 evening 2/2" in short.reason
    assert week.sessions[0].expected == 2
    assert week.sessions[0].fill == 1.0


def test_no_fitting_session_is_an_availability_shortfall_naming_their_hours() -> None:
    forecast = solve_forecast(
        problem(
            1,
            [session("mon-eve", 0, 17), session("sat", 5, 9.5, track="weekend")],
            [patient("P", (3, 3), CHILDCARE)],
        )
    )
    [short] = forecast.weeks[0].shortfalls
    assert (short.kind, short.days, short.patient_ids) == ("availability", 2, ("P",))
    assert "childcare" in short.reason
    assert "1 day(s) a week (SAT)" in short.reason


def test_a_step_is_taken_a_week_early_when_seats_are_short() -> None:
    sessions = [session(f"s{d}", d, capacity=2) for d in range(4)]
    forecast = solve_forecast(
        problem(
            2,
            sessions,
            [patient("A", (4, 3, 3)), patient("B", (4, 4, 4)), patient("C", (1, 1, 1))],
        )
    )
    assert forecast.shortfall_days == 0
    [move] = forecast.moves
    assert (move.patient_id, move.kind, move.week) == ("A", "earlier", MONDAY)
    assert (move.planned_days, move.moved_days) == (4, 3)
    assert "seats short" in move.reason


def test_an_early_step_never_goes_below_the_minimum() -> None:
    sessions = [session(f"s{d}", d, capacity=1) for d in range(3)]
    forecast = solve_forecast(
        problem(1, sessions, [patient("A", (3, 2)), patient("B", (1, 1))], min_days_per_week=3)
    )
    assert forecast.moves == ()
    assert forecast.shortfall_days == 1


def test_a_step_waits_a_week_to_give_back_a_day_missed() -> None:
    sessions = [session(f"s{d}", d, capacity=1) for d in range(4)]
    forecast = solve_forecast(
        problem(
            2,
            sessions,
            [patient("A", (4, 3, 0))],
            closed=(ClosedDate(MONDAY, "staff training"),),
        )
    )
    assert forecast.weeks[0].shortfall_days == 1
    assert "(closed MON: staff training)" in forecast.weeks[0].shortfalls[0].reason
    [move] = forecast.moves
    assert (move.kind, move.week, move.planned_days, move.moved_days) == (
        "later",
        MONDAY + timedelta(weeks=1),
        3,
        4,
    )
    assert forecast.weeks[1].expected_days == 4
    assert forecast.weeks[1].shortfall_days == 0
    assert forecast.weeks[1].step_downs_due == ("A",)


def test_no_step_moves_later_without_a_day_to_give_back() -> None:
    sessions = [session(f"s{d}", d, capacity=1) for d in range(4)]
    forecast = solve_forecast(problem(2, sessions, [patient("A", (4, 3, 0))]))
    assert forecast.moves == ()
    assert forecast.shortfall_days == 0
    assert forecast.weeks[1].required_days == 3


def test_a_planned_admission_waits_until_its_whole_course_fits() -> None:
    forecast = solve_forecast(
        problem(
            3,
            [session("mon", 0, capacity=1)],
            [patient("P", (1, 1, 0, 0))],
            [admission("R1", 0, (1,))],
        )
    )
    [start] = forecast.admissions
    assert start.starts == MONDAY + timedelta(weeks=2)
    assert start.waiting_weeks == 2
    assert forecast.shortfall_days == 0
    assert [w.census for w in forecast.weeks] == [1, 1, 1]
    assert forecast.weeks[2].step_downs_due == ("R1",)


def test_a_planned_admission_that_never_fits_waits_out_the_horizon() -> None:
    forecast = solve_forecast(
        problem(2, [session("sat", 5, 9.5)], [], [admission("R1", 0, (3, 3), CHILDCARE)])
    )
    [start] = forecast.admissions
    assert start.starts is None
    assert start.waiting_weeks == 2
    assert forecast.weeks[0].census == 0


def test_closures_and_cancellations_hold_no_seats() -> None:
    friday = MONDAY + timedelta(days=4)
    forecast = solve_forecast(
        problem(
            1,
            [session("mon", 0), session("fri", 4), session("fri-2", 4)],
            [patient("A", (2, 2))],
            closed=(ClosedDate(MONDAY, "New Year"),),
            cancelled=frozenset({("fri-2", friday)}),
        )
    )
    seats = {load.session_id: load.seats for load in forecast.weeks[0].sessions}
    assert seats == {"mon": 0, "fri": 12, "fri-2": 0}
    assert forecast.weeks[0].shortfall_days == 1


def test_the_forecast_is_deterministic() -> None:
    sessions = [session(f"s{d}", d, capacity=3) for d in range(5)]
    patients = [patient(f"P{i}", (5 - i % 3, 4 - i % 2, 3, 3)) for i in range(12)]
    first = solve_forecast(problem(3, sessions, patients))
    again = solve_forecast(problem(3, sessions, patients))
    assert first.status == "OPTIMAL"
    assert (first.weeks, first.moves) == (again.weeks, again.moves)
