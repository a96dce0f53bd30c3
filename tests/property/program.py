"""A small program for life-long property runs: two tracks, a Saturday group, nine patients.

Small enough that a roster solves in a fraction of a second, rich enough for every rule to bite:
groups of 2–4, evening-only workers, childcare hours, an overnight shift, plans of 8–12 weeks
starting before, at and after the run's first week, and US holidays (Thanksgiving, Christmas,
New Year) inside the 14+ weeks the clock walks through.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

PROGRAM_ID = "life-101"
FIRST_MONDAY = date(2026, 11, 16)

SESSIONS: list[dict[str, Any]] = [
    {"id": f"{day.lower()}-day", "weekday": day, "start": "09:00", "end": "12:00", "track": "day"}
    for day in ("MON", "TUE", "WED", "THU", "FRI")
] + [
    {
        "id": f"{day.lower()}-eve",
        "weekday": day,
        "start": "18:00",
        "end": "21:00",
        "track": "evening",
    }
    for day in ("MON", "TUE", "THU")
]
SESSIONS.append(
    {"id": "sat-am", "weekday": "SAT", "start": "10:00", "end": "13:00", "track": "evening"}
)

WORK = {
    "kind": "work",
    "days": ["MON", "TUE", "WED", "THU", "FRI"],
    "start": "08:00",
    "end": "16:30",
}
CHILDCARE = {
    "kind": "childcare",
    "days": ["MON", "TUE", "WED", "THU", "FRI"],
    "start": "15:00",
    "end": "19:00",
}
NIGHT_SHIFT = {"kind": "work", "days": ["MON", "WED"], "start": "22:00", "end": "06:00"}
SCHOOL = {"kind": "school", "days": ["TUE", "THU"], "start": "08:00", "end": "12:30"}

# (start offset in days from FIRST_MONDAY, planned weeks, initial days, commitments)
PATIENTS: list[tuple[int, int, int, list[dict[str, Any]]]] = [
    (-42, 8, 4, [WORK]),
    (-21, 8, 3, []),
    (-14, 10, 5, [CHILDCARE]),
    (0, 12, 4, [NIGHT_SHIFT]),
    (2, 8, 3, [SCHOOL]),
    (7, 9, 3, [WORK]),
    (-35, 8, 5, []),
    (16, 10, 4, [CHILDCARE, SCHOOL]),
    (-7, 12, 3, [NIGHT_SHIFT, SCHOOL]),
]


def patient_document(index: int, commitments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    offset, weeks, days, usual = PATIENTS[index]
    return {
        "id": f"L{index + 1:03d}",
        "name": f"Life Patient {index + 1}",
        "start_date": (FIRST_MONDAY + timedelta(days=offset)).isoformat(),
        "planned_weeks": weeks,
        "initial_days_per_week": days,
        "travel_minutes": 30,
        "commitments": usual if commitments is None else commitments,
    }


# Three staff: a day counsellor, an evening counsellor and a Saturday one; caseloads of 3.
STAFF: list[dict[str, Any]] = [
    {
        "id": staff_id,
        "name": f"Life Staff {staff_id}",
        "role": "licensed counsellor",
        "credentials": ["licensed_counsellor"],
        "availability": [{"weekday": day, "start": start, "end": end} for day in days],
        "max_hours_per_week": 20,
        "caseload_cap": 3,
    }
    for staff_id, days, start, end in (
        ("st-day", ("MON", "TUE", "WED", "THU", "FRI"), "08:00", "13:00"),
        ("st-eve", ("MON", "TUE", "THU"), "17:00", "22:00"),
        ("st-sat", ("SAT",), "09:00", "14:00"),
    )
]


def facilitator_of(session: dict[str, Any]) -> str:
    if session["weekday"] == "SAT":
        return "st-sat"
    return "st-day" if session["track"] == "day" else "st-eve"


def program_file(patient_count: int, *, changed: frozenset[int] = frozenset()) -> str:
    """The import file with the first `patient_count` patients; `changed` ones drop childcare."""
    return json.dumps(
        {
            "format": "stepdown/program@2",
            "program": {
                "id": PROGRAM_ID,
                "name": "Life-long property program",
                "timezone": "America/Chicago",
                "holidays": {"country": "US"},
                "closures": [],
                "policy": {
                    "min_weekly_hours": 9,
                    "min_days_per_week": 3,
                    "max_days_per_week": 5,
                    "min_program_weeks": 8,
                    "max_program_weeks": 12,
                    "travel_buffer_minutes": 30,
                },
            },
            "sessions": [
                {
                    **session,
                    "name": f"{session['track']} group",
                    "capacity": 4,
                    "min_size": 2,
                    "modality": "virtual" if session["weekday"] == "SAT" else "in_person",
                    "facilitators": [facilitator_of(session)],
                    "credentials": ["licensed_counsellor"],
                }
                for session in SESSIONS
            ],
            "staff": STAFF,
            "rooms": [],
            "patients": [
                patient_document(index, [] if index in changed else None)
                for index in range(patient_count)
            ],
        }
    )
