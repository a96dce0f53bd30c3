"""The roster as patterns (a Dantzig–Wolfe reformulation), for bounds and rosters of each tier
(pattern_search.py).

A patient's week is a *pattern*: at most one slot a day, within their ceiling of days and
hours, their pins included. Everything the soft rules price per patient (days and minutes
short, an early step, tracks, familiar groups, runs of days) is a cost of the pattern alone;
only seats, rooms and crowding link patients. The relaxation chooses a convex mix of patterns
per patient under the linking rows, so each patient's own rules hold exactly and only the
sharing of seats is relaxed. That is far tighter than the model's own linear relaxation
(lp_bound.py), which also relaxes each patient's choice of tracks and days: measured on the
bench's 1,500-patient week, the tracks tier's bound is 30,140 against the best roster's 30,210,
where the model's relaxation gives 28,420.

Patients whose rules are identical (same fitting slots, target, floor, tracks, familiar groups
and pins) form one class whose patterns are enumerated once; the bench's programs have a few
dozen classes whatever their size. A program of mostly distinct patients with many options may
have too many patterns to enumerate: then there is no relaxation and the search keeps the
model's own bounds.

Every cost here must equal the soft rule's least penalty for the pattern (never more: a bound
must never exceed the optimum); tests/unit/solver/test_patterns.py checks them against the model
on solved rosters. Terms the relaxation leaves out are all non-negative (rooms opened or closed
beyond last week's, in the stability tier), so leaving them out only weakens the bound.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from solver.model import RosterModel
from solver.problem import PatientWeek
from solver.rules import COMFORT, COVERAGE, STABILITY, TIERS, TRACKS
from solver.slots import Slot
from solver.soft_rules import (
    DAY_SHORT,
    EXTRA_TRACK,
    MINUTE_SHORT,
    OFF_LAST_WEEKS_TRACK,
    OFF_PREFERRED_TRACK,
    SPREAD_UP_TO_DAYS,
    STEP_EARLY,
    familiar_slots,
    run_cost,
)

# Beyond this many patterns in all the relaxation is not built (measured: 31,600 patterns of 58
# classes at 1,500 patients build and solve in under 2 s on one core).
MAX_PATTERNS = 250_000


@dataclass(frozen=True)
class Pattern:
    slots: tuple[int, ...]  # slot indices, one a day at most
    costs: tuple[int, ...]  # the patient's own penalty in each tier, in TIERS order


@dataclass(frozen=True)
class PatientClass:
    patient_ids: tuple[str, ...]  # patients whose own rules are identical
    patterns: tuple[Pattern, ...]


@dataclass(frozen=True)
class PatternRelaxation:
    classes: tuple[PatientClass, ...]
    # Weeks leaving more familiar groups than this were left out (pattern_relaxation).
    unfamiliar_at_most: int | None = None

    def patterns_of(self, seats: set[tuple[str, int]]) -> dict[str, tuple[int, int]]:
        """Each patient's (class, pattern) in a roster given by its seats."""
        mine: dict[str, list[int]] = defaultdict(list)
        for patient_id, slot_index in seats:
            mine[patient_id].append(slot_index)
        found = {}
        for c, patient_class in enumerate(self.classes):
            by_slots = {pattern.slots: p for p, pattern in enumerate(patient_class.patterns)}
            for patient_id in patient_class.patient_ids:
                p = by_slots.get(tuple(sorted(mine.get(patient_id, []))))
                if p is not None:
                    found[patient_id] = (c, p)
        return found

    def seats(self, counts: dict[tuple[int, int], int]) -> set[tuple[str, int]]:
        """A roster's seats: each class's patients dealt out over its patterns by the counts."""
        seats: set[tuple[str, int]] = set()
        waiting = {c: list(pc.patient_ids) for c, pc in enumerate(self.classes)}
        for (c, p), count in sorted(counts.items()):
            for _ in range(count):
                patient_id = waiting[c].pop()
                seats.update((patient_id, s) for s in self.classes[c].patterns[p].slots)
        return seats


