"""Pins obey the same pair rules as every seat; the solver never keeps one that breaks a rule."""

from datetime import timedelta

from solver import Busy, ClosedDay, Placement, RosterProblem
from solver.pins import pin_blocking_reason, pin_clash, pin_group_too_small
from tests.unit.solver.builders import MONDAY, patient, session, solve_small

EVENINGS = tuple(session(f"eve-{d}", d) for d in range(5))
TUESDAY = MONDAY + timedelta(days=1)
NIGHT_SHIFT = Busy(-2 * 60, 9 * 60, "work SUN 22:00–09:00")  # Sunday night into Monday
MONDAY_EVENING_SHIFT = Busy(17 * 60, 23 * 60, "work MON 17:00–23:00")


def test_a_pin_across_a_commitment_names_the_commitment() -> None:
    worker = patient("P1", 1, busy=(MONDAY_EVENING_SHIFT,))
    problem = RosterProblem(MONDAY, EVENINGS, (worker,))
    assert pin_blocking_reason(problem, Placement("P1", "eve-0", MONDAY)) == (
        "conflicts with P1's work MON 17:00–23:00 (closer than their 30 travel minutes)"
    )
    assert pin_blocking_reason(problem, Placement("P1", "eve-1", TUESDAY)) is None


def test_a_pin_after_a_night_shift_within_travel_time_is_blocked() -> None:
    morning = (session("mon-day", 0, 9, track="day"),)
    night = patient("P1", 1, busy=(NIGHT_SHIFT,))
    problem = RosterProblem(MONDAY, morning, (night,))
    reason = pin_blocking_reason(problem, Placement("P1", "mon-day", MONDAY))
    assert reason is not None
    assert "work SUN 22:00–09:00" in reason


def test_a_pin_outside_the_enrolment_or_on_a_closed_day_is_blocked() -> None:
    starts_tuesday = patient("P1", 1, available_from=TUESDAY)
    problem = RosterProblem(
        MONDAY, EVENINGS, (starts_tuesday,), closed_days=(ClosedDay(TUESDAY, "staff training"),)
    )
    assert pin_blocking_reason(problem, Placement("P1", "eve-0", MONDAY)) == (
        f"P1 is not enrolled before {TUESDAY} (outside enrolment)"
    )
    assert pin_blocking_reason(problem, Placement("P1", "eve-1", TUESDAY)) == (
        f"the program is closed on {TUESDAY} (staff training)"
    )
    assert pin_blocking_reason(problem, Placement("P2", "eve-2", MONDAY + timedelta(days=2)))
    assert pin_blocking_reason(problem, Placement("P1", "eve-2", MONDAY)) == (
        f"eve-2 does not meet on {MONDAY}"
    )


def test_pins_clash_on_one_day_and_at_capacity() -> None:
    first = Placement("P1", "eve-0", MONDAY)
    assert "one session a day" in (pin_clash(Placement("P1", "x", MONDAY), [first], 10) or "")
    assert pin_clash(Placement("P2", "eve-0", MONDAY), [first], 1) == (
        f"eve-0 on {MONDAY} is already pinned to its capacity of 1"
    )
    assert pin_clash(Placement("P2", "eve-0", MONDAY), [first], 2) is None


def test_a_pin_that_breaks_a_pair_rule_is_not_kept_nor_described_as_fitting() -> None:
    worker = patient("P1", 2, busy=(MONDAY_EVENING_SHIFT,), hours_text="work MON 17:00–23:00")
    only_monday_and_tuesday = EVENINGS[:2]
    pin = Placement("P1", "eve-0", MONDAY)
    problem = RosterProblem(MONDAY, only_monday_and_tuesday, (worker,), pins=(pin,))
    solution = solve_small(problem)
    assert pin not in solution.placements
    [outcome] = solution.outcomes
    assert outcome.unmet_reason is not None
    assert "eve-0" not in outcome.unmet_reason.text


def test_a_pin_into_a_group_that_cannot_reach_its_minimum_is_refused() -> None:
    # Found by the program-life machine: a pin every rule allowed on its own made the generate
    # fail, because nobody else could join its group of minimum two.
    groups = (session("eve-0", 0, min_size=2),)
    alone = patient("P1", 1)
    busy = patient("P2", 1, busy=(MONDAY_EVENING_SHIFT,))
    problem = RosterProblem(MONDAY, groups, (alone, busy))
    pin = Placement("P1", "eve-0", MONDAY)
    assert pin_group_too_small(problem, pin, []) == (
        f"eve-0 on {MONDAY} could not reach its minimum of 2: 1 patient can attend it that week"
    )
    free = patient("P3", 1)
    assert pin_group_too_small(RosterProblem(MONDAY, groups, (alone, busy, free)), pin, []) is None
    # ... unless another pin holds that patient elsewhere that day
    elsewhere = Placement("P3", "day-0", MONDAY)
    assert pin_group_too_small(RosterProblem(MONDAY, groups, (alone, busy, free)), pin, [elsewhere])
