"""`solve(problem) -> RosterSolution`: build the model, search tier by tier, fill rooms, explain.

The search is anytime: it always holds the best verified roster found so far (the flow's
repaired roster, then every CP-SAT solution), and returns it when time runs out, whatever the
last search found. Each tier is optimised on its own objective with the earlier tiers kept at
the incumbent's values, so no weight ever has to outweigh another tier and none can overflow.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.explain import unmet_reason
from solver.local_moves import one_track_by_swaps, spread_by_swaps
from solver.lp_bound import linear_bound
from solver.model import LinearTerm, RosterModel, build_variables
from solver.pattern_search import PatternSearch
from solver.patterns import pattern_relaxation
from solver.problem import (
    PatientOutcome,
    Placement,
    RosterProblem,
    RosterSolution,
    SolveStats,
    TierStats,
)
from solver.rooms import crowded_seats_in, fill_rooms
from solver.rules import (
    COMFORT,
    COVERAGE,
    STABILITY,
    TIERS,
    TRACKS,
    add_rules,
    penalty_tiers,
)
from solver.soft_rules import CROWDED_SEAT
from solver.warm_start import complete, flow_roster

FULL_PORTFOLIO = 8
# Of the time left when a tier's search starts, the share it may use (the last tier takes all
# that is left). Coverage matters most; a tier proven early hands its time on.
TIME_SHARE = {COVERAGE: 0.6, "stability": 0.4, TRACKS: 0.4, COMFORT: 1.0}
# Checking the flow's roster is a propagation, not a search: it always runs, however short
# the time limit, so that a roster is returned (measured: 0.3 s at 1,500 patients, 5 s at
# 5,000); this, or the time limit if longer, only stops a pathological check.
CHECK_LIMIT_S = 10.0
# Moves and swaps between patients, tried before a tier's search, get at most this share of
# the time left.
LOCAL_MOVES = {TRACKS: one_track_by_swaps, COMFORT: spread_by_swaps}
MOVES_SHARE = 0.25
# The share of a tier's time the simplex may take to bound it (lp_bound.py): on few cores it
# bounds a large roster faster than CP-SAT's own relaxation. Coverage has the flow's bound;
# stability is usually proven at zero.
LINEAR_BOUND_SHARE = 0.8
# Beyond this the simplex does not finish within a tier's share of 30 s on 2 cores (measured:
# 50,000 variables at 1,500 patients, 6-11 s; 170,000 at 5,000 patients, not in 10 s).
LINEAR_BOUND_MAX_VARIABLES = 100_000
# The pattern relaxation (patterns.py) bounds every tier far tighter than either; it is built
# once, when the time left covers about three builds (measured: about 1 ms a patient).
PATTERN_BUILD_S_PER_PATIENT = 0.001
PATTERN_BUILDS_IN_TIME_LEFT = 3
FINISH_RESERVE_S = 0.2
FINISH_PER_CHECK = 0.3
# With this much time left after the last tier, the first unproven tier is searched again.
REPEAT_AT_LEAST_S = 0.5
# Below this a search cannot even load a large model: the incumbent is returned as it is.
SHORTEST_SEARCH_S = 0.05
# Called with (seconds since start, tier name, tier objective, tier bound) at each improving
# solution of a tier's search.
ProgressHook = Callable[[float, str, float, float], None]
# Called with (seconds since start, tier name) when the work on a tier begins.
StageHook = Callable[[float, str], None]


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    """Kept tiny: it runs inside the search."""

    def __init__(self, hook: ProgressHook | None, offset: float, tier: str) -> None:
        super().__init__()
        self.hook = hook
        self.offset = offset
        self.tier = tier
        self.first_solution_s: float | None = None

    def on_solution_callback(self) -> None:
        if self.first_solution_s is None:
            self.first_solution_s = self.offset + self.wall_time
        if self.hook is not None:
            self.hook(
                self.offset + self.wall_time,
                self.tier,
                self.objective_value,
                self.best_objective_bound,
            )


@dataclass(frozen=True)
class _Settings:
    workers: int
    seed: int
    relative_gap: float
    deterministic: bool
    on_progress: ProgressHook | None
    on_stage: StageHook | None = None


def solve(
    problem: RosterProblem,
    *,
    time_limit_s: float = 10.0,
    workers: int = 0,
    seed: int = 0,
    relative_gap: float = 0.0,
    deterministic: bool = False,
    on_progress: ProgressHook | None = None,
    on_stage: StageHook | None = None,
) -> RosterSolution:
    """Solve a weekly roster within `time_limit_s` (model building included). `workers=1`
    with a fixed `seed` is deterministic (tests); `workers=0` (production) uses every core,
    and never fewer than CP-SAT's full portfolio of eight subsolvers: its bound-proving workers
    only run in a portfolio that large. `deterministic=True` interleaves that portfolio on one
    thread of control: the same answer every run (tests of whole programs, and the CLI with
    STEPDOWN_SOLVER_DETERMINISTIC). `relative_gap` stops each tier's search within that gap
    of the tier's own bound. The hooks only report (they change nothing found)."""
    started = time.perf_counter()
    deadline = started + time_limit_s
    settings = _Settings(workers, seed, relative_gap, deterministic, on_progress, on_stage)
    roster = build_variables(problem)
    penalties = add_rules(roster)
    tiers = penalty_tiers(penalties)
    flow = flow_roster(roster)
    incumbent: list[int] | None = None
    bounds = dict.fromkeys(TIERS, 0.0)
    first_solution_s: float | None = None
    check_s = 0.0
    if flow is not None:
        bounds[COVERAGE] = float(flow.coverage_bound)
        checking = time.perf_counter()
        incumbent = _check(roster, tiers, flow.chosen, max(CHECK_LIMIT_S, time_limit_s))
        check_s = time.perf_counter() - checking
        if incumbent is not None:
            first_solution_s = time.perf_counter() - started
    # Time to read the roster out, fill rooms and explain shortfalls is kept back from the
    # searches (measured: about a quarter of a check, 1.1 s at 5,000 patients).
    deadline -= FINISH_RESERVE_S + FINISH_PER_CHECK * check_s
    search = _Tiers(roster, tiers, bounds, incumbent, settings, started, deadline)
    search.check_s = check_s
    search.first_solution_s = first_solution_s
    start: int | None = 0
    while start is not None:
        outcome = search.run_from(start)
        if outcome is not None:
            return _nothing(roster, outcome, started, search.first_solution_s)
        # The whole budget is used: time left goes back to the first tier not yet proven, and
        # the tiers after it are searched again under its better value.
        start = search.first_unproven() if _left(deadline) >= REPEAT_AT_LEAST_S else None
    assert search.incumbent is not None
    if not search.settled and _left(deadline) + FINISH_PER_CHECK * check_s >= check_s:
        search.settle()
    return _finish(
        roster, search.incumbent, penalties, search.stats(), started, search.first_solution_s
    )


