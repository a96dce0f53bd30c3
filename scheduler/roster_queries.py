"""The Roster contract (JSON from the API and `--format json`), from the roster read model."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from events.calendar import iso_week, plan_last_day, week_monday
from events.errors import InvalidRequestError, NotFoundError
from events.staff.values import WeekStaffing
from scheduler.projections.store import ViewCursor
from scheduler.queries import census_entry
from scheduler.service import Stepdown
from scheduler.staff.meetings import MeetingStaffing, meeting_staffing, week_staffing
from scheduler.staff.queries import staff_names

EDITIONS = ("latest", "published", "draft")


def roster_document(
    stepdown: Stepdown, program_id: str, week: str, *, version: str = "latest"
) -> dict[str, Any]:
    """The week's roster: its latest version, the published one, or the draft waiting on it."""
    week_monday(week)
    if version not in EDITIONS:
        raise InvalidRequestError(f"version: {version!r} is not one of {', '.join(EDITIONS)}")
    with stepdown.views.transaction(commit=False) as cursor:
        rosters = cursor.query(
            "SELECT * FROM view_rosters WHERE program_id = ? AND week = ?", (program_id, week)
        )
        if not rosters or rosters[0]["version"] == 0:
            raise NotFoundError(f"roster: no roster generated for {program_id} {week}")
        roster = dict(rosters[0])
        roster_id = roster["roster_id"]
        prefix = "view_roster"
        if version == "published":
            published = cursor.query(
                "SELECT * FROM view_roster_published WHERE roster_id = ?", (roster_id,)
            )
            if not published:
                raise NotFoundError(f"roster: {program_id} {week} has no published version")
            roster.update(published[0], status="published")
            prefix = "view_roster_published"
        elif version == "draft" and roster["status"] != "draft":
            raise NotFoundError(
                f"roster: {program_id} {week} has no draft waiting; "
                f"version {roster['version']} is published"
            )
        sessions = cursor.query(
            f"SELECT * FROM {prefix}_sessions WHERE roster_id = ? "
            "ORDER BY session_date, start_time, session_id",
            (roster_id,),
        )
        assignments = cursor.query(
            f"SELECT * FROM {prefix}_assignments WHERE roster_id = ? ORDER BY patient_id",
            (roster_id,),
        )
        patients = cursor.query(
            f"SELECT * FROM {prefix}_patients WHERE roster_id = ? ORDER BY patient_id",
            (roster_id,),
        )
        dropped = _dropped_pins(cursor, roster_id, latest_generated=True)
        tiers = _tiers(cursor, roster_id, roster["version"])
        edition = "published" if version == "published" else "latest"
        staffing = meeting_staffing(cursor, program_id, week_monday(week), version=edition)
        solved = week_staffing(cursor, program_id, week_monday(week), version=edition)
        names = staff_names(cursor, program_id)
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
                **_staffing_fields(
                    staffing.get((s["session_id"], date.fromisoformat(s["session_date"]))), names
                ),
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
            "tiers": tiers,
        },
        # Pins a later change broke, dropped (with the reason) when this version was generated.
        "dropped_pins": [_dropped_pin(row) for row in dropped],
        **_appointments_and_gaps(solved, names),
    }


def _appointments_and_gaps(solved: WeekStaffing | None, names: dict[str, str]) -> dict[str, Any]:
    """The individual and family sessions booked, what staffing could not do and why, and the
    staffing solve's figures; empty before a staffed week is solved."""
    if solved is None:
        return {"appointments": [], "staffing_gaps": [], "staffing_solver": None}
    return {
        "appointments": [
            {
                "patient_id": a.patient_id,
                "kind": a.kind,
                "staff_id": a.staff_id,
                "staff_name": names.get(a.staff_id, a.staff_id),
                "date": a.session_date.isoformat(),
                "start": f"{a.start:%H:%M}",
                "end": f"{a.end:%H:%M}",
                "next_to_group": a.next_to_group,
            }
            for a in solved.appointments
        ],
        "staffing_gaps": [
            {
                "kind": g.kind,
                "reason": g.reason,
                "session_id": g.session_id,
                "date": g.session_date.isoformat() if g.session_date else None,
                "patient_id": g.patient_id,
            }
            for g in solved.gaps
        ],
        "staffing_solver": {
            "status": solved.status,
            "objective": solved.objective,
            "best_bound": solved.best_bound,
            "wall_time_s": solved.wall_time_s,
        },
    }


def _staffing_fields(meeting: MeetingStaffing | None, names: dict[str, str]) -> dict[str, Any]:
    """Modality, room and facilitators of one meeting; empty where the program has no staff data."""
    if meeting is None:
        return {"modality": None, "room_id": None, "facilitators": []}
    return {
        "modality": meeting.modality,
        "room_id": meeting.room_id,
        "facilitators": [
            {"staff_id": staff_id, "name": names.get(staff_id, staff_id)}
            for staff_id in meeting.facilitator_ids
        ],
    }


def _tiers(cursor: ViewCursor, roster_id: str, version: int) -> list[dict[str, Any]]:
    """The solver's statistics per tier for the version shown: those of the generate it comes
    from (an amendment keeps its generate's statistics)."""
    rows = cursor.query(
        "SELECT name, status, objective, bound, gap FROM view_roster_tiers "
        "WHERE roster_id = ? AND version = (SELECT MAX(version) FROM view_roster_tiers "
        "WHERE roster_id = ? AND version <= ?) ORDER BY position",
        (roster_id, roster_id, version),
    )
    return [dict(row) for row in rows]


