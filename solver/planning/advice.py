"""Advice: the few sessions to open that most reduce shortfall and waiting, each proven by
solving the forecast again with it added.

Candidates are every weekday × start (each half hour, and the program's own start times) at the
program's usual length, capacity and the track of its nearest session. The gain of a session is
how much it lowers the forecast's objective (required days unmet first, then weeks waited), and
three facts keep advice over every candidate equal to solving every candidate
(tests/unit/solver/planning/test_advice.py checks it against exactly that):
- two candidates on the same weekday that exactly the same patients fit in exactly the same
  weeks give the same model (units.py counts seats, never times): one solve answers for both;
- a candidate nobody fits cannot change the forecast;
- a candidate whose patients and weeks another of the same weekday, track and capacity includes
  cannot gain more than that one;
- the forecast's linear relaxation bounds what a candidate can gain; a candidate whose bound is
  no better than the advice already proven is not solved, and one whose relaxation comes out in
  whole numbers needs no search: that is an optimal forecast (nothing is below the relaxation).
  Measured on the bench's programs the relaxation is tight, so CP-SAT is rarely needed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from solver.planning.forecast_model import (
    ForecastSettings,
    Relaxation,
    relax_forecast,
    solve_forecast,
)
from solver.planning.inputs import ForecastProblem, PlanSession, clock
from solver.planning.outcome import ForecastSolution
from solver.planning.units import WEEKDAY_NAMES, group_slots, weekly_fit

EARLIEST_START = 7 * 60
LATEST_END = 22 * 60
STEP_MINUTES = 30
# Objectives are whole numbers; the relaxation's float may be off by rounding.
BOUND_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Candidate:
    session: PlanSession


@dataclass(frozen=True)
class Advice:
    session: PlanSession
    shortfall_days_gain: int  # required patient-days the session lets the program meet
    waiting_weeks_gain: int  # weeks planned admissions wait less
    shortfall_days_after: int
    waiting_weeks_after: int
    proven: bool  # both forecasts solved to optimality
    # Other start times the same patients fit in the same weeks: the same gain.
    same_gain_starts: tuple[str, ...] = ()

    # How much the forecast's objective falls (DAY_SHORT a day, WAIT_WEEK a week, a little
    # for taper steps moved): what the advice is ranked by.
    objective_gain: float = 0.0


def candidate_sessions(
    problem: ForecastProblem, weekdays: Iterable[int] | None = None
) -> list[Candidate]:
    """Each start on each of the weekdays (every day when None), at the program's most common
    length and capacity."""
    if not problem.sessions:
        return []
    length = Counter(s.end_minute - s.start_minute for s in problem.sessions).most_common(1)[0][0]
    capacity = Counter(s.capacity for s in problem.sessions).most_common(1)[0][0]
    own_starts = {s.start_minute for s in problem.sessions}
    starts = sorted(own_starts | set(range(EARLIEST_START, LATEST_END - length + 1, STEP_MINUTES)))
    found = []
    for weekday in sorted(set(range(7) if weekdays is None else weekdays)):
        for start in starts:
            if start + length > 24 * 60:
                continue
            track = _nearest_track(problem, weekday, start)
            session_id = f"new-{WEEKDAY_NAMES[weekday].lower()}-{clock(start).replace(':', '')}"
            found.append(
                Candidate(PlanSession(session_id, weekday, start, start + length, capacity, track))
            )
    return found


def evaluate(
    problem: ForecastProblem,
    candidates: Iterable[Candidate],
    base: ForecastSolution | None = None,
    settings: ForecastSettings | None = None,
) -> list[Advice]:
    """Each candidate's gain by solving the forecast with it added: no shortcut."""
    base = base or solve_forecast(problem, settings)
    return [_gain(problem, base, c.session, settings) for c in candidates]


