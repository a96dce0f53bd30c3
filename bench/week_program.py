"""A generated roster week as a `stepdown/program@1` import file, for benchmarks through the CLI.

Every patient starts on the week's Monday (program week 1), so the taper target that week is
`initial_days_per_week` = the generated `required_days`; sessions recur weekly by weekday; each
patient's busy stretches become weekly commitments (an overnight one ends "before" it starts).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from solver import Busy, PatientWeek, RosterProblem

DAY = 24 * 60
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
KINDS = ("work", "school", "childcare")


def program_document(problem: RosterProblem, program_id: str = "bench-program") -> dict[str, Any]:
    return {
        "format": "stepdown/program@1",
        "program": {
            "id": program_id,
            "name": f"Benchmark program, {len(problem.patients)} patients",
            "timezone": "America/Chicago",
            "holidays": {"country": "US"},
            "closures": [],
        },
        "sessions": _sessions(problem),
        "patients": [_patient(problem, p) for p in problem.patients],
    }


def _sessions(problem: RosterProblem) -> list[dict[str, Any]]:
    """One weekly session per generated occurrence: the generator names them track-day-room."""
    return [
        {
            "id": session.session_id,
            "name": f"{session.track.capitalize()} group",
            "weekday": WEEKDAYS[session.day.weekday()],
            "start": _hhmm(session.start_minute),
            "end": _hhmm(session.end_minute),
            "capacity": session.capacity,
            "min_size": session.min_size,
            "track": session.track,
        }
        for session in problem.sessions
    ]


def _patient(problem: RosterProblem, patient: PatientWeek) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": patient.patient_id,
        "name": f"Patient {patient.patient_id}",
        "start_date": problem.week_monday.isoformat(),
        "planned_weeks": 8,
        "initial_days_per_week": patient.required_days,
        "travel_minutes": patient.travel_minutes,
        "commitments": _commitments(patient.busy, patient.hours_text),
    }
    if patient.preferred_track is not None:
        document["preferred_track"] = patient.preferred_track
    return document


def _commitments(busy: tuple[Busy, ...], label: str) -> list[dict[str, Any]]:
    """Busy stretches with the same hours on several days become one commitment."""
    kind = next((k for k in KINDS if label.startswith(k)), "other")
    days_of: dict[tuple[int, int], list[str]] = defaultdict(list)
    for stretch in busy:
        day, start = divmod(stretch.start, DAY)
        days_of[start, start + stretch.end - stretch.start].append(WEEKDAYS[day % 7])
    return [
        {"kind": kind, "days": days, "start": _hhmm(start), "end": _end_hhmm(end)}
        for (start, end), days in days_of.items()
    ]


def _hhmm(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


def _end_hhmm(minute: int) -> str:
    return "24:00" if minute == DAY else _hhmm(minute)
