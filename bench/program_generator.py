"""Synthetic IOP programs for benchmarks: realistic hours, rooms sized to demand.

Shares of patients' hours follow the shape of US survey data (full-time day work most common,
then no fixed hours, school, early/evening/night shifts, parents' school-run hours); every
patient is in some program week with a taper target of 3–5 days.

Options for the benchmark's harder rows: `session_minutes` varies session lengths per track and
day, `with_pins` pins placements a greedy roster found feasible, `same_week_later` is the same
program a week on with no change at all.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from solver import Busy, PatientWeek, RosterProblem, SessionOccurrence
from solver.greedy import greedy_roster

DAY = 24 * 60
WEEKDAYS = range(5)
TRACKS = {  # track: (days, start hour, end hour)
    "day": (WEEKDAYS, 9, 12),
    "afternoon": (WEEKDAYS, 13, 16),
    "evening": (WEEKDAYS, 18, 21),
    "weekend": (range(5, 6), 9, 12),
}
HOURS = [  # (share, label, [(days, start, end)])
    (0.40, "work MON–FRI 09:00–17:00", [(WEEKDAYS, 9 * 60, 17 * 60)]),
    (0.08, "work MON–FRI 07:00–15:30", [(WEEKDAYS, 7 * 60, 15 * 60 + 30)]),
    (0.07, "work MON–FRI 15:00–23:00", [(WEEKDAYS, 15 * 60, 23 * 60)]),
    (0.04, "work SUN–THU 23:00–07:00", [(range(-1, 4), 23 * 60, 31 * 60)]),
    (0.10, "school MON–FRI 08:00–15:00", [(WEEKDAYS, 8 * 60, 15 * 60)]),
    (
        0.08,
        "childcare MON–FRI 07:00–09:00, 15:00–19:00",
        [(WEEKDAYS, 7 * 60, 9 * 60), (WEEKDAYS, 15 * 60, 19 * 60)],
    ),
    (
        0.06,
        "work MON–FRI 09:00–18:00, SAT 09:00–14:00",
        [(WEEKDAYS, 9 * 60, 18 * 60), (range(5, 6), 9 * 60, 14 * 60)],
    ),
    (0.17, "", []),
]


def generate_week(
    patients: int,
    monday: date,
    seed: int,
    *,
    previous: RosterProblem | None = None,
    session_minutes: tuple[int, int] | None = None,
) -> RosterProblem:
    """A program of `patients` for the week of `monday`; with `previous`, the next week of it:
    10 % turnover and some taper steps, everyone else as before. With `session_minutes`
    (shortest, longest), each track's sessions of a day last a length in that range, in
    quarter hours; the patients are the same as without it."""
    rng = random.Random(seed)
    people = list(previous.patients) if previous else []
    if previous:
        rng.shuffle(people)
        people = people[: int(len(people) * 0.9)]
        people = [_next_week(p, rng, monday) for p in people]
    next_id = len(previous.patients) + 1000 if previous else 0
    while len(people) < patients:
        people.append(_new_patient(f"P{next_id:05d}", rng, monday))
        next_id += 1
    people.sort(key=lambda p: p.patient_id)
    sessions = _sessions_for(people, monday)
    if session_minutes is not None:
        # Its own random stream, so the patients do not depend on the option.
        sessions = _vary_lengths(sessions, session_minutes, random.Random(seed * 7919 + 1))
    return RosterProblem(monday, tuple(sessions), tuple(people))


def with_pins(problem: RosterProblem, pins: int, seed: int) -> RosterProblem:
    """`pins` placements of a greedy roster, pinned: together they keep every hard rule."""
    placements = sorted(
        greedy_roster(problem).placements, key=lambda p: (p.patient_id, p.day, p.session_id)
    )
    chosen = random.Random(seed).sample(placements, min(pins, len(placements)))
    return replace(problem, pins=tuple(sorted(chosen, key=lambda p: (p.patient_id, p.day))))


def same_week_later(problem: RosterProblem, weeks: int = 1) -> RosterProblem:
    """The same program `weeks` later: every date moved, nothing else changed."""
    shift = timedelta(days=7 * weeks)
    return replace(
        problem,
        week_monday=problem.week_monday + shift,
        sessions=tuple(replace(s, day=s.day + shift) for s in problem.sessions),
        patients=tuple(
            replace(
                p,
                available_from=p.available_from + shift,
                available_until=p.available_until + shift,
            )
            for p in problem.patients
        ),
        closed_days=tuple(replace(c, day=c.day + shift) for c in problem.closed_days),
        pins=tuple(replace(p, day=p.day + shift) for p in problem.pins),
        previous=(),
    )


def _vary_lengths(
    sessions: list[SessionOccurrence], bounds: tuple[int, int], rng: random.Random
) -> list[SessionOccurrence]:
    """Parallel rooms of a track and day keep one length: they stay interchangeable."""
    shortest, longest = bounds
    choices = list(range(shortest, longest + 1, 15))
    length: dict[tuple[str, date], int] = {}
    for session in sessions:
        length.setdefault((session.track, session.day), rng.choice(choices))
    return [replace(s, end_minute=s.start_minute + length[s.track, s.day]) for s in sessions]


def _new_patient(patient_id: str, rng: random.Random, monday: date) -> PatientWeek:
    label, blocks = _pick_hours(rng.random())
    busy = tuple(
        Busy(d * DAY + start, d * DAY + end, label) for days, start, end in blocks for d in days
    )
    required = rng.choice([3, 3, 3, 4, 4, 5])
    fits = [t for t in TRACKS if _fits(busy, t)]
    preferred = rng.choice(fits) if fits and rng.random() < 0.45 else None
    return PatientWeek(
        patient_id=patient_id,
        required_days=required,
        min_weekly_minutes=min(540, required * 180),
        available_from=monday,
        available_until=monday + timedelta(days=6),
        travel_minutes=rng.choice([15, 30, 30, 45]),
        busy=busy,
        preferred_track=preferred,
        hours_text=label,
        may_step_early=rng.random() < 0.1 and required > 3,
    )


def _pick_hours(share: float) -> tuple[str, list[tuple[range, int, int]]]:
    for weight, label, blocks in HOURS:
        share -= weight
        if share <= 0:
            return label, blocks
    return HOURS[-1][1], HOURS[-1][2]


def _next_week(patient: PatientWeek, rng: random.Random, monday: date) -> PatientWeek:
    required = patient.required_days - (1 if patient.may_step_early else 0)
    return PatientWeek(
        **{
            **patient.__dict__,
            "required_days": required,
            "min_weekly_minutes": min(540, required * 180),
            "available_from": monday,
            "available_until": monday + timedelta(days=6),
            "may_step_early": rng.random() < 0.1 and required > 3,
        }
    )


def _fits(busy: tuple[Busy, ...], track: str) -> bool:
    days, start, end = TRACKS[track]
    return any(
        not any(
            d * DAY + start * 60 - 30 < b.end and b.start < d * DAY + end * 60 + 30 for b in busy
        )
        for d in days
    )


def _sessions_for(people: list[PatientWeek], monday: date) -> list[SessionOccurrence]:
    """Rooms sized to demand: seats per track ≈ 110 % of the days its patients need there."""
    demand = dict.fromkeys(TRACKS, 0.0)
    for person in people:
        fits = [t for t in TRACKS if _fits(person.busy, t)]
        for track in fits:
            demand[track] += person.required_days / len(fits)
    sessions = []
    for track, (days, start, end) in TRACKS.items():
        per_day = demand[track] * 1.1 / len(days)
        rooms = max(1, round(per_day / 12))
        for d in days:
            for room in range(1, rooms + 1):
                sessions.append(
                    SessionOccurrence(
                        f"{track}-{d}-{room}",
                        monday + timedelta(days=d),
                        start * 60,
                        end * 60,
                        12,
                        3,
                        track,
                    )
                )
    return sessions
