"""Every scheduling rule in one place, hard and soft, in the program's order of importance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from solver import hard_rules, soft_rules
from solver.availability import PAIR_RULES, PairRule
from solver.model import LinearTerm, RosterModel


@dataclass(frozen=True)
class SoftRule:
    name: str
    penalties: Callable[[RosterModel], list[LinearTerm]]
    tier: int  # 0 first: a lower tier is never traded for a higher one


# Decided per patient and slot before the search (no variable exists for a forbidden pair).
PAIR_HARD_RULES: tuple[PairRule, ...] = PAIR_RULES

HARD_RULES: tuple[Callable[[RosterModel], None], ...] = (
    hard_rules.one_session_per_patient_per_day,
    hard_rules.group_capacity_and_minimum_size,
    hard_rules.coordinator_pins_kept,
    hard_rules.taper_target_is_a_ceiling,
)

SOFT_RULES: tuple[SoftRule, ...] = (
    SoftRule("required days", soft_rules.meet_required_days, tier=0),
    SoftRule("weekly hours floor", soft_rules.meet_weekly_hours, tier=0),
    SoftRule("one track", soft_rules.keep_to_one_track, tier=1),
    SoftRule("preferred track", soft_rules.prefer_preferred_track, tier=1),
    SoftRule("stable groups", soft_rules.keep_stable_groups, tier=2),
    SoftRule("days spread", soft_rules.spread_days_through_the_week, tier=2),
    SoftRule("balanced groups", soft_rules.balance_group_sizes, tier=2),
)


def add_rules(roster: RosterModel) -> dict[str, list[LinearTerm]]:
    """Add every hard rule and collect every soft rule's penalty terms, by rule name."""
    for rule in HARD_RULES:
        rule(roster)
    return {rule.name: rule.penalties(roster) for rule in SOFT_RULES}


def penalty_tiers(penalties: dict[str, list[LinearTerm]]) -> list[list[LinearTerm]]:
    """The objective, summed in one place: the penalty terms of each tier, first tier first."""
    tiers: dict[int, list[LinearTerm]] = {}
    for rule in SOFT_RULES:
        tiers.setdefault(rule.tier, []).extend(penalties[rule.name])
    return [tiers[tier] for tier in sorted(tiers)]
