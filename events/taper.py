"""The taper: each enrolment's required program days per week, from its plan and its progress."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from events.values import CheckInRating, ScreenResult


class TaperSignal(enum.Enum):
    # needs_support or a positive screen: keep this level next week and extend the plan a week.
    HOLD = "hold"
    # ready_to_step_down: take the next step down from next week on.
    STEP_DOWN = "step_down"
    # the roster took next week's step this week, because seats were short.
    STEP_EARLY = "step_early"


@dataclass(frozen=True)
class TaperPlan:
    initial_days_per_week: int
    min_days_per_week: int
    planned_weeks: int
    max_program_weeks: int


def default_targets(plan: TaperPlan) -> list[int]:
    """Equal phases from the initial to the minimum level; earlier phases take the remainder.

    12 weeks from 5 → 5,5,5,5,4,4,4,4,3,3,3,3.
    """
    levels = list(range(plan.initial_days_per_week, plan.min_days_per_week - 1, -1))
    if not levels:
        levels = [plan.min_days_per_week]
    phase, remainder = divmod(plan.planned_weeks, len(levels))
    targets: list[int] = []
    for index, level in enumerate(levels):
        targets.extend([level] * (phase + (1 if index < remainder else 0)))
    return targets


def weekly_targets(plan: TaperPlan, signals: Iterable[tuple[int, TaperSignal]]) -> tuple[int, ...]:
    """Targets for program weeks 1..N after applying progress signals, week by week.

    A signal recorded in program week w moves weeks after w; a hold beats an early step in the
    same week. Targets never rise and never fall below the minimum.
    """
    targets = default_targets(plan)
    by_week: dict[int, TaperSignal] = {}
    early_steps: set[int] = set()
    for week, signal in signals:
        if signal is TaperSignal.STEP_EARLY:
            early_steps.add(week)
        elif by_week.get(week) is not TaperSignal.HOLD:
            by_week[week] = signal
    for week in sorted(by_week):
        if not 1 <= week < len(targets):
            continue
        current = targets[week - 1]
        if by_week[week] is TaperSignal.HOLD:
            if len(targets) < plan.max_program_weeks:
                targets.insert(week, current)
            else:
                targets[week] = current
        elif current > plan.min_days_per_week:
            for later in range(week, len(targets)):
                if targets[later] == current:
                    targets[later] = current - 1
    for week in early_steps:
        # Only where next week is already a step lower, and never below the minimum.
        if 1 <= week < len(targets) and targets[week] < targets[week - 1]:
            targets[week - 1] = max(plan.min_days_per_week, targets[week])
    return tuple(targets)


def target_for_week(targets: tuple[int, ...], week: int) -> int | None:
    """The required days in a program week, or None outside the plan."""
    if 1 <= week <= len(targets):
        return targets[week - 1]
    return None


def signal_for(rating: CheckInRating | None, screen: ScreenResult | None) -> TaperSignal | None:
    """How a weekly check-in moves the taper; a positive screen always holds."""
    if rating is CheckInRating.NEEDS_SUPPORT or screen is ScreenResult.POSITIVE:
        return TaperSignal.HOLD
    if rating is CheckInRating.READY_TO_STEP_DOWN:
        return TaperSignal.STEP_DOWN
    return None
