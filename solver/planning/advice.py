"""Advice: the few sessions to open that most reduce shortfall and waiting, each proven by
solving the forecast again with it added.

Candidates are every weekday × start (each half hour, and the program's own start times) at the
program's usual length, capacity and the track of its nearest session. Most are alike: two
candidates on the same weekday that exactly the same patients fit in exactly the same weeks give
the same model (units.py counts seats, never times), so one solve answers for all of them, and a
candidate nobody fits cannot change the forecast at all. That is what makes advice over every
candidate equal to solving every candidate (tests/unit/solver/planning/test_advice.py checks it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from solver.planning.forecast_model import DAY_SHORT, WAIT_WEEK, ForecastSettings, solve_forecast
from solver.planning.inputs import ForecastProblem, PlanSession, clock
from solver.planning.outcome import ForecastSolution
from solver.planning.units import WEEKDAY_NAMES, group_slots, weekly_fit

EARLIEST_START = 7 * 60
LATEST_END = 22 * 60
STEP_MINUTES = 30


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

    @property
    def score(self) -> int:
        return DAY_SHORT * self.shortfall_days_gain + WAIT_WEEK * self.waiting_weeks_gain


def candidate_sessions(problem: ForecastProblem) -> list[Candidate]:
    if not problem.sessions:
        return []
    length = Counter(s.end_minute - s.start_minute for s in problem.sessions).most_common(1)[0][0]
    capacity = Counter(s.capacity for s in problem.sessions).most_common(1)[0][0]
    own_starts = {s.start_minute for s in problem.sessions}
    starts = sorted(own_starts | set(range(EARLIEST_START, LATEST_END - length + 1, STEP_MINUTES)))
    found = []
    for weekday in range(7):
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
) -> list[Advice]:
    """The `count` candidates with the largest gain (at least a day or a week), best first."""
    base = base or solve_forecast(problem, settings)
    classes: dict[tuple[int, frozenset[tuple[str, int]]], list[Candidate]] = {}
    for candidate in candidate_sessions(problem):
        fitted = _fitted(problem, candidate.session)
        if fitted:
            classes.setdefault((candidate.session.weekday, fitted), []).append(candidate)
    found = []
    for alike in classes.values():
        advice = _gain(problem, base, alike[0].session, settings)
        if advice.score > 0:
            others = tuple(c.session.label() for c in alike[1:])
            found.append(replace(advice, same_gain_starts=others))
    found.sort(key=lambda a: (-a.score, a.session.weekday, a.session.start_minute))
    return found[:count]


def _gain(
    problem: ForecastProblem,
    base: ForecastSolution,
    session: PlanSession,
    settings: ForecastSettings | None,
) -> Advice:
    after = solve_forecast(replace(problem, sessions=(*problem.sessions, session)), settings)
    return Advice(
        session=session,
        shortfall_days_gain=base.shortfall_days - after.shortfall_days,
        waiting_weeks_gain=base.waiting_weeks - after.waiting_weeks,
        shortfall_days_after=after.shortfall_days,
        waiting_weeks_after=after.waiting_weeks,
        proven=base.status == "OPTIMAL" and after.status == "OPTIMAL",
    )


def _fitted(problem: ForecastProblem, session: PlanSession) -> frozenset[tuple[str, int]]:
    """(patient or planned admission, week) pairs that could sit in the session."""
    closed = {c.day for c in problem.closed}
    held = [w for w in range(problem.horizon) if problem.day_of(w, session.weekday) not in closed]
    slot = group_slots(replace(problem, sessions=(session,)))
    pairs: set[tuple[str, int]] = set()
    for patient in problem.patients:
        if not weekly_fit(slot, patient.busy, patient.travel_minutes):
            continue
        pairs.update(
            (patient.patient_id, w)
            for w in held
            if patient.targets[w] > 0 and session.weekday in patient.days[w]
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
