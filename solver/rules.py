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


# Decided per patient and slot before the search (no variable exists for a forbidden pair).
PAIR_HARD_RULES: tuple[PairRule, ...] = PAIR_RULES

HARD_RULES: tuple[Callable[[RosterModel], None], ...] = (
    hard_rules.one_session_per_patient_per_day,
    hard_rules.group_capacity_and_minimum_size,
    hard_rules.coordinator_pins_kept,
    hard_rules.taper_target_is_a_ceiling,
)

SOFT_RULES: tuple[SoftRule, ...] = (
    SoftRule("required days", soft_rules.meet_required_days),
    SoftRule("weekly hours floor", soft_rules.meet_weekly_hours),
    SoftRule("one track", soft_rules.keep_to_one_track),
    SoftRule("preferred track", soft_rules.prefer_preferred_track),
    SoftRule("stable groups", soft_rules.keep_stable_groups),
    SoftRule("days spread", soft_rules.spread_days_through_the_week),
    SoftRule("balanced groups", soft_rules.balance_group_sizes),
)


def add_rules(roster: RosterModel) -> dict[str, list[LinearTerm]]:
    """Add every hard rule, collect every soft rule's terms, and minimise their weighted sum."""
    for rule in HARD_RULES:
        rule(roster)
    penalties = {rule.name: rule.penalties(roster) for rule in SOFT_RULES}
    roster.model.minimize(
        sum(weight * var for terms in penalties.values() for var, weight in terms)
    )
    return penalties
