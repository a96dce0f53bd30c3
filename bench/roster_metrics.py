"""What the roster benchmark counts, computed from placements alone (never from the solver's
own statistics), so the solver and the greedy baseline are measured by the same rules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from solver import Placement, RosterProblem, RosterSolution
from solver.availability import candidate_slots
from solver.slots import group_slots

# A room is crowded past three quarters of its seats: every seat beyond that counts.
CROWDED_SHARE = 0.75


def forced_shortfall(problem: RosterProblem) -> int:
    """Days no roster could give: fewer days with a fitting session than required."""
    candidates = candidate_slots(problem, group_slots(problem))
    return sum(
        max(0, p.required_days - len({s.day for s in candidates[p.patient_id]}))
        for p in problem.patients
    )


def days_by_patient(placements: Iterable[Placement]) -> dict[str, set[date]]:
    days: dict[str, set[date]] = defaultdict(set)
    for placement in placements:
        days[placement.patient_id].add(placement.day)
    return days


def shortfall(problem: RosterProblem, placements: Iterable[Placement]) -> int:
    """Required days not scheduled, against the problem's own (true) targets."""
    days = days_by_patient(placements)
    return sum(max(0, p.required_days - len(days[p.patient_id])) for p in problem.patients)


def minutes_by_patient(problem: RosterProblem, placements: Iterable[Placement]) -> dict[str, int]:
    minutes_of = {s.session_id: s.minutes for s in problem.sessions}
    minutes: dict[str, int] = defaultdict(int)
    for placement in placements:
        minutes[placement.patient_id] += minutes_of[placement.session_id]
    return minutes


def tracks_by_patient(
    problem: RosterProblem, placements: Iterable[Placement]
) -> dict[str, set[str]]:
    track_of = {s.session_id: s.track for s in problem.sessions}
    tracks: dict[str, set[str]] = defaultdict(set)
    for placement in placements:
        tracks[placement.patient_id].add(track_of[placement.session_id])
    return tracks


def split_patients(problem: RosterProblem, placements: Iterable[Placement]) -> int:
    """Patients on more than one track in the week."""
    return sum(1 for tracks in tracks_by_patient(problem, placements).values() if len(tracks) > 1)


def extra_tracks(problem: RosterProblem, placements: Iterable[Placement]) -> int:
    """Tracks beyond the first, over all patients."""
    return sum(len(tracks) - 1 for tracks in tracks_by_patient(problem, placements).values())


def three_day_patients(problem: RosterProblem) -> set[str]:
    return {p.patient_id for p in problem.patients if p.required_days == 3}


def consecutive_triples(problem: RosterProblem, placements: Iterable[Placement]) -> int:
    """Three-day patients whose days are three consecutive days."""
    threes = three_day_patients(problem)
    count = 0
    for patient_id, days in days_by_patient(placements).items():
        if patient_id not in threes or len(days) != 3:
            continue
        indices = sorted(problem.day_index(d) for d in days)
        count += indices[2] - indices[0] == 2
    return count


def crowded_seats(problem: RosterProblem, placements: Iterable[Placement]) -> int:
    """Over the rooms actually used: seats filled beyond three quarters of the room."""
    capacity = {s.session_id: s.capacity for s in problem.sessions}
    size: dict[tuple[str, date], int] = defaultdict(int)
    for placement in placements:
        size[placement.session_id, placement.day] += 1
    return sum(
        max(0, filled - int(CROWDED_SHARE * capacity[session_id]))
        for (session_id, _), filled in size.items()
    )


@dataclass(frozen=True)
class Moves:
    """Last week's placements not kept this week, by what changed."""

    compared_patients: int
    last_week_placements: int
    kept: int
    weekday: int  # no session that weekday any more
    track: int  # a session that weekday, on another track
    room: int  # same weekday and track, another session (a parallel room)

    @property
    def total(self) -> int:
        return self.weekday + self.track + self.room


def moves(
    problem_before: RosterProblem,
    before: Iterable[Placement],
    problem_after: RosterProblem,
    after: Iterable[Placement],
    patients: set[str],
) -> Moves:
    """For each of `patients`, each week-1 (weekday, session) not kept in week 2."""
    track_of = {s.session_id: s.track for s in (*problem_before.sessions, *problem_after.sessions)}
    now = {(p.patient_id, p.day.weekday()): p.session_id for p in after}
    counts = {"kept": 0, "weekday": 0, "track": 0, "room": 0}
    total = 0
    for placement in before:
        if placement.patient_id not in patients:
            continue
        total += 1
        session_now = now.get((placement.patient_id, placement.day.weekday()))
        if session_now == placement.session_id:
            counts["kept"] += 1
        elif session_now is None:
            counts["weekday"] += 1
        elif track_of[session_now] != track_of[placement.session_id]:
            counts["track"] += 1
        else:
            counts["room"] += 1
    return Moves(len(patients), total, **counts)


def unchanged_patients(before: RosterProblem, after: RosterProblem) -> set[str]:
    """Patients in both weeks whose own data (target, floor, hours, travel, track) is the same."""

    def facts(problem: RosterProblem) -> dict[str, tuple[object, ...]]:
        return {
            p.patient_id: (
                p.required_days,
                p.min_weekly_minutes,
                p.travel_minutes,
                p.busy,
                p.preferred_track,
                (p.available_from - problem.week_monday, p.available_until - problem.week_monday),
            )
            for p in problem.patients
        }

    old, new = facts(before), facts(after)
    return {patient_id for patient_id, known in new.items() if old.get(patient_id) == known}


def tier_rows(solution: RosterSolution) -> list[dict[str, Any]]:
    """The solver's per-tier statistics, where the solver reports them (`stats.tiers`)."""
    return [
        {
            "name": str(getattr(tier, "name", "?")),
            "status": str(getattr(tier, "status", "?")),
            "objective": float(getattr(tier, "objective", float("nan"))),
            "bound": float(getattr(tier, "bound", float("nan"))),
            "gap": float(getattr(tier, "gap", float("nan"))),
        }
        for tier in getattr(solution.stats, "tiers", ())
    ]


def roster_figures(problem: RosterProblem, placements: tuple[Placement, ...]) -> dict[str, int]:
    """The figures every roster row reports, for the solver and the greedy baseline alike."""
    return {
        "placements": len(placements),
        "shortfall": shortfall(problem, placements),
        "crowded": crowded_seats(problem, placements),
        "splits": split_patients(problem, placements),
        "extra_tracks": extra_tracks(problem, placements),
        "triples": consecutive_triples(problem, placements),
    }
