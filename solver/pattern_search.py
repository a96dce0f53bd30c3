"""A tier bounded, and its roster improved, through the pattern relaxation (patterns.py).

The *master* is the linear program over patterns: each class's patients share out over its
patterns, seats fill whole rooms between minimum and capacity (rooms relaxed to fractions), the
earlier tiers are held at the incumbent's values, the tier is minimised. It is built once and
re-solved for each tier with its objective and ceilings changed.

Its optimum is the bound. Its solution also points at a better roster: CP-SAT chooses whole
counts of each class's patterns among those the simplex used and those the incumbent uses (a
few hundred, against tens of thousands in the model), rooms whole again. Any roster it finds
is checked by the model before it replaces the incumbent.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from solver.model import RosterModel
from solver.patterns import PatternRelaxation
from solver.rooms import COMFORTABLE_SHARE
from solver.rules import COMFORT, TIERS
from solver.soft_rules import CROWDED_SEAT

# Slack taken off the simplex's optimum before rounding up: a bound must never exceed the
# optimum, and the simplex's answer is exact only to its tolerances.
RELATIVE_TOLERANCE = 1e-7
# A pattern the simplex uses at all (its share above rounding noise).
USED_SHARE = 1e-9

Seats = set[tuple[str, int]]


@dataclass(frozen=True)
class TierResult:
    bound: float  # no roster within the earlier tiers' values does better in the tier
    seats: Seats | None  # a roster better than the incumbent, for the model to check


class PatternSearch:
    def __init__(self, roster: RosterModel, relaxation: PatternRelaxation) -> None:
        self.roster = roster
        self.relaxation = relaxation
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        self.shares: dict[tuple[int, int], pywraplp.Variable] = {}
        self.ceilings: dict[str, pywraplp.Constraint] = {}
        self.crowded: list[pywraplp.Variable] = []
        self._build()

    def search(
        self,
        tier: str,
        earlier: dict[str, int],
        incumbent: tuple[int, Seats],
        solver: cp_model.CpSolver,
    ) -> TierResult | None:
        """Bound `tier` among rosters whose earlier tiers are at most `earlier` (each tier's
        value), and look for a roster better than the incumbent (its value and seats) within
        the solver's time limit; None when the simplex does not finish in time."""
        value, seats = incumbent
        began = time.perf_counter()
        limit_s = solver.parameters.max_time_in_seconds
        bound = self.bound(tier, earlier, limit_s)
        if bound is None or value <= bound:
            return None if bound is None else TierResult(bound, None)
        mine = self.relaxation.patterns_of(seats)
        used = {key for key, share in self.shares.items() if share.solution_value() > USED_SHARE}
        solver.parameters.max_time_in_seconds = limit_s - (time.perf_counter() - began)
        if solver.parameters.max_time_in_seconds <= 0:
            return TierResult(bound, None)
        return TierResult(bound, self._better(tier, earlier, (bound, value), mine, used, solver))

    def bound(self, tier: str, earlier: dict[str, int], limit_s: float) -> float | None:
        """The master's optimum, rounded up to a value the tier can take (never above it)."""
        at = TIERS.index(tier)
        objective = self.lp.Objective()
        for (c, p), share in self.shares.items():
            objective.SetCoefficient(share, self.relaxation.classes[c].patterns[p].costs[at])
        for crowded in self.crowded:
            objective.SetCoefficient(crowded, CROWDED_SEAT if tier == COMFORT else 0)
        for name, ceiling in self.ceilings.items():
            ceiling.SetUb(float(earlier[name]) if name in earlier else self.lp.infinity())
        objective.SetMinimization()
        self.lp.SetTimeLimit(max(1, int(limit_s * 1000)))
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        optimum = objective.Value() - RELATIVE_TOLERANCE * max(1.0, abs(objective.Value()))
        step = self._step(at, tier)
        return float(math.ceil(optimum / step) * step)

    def _step(self, at: int, tier: str) -> int:
        """A tier takes only multiples of its weights' common divisor."""
        classes = self.relaxation.classes
        step = math.gcd(*(p.costs[at] for pc in classes for p in pc.patterns))
        if tier == COMFORT:
            step = math.gcd(step, CROWDED_SEAT)
        return step or 1

    def _build(self) -> None:
        lp, roster = self.lp, self.roster
        self.ceilings = {name: lp.Constraint(-lp.infinity(), lp.infinity()) for name in TIERS}
        seats: dict[int, pywraplp.Constraint] = {}
        for c, patient_class in enumerate(self.relaxation.classes):
            members = len(patient_class.patient_ids)
            choose = lp.Constraint(members, members)
            for p, pattern in enumerate(patient_class.patterns):
                share = lp.NumVar(0, lp.infinity(), "")
                self.shares[c, p] = share
                choose.SetCoefficient(share, 1)
                for at, name in enumerate(TIERS):
                    if pattern.costs[at]:
                        self.ceilings[name].SetCoefficient(share, pattern.costs[at])
                for slot_index in pattern.slots:
                    if slot_index not in seats:
                        seats[slot_index] = lp.Constraint(0, 0)
                    seats[slot_index].SetCoefficient(share, 1)
        pinned = roster.pinned_rooms()
        for slot_index, row in seats.items():
            slot = roster.slots[slot_index]
            attendees = lp.NumVar(0, lp.infinity(), "")
            row.SetCoefficient(attendees, -1)
            rooms = lp.NumVar(float(pinned[slot_index]), float(len(slot.rooms)), "")
            at_most = lp.Constraint(-lp.infinity(), 0)
            at_most.SetCoefficient(attendees, 1)
            at_most.SetCoefficient(rooms, -slot.capacity)
            at_least = lp.Constraint(0, lp.infinity())
            at_least.SetCoefficient(attendees, 1)
            at_least.SetCoefficient(rooms, -slot.min_size)
            comfortable = int(slot.capacity * COMFORTABLE_SHARE)
            if len(roster.slot_attendees(slot)) > comfortable:
                crowded = lp.NumVar(0, lp.infinity(), "")
                beyond = lp.Constraint(0, lp.infinity())
                beyond.SetCoefficient(crowded, 1)
                beyond.SetCoefficient(attendees, -1)
                beyond.SetCoefficient(rooms, comfortable)
                self.crowded.append(crowded)

    def _better(
        self,
        tier: str,
        earlier: dict[str, int],
        bounds: tuple[float, int],
        mine: dict[str, tuple[int, int]],
        used: set[tuple[int, int]],
        solver: cp_model.CpSolver,
    ) -> Seats | None:
        """A roster better than the incumbent (between the tier's bound and the incumbent's
        value), from whole counts of the patterns the simplex used or the incumbent uses; None
        when CP-SAT finds none in time."""
        classes = self.relaxation.classes
        model = cp_model.CpModel()
        counts = {
            key: model.new_int_var(0, len(classes[key[0]].patient_ids), "")
            for key in sorted(used | set(mine.values()))
        }
        for c, patient_class in enumerate(classes):
            model.add(
                sum(var for (cc, _), var in counts.items() if cc == c)
                == len(patient_class.patient_ids)
            )
        for name, ceiling in earlier.items():
            model.add(self._tier_sum(counts, TIERS.index(name)) <= ceiling)
        objective = self._tier_sum(counts, TIERS.index(tier)) + self._rooms(model, counts, tier)
        # Better than the incumbent, and no better than the bound: CP-SAT stops on reaching it.
        bound, value = bounds
        model.add(objective <= value - 1)
        model.add(objective >= math.ceil(bound))
        model.minimize(objective)
        held: dict[tuple[int, int], int] = defaultdict(int)
        for key in mine.values():
            held[key] += 1
        for key, var in counts.items():
            model.add_hint(var, held[key])
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return self.relaxation.seats({key: solver.value(var) for key, var in counts.items()})

    def _tier_sum(
        self, counts: dict[tuple[int, int], cp_model.IntVar], at: int
    ) -> cp_model.LinearExpr:
        classes = self.relaxation.classes
        weighted = [(var, classes[c].patterns[p].costs[at]) for (c, p), var in counts.items()]
        return cp_model.LinearExpr.weighted_sum(
            [var for var, cost in weighted if cost], [cost for _, cost in weighted if cost]
        )

    def _rooms(
        self, model: cp_model.CpModel, counts: dict[tuple[int, int], cp_model.IntVar], tier: str
    ) -> cp_model.LinearExpr:
        """Seats fill whole rooms between their minimum and capacity, pinned rooms open; the
        crowded seats, priced in the comfort tier."""
        roster, classes = self.roster, self.relaxation.classes
        pinned = roster.pinned_rooms()
        attending: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (c, p), var in counts.items():
            for slot_index in classes[c].patterns[p].slots:
                attending[slot_index].append(var)
        crowded = []
        for slot_index in sorted(set(attending) | set(pinned)):
            slot = roster.slots[slot_index]
            rooms = model.new_int_var(pinned[slot_index], len(slot.rooms), "")
            size = sum(attending[slot_index])
            model.add(size <= slot.capacity * rooms)
            model.add(size >= slot.min_size * rooms)
            comfortable = int(slot.capacity * COMFORTABLE_SHARE)
            if tier == COMFORT and len(roster.slot_attendees(slot)) > comfortable:
                beyond = model.new_int_var(0, len(roster.slot_attendees(slot)), "")
                model.add(beyond >= size - comfortable * rooms)
                crowded.append(beyond)
        return cp_model.LinearExpr.weighted_sum(crowded, [CROWDED_SEAT] * len(crowded))