class _Tiers:
    """The tier-by-tier search, holding the incumbent: the best verified roster so far."""

    def __init__(
        self,
        roster: RosterModel,
        tiers: dict[str, list[LinearTerm]],
        bounds: dict[str, float],
        incumbent: list[int] | None,
        settings: _Settings,
        started: float,
        deadline: float,
    ) -> None:
        self.roster, self.tiers, self.bounds = roster, tiers, bounds
        self.incumbent = incumbent
        self.settings, self.started, self.deadline = settings, started, deadline
        self.first_solution_s: float | None = None
        self.results: dict[str, TierStats] = {}
        self.check_s = 0.0  # how long the model takes to check a roster
        self.patterns: PatternSearch | None = None
        # 0: not yet built; 1: tried for every tier; 2: tried for the tiers after stability
        self.patterns_tried = 0
        # (tier, the earlier tiers' values) already bounded by the pattern relaxation
        self.pattern_bounded: set[tuple[str, tuple[int, ...]]] = set()
        # Whether every penalty variable of the incumbent is at its least (see settle).
        self.settled = True

    def stats(self) -> list[TierStats]:
        return [self.results[name] for name in TIERS]

    def settle(self) -> None:
        """A search minimises its own tier only, so the later tiers' penalty variables in its
        roster may sit above their least; the roster is checked once more with each at its
        least, so the statistics report the roster's true penalties."""
        assert self.incumbent is not None
        values = _check(self.roster, self.tiers, _seats(self.roster, self.incumbent), CHECK_LIMIT_S)
        if values is None or any(_value(self.tiers[t], values) > self.value(t) for t in TIERS):
            return
        self.incumbent = values
        self.settled = True
        for name in TIERS:
            self.results[name] = _tier(name, self.value(name), self.bounds[name])

    def first_unproven(self) -> int | None:
        for index, name in enumerate(TIERS):
            if self.results[name].status != "OPTIMAL":
                return index
        return None

    def value(self, name: str) -> int:
        assert self.incumbent is not None
        return _value(self.tiers[name], self.incumbent)

    def run_from(self, start: int) -> str | None:
        """Search each tier from `start` on; the status word when no roster exists at all."""
        # A later tier's bound stays proven: improving an earlier tier only narrows the rosters
        # it ranges over.
        for index in range(start, len(TIERS)):
            name = TIERS[index]
            if self.settings.on_stage is not None:
                self.settings.on_stage(time.perf_counter() - self.started, name)
            # The pattern relaxation first: it often proves the tier, or finds its best roster.
            if self.incumbent is not None and self.value(name) > self.bounds[name]:
                self._bound_by_patterns(index, name)
            if self.incumbent is not None and self.value(name) > self.bounds[name]:
                moved = _improved_by_moves(
                    self.roster, self.tiers, self.incumbent, name, self.deadline, self.check_s
                )
                self.settled = self.settled or moved is not self.incumbent  # checked afresh
                self.incumbent = moved
            if self.incumbent is not None and self.value(name) <= self.bounds[name]:
                self.results[name] = _tier(name, self.value(name), self.bounds[name])
                continue
            outcome = self._search(index, name)
            if outcome is not None:
                return outcome
        return None

    def _bound_by_patterns(self, index: int, name: str) -> None:
        """The tier's bound from the pattern relaxation, among rosters no worse than the
        incumbent in the earlier tiers (built on first use, when there is time for it)."""
        assert self.incumbent is not None
        # Once stability is held, weeks leaving more familiar groups need no pattern: a program
        # with too many patterns for every tier may still have few enough for the later ones.
        after_stability = index > TIERS.index(STABILITY)
        if self.patterns is None and self.patterns_tried < 1 + after_stability:
            patients = len(self.roster.problem.patients)
            build_s = PATTERN_BUILD_S_PER_PATIENT * patients
            if _left(self.deadline) < PATTERN_BUILDS_IN_TIME_LEFT * build_s:
                return
            self.patterns_tried = 1 + after_stability
            unfamiliar = self.value(STABILITY) if after_stability else None
            relaxation = pattern_relaxation(self.roster, unfamiliar)
            if relaxation is not None:
                self.patterns = PatternSearch(self.roster, relaxation)
        earlier = {t: self.value(t) for t in TIERS[:index]}
        key = (name, tuple(earlier.values()))
        if self.patterns is None or key in self.pattern_bounded:
            return
        if self.patterns.relaxation.unfamiliar_at_most is not None and name in (
            COVERAGE,
            STABILITY,
        ):
            return  # a relaxation without the weeks that leave familiar groups bounds neither
        self.pattern_bounded.add(key)
        share = 1.0 if index == len(TIERS) - 1 else TIME_SHARE[name]
        # The tier's whole share: a roster the patterns find at the bound ends the tier.
        limit = _left(self.deadline) * share
        if limit < SHORTEST_SEARCH_S:
            return
        value = self.value(name)
        seats = _seats(self.roster, self.incumbent)
        found = self.patterns.search(name, earlier, (value, seats), _solver(limit, self.settings))
        if found is None:
            return
        self.bounds[name] = max(self.bounds[name], found.bound)
        if found.seats is None or _left(self.deadline) + FINISH_PER_CHECK * self.check_s < (
            self.check_s
        ):
            return  # no roster, or no time left to check it
        values = _check(self.roster, self.tiers, found.seats, CHECK_LIMIT_S)
        if values is None:
            return
        keeps = all(_value(self.tiers[t], values) <= v for t, v in earlier.items())
        if keeps and _value(self.tiers[name], values) < value:
            self.incumbent = values
            self.settled = True  # checked afresh: every penalty at its least

    def _search(self, index: int, name: str) -> str | None:
        earlier = [(self.tiers[t], self.value(t)) for t in TIERS[:index]] if self.incumbent else []
        share = 1.0 if index == len(TIERS) - 1 else TIME_SHARE[name]
        budget = _left(self.deadline) * share
        found = None
        if budget >= SHORTEST_SEARCH_S:
            found = _search(
                self.roster,
                name,
                self.tiers[name],
                earlier,
                self.incumbent,
                budget,
                self.settings,
                self.started,
                known_bound=self.bounds[name],
                # Comfort's relaxation is tight (it proves comfort at 1,500 patients); the
                # others' are looser and slow, worth it once CP-SAT has left a gap.
                with_linear_bound=self.patterns is None
                and (name == COMFORT or name in self.results),
            )
        if found is not None and found.infeasible:
            return "INFEASIBLE"
        if self.incumbent is None and (found is None or found.solution is None):
            return "UNKNOWN"
        if found is not None:
            if found.solution is not None and (
                self.incumbent is None
                or _value(self.tiers[name], found.solution) <= self.value(name)
            ):
                self.incumbent = found.solution
                self.settled = name == TIERS[-1]
                if self.first_solution_s is None:
                    self.first_solution_s = found.first_solution_s
            self.bounds[name] = max(self.bounds[name], found.bound)
        self.results[name] = _tier(name, self.value(name), self.bounds[name])
        return None


