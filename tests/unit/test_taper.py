import itertools

from events.taper import TaperPlan, TaperSignal, default_targets, signal_for, weekly_targets
from events.values import CheckInRating, ScreenResult

TWELVE_FROM_FIVE = TaperPlan(5, 3, 12, 12)


def test_equal_phases_with_the_remainder_in_earlier_phases() -> None:
    assert default_targets(TWELVE_FROM_FIVE) == [5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3]
    assert default_targets(TaperPlan(5, 3, 10, 12)) == [5, 5, 5, 5, 4, 4, 4, 3, 3, 3]
    assert default_targets(TaperPlan(4, 3, 8, 12)) == [4, 4, 4, 4, 3, 3, 3, 3]


def test_starting_at_the_minimum_stays_there() -> None:
    assert default_targets(TaperPlan(3, 3, 8, 12)) == [3] * 8


def test_needs_support_holds_the_level_and_extends_the_plan_a_week() -> None:
    plan = TaperPlan(4, 3, 8, 12)
    targets = weekly_targets(plan, [(4, TaperSignal.HOLD)])
    assert targets == (4, 4, 4, 4, 4, 3, 3, 3, 3)


def test_a_hold_cannot_extend_past_the_maximum_program_weeks() -> None:
    targets = weekly_targets(TWELVE_FROM_FIVE, [(4, TaperSignal.HOLD)])
    assert len(targets) == 12
    assert targets[4] == 5


def test_ready_to_step_down_takes_the_next_step_now() -> None:
    targets = weekly_targets(TWELVE_FROM_FIVE, [(2, TaperSignal.STEP_DOWN)])
    assert targets == (5, 5, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3)


def test_targets_never_fall_below_the_minimum_or_rise() -> None:
    signals = [(week, TaperSignal.STEP_DOWN) for week in range(1, 12)]
    targets = weekly_targets(TWELVE_FROM_FIVE, signals)
    assert min(targets) == 3
    assert all(later <= earlier for earlier, later in itertools.pairwise(targets))


def test_a_hold_beats_an_early_step_in_the_same_week() -> None:
    signals = [(2, TaperSignal.STEP_DOWN), (2, TaperSignal.HOLD)]
    assert weekly_targets(TaperPlan(4, 3, 8, 12), signals)[:3] == (4, 4, 4)


def test_a_positive_screen_holds_even_when_rated_ready() -> None:
    assert signal_for(CheckInRating.READY_TO_STEP_DOWN, ScreenResult.POSITIVE) is TaperSignal.HOLD
    assert signal_for(CheckInRating.ON_TRACK, ScreenResult.NEGATIVE) is None
    assert signal_for(CheckInRating.NEEDS_SUPPORT, None) is TaperSignal.HOLD
    assert signal_for(CheckInRating.READY_TO_STEP_DOWN, None) is TaperSignal.STEP_DOWN


def test_a_step_taken_a_week_early_lowers_only_that_week() -> None:
    plan = TaperPlan(4, 3, 8, 12)
    assert weekly_targets(plan, [(4, TaperSignal.STEP_EARLY)]) == (4, 4, 4, 3, 3, 3, 3, 3)


def test_an_early_step_needs_a_lower_next_week() -> None:
    plan = TaperPlan(4, 3, 8, 12)
    assert weekly_targets(plan, [(2, TaperSignal.STEP_EARLY)]) == tuple(default_targets(plan))
