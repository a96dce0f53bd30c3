"""The forecast page's rows: seats committed, capacity and free per week, admissions in the week
they start, and one line per reason for the days short, most days first."""

from __future__ import annotations

from datetime import date, timedelta

from api.web.forecast.view import compared_weeks, forecast_view
from solver.planning import (
    AdmissionStart,
    ForecastSolution,
    SessionLoad,
    Shortfall,
    WeekForecast,
)

TODAY = date(2026, 11, 25)
MONDAY = date(2026, 11, 30)
CHILDCARE = "childcare MON–FRI 07:00–09:00; sessions fit them on 1 day(s) a week (SAT (sat-1))"


def week(
    monday: date, expected: tuple[int, int], short: tuple[Shortfall, ...] = ()
) -> WeekForecast:
    sessions = (
        SessionLoad("mon-1", monday, "day", 12, expected[0]),
        SessionLoad("sat-1", monday + timedelta(days=5), "weekend", 10, expected[1]),
    )
    return WeekForecast(
        monday=monday,
        census=sum(expected),
        required_days=sum(expected) + sum(s.days for s in short),
        expected_days=sum(expected),
        shortfall_days=sum(s.days for s in short),
        step_downs_due=("P1",) if short else (),
        sessions=sessions,
        tracks=(),
        shortfalls=short,
    )


def solution(*weeks: WeekForecast, starts: tuple[AdmissionStart, ...] = ()) -> ForecastSolution:
    return ForecastSolution(weeks, (), starts, "OPTIMAL", 0.0, 0.0, 0.1)


def test_a_week_row_counts_seats_committed_capacity_and_free() -> None:
    short = (Shortfall(("P1", "P2"), 3, "availability", CHILDCARE + " against 3 required"),)
    view = forecast_view(solution(week(MONDAY, (12, 4), short)), TODAY, ["mon-1", "sat-1"])
    (row,) = view.rows
    assert (row.label, row.committed, row.capacity, row.free) == ("Week of 30 Nov", 16, 22, 6)
    assert (row.short_days, row.short_patients, row.step_downs) == (3, 2, 1)
    assert row.taken_percent == 73
    assert view.short_weeks == 1


def test_admissions_are_counted_in_the_week_they_start() -> None:
    second = MONDAY + timedelta(weeks=1)
    starts = (
        AdmissionStart("R1", MONDAY, second, 1),
        AdmissionStart("R2", second, second, 0),
        AdmissionStart("R3", second, None, 2),
    )
    view = forecast_view(
        solution(week(MONDAY, (1, 1)), week(second, (1, 1)), starts=starts), TODAY, []
    )
    assert [row.admissions for row in view.rows] == [0, 2]
    assert view.not_started == 1


def test_the_same_hours_short_in_many_weeks_are_one_reason() -> None:
    second = MONDAY + timedelta(weeks=1)
    first_week = week(
        MONDAY,
        (1, 1),
        (
            Shortfall(("P1",), 2, "availability", CHILDCARE + " against 4 required"),
            Shortfall(("P3",), 1, "capacity", "the evening groups are full"),
        ),
    )
    holiday_week = week(
        second,
        (1, 1),
        (Shortfall(("P1", "P2"), 3, "availability", CHILDCARE + " (closed FRI: Christmas Day)"),),
    )
    view = forecast_view(solution(first_week, holiday_week), TODAY, ["sat-1"])
    first, other = view.reasons
    assert first.text == "Childcare Mon–Fri 07:00–09:00; sessions fit them on 1 day a week (Sat)"
    assert (first.days, first.patients, first.weeks) == (5, 2, ("Week of 30 Nov", "Week of 7 Dec"))
    assert first.kind == "no group fits their hours on enough days"
    assert (other.days, other.kind) == (1, "the groups that fit their hours are full")


def test_a_what_if_marks_the_weeks_it_changes() -> None:
    second = MONDAY + timedelta(weeks=1)
    before = solution(week(MONDAY, (10, 2)), week(second, (10, 2)))
    after = solution(week(MONDAY, (10, 2)), week(second, (12, 2)))
    same, changed = compared_weeks(before, after, TODAY)
    assert (same.census, same.committed, same.changed) == ("12", "12", False)
    assert (changed.census, changed.committed, changed.changed) == ("12 → 14", "12 → 14", True)
