"""Every scheduling rule in one place, hard and soft, in the program's order of importance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from solver import hard_rules, soft_rules
from solver.availability import PAIR_RULES, PairRule
from solver.model import LinearTerm, RosterModel

# The tiers, in the program's order of importance: each is optimised on its own, keeping every
# earlier tier at its best, so a lower tier is never traded for a higher one. Stability comes
# straight after coverage: a patient whose week did not change keeps weekday, track and room
# unless moving them is needed to meet someone's required days.
COVERAGE, STABILITY, TRACKS, COMFORT = "coverage", "stability", "tracks", "comfort"
TIERS: tuple[str, ...] = (COVERAGE, STABILITY, TRACKS, COMFORT)


@dataclass(frozen=True)
class SoftRule:
    name: str
    penalties: Callable[[RosterModel], list[LinearTerm]]
    tier: str


# Decided per patient and slot before the search (no variable exists for a forbidden pair).
PAIR_HARD_RULES: tuple[PairRule, ...] = PAIR_RULES

HARD_RULES: tuple[Callable[[RosterModel], None], ...] = (
    hard_rules.one_session_per_patient_per_day,
    hard_rules.group_capacity_and_minimum_size,
    hard_rules.coordinator_pins_kept,
    hard_rules.taper_target_is_a_ceiling,
)

SOFT_RULES: tuple[SoftRule, ...] = (
    SoftRule("required days", soft_rules.meet_required_days, COVERAGE),
    SoftRule("weekly hours floor", soft_rules.meet_weekly_hours, COVERAGE),
    SoftRule("stable groups", soft_rules.keep_last_weeks_sessions, STABILITY),
    SoftRule("stable rooms", soft_rules.keep_last_weeks_rooms, STABILITY),
    SoftRule("one track", soft_rules.keep_to_one_track, TRACKS),
    SoftRule("preferred track", soft_rules.prefer_preferred_track, TRACKS),
    SoftRule("days spread", soft_rules.spread_days_through_the_week, COMFORT),
    SoftRule("balanced groups", soft_rules.balance_group_sizes, COMFORT),
)


def add_rules(roster: RosterModel) -> dict[str, list[LinearTerm]]:
    """Add every hard rule and collect every soft rule's penalty terms, by rule name."""
    for rule in HARD_RULES:
        rule(roster)
    return {rule.name: rule.penalties(roster) for rule in SOFT_RULES}


def penalty_tiers(penalties: dict[str, list[LinearTerm]]) -> dict[str, list[LinearTerm]]:
    """The penalty terms of each tier, first tier first."""
    tiers: dict[str, list[LinearTerm]] = {tier: [] for tier in TIERS}
    for rule in SOFT_RULES:
        tiers[rule.tier].extend(penalties[rule.name])
    return tiers
