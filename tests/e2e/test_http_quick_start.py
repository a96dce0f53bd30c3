"""The README's HTTP quick start, as an operator would run it: `stepdown token create`, then
`stepdown serve` (a real uvicorn process on loopback), then plain HTTP calls."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from events.calendar import iso_week
from tests.conftest import SCENARIOS

STEPDOWN = Path(sys.executable).parent / "stepdown"
PROGRAM = "standard-101"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def program_starting_recently(today: date) -> str:
    """The sample program with every enrolment started two weeks ago, so the test means the
    same whatever day it runs."""
    document = json.loads((SCENARIOS / "sample.json").read_text(encoding="utf-8"))
    for patient in document["patients"]:
        patient["start_date"] = (today - timedelta(days=14)).isoformat()
    return json.dumps(document)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    env = {**os.environ, "STEPDOWN_DATABASE_URL": f"sqlite:///{tmp_path}/stepdown.db"}
    created = subprocess.run(
        [str(STEPDOWN), "token", "create", "--subject", "alice", "--role", "coordinator"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    token = created.stdout.strip()
    port = free_port()
    process = subprocess.Popen(
        [str(STEPDOWN), "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, process.kill)  # a server that never starts fails the test
    watchdog.start()
    assert process.stderr is not None
    for line in process.stderr:
        if "Application startup complete" in line:
            break
    watchdog.cancel()
    assert process.poll() is None, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}", token, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_token_serve_and_first_calls(server: tuple[str, str, Path]) -> None:
    base, token, _ = server
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
        csv_text = http.get(f"/programs/{PROGRAM}/rosters/{week}/roster.csv", headers=auth).text
        assert csv_text.startswith("date,start,end,session_id,track,patient_id,patient_name")
        last_monday = today - timedelta(days=today.weekday() or 7)
        missed = http.post(
            f"/programs/{PROGRAM}/attendance",
            json={
                "patient_id": "P0001",
                "session_id": "mon-evening-1",
                "date": last_monday.isoformat(),
                "status": "missed",
                "reason": "flu",
            },
            headers=auth,
        )
        assert missed.status_code == 200, missed.text
        assert missed.json()["make_up"] is not None  # found, or the reason why not
        history = http.get(f"/programs/{PROGRAM}/patients/P0001/history", headers=auth).json()
        recorders = {entry["event"]: entry["recorded_by"] for entry in history}
        assert recorders["SessionMissed"] == "alice"
        assert recorders.keys() & {"MakeUpScheduled", "MakeUpUnavailable"}
        metrics = http.get("/metrics", headers=auth).text
        assert "stepdown_roster_solves_total" in metrics
