"""The README's HTTP quick start, as an operator would run it: `stepdown token create`, then
`stepdown serve` (a real uvicorn process on loopback), then plain HTTP calls."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from events.calendar import iso_week
from tests.e2e.conftest import PROGRAM, Server, program_starting_recently


def test_token_serve_and_first_calls(server: Server) -> None:
    base, token = server.base_url, server.tokens["coordinator"]
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=120) as http:
        assert http.get("/health").json() == {"status": "ok", "database": "ok"}
        assert http.get("/programs").status_code == 401
        today = date.today()
        imported = http.post(
            "/programs",
            content=program_starting_recently(today),
            headers={**auth, "Content-Type": "application/json"},
        )
        assert imported.status_code == 200, imported.text
        assert imported.json()["patients_enrolled"] == 30
        census = http.get(f"/programs/{PROGRAM}/patients", headers=auth).json()
        assert len(census) == 30
        week = iso_week(today + timedelta(days=7))
        generated = http.post(f"/programs/{PROGRAM}/rosters/{week}/generate", json={}, headers=auth)
        assert generated.status_code == 201, generated.text
        published = http.post(f"/programs/{PROGRAM}/rosters/{week}/publish", headers=auth)
        assert published.json() == {"version": 1}
        csv_bytes = http.get(f"/programs/{PROGRAM}/rosters/{week}/roster.csv", headers=auth)
        # A download opens with a byte-order mark, so spreadsheets read it as UTF-8.
        csv_text = csv_bytes.content.decode("utf-8")
        assert csv_text.startswith("\ufeffdate,start,end,session_id,track,patient_id,patient_name")
        # Attendance is recorded for seats of a published roster: last week's, already past.
        last_week = iso_week(today - timedelta(days=7))
        http.post(f"/programs/{PROGRAM}/rosters/{last_week}/generate", json={}, headers=auth)
        http.post(f"/programs/{PROGRAM}/rosters/{last_week}/publish", headers=auth)
        roster = http.get(f"/programs/{PROGRAM}/rosters/{last_week}", headers=auth).json()
        seat = next(s for s in roster["sessions"] if s["patient_ids"])
        patient_id = seat["patient_ids"][0]
        missed = http.post(
            f"/programs/{PROGRAM}/attendance",
            json={
                "patient_id": patient_id,
                "session_id": seat["session_id"],
                "date": seat["date"],
                "status": "missed",
                "reason": "flu",
            },
            headers=auth,
        )
        assert missed.status_code == 200, missed.text
        assert missed.json()["make_up"] is not None  # found, or the reason why not
        history = http.get(
            f"/programs/{PROGRAM}/patients/{patient_id}/history", headers=auth
        ).json()
        recorders = {entry["event"]: entry["recorded_by"] for entry in history}
        assert recorders["SessionMissed"] == "coordinator-e2e"
        assert recorders.keys() & {"MakeUpScheduled", "MakeUpUnavailable"}
        metrics = http.get("/metrics", headers=auth).text
        assert "stepdown_roster_solves_total" in metrics
