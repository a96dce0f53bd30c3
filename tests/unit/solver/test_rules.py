"""One test per scheduling rule, each on a hand-made problem."""

from datetime import timedelta

from solver import ClosedDay, Placement, RosterProblem
from tests.unit.solver.builders import (
    MONDAY,
    days_of,
    patient,
    session,
    sessions_of,
    solve_small,
    works,
)

WEEKDAY_EVENINGS = tuple(session(f"eve-{d}", d) for d in range(5))


def test_one_session_per_patient_per_day() -> None:
    problem = RosterProblem(
        MONDAY,
        (session("mon-day", 0, 9, track="day"), session("mon-eve", 0, 18)),
        (patient("P1", 2),),
    )
    solution = solve_small(problem)
    assert len(days_of(solution, "P1")) == len(set(days_of(solution, "P1"))) == 1


def test_no_session_closer_to_work_than_the_travel_time() -> None:
    # Work ends 17:00; with 90 travel minutes an 18:00 group is out of reach, a 19:00 one is not.
    problem = RosterProblem(
        MONDAY,
        (session("early", 0, 18), session("late", 0, 19)),
        (patient("P1", 1, busy=works(range(5), 9, 17), travel_minutes=90),),
    )
    assert sessions_of(solve_small(problem), "P1") == ["late"]


def test_an_overnight_shift_blocks_the_next_morning() -> None:
    night = works(range(-1, 0), 22, 32)  # Sunday 22:00 to Monday 08:00
    problem = RosterProblem(
        MONDAY, (session("mon-morning", 0, 8, track="day"),), (patient("P1", 1, busy=night),)
    )
    assert sessions_of(solve_small(problem), "P1") == []


def test_no_sessions_on_holidays_or_closures() -> None:
    problem = RosterProblem(
        MONDAY,
        WEEKDAY_EVENINGS,
        (patient("P1", 5),),
        closed_days=(ClosedDay(MONDAY + timedelta(days=3), "Thanksgiving Day"),),
    )
    assert MONDAY + timedelta(days=3) not in days_of(solve_small(problem), "P1")


def test_nothing_outside_the_enrolment_dates() -> None:
    starts_wednesday = patient("P1", 3, available_from=MONDAY + timedelta(days=2))
    problem = RosterProblem(MONDAY, WEEKDAY_EVENINGS, (starts_wednesday,))
    assert min(days_of(solve_small(problem), "P1")) >= MONDAY + timedelta(days=2)


def test_capacity_is_never_exceeded() -> None:
    problem = RosterProblem(
        MONDAY, (session("only", 0, capacity=2),), tuple(patient(f"P{i}", 1) for i in range(4))
    )
    solution = solve_small(problem)
    assert len(solution.placements) == 2
    assert solution.shortfall == 2


def test_a_session_runs_with_none_or_at_least_its_minimum() -> None:
    problem = RosterProblem(
        MONDAY, (session("small", 0, min_size=3),), (patient("P1", 1), patient("P2", 1))
    )
    assert solve_small(problem).placements == ()


def test_parallel_rooms_split_evenly() -> None:
    rooms = (session("room-a", 0, capacity=6), session("room-b", 0, capacity=6))
    problem = RosterProblem(MONDAY, rooms, tuple(patient(f"P{i}", 1) for i in range(8)))
    sizes: dict[str, int] = {}
    for placement in solve_small(problem).placements:
        sizes[placement.session_id] = sizes.get(placement.session_id, 0) + 1
    assert sorted(sizes.values()) == [4, 4]


def test_coordinator_pins_are_kept() -> None:
    pin = Placement("P1", "eve-4", MONDAY + timedelta(days=4))
    problem = RosterProblem(MONDAY, WEEKDAY_EVENINGS, (patient("P1", 1),), pins=(pin,))
    assert solve_small(problem).placements == (pin,)


def test_required_days_are_met_but_not_exceeded() -> None:
    problem = RosterProblem(MONDAY, WEEKDAY_EVENINGS, (patient("P1", 3),))
    assert len(days_of(solve_small(problem), "P1")) == 3