def _improved_by_moves(
    roster: RosterModel,
    tiers: dict[str, list[LinearTerm]],
    incumbent: list[int],
    name: str,
    deadline: float,
    check_s: float,
) -> list[int]:
    """The incumbent improved in tier `name` by moves and swaps that keep every earlier tier,
    when the model confirms the roster and it is better. Only tried with time for the moves,
    the model's check and a search after them."""
    if _left(deadline) <= SHORTEST_SEARCH_S + 3 * check_s or name not in LOCAL_MOVES:
        return incumbent
    chosen = _seats(roster, incumbent)
    moved = LOCAL_MOVES[name](roster, chosen, time.perf_counter() + _left(deadline) * MOVES_SHARE)
    if moved == chosen:
        return incumbent
    values = _check(roster, tiers, moved, CHECK_LIMIT_S)
    if values is None:
        return incumbent
    upto = TIERS[: TIERS.index(name) + 1]
    keeps = all(_value(tiers[t], values) <= _value(tiers[t], incumbent) for t in upto)
    better = _value(tiers[name], values) < _value(tiers[name], incumbent)
    return values if keeps and better else incumbent


def _seats(roster: RosterModel, values: list[int]) -> set[tuple[str, int]]:
    """The (patient, slot) seats a full assignment takes."""
    return {key for key, var in roster.attends.items() if values[var.index] == 1}