def pattern_relaxation(
    roster: RosterModel, unfamiliar_at_most: int | None = None
) -> PatternRelaxation | None:
    """The roster's patient classes and their patterns; None when there are too many.

    With `unfamiliar_at_most` (the stability tier's value, once it is held there), a week that
    leaves more familiar groups than the whole roster may is left out: after an unchanged week
    each patient has a handful of patterns, not hundreds. Such a relaxation bounds only the
    tiers after stability."""
    familiar = familiar_slots(roster)
    classes: dict[tuple[object, ...], list[PatientWeek]] = defaultdict(list)
    for patient in roster.problem.patients:
        classes[_class_key(roster, patient, familiar.get(patient.patient_id, set()))].append(
            patient
        )
    estimate = sum(
        _pattern_count(
            roster,
            members[0],
            {s.index for s in familiar.get(members[0].patient_id, set())},
            unfamiliar_at_most,
        )
        for members in classes.values()
    )
    if estimate > MAX_PATTERNS:
        return None
    built: list[PatientClass] = []
    count = 0
    for members in classes.values():
        patient = members[0]
        own = familiar.get(patient.patient_id, set())
        patterns = _patterns(
            roster, patient, MAX_PATTERNS - count, {s.index for s in own}, unfamiliar_at_most
        )
        if patterns is None:
            return None
        count += len(patterns)
        pricer = _Pricer(roster, patient, own)
        built.append(
            PatientClass(
                tuple(member.patient_id for member in members),
                tuple(Pattern(p, pricer.costs(p)) for p in patterns),
            )
        )
    return PatternRelaxation(tuple(built), unfamiliar_at_most)


def _pattern_count(
    roster: RosterModel, patient: PatientWeek, familiar: set[int], unfamiliar_at_most: int | None
) -> int:
    """At least as many patterns as the patient has: one slot a day, up to their ceiling of
    days, leaving no more familiar groups than `unfamiliar_at_most`."""
    by_day: dict[int, list[int]] = defaultdict(list)
    for slot in roster.candidates[patient.patient_id]:
        by_day[slot.day_index].append(slot.index)
    most = roster.most_days(patient)
    may_leave = (
        len(familiar) if unfamiliar_at_most is None else min(unfamiliar_at_most, len(familiar))
    )
    # ways[days chosen, familiar groups left so far]
    ways: dict[tuple[int, int], int] = {(0, 0): 1}
    for options in by_day.values():
        known = sum(index in familiar for index in options)
        after: dict[tuple[int, int], int] = defaultdict(int)
        for (days, left), count in ways.items():
            if left + known <= may_leave:
                after[days, left + known] += count  # the day skipped
            if days < most:
                for index in options:
                    leaves = left + known - (index in familiar)
                    if leaves <= may_leave:
                        after[days + 1, leaves] += count
        ways = after
    return sum(ways.values())


def _class_key(
    roster: RosterModel, patient: PatientWeek, familiar: set[Slot]
) -> tuple[object, ...]:
    pid = patient.patient_id
    return (
        tuple(slot.index for slot in roster.candidates[pid]),
        patient.required_days,
        pid in roster.steps_early,
        patient.min_weekly_minutes,
        patient.preferred_track,
        roster.last_weeks_track.get(pid),
        tuple(sorted(slot.index for slot in familiar)),
        tuple(sorted(roster.pinned_slots.get(pid, set()))),
    )