def _dropped_pins(cursor: ViewCursor, roster_id: str, *, latest_generated: bool) -> list[Any]:
    latest = (
        " AND version = (SELECT MAX(version) FROM view_roster_versions "
        "WHERE roster_id = ? AND change = 'generated')"
        if latest_generated
        else ""
    )
    return cursor.query(
        f"SELECT * FROM view_roster_dropped_pins WHERE roster_id = ?{latest} "
        "ORDER BY version, session_date, patient_id, session_id",
        (roster_id, roster_id) if latest_generated else (roster_id,),
    )


def _dropped_pin(row: Any) -> dict[str, str]:
    return {
        "patient_id": row["patient_id"],
        "session_id": row["session_id"],
        "date": row["session_date"],
        "reason": row["reason"],
    }


def roster_versions(stepdown: Stepdown, program_id: str, week: str) -> list[dict[str, Any]]:
    """Every version of the week's roster, oldest first: generated or amended, by whom, published."""
    week_monday(week)
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT v.*, w.reason FROM view_roster_versions v "
            "JOIN view_rosters r ON r.roster_id = v.roster_id LEFT JOIN view_roster_reasons w "
            "ON w.roster_id = v.roster_id AND w.version = v.version "
            "WHERE r.program_id = ? AND r.week = ? ORDER BY v.version",
            (program_id, week),
        )
        dropped: dict[int, list[dict[str, str]]] = {}
        if rows:
            for pin in _dropped_pins(cursor, rows[0]["roster_id"], latest_generated=False):
                dropped.setdefault(pin["version"], []).append(_dropped_pin(pin))
    if not rows:
        raise NotFoundError(f"roster: no roster generated for {program_id} {week}")
    return [
        {
            "version": row["version"],
            "change": row["change"],
            "recorded_by": row["recorded_by"],
            "recorded_at": row["recorded_at"],
            "solver_status": row["solver_status"],
            "seats_added": row["seats_added"],
            "seats_removed": row["seats_removed"],
            "published": bool(row["published"]),
            "reason": None if row["reason"] is None else cursor.unseal(row["reason"]),
            "dropped_pins": dropped.get(row["version"], []),
        }
        for row in rows
    ]


@dataclass(frozen=True)
class SignInSheet:
    """Who is seated in one meeting of a session, for the printed sign-in sheet."""

    program_name: str
    session_id: str
    session_name: str
    session_date: date
    start: str
    end: str
    roster_version: int
    roster_status: str
    patients: tuple[tuple[str, str], ...]  # (patient id, name)
    modality: str | None = None  # a Modality value; None where the program has no staff data
    room_id: str | None = None
    facilitators: tuple[str, ...] = ()  # names


def patient_names(stepdown: Stepdown, program_id: str) -> dict[str, str]:
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT patient_id, name FROM view_census WHERE program_id = ?", (program_id,)
        )
    return {row["patient_id"]: cursor.unseal(row["name"]) for row in rows}


def sign_in_sheet(
    stepdown: Stepdown, program_id: str, session_id: str, session_date: date
) -> SignInSheet:
    week = iso_week(session_date)
    try:
        # Those told to come: the published version, while a newer draft waits too.
        document = roster_document(stepdown, program_id, week, version="published")
    except NotFoundError:
        document = roster_document(stepdown, program_id, week)
    meeting = next(
        (
            s
            for s in document["sessions"]
            if s["session_id"] == session_id and s["date"] == session_date.isoformat()
        ),
        None,
    )
    if meeting is None:
        raise NotFoundError(
            f"session: {session_id!r} does not meet on {session_date} in the "
            f"{program_id} {document['week']} roster"
        )
    names = patient_names(stepdown, program_id)
    with stepdown.views.transaction(commit=False) as cursor:
        program = cursor.query(
            "SELECT name FROM view_programs WHERE program_id = ?", (program_id,)
        )[0]
        sessions = cursor.query(
            "SELECT document FROM view_directory_sessions WHERE program_id = ? AND session_id = ?",
            (program_id, session_id),
        )
    session_name = json.loads(sessions[0]["document"])["name"] if sessions else session_id
    return SignInSheet(
        program_name=program["name"],
        session_id=session_id,
        session_name=session_name,
        session_date=session_date,
        start=meeting["start"],
        end=meeting["end"],
        roster_version=document["version"],
        roster_status=document["status"],
        patients=tuple(
            sorted(((p, names.get(p, p)) for p in meeting["patient_ids"]), key=lambda p: p[1])
        ),
        modality=meeting["modality"],
        room_id=meeting["room_id"],
        facilitators=tuple(f["name"] for f in meeting["facilitators"]),
    )


def published_weeks_without_seats(
    stepdown: Stepdown, program_id: str, patient_id: str, since: date
) -> list[str]:
    """Published weeks reaching `since` or later in which the patient holds no seat from then
    on: a patient back from a pause is seated again only when such a week is regenerated."""
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT r.week FROM view_rosters r JOIN view_roster_published p "
            "ON p.roster_id = r.roster_id WHERE r.program_id = ? AND NOT EXISTS ("
            "SELECT 1 FROM view_roster_published_assignments a WHERE a.roster_id = r.roster_id "
            "AND a.patient_id = ? AND a.session_date >= ?) ORDER BY r.week",
            (program_id, patient_id, since.isoformat()),
        )
    entry = census_entry(stepdown, program_id, patient_id)
    plan_end = plan_last_day(entry.start_date, entry.plan_weeks)
    return [
        str(row["week"])
        for row in rows
        if week_monday(row["week"]) + timedelta(days=6) >= since
        and week_monday(row["week"]) <= plan_end
    ]