def _check(
    roster: RosterModel,
    tiers: dict[str, list[LinearTerm]],
    seats: set[tuple[str, int]],
    time_limit_s: float,
) -> list[int] | None:
    """These seats checked by the model, every penalty at its least (warm_start.complete)."""
    everything = [term for terms in tiers.values() for term in terms]
    return complete(roster, seats, _expression(everything), time_limit_s)


@dataclass(frozen=True)
class _Found:
    solution: list[int] | None  # None: no better roster found (the incumbent stands)
    bound: float
    infeasible: bool = False
    first_solution_s: float | None = None


def _search(
    roster: RosterModel,
    tier: str,
    terms: list[LinearTerm],
    earlier: list[tuple[list[LinearTerm], int]],
    incumbent: list[int] | None,
    budget_s: float,
    settings: _Settings,
    started: float,
    *,
    known_bound: float = 0.0,
    with_linear_bound: bool = False,
) -> _Found | None:
    """Minimise one tier with the earlier tiers kept at their values, hinted with the incumbent.
    With `with_linear_bound`, the simplex bounds the tier first: when it proves the incumbent,
    CP-SAT is not called. None when the search found neither a roster nor a proof."""
    model = roster.model.clone()
    for earlier_terms, value in earlier:
        model.add(_expression(earlier_terms) <= value)
    model.minimize(_expression(terms))
    if known_bound > 0:
        # A bound already proven (the flow's, an earlier pass's) lets CP-SAT stop on reaching it.
        model.add(_expression(terms) >= math.ceil(known_bound - 1e-6))
    relaxed = 0.0
    small_enough = len(model.proto.variables) <= LINEAR_BOUND_MAX_VARIABLES
    if incumbent is not None and with_linear_bound and small_enough:
        began = time.perf_counter()
        relaxed = linear_bound(model, budget_s * LINEAR_BOUND_SHARE) or 0.0
        value = _value(terms, incumbent)
        if value - relaxed <= settings.relative_gap * max(1.0, value):
            return _Found(None, relaxed)  # the incumbent is proven (within the gap asked)
        budget_s -= time.perf_counter() - began
    if incumbent is not None:
        model.proto.solution_hint.vars.extend(range(len(incumbent)))
        model.proto.solution_hint.values.extend(incumbent)
    solver = _solver(max(budget_s, SHORTEST_SEARCH_S), settings)
    callback = _ProgressCallback(settings.on_progress, time.perf_counter() - started, tier)
    status = solver.solve(model, callback)
    if status == cp_model.INFEASIBLE:
        return _Found(None, 0.0, infeasible=incumbent is None)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if incumbent is None:
            return None
        return _Found(None, max(relaxed, solver.best_objective_bound))
    bound = solver.objective_value if status == cp_model.OPTIMAL else solver.best_objective_bound
    return _Found(
        list(solver.response_proto.solution),
        max(relaxed, bound),
        False,
        callback.first_solution_s,
    )


