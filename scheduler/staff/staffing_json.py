"""A roster week's staffing as the JSON the read model keeps, and back."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from events.staff.values import BookedAppointment, StaffedMeeting, StaffingGap, WeekStaffing


def staffing_json(staffing: WeekStaffing) -> str:
    return json.dumps(
        {
            "meetings": [
                [m.session_id, m.session_date.isoformat(), list(m.facilitator_ids)]
                for m in staffing.meetings
            ],
            "appointments": [
                [
                    a.patient_id,
                    a.kind,
                    a.staff_id,
                    a.session_date.isoformat(),
                    f"{a.start:%H:%M}",
                    f"{a.end:%H:%M}",
                    a.next_to_group,
                ]
                for a in staffing.appointments
            ],
            "gaps": [
                {
                    "kind": g.kind,
                    "reason": g.reason,
                    "session_id": g.session_id,
                    "session_date": g.session_date.isoformat() if g.session_date else None,
                    "patient_id": g.patient_id,
                }
                for g in staffing.gaps
            ],
            "solver": {
                "status": staffing.status,
                "objective": staffing.objective,
                "best_bound": staffing.best_bound,
                "wall_time_s": staffing.wall_time_s,
            },
        },
        separators=(",", ":"),
    )


def staffing_of(text: str) -> WeekStaffing:
    data: dict[str, Any] = json.loads(text)
    return WeekStaffing(
        meetings=tuple(
            StaffedMeeting(session_id, date.fromisoformat(day), tuple(ids))
            for session_id, day, ids in data["meetings"]
        ),
        appointments=tuple(
            BookedAppointment(
                patient_id,
                kind,
                staff_id,
                date.fromisoformat(day),
                time.fromisoformat(start),
                time.fromisoformat(end),
                bool(next_to_group),
            )
            for patient_id, kind, staff_id, day, start, end, next_to_group in data["appointments"]
        ),
        gaps=tuple(
            StaffingGap(
                kind=g["kind"],
                reason=g["reason"],
                session_id=g["session_id"],
                session_date=date.fromisoformat(g["session_date"]) if g["session_date"] else None,
                patient_id=g["patient_id"],
            )
            for g in data["gaps"]
        ),
        **data.get("solver", {}),
    )