def advise(
    problem: ForecastProblem,
    count: int = 3,
    base: ForecastSolution | None = None,
    settings: ForecastSettings | None = None,
    weekdays: Iterable[int] | None = None,
) -> list[Advice]:
    """The `count` candidates that lower the forecast's objective most (at least a day met or
    a week less waited), one a weekday and track, best first."""
    base = base or solve_forecast(problem, settings)
    classes: dict[tuple[int, frozenset[tuple[str, int]]], list[Candidate]] = {}
    for candidate in candidate_sessions(problem, weekdays):
        fitted = _fitted(problem, candidate.session)
        if fitted:
            classes.setdefault((candidate.session.weekday, fitted), []).append(candidate)
    alike_groups = _undominated(classes)
    relaxations: list[Relaxation | None] = [None] * len(alike_groups)
    if base.status == "OPTIMAL":
        # Most promising first: the bound on what each could gain.
        relaxations = [relax_forecast(_with(problem, alike[0].session)) for alike in alike_groups]
        bounds = [base.objective - r.objective for r in relaxations if r is not None]
    else:
        bounds = [float("inf")] * len(alike_groups)  # no proven base: nothing may be skipped
    order = sorted(range(len(alike_groups)), key=lambda i: (-bounds[i], i))
    # One advice per weekday and track: the best start of a day's group says what to open.
    best: dict[tuple[int, str], Advice] = {}
    for i in order:
        proven = sorted((a.objective_gain for a in best.values()), reverse=True)
        threshold = proven[count - 1] if len(proven) >= count else 0.0
        if bounds[i] <= threshold + BOUND_TOLERANCE:
            break  # no candidate left can do better than the advice already proven
        alike = alike_groups[i]
        relaxation = relaxations[i]
        if relaxation is not None and relaxation.solution is not None:
            advice = _advice(base, alike[0].session, relaxation.solution)
        else:
            advice = _gain(problem, base, alike[0].session, settings)
        if not (advice.shortfall_days_gain > 0 or advice.waiting_weeks_gain > 0):
            continue
        advice = replace(advice, same_gain_starts=tuple(c.session.label() for c in alike[1:]))
        key = (advice.session.weekday, advice.session.track)
        if key not in best or _rank(advice) < _rank(best[key]):
            best[key] = advice
    return sorted(best.values(), key=_rank)[:count]


def _undominated(
    classes: dict[tuple[int, frozenset[tuple[str, int]]], list[Candidate]],
) -> list[list[Candidate]]:
    """Candidates whose patients-and-weeks another candidate of the same weekday, track and
    capacity strictly includes are left out: the other gains at least as much (any forecast with
    the first is possible with the second), so neither can be the best of its weekday and track."""
    keyed = [
        (
            (alike[0].session.weekday, alike[0].session.track, alike[0].session.capacity),
            fitted,
            alike,
        )
        for (_, fitted), alike in classes.items()
    ]
    return [
        alike
        for key, fitted, alike in keyed
        if not any(other_key == key and fitted < other for other_key, other, _ in keyed)
    ]


def _rank(advice: Advice) -> tuple[float, int, int]:
    return (-advice.objective_gain, advice.session.weekday, advice.session.start_minute)


def _gain(
    problem: ForecastProblem,
    base: ForecastSolution,
    session: PlanSession,
    settings: ForecastSettings | None,
) -> Advice:
    return _advice(base, session, solve_forecast(_with(problem, session), settings))


def _advice(base: ForecastSolution, session: PlanSession, after: ForecastSolution) -> Advice:
    return Advice(
        session=session,
        shortfall_days_gain=base.shortfall_days - after.shortfall_days,
        waiting_weeks_gain=base.waiting_weeks - after.waiting_weeks,
        shortfall_days_after=after.shortfall_days,
        waiting_weeks_after=after.waiting_weeks,
        proven=base.status == "OPTIMAL" and after.status == "OPTIMAL",
        objective_gain=base.objective - after.objective,
    )


def _with(problem: ForecastProblem, session: PlanSession) -> ForecastProblem:
    return replace(problem, sessions=(*problem.sessions, session))


def _fitted(problem: ForecastProblem, session: PlanSession) -> frozenset[tuple[str, int]]:
    """(patient or planned admission, week) pairs that could sit in the session."""
    closed = {c.day for c in problem.closed}
    held = [w for w in range(problem.horizon) if problem.day_of(w, session.weekday) not in closed]
    slot = group_slots(replace(problem, sessions=(session,)))
    pairs: set[tuple[str, int]] = set()
    for patient in problem.patients:
        pairs.update(
            (patient.patient_id, w)
            for w in held
            if patient.targets[w] > 0
            and session.weekday in patient.days[w]
            and weekly_fit(slot, patient.busy_in(w), patient.travel_minutes)
        )
    for admission in problem.admissions:
        if weekly_fit(slot, admission.busy, admission.travel_minutes):
            pairs.update((admission.admission_id, w) for w in held if w >= admission.earliest_week)
    return frozenset(pairs)


def _nearest_track(problem: ForecastProblem, weekday: int, start: int) -> str:
    """The track of the program's session nearest in time, on the same kind of day if any."""
    weekend = weekday >= 5
    alike = [s for s in problem.sessions if (s.weekday >= 5) == weekend] or list(problem.sessions)
    nearest = min(alike, key=lambda s: (abs(s.start_minute - start), s.track))
    return nearest.track