def _solver(time_limit_s: float, settings: _Settings) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = settings.workers or max(FULL_PORTFOLIO, os.cpu_count() or 1)
    solver.parameters.random_seed = settings.seed
    solver.parameters.relative_gap_limit = settings.relative_gap
    if settings.deterministic:
        solver.parameters.num_workers = settings.workers or FULL_PORTFOLIO
        solver.parameters.interleave_search = True
    return solver


def _expression(terms: Sequence[LinearTerm]) -> cp_model.LinearExprT:
    return cp_model.LinearExpr.weighted_sum([t for t, _ in terms], [w for _, w in terms])


def _value(terms: list[LinearTerm], values: list[int]) -> int:
    """A tier's penalty in a full assignment (terms are variables or negated literals)."""
    total = 0
    for term, weight in terms:
        index = term.index
        total += weight * (values[index] if index >= 0 else 1 - values[-index - 1])
    return total


def _tier(name: str, objective: float, bound: float) -> TierStats:
    bound = min(float(bound), float(objective))
    if objective <= bound + 1e-6:
        return TierStats(name, "OPTIMAL", objective, objective, 0.0)
    gap = (objective - bound) / max(1.0, abs(objective))
    return TierStats(name, "FEASIBLE", objective, bound, gap)


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.perf_counter())


