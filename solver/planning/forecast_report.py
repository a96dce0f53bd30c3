"""From the forecast model's counts to what a director reads: loads per session and track,
shortfalls with their reasons, taper moves with theirs, and when each planned admission starts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from solver.planning.forecast_reasons import WeekGroup, shortfalls_of, taper_moves
from solver.planning.inputs import WEEKDAY_NAMES, ForecastProblem
from solver.planning.outcome import (
    AdmissionStart,
    ForecastSolution,
    SessionLoad,
    Shortfall,
    TrackLoad,
    WeekForecast,
)
from solver.planning.units import AdmissionGroup, PlanSlot, Pool, Unit


@dataclass(frozen=True)
class Values:
    seated: dict[tuple[int, int, int], int]  # (unit, week, slot) → seats
    early: dict[tuple[int, int], int]  # (unit, week) → patients stepping a week early
    later: dict[tuple[int, int], int]  # (unit, week) → patients whose step waits a week
    starts: dict[tuple[int, int | None], int]  # (admission group, start) → admissions
    pool_seated: dict[tuple[int, int], int]  # (pool, slot) → seats


@dataclass(frozen=True)
class Solved:
    """The model's aggregation, to read its counts back."""

    slots: list[PlanSlot]
    seats: list[list[int]]
    units: list[Unit]
    groups: list[AdmissionGroup]
    pools: list[Pool]


def report(
    problem: ForecastProblem,
    solved: Solved,
    values: Values,
    *,
    status: str,
    objective: float,
    best_bound: float,
    wall_time_s: float,
) -> ForecastSolution:
    slots, seats = solved.slots, solved.seats
    admitted = _admitted(solved.groups, values.starts)
    load: dict[tuple[int, int], int] = defaultdict(int)
    for (_, w, s), count in values.seated.items():
        load[w, s] += count
    for (p, s), count in values.pool_seated.items():
        load[solved.pools[p].week, s] += count
    weeks = []
    for w, monday in enumerate(problem.mondays):
        counted = [*_unit_groups(solved, values, w), *_pool_groups(solved, values, admitted, w)]
        closed = "; ".join(
            f"closed {WEEKDAY_NAMES[c.day.weekday()]}: {c.reason}"
            for c in sorted(problem.closed, key=lambda c: c.day)
            if monday <= c.day < monday + timedelta(days=7)
        )
        shortfalls: list[Shortfall] = []
        for group in counted:
            if group.given < group.required:
                shortfalls.extend(shortfalls_of(group, w, slots, seats, load, closed))
        required = sum(g.required for g in counted)
        expected = sum(g.given for g in counted)
        weeks.append(
            WeekForecast(
                monday=monday,
                census=sum(len(g.members) for g in counted),
                required_days=required,
                expected_days=expected,
                shortfall_days=required - expected,
                step_downs_due=tuple(sorted(p for g in counted for p in g.ends)),
                sessions=_session_loads(problem, w, slots, seats, load),
                tracks=_track_loads(w, slots, seats, load),
                shortfalls=tuple(shortfalls),
            )
        )
    return ForecastSolution(
        weeks=tuple(weeks),
        moves=taper_moves(problem, solved, values, load),
        admissions=_starts(problem, solved.groups, admitted),
        status=status,
        objective=objective,
        best_bound=best_bound,
        wall_time_s=wall_time_s,
    )


def _admitted(
    groups: list[AdmissionGroup], starts: dict[tuple[int, int | None], int]
) -> dict[tuple[int, int | None], tuple[str, ...]]:
    """Each group's ids dealt out over the starts chosen, the earliest start first, in id order."""
    dealt = {}
    horizon_starts: dict[int, list[int | None]] = defaultdict(list)
    for g, start in starts:
        horizon_starts[g].append(start)
    for g, group in enumerate(groups):
        left = list(group.admission_ids)
        for start in horizon_starts[g]:
            count = starts[g, start]
            dealt[g, start] = tuple(left[:count])
            del left[:count]
    return dealt


def _unit_groups(solved: Solved, values: Values, w: int) -> list[WeekGroup]:
    found = []
    for u, unit in enumerate(solved.units):
        if unit.targets[w] == 0:
            continue
        n = unit.size
        found.append(
            WeekGroup(
                members=unit.patient_ids,
                target=unit.targets[w],
                required=n * unit.targets[w]
                - values.early.get((u, w), 0)
                + values.later.get((u, w), 0),
                given=sum(values.seated.get((u, w, s), 0) for s in unit.fits[w]),
                fits=unit.fits[w],
                hours_text=unit.hours_text,
                ends=unit.patient_ids if unit.targets[w + 1] == 0 else (),
            )
        )
    return found


def _pool_groups(
    solved: Solved,
    values: Values,
    admitted: dict[tuple[int, int | None], tuple[str, ...]],
    w: int,
) -> list[WeekGroup]:
    found = []
    for p, pool in enumerate(solved.pools):
        if pool.week != w:
            continue
        members = tuple(sorted(a for source in pool.sources for a in admitted[source]))
        if not members:
            continue
        ends = tuple(
            a
            for g, start in pool.sources
            if solved.groups[g].target(start, w + 1) == 0
            for a in admitted[g, start]
        )
        found.append(
            WeekGroup(
                members=members,
                target=pool.target,
                required=len(members) * pool.target,
                given=sum(values.pool_seated.get((p, s), 0) for s in pool.fits),
                fits=pool.fits,
                hours_text=solved.groups[pool.sources[0][0]].hours_text,
                ends=tuple(sorted(ends)),
            )
        )
    return found


def _session_loads(
    problem: ForecastProblem,
    w: int,
    slots: list[PlanSlot],
    seats: list[list[int]],
    load: dict[tuple[int, int], int],
) -> tuple[SessionLoad, ...]:
    """A slot's patients spread over its rooms held that day, evenly, as the roster would."""
    loads = []
    for slot in slots:
        day = problem.day_of(w, slot.weekday)
        rooms = [
            s
            for s in slot.sessions
            if seats[w][slot.index] and (s.session_id, day) not in problem.cancelled
        ]
        left = load[w, slot.index]
        for position, room in enumerate(rooms):
            share = min(room.capacity, -(-left // (len(rooms) - position)))
            loads.append(SessionLoad(room.session_id, day, slot.track, room.capacity, share))
            left -= share
        for room in slot.sessions:
            if room not in rooms:
                loads.append(SessionLoad(room.session_id, day, slot.track, 0, 0))
    return tuple(sorted(loads, key=lambda each: (each.day, each.session_id)))


def _track_loads(
    w: int, slots: list[PlanSlot], seats: list[list[int]], load: dict[tuple[int, int], int]
) -> tuple[TrackLoad, ...]:
    tracks: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for slot in slots:
        tracks[slot.track][0] += seats[w][slot.index]
        tracks[slot.track][1] += load[w, slot.index]
    return tuple(TrackLoad(track, s, e) for track, (s, e) in sorted(tracks.items()))


def _starts(
    problem: ForecastProblem,
    groups: list[AdmissionGroup],
    admitted: dict[tuple[int, int | None], tuple[str, ...]],
) -> tuple[AdmissionStart, ...]:
    horizon = problem.horizon
    starts = []
    for (g, start), ids in admitted.items():
        group = groups[g]
        for admission_id in ids:
            starts.append(
                AdmissionStart(
                    admission_id,
                    problem.mondays[group.earliest_week],
                    None if start is None else problem.mondays[start],
                    group.waiting_weeks(start, horizon),
                )
            )
    return tuple(sorted(starts, key=lambda s: s.admission_id))