def _patterns(
    roster: RosterModel,
    patient: PatientWeek,
    room_left: int,
    familiar: set[int],
    unfamiliar_at_most: int | None,
) -> list[tuple[int, ...]] | None:
    """Every week the patient may have on their own: one slot a day at most, no more days than
    their ceiling, no more minutes than the weekly maximum, every pin kept (and no more familiar
    groups left than `unfamiliar_at_most`). None when there are more than `room_left`."""
    pid = patient.patient_id
    pins = roster.pinned_slots.get(pid, set())
    most = roster.most_days(patient)
    longest = max(roster.problem.max_weekly_minutes, len(pins) * 24 * 60)
    by_day: dict[int, list[Slot]] = defaultdict(list)
    for slot in roster.candidates[pid]:
        by_day[slot.day_index].append(slot)
    days = sorted(by_day)
    may_leave = len(familiar) if unfamiliar_at_most is None else unfamiliar_at_most
    found: list[tuple[int, ...]] = []

    def extend(at: int, chosen: list[Slot], minutes: int, left: int) -> bool:
        if len(found) > room_left:
            return False
        if at == len(days):
            found.append(tuple(slot.index for slot in chosen))
            return True
        options = by_day[days[at]]
        pinned = [slot for slot in options if slot.index in pins]
        known = sum(slot.index in familiar for slot in options)
        skip_day = not pinned and left + known <= may_leave
        if skip_day and not extend(at + 1, chosen, minutes, left + known):
            return False
        if len(chosen) < most:
            for slot in pinned or options:
                leaves = left + known - (slot.index in familiar)
                if minutes + slot.minutes > longest or leaves > may_leave:
                    continue
                if not extend(at + 1, [*chosen, slot], minutes + slot.minutes, leaves):
                    return False
        return True

    return found if extend(0, [], 0, 0) else None


class _Pricer:
    """A class's costs of a pattern in each tier (TIERS order), as the soft rules price it:
    the patient's least penalty with that week. Slot-level terms (rooms changed, crowding) are
    left to the linking rows. What does not depend on the week is worked out once."""

    def __init__(self, roster: RosterModel, patient: PatientWeek, familiar: set[Slot]) -> None:
        pid = patient.patient_id
        self.slots = roster.slots
        self.required = patient.required_days
        self.may_step_early = pid in roster.steps_early
        self.floor = patient.min_weekly_minutes
        self.familiar = frozenset(slot.index for slot in familiar)
        offered = {slot.track for slot in roster.candidates[pid]}
        # One-track terms exist only for a patient offered two tracks or more (keep_to_one_track).
        self.prices_tracks = len(offered) >= 2
        last_weeks = roster.last_weeks_track.get(pid)
        self.last_weeks = last_weeks if last_weeks in offered else None
        self.preferred = patient.preferred_track
        self.spreads = roster.most_days(patient) <= SPREAD_UP_TO_DAYS

    def costs(self, slot_indices: tuple[int, ...]) -> tuple[int, ...]:
        chosen = [self.slots[index] for index in slot_indices]
        days = len(chosen)
        minutes = sum(slot.minutes for slot in chosen)
        # Coverage: days short of the target, or of the target less an early step where one may
        # be taken (a full week cannot take it: the target is also its ceiling); minutes short.
        coverage = DAY_SHORT * max(0, self.required - days)
        if self.may_step_early and days <= self.required - 1:
            coverage = min(coverage, STEP_EARLY + DAY_SHORT * (self.required - 1 - days))
        if self.floor > 0:
            coverage += MINUTE_SHORT * max(0, self.floor - minutes)
        stability = len(self.familiar.difference(slot_indices))
        tracks = 0
        used = {slot.track for slot in chosen}
        if self.prices_tracks and used:
            tracks += EXTRA_TRACK * (len(used) - 1)
            if self.last_weeks is not None:
                tracks += OFF_LAST_WEEKS_TRACK * len(used - {self.last_weeks})
        if self.preferred is not None:
            tracks += OFF_PREFERRED_TRACK * sum(slot.track != self.preferred for slot in chosen)
        comfort = run_cost([slot.day_index for slot in chosen]) if self.spreads else 0
        by_tier = {COVERAGE: coverage, STABILITY: stability, TRACKS: tracks, COMFORT: comfort}
        return tuple(by_tier[name] for name in TIERS)