def _nothing(
    roster: RosterModel, status: str, started: float, first_solution_s: float | None
) -> RosterSolution:
    wall = time.perf_counter() - started
    stats = SolveStats(status, 0.0, 0.0, 1.0, wall, first_solution_s)
    return RosterSolution((), (), stats)


def _finish(
    roster: RosterModel,
    values: list[int],
    penalties: dict[str, list[LinearTerm]],
    tier_stats: list[TierStats],
    started: float,
    first_solution_s: float | None,
) -> RosterSolution:
    placements, outcomes = _read_solution(roster, values)
    by_rule = {name: _value(terms, values) for name, terms in penalties.items()}
    # Balance is reported on the rooms the roster fills, not the model's even split.
    model_crowded = by_rule["balanced groups"]
    by_rule["balanced groups"] = CROWDED_SEAT * crowded_seats_in(roster.problem, list(placements))
    tier_stats = [
        _tier(t.name, t.objective - model_crowded + by_rule["balanced groups"], t.bound)
        if t.name == COMFORT
        else t
        for t in tier_stats
    ]
    proven = all(t.status == "OPTIMAL" for t in tier_stats)
    stats = SolveStats(
        status="OPTIMAL" if proven else "FEASIBLE",
        objective=sum(t.objective for t in tier_stats),
        best_bound=sum(t.bound for t in tier_stats),
        gap=max((t.gap for t in tier_stats), default=0.0),
        wall_time_s=time.perf_counter() - started,
        first_solution_s=first_solution_s,
        penalties=tuple(by_rule.items()),
        tiers=tuple(tier_stats),
    )
    return RosterSolution(placements, outcomes, stats)


def _read_solution(
    roster: RosterModel, values: list[int]
) -> tuple[tuple[Placement, ...], tuple[PatientOutcome, ...]]:
    problem = roster.problem

    def chosen(var: cp_model.IntVar) -> bool:
        return values[var.index] == 1

    attendees: dict[int, list[str]] = {}
    for (patient_id, slot_index), var in roster.attends.items():
        if chosen(var):
            attendees.setdefault(slot_index, []).append(patient_id)
    placements: list[Placement] = []
    used_rooms: dict[int, int] = {}
    for slot in roster.slots:
        opened = values[roster.open_rooms[slot.index].index]
        filled = fill_rooms(problem, slot, attendees.get(slot.index, []), opened)
        used_rooms[slot.index] = len({p.session_id for p in filled})
        placements.extend(filled)
    sizes = {index: len(patients) for index, patients in attendees.items()}
    outcomes = []
    for patient in problem.patients:
        pid = patient.patient_id
        mine = [slot for slot in roster.candidates[pid] if chosen(roster.attends[pid, slot.index])]
        stepped = pid in roster.steps_early and chosen(roster.steps_early[pid])
        # Shortfall is against the true target: a step taken early is a day short, explained.
        required = patient.required_days
        days = {slot.day_index for slot in mine}
        reason = None
        if len(days) < required:
            reason = unmet_reason(
                problem,
                patient,
                roster.slots,
                roster.candidates[pid],
                days,
                required,
                sizes,
                used_rooms,
                stepped_early=stepped,
                scheduled_minutes=sum(slot.minutes for slot in mine),
            )
        outcomes.append(
            PatientOutcome(
                patient_id=pid,
                required_days=required,
                scheduled_days=len(days),
                scheduled_minutes=sum(slot.minutes for slot in mine),
                stepped_early=stepped,
                unmet_reason=reason,
            )
        )
    placements.sort(key=lambda p: (p.day, p.session_id, p.patient_id))
    return tuple(placements), tuple(outcomes)
