"""A small program for referral scenarios: a few groups of few seats, a short taper."""

from __future__ import annotations

import json
from typing import Any

from scheduler.planning.referral_file import ReferralIn

PROGRAM = "intake-1"


def small_program(
    sessions: list[dict[str, Any]], patients: list[dict[str, Any]], **policy: int
) -> str:
    return json.dumps(
        {
            "format": "stepdown/program@1",
            "program": {
                "id": PROGRAM,
                "name": "Intake IOP",
                "timezone": "America/Chicago",
                "holidays": {"country": "US"},
                "policy": {
                    "min_weekly_hours": 3,
                    "min_days_per_week": 1,
                    "max_days_per_week": 3,
                    "min_program_weeks": 2,
                    "max_program_weeks": 4,
                    **policy,
                },
            },
            "sessions": sessions,
            "patients": patients,
        }
    )


def group(
    session_id: str, weekday: str, start: str, capacity: int, track: str = "evening"
) -> dict[str, Any]:
    hour = int(start[:2])
    return {
        "id": session_id,
        "name": f"{track} group",
        "weekday": weekday,
        "start": start,
        "end": f"{hour + 3:02d}:{start[3:]}",
        "capacity": capacity,
        "min_size": 1,
        "track": track,
    }


def works(days: list[str], start: str, end: str) -> dict[str, Any]:
    return {"kind": "work", "days": days, "start": start, "end": end}


def referral(referral_id: str, **fields: Any) -> ReferralIn:
    document: dict[str, Any] = {
        "id": referral_id,
        "name": f"Referred person {referral_id}",
        "planned_weeks": 2,
        "initial_days_per_week": 2,
        "earliest_start": "2026-11-30",
        "commitments": [],
        **fields,
    }
    return ReferralIn.model_validate_json(json.dumps(document))
