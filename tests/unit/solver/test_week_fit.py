"""One test per intake rule of `week_fit`, each on a hand-made week."""

from datetime import timedelta

from solver import ClosedDay, RosterProblem
from solver.intake import seat_plan, week_fit
from tests.unit.solver.builders import MONDAY, patient, session, works

EVENINGS = tuple(session(f"eve-{d}", d, capacity=2) for d in range(5))


def fit(problem: RosterProblem, newcomer_required: int, **changes: object):  # type: ignore[no-untyped-def]
    return week_fit(problem, patient("NEW", newcomer_required, **changes))


def test_a_newcomer_fits_where_seats_are_free() -> None:
    problem = RosterProblem(MONDAY, EVENINGS, (patient("P1", 3),))
    assert fit(problem, 3).fits


def test_no_fit_when_commitments_leave_too_few_days() -> None:
    problem = RosterProblem(MONDAY, EVENINGS, ())
    result = fit(problem, 3, busy=works(range(3), 8, 20), hours_text="work MON–WED 08:00–20:00")
    assert not result.fits
    assert result.open_days == (MONDAY + timedelta(days=3), MONDAY + timedelta(days=4))
    assert result.reason is not None
    assert "on 2 day(s)" in result.reason
    assert "work MON–WED" in result.reason


def test_no_fit_when_the_sessions_that_suit_them_fall_short_of_the_weekly_hours() -> None:
    two_hour_groups = tuple(session(f"short-{d}", d, hours=2) for d in range(5))
    problem = RosterProblem(MONDAY, two_hour_groups, ())
    result = fit(problem, 3, min_weekly_minutes=9 * 60)
    assert not result.fits
    assert result.reason == (
        "the sessions that fit their commitments give at most 6 hours on 3 days; "
        "the weekly floor is 9 hours"
    )
    assert fit(problem, 3, min_weekly_minutes=6 * 60).fits


def test_closures_take_days_away() -> None:
    closed = tuple(ClosedDay(MONDAY + timedelta(days=d), "closure") for d in range(3))
    problem = RosterProblem(MONDAY, EVENINGS, (), closed_days=closed)
    assert not fit(problem, 3).fits


def test_no_fit_when_the_sessions_that_suit_them_are_full() -> None:
    full = tuple(patient(f"P{i}", 5) for i in range(2))  # two seats a night, both taken
    problem = RosterProblem(MONDAY, EVENINGS, full)
    result = fit(problem, 3)
    assert not result.fits
    assert result.days_met == 0
    assert set(result.full_sessions) == {s.session_id for s in EVENINGS}
    assert result.reason is not None
    assert "full" in result.reason


def test_the_enrolled_may_move_to_make_room_but_never_lose_a_day() -> None:
    sessions = (session("mon", 0, capacity=1), session("tue", 1, capacity=1))
    only_monday = {"busy": works(range(1, 7), 0, 24)}
    # P1 could sit Monday or Tuesday: they move to Tuesday and the newcomer takes Monday.
    flexible = RosterProblem(MONDAY, sessions, (patient("P1", 1),))
    assert fit(flexible, 1, **only_monday).fits
    # P2 can only come Monday: the newcomer would take their day.
    bound = RosterProblem(MONDAY, sessions, (patient("P2", 1, **only_monday),))
    result = fit(bound, 1, **only_monday)
    assert not result.fits
    assert result.full_sessions == ("mon",)


def test_enrolled_already_short_stay_as_short_and_no_shorter() -> None:
    # The week cannot give P1 and P2 their five days each; a newcomer must not deepen that.
    problem = RosterProblem(
        MONDAY, EVENINGS, (patient("P1", 5), patient("P2", 5), patient("P3", 5))
    )
    assert seat_plan(problem).days_met == 10
    assert not fit(problem, 1).fits


def test_seat_plan_counts_seats_per_session() -> None:
    problem = RosterProblem(MONDAY, EVENINGS, (patient("P1", 3), patient("P2", 3)))
    plan = seat_plan(problem)
    assert plan.days_met == plan.days_required == 6
    assert sum(plan.seats_by_session.values()) == 6
    assert all(seats <= 2 for seats in plan.seats_by_session.values())