def test_the_weekly_hours_floor_prefers_longer_sessions() -> None:
    short_and_long = (
        session("short", 0, hours=2),
        session("long", 1, hours=4),
        session("long2", 2, hours=4),
        session("short2", 3, hours=2),
    )
    problem = RosterProblem(MONDAY, short_and_long, (patient("P1", 2, min_weekly_minutes=480),))
    assert sessions_of(solve_small(problem), "P1") == ["long", "long2"]


def test_the_preferred_track_wins() -> None:
    both = (session("mon-day", 0, 9, track="day"), session("mon-eve", 0, 18))
    problem = RosterProblem(MONDAY, both, (patient("P1", 1, preferred_track="day"),))
    assert sessions_of(solve_small(problem), "P1") == ["mon-day"]


def test_a_patient_keeps_to_one_track() -> None:
    sessions = (
        session("mon-day", 0, 9, track="day"),
        session("tue-eve", 1, 18),
        session("wed-eve", 2, 18),
        session("thu-day", 3, 9, track="day"),
        session("fri-day", 4, 9, track="day"),
    )
    problem = RosterProblem(MONDAY, sessions, (patient("P1", 3),))
    assert sessions_of(solve_small(problem), "P1") == ["fri-day", "mon-day", "thu-day"]


def test_last_weeks_groups_are_kept() -> None:
    problem = RosterProblem(
        MONDAY,
        WEEKDAY_EVENINGS,
        (patient("P1", 2, previous_session_ids=frozenset({"eve-1", "eve-3"})),),
    )
    assert sessions_of(solve_small(problem), "P1") == ["eve-1", "eve-3"]


def test_days_are_spread_through_the_week() -> None:
    problem = RosterProblem(MONDAY, WEEKDAY_EVENINGS, (patient("P1", 3),))
    weekdays = [day.weekday() for day in days_of(solve_small(problem), "P1")]
    assert weekdays == [0, 2, 4]


def test_group_sizes_are_balanced_across_slots() -> None:
    two_mondays = (session("early", 0, 17, capacity=8), session("late", 0, 19, capacity=8))
    problem = RosterProblem(MONDAY, two_mondays, tuple(patient(f"P{i}", 1) for i in range(12)))
    counts = [
        len([p for p in solve_small(problem).placements if p.session_id == s])
        for s in ("early", "late")
    ]
    assert max(counts) <= 6


def test_the_taper_step_may_come_a_week_early_when_capacity_is_short() -> None:
    problem = RosterProblem(
        MONDAY,
        tuple(session(f"eve-{d}", d, capacity=1) for d in range(3)),
        (patient("P1", 3), patient("P2", 3, may_step_early=True)),
    )
    outcomes = {o.patient_id: o for o in solve_small(problem).outcomes}
    assert outcomes["P2"].stepped_early
    # Reported against the true target, with the reason a coordinator can act on.
    assert outcomes["P2"].required_days == 3
    reason = outcomes["P2"].unmet_reason
    assert reason is not None
    assert reason.kind == "capacity"


def test_a_taper_step_never_comes_early_to_cover_a_patients_own_hours() -> None:
    # P1 can only come on two evenings: their shortfall is theirs, not hidden by an early step.
    two_evenings = tuple(session(f"eve-{d}", d) for d in range(2))
    problem = RosterProblem(MONDAY, two_evenings, (patient("P1", 3, may_step_early=True),))
    (outcome,) = solve_small(problem).outcomes
    assert not outcome.stepped_early
    assert (outcome.required_days, outcome.scheduled_days) == (3, 2)
    assert outcome.unmet_reason is not None
    assert outcome.unmet_reason.kind == "availability"


def test_a_pin_never_puts_anyone_in_a_session_on_a_closed_day() -> None:
    thursday = MONDAY + timedelta(days=3)
    pin = Placement("P1", "eve-3", thursday)
    problem = RosterProblem(
        MONDAY,
        WEEKDAY_EVENINGS,
        (patient("P1", 1),),
        closed_days=(ClosedDay(thursday, "Thanksgiving Day"),),
        pins=(pin,),
    )
    assert pin not in solve_small(problem).placements
