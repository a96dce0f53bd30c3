"""Staffed rows of `bench/roster.py`: a generated program with staff, rooms and weekly individual
sessions, through the real `stepdown` script; then one counsellor's absence re-solved.

25 staff for 400 patients: 20 licensed counsellors (caseloads of 24, on day, middle and evening
shifts) and 5 peer specialists (who may co-facilitate but not lead); a second facilitator above
10 patients; an individual session every week. Family sessions are left out here: everyone
starts in the same week, so a monthly family session would fall due for all 400 at once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from program_generator import generate_week
from roster_metrics import forced_shortfall, roster_figures
from week_program import WEEKDAYS, program_document

from solver import Placement, RosterProblem

LICENSED = "licensed_counsellor"
PEER = "peer_specialist"
EVENING = ("12:30", "21:30")
SATURDAY = {"weekday": "SAT", "start": "08:00", "end": "13:00"}
# (count, credential, weekday windows): the 25 staff, shaped to the generated week's meetings
# (two day groups and one afternoon group a weekday, eight evening rooms and eight on Saturday).
SHIFTS: tuple[tuple[int, str, tuple[dict[str, str], ...]], ...] = (
    (4, LICENSED, tuple({"weekday": d, "start": "08:00", "end": "17:00"} for d in WEEKDAYS[:5])),
    (
        9,
        LICENSED,
        tuple({"weekday": d, "start": EVENING[0], "end": EVENING[1]} for d in WEEKDAYS[:5]),
    ),
    (
        9,
        LICENSED,
        (
            *({"weekday": d, "start": EVENING[0], "end": EVENING[1]} for d in WEEKDAYS[1:5]),
            SATURDAY,
        ),
    ),
    (
        3,
        PEER,
        (
            *({"weekday": d, "start": EVENING[0], "end": EVENING[1]} for d in WEEKDAYS[:4]),
            SATURDAY,
        ),
    ),
)
# A clinic with eight group rooms: the generator opens as many rooms as demand asks (65 on
# Saturday at 400 patients), which no staff of 25 could lead.
ROOMS = 8
SECOND_ABOVE = 10


def staff_records() -> list[dict[str, Any]]:
    records = []
    for count, credential, windows in SHIFTS:
        for _ in range(count):
            number = len(records) + 1
            records.append(
                {
                    "id": f"s{number:02d}",
                    "name": f"Staff {number:02d}",
                    "role": credential.replace("_", " "),
                    "credentials": [credential],
                    "availability": list(windows),
                    "max_hours_per_week": 40,
                    "caseload_cap": 24 if credential == LICENSED else 0,
                }
            )
    return records


def with_rooms_of_the_clinic(problem: RosterProblem) -> RosterProblem:
    return replace(
        problem,
        sessions=tuple(s for s in problem.sessions if int(s.session_id.rsplit("-", 1)[1]) <= ROOMS),
    )


def staffed_document(problem: RosterProblem) -> dict[str, Any]:
    """The generated week as a `stepdown/program@2` file: each meeting's usual lead is a
    licensed counsellor whose shift covers it (never one in two places), rooms per time slot."""
    document = program_document(problem, "bench-staffed")
    staff = staff_records()
    document["format"] = "stepdown/program@2"
    document["program"]["policy"] = {
        "second_facilitator_above": SECOND_ABOVE,
        "individual_session_every_weeks": 1,
    }
    busy: dict[str, list[tuple[str, str, str]]] = {s["id"]: [] for s in staff}
    rooms = 0
    for session in document["sessions"]:
        room = int(session["id"].rsplit("-", 1)[1])
        rooms = max(rooms, room)
        session |= {"modality": "in_person", "room": f"room-{room}", "credentials": [LICENSED]}
        lead = _free_lead(staff, busy, session)
        session["facilitators"] = [] if lead is None else [lead]
    document["staff"] = staff
    document["rooms"] = [{"id": f"room-{n}", "capacity": 12} for n in range(1, rooms + 1)]
    return document


def _free_lead(
    staff: list[dict[str, Any]],
    busy: dict[str, list[tuple[str, str, str]]],
    session: dict[str, Any],
) -> str | None:
    day, start, end = session["weekday"], session["start"], session["end"]
    able = [
        s
        for s in staff
        if LICENSED in s["credentials"]
        and any(
            w["weekday"] == day and w["start"] <= start and end <= w["end"]
            for w in s["availability"]
        )
        and not any(d == day and b < end and start < e for d, b, e in busy[s["id"]])
    ]
    if not able:
        return None
    # The least busy first, so the usual leads spread over the counsellors.
    chosen = min(able, key=lambda s: (len(busy[s["id"]]), s["id"]))
    busy[chosen["id"]].append((day, start, end))
    return str(chosen["id"])


def staffed_row(spec: Any, monday: date, run_measured: Any, stepdown: Path) -> dict[str, Any]:
    problem = with_rooms_of_the_clinic(generate_week(spec.patients, monday, spec.seed))
    week = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        (folder / "program.json").write_text(json.dumps(staffed_document(problem)))
        env = _environment(folder, monday)
        import_s, _, _ = run_measured([str(stepdown), "import", "program.json"], env, folder)
        generate = [
            str(stepdown), "roster", "generate", "--week", week,
            "--time-limit", f"{spec.time_limit_s:g}",
        ]  # fmt: skip
        generate_s, generate_mb, _ = run_measured(generate, env, folder)
        document = _shown(run_measured, stepdown, env, folder, week)
        staffing = _staffing(folder)
        run_measured([str(stepdown), "roster", "publish", "--week", week], env, folder)
        absent, tuesday = _busiest_on_tuesday(staffing, monday)
        before = _seats(document)
        absence = [
            str(stepdown), "staff", "absent", "--program", "bench-staffed", "--staff", absent,
            "--from", tuesday.isoformat(), "--reason", "ill",
        ]  # fmt: skip
        absence_s, _, printed = run_measured(absence, env, folder)
        after_doc = _shown(run_measured, stepdown, env, folder, week, version="published")
        after = _seats(after_doc)
        after_staffing = _staffing(folder, published=True)
    placements = tuple(
        Placement(patient_id, session_id, day) for patient_id, session_id, day in before
    )
    solver = document["solver"]
    cancelled = {
        (g["session_id"], g["session_date"])
        for g in after_staffing["gaps"]
        if g["kind"] == "not_running" and g["session_date"] == tuesday.isoformat()
    }
    must_move = {p for p, s, d in before if (s, d.isoformat()) in cancelled}
    moved = {p for p, *_ in before ^ after}
    appointments = staffing["appointments"]
    return {
        "status": solver["status"],
        "returned": bool(placements),
        "wall_s": generate_s,
        "import_s": import_s,
        "peak_mb": generate_mb,
        "solver_wall_s": solver["wall_time_s"],
        "objective": solver["objective"],
        "bound": solver["best_bound"],
        "gap": solver["gap"],
        "forced": forced_shortfall(problem),
        "tiers": list(solver.get("tiers", [])),
        "staffing_status": staffing["solver"]["status"],
        "staffing_objective": staffing["solver"]["objective"],
        "staffing_bound": staffing["solver"]["best_bound"],
        "staffing_s": staffing["solver"]["wall_time_s"],
        "meetings_staffed": len(staffing["meetings"]),
        "second_facilitators": sum(len(m[2]) > 1 for m in staffing["meetings"]),
        "individual_due": spec.patients,
        "individual_booked": len(appointments),
        "next_to_group": sum(bool(a[6]) for a in appointments),
        "staffing_gaps": dict(Counter(g["kind"] for g in staffing["gaps"])),
        "double_booked": _double_booked(staffing, problem),
        "absent": absent,
        "absence_s": absence_s,
        "absence_lines": len(printed.strip().splitlines()),
        "covered_or_cancelled": printed.count("now led by") + printed.count("called off"),
        "cancelled": len(cancelled),
        "must_move": len(must_move),
        "moved": len(moved),
        **roster_figures(problem, placements),
    }


def _environment(folder: Path, monday: date) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("STEPDOWN_")} | {
        "STEPDOWN_DATABASE_URL": f"sqlite:///{folder / 'stepdown.db'}",
        "STEPDOWN_NOW": f"{monday - timedelta(days=7)}T08:00:00-06:00",
        "STEPDOWN_ACTOR": "bench",
    }


def _shown(
    run_measured: Any, stepdown: Path, env: dict[str, str], folder: Path, week: str,
    version: str = "latest",
) -> dict[str, Any]:  # fmt: skip
    show = [str(stepdown), "roster", "show", "--week", week, "--format", "json"]
    _, _, shown = run_measured([*show, "--version", version], env, folder)
    result: dict[str, Any] = json.loads(shown)
    return result


def _seats(document: dict[str, Any]) -> set[tuple[str, str, date]]:
    return {
        (p["patient_id"], seat["session_id"], date.fromisoformat(seat["date"]))
        for p in document["patients"]
        for seat in p["session_ids"]
    }


def _staffing(folder: Path, *, published: bool = False) -> dict[str, Any]:
    with sqlite3.connect(folder / "stepdown.db") as connection:
        row = connection.execute(
            "SELECT staffing FROM view_roster_staffing WHERE published = ?", (int(published),)
        ).fetchone()
    result: dict[str, Any] = json.loads(row[0])
    return result


def _busiest_on_tuesday(staffing: dict[str, Any], monday: date) -> tuple[str, date]:
    tuesday = monday + timedelta(days=1)
    counts = Counter(
        staff_id
        for _, day, facilitators in staffing["meetings"]
        if day == tuesday.isoformat()
        for staff_id in facilitators
    )
    return counts.most_common(1)[0][0], tuesday


def _double_booked(staffing: dict[str, Any], problem: RosterProblem) -> int:
    """Overlapping commitments of one staff member (meetings and appointments): 0 expected."""
    spans = {
        (s.session_id, s.day.isoformat()): (s.start_minute, s.end_minute) for s in problem.sessions
    }
    by_staff: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for session_id, day, facilitators in staffing["meetings"]:
        for staff_id in facilitators:
            by_staff.setdefault((staff_id, day), []).append(spans[(session_id, day)])
    for _, _, staff_id, day, start, end, _ in staffing["appointments"]:
        by_staff.setdefault((staff_id, day), []).append((_minutes(start), _minutes(end)))
    clashes = 0
    for intervals in by_staff.values():
        latest_end = -1
        for start, end in sorted(intervals):
            clashes += start < latest_end
            latest_end = max(latest_end, end)
    return clashes


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
