"""The Roster contract (JSON from the API and `--format json`), from the roster read model."""

from __future__ import annotations

from typing import Any

from events.calendar import week_monday
from events.errors import NotFoundError
from scheduler.service import Stepdown


def roster_document(stepdown: Stepdown, program_id: str, week: str) -> dict[str, Any]:
    week_monday(week)
    with stepdown.views.transaction(commit=False) as cursor:
        rosters = cursor.query(
            "SELECT * FROM view_rosters WHERE program_id = ? AND week = ?", (program_id, week)
        )
        if not rosters or rosters[0]["version"] == 0:
            raise NotFoundError(f"roster: no roster generated for {program_id} {week}")
        roster = rosters[0]
        roster_id = roster["roster_id"]
        sessions = cursor.query(
            "SELECT * FROM view_roster_sessions WHERE roster_id = ? "
            "ORDER BY session_date, start_time, session_id",
            (roster_id,),
        )
        assignments = cursor.query(
            "SELECT * FROM view_roster_assignments WHERE roster_id = ? ORDER BY patient_id",
            (roster_id,),
        )
        patients = cursor.query(
            "SELECT * FROM view_roster_patients WHERE roster_id = ? ORDER BY patient_id",
            (roster_id,),
        )
    by_session: dict[tuple[str, str], list[str]] = {}
    by_patient: dict[str, list[dict[str, str]]] = {}
    for a in assignments:
        by_session.setdefault((a["session_id"], a["session_date"]), []).append(a["patient_id"])
        by_patient.setdefault(a["patient_id"], []).append(
            {"session_id": a["session_id"], "date": a["session_date"]}
        )
    return {
        "program_id": program_id,
        "week": week,
        "version": roster["version"],
        "status": roster["status"],
        "sessions": [
            {
                "session_id": s["session_id"],
                "date": s["session_date"],
                "start": s["start_time"],
                "end": s["end_time"],
                "track": s["track"],
                "patient_ids": by_session.get((s["session_id"], s["session_date"]), []),
            }
            for s in sessions
        ],
        "patients": [
            {
                "patient_id": p["patient_id"],
                "program_week": p["program_week"],
                "required_days": p["required_days"],
                "scheduled_days": p["scheduled_days"],
                "scheduled_hours": round(p["scheduled_minutes"] / 60, 2),
                "session_ids": sorted(
                    by_patient.get(p["patient_id"], []), key=lambda s: (s["date"], s["session_id"])
                ),
                "stepped_early": bool(p["stepped_early"]),
                "unmet_reason": p["unmet_reason"],
                "unmet_kind": p["unmet_kind"],
            }
            for p in patients
        ],
        "solver": {
            "status": roster["solver_status"],
            "objective": roster["objective"],
            "best_bound": roster["best_bound"],
            "gap": roster["gap"],
            "wall_time_s": roster["wall_time_s"],
        },
    }
