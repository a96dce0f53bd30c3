"""Real Stepdown processes on loopback: N `stepdown serve` processes and a `stepdown worker`,
started, killed (-9) and restarted the way an operator's supervisor would."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from events.calendar import iso_week
from events.persistence import database_from_url
from events.values import HolidayRegion
from scheduler.holidays import public_holiday
from scheduler.service import open_stepdown
from tests.conftest import SCENARIOS
from tests.e2e.conftest import free_port
from tests.integration.helpers import publish_seats

STEPDOWN = Path(sys.executable).parent / "stepdown"
LOAD_PROGRAM = "load-1"
SMALL_PROGRAM = "standard-101"
START_WEEKS_AGO = 4


def load_program(patients: int, today: date) -> dict[str, object]:
    """A program of `patients` patients, all enrolled four weeks ago, with no commitments."""
    sample = json.loads((SCENARIOS / "sample.json").read_text(encoding="utf-8"))
    start = today - timedelta(weeks=START_WEEKS_AGO)
    return {
        "format": "stepdown/program@1",
        "program": {**sample["program"], "id": LOAD_PROGRAM, "name": "Load test IOP"},
        "sessions": sample["sessions"],
        "patients": [
            {
                "id": f"L{number:05d}",
                "name": f"Load Patient {number}",
                "start_date": start.isoformat(),
                "planned_weeks": 12,
                "initial_days_per_week": 3,
                "commitments": [],
            }
            for number in range(1, patients + 1)
        ],
    }


WEEKDAY_SESSIONS = {
    0: ["mon-day-1", "mon-evening-1", "mon-evening-2"],
    1: ["tue-day-1", "tue-evening-1", "tue-evening-2"],
    2: ["wed-day-1", "wed-evening-1", "wed-evening-2"],
    3: ["thu-day-1", "thu-evening-1", "thu-evening-2"],
    4: ["fri-day-1", "fri-evening-1", "fri-evening-2"],
    5: ["sat-weekend-1", "sat-weekend-2", "sat-weekend-3"],
}


def planned_seats(patients: int, today: date) -> list[tuple[str, str, date]]:
    """One seat a day for every load patient since the start, before today, on open days."""
    start = today - timedelta(weeks=START_WEEKS_AGO)
    region = HolidayRegion("US")
    days = [
        day
        for day in (start + timedelta(days=n) for n in range((today - start).days))
        if day.weekday() in WEEKDAY_SESSIONS and public_holiday(region, day) is None
    ]
    return [
        (f"L{number:05d}", WEEKDAY_SESSIONS[day.weekday()][number % 3], day)
        for number in range(1, patients + 1)
        for day in days
    ]


def publish_load_rosters(database_url: str, patients: int, today: date) -> None:
    """The load program's past rosters, published, so its attendance has seats to mark."""
    weeks: dict[str, list[tuple[str, str, date]]] = {}
    for seat in planned_seats(patients, today):
        weeks.setdefault(iso_week(seat[2]), []).append(seat)
    stepdown = open_stepdown(database_from_url(database_url))
    try:
        for week, seats in sorted(weeks.items()):
            publish_seats(stepdown, LOAD_PROGRAM, week, seats)
    finally:
        stepdown.close()


def small_program(today: date) -> dict[str, object]:
    """The 30-patient sample, enrolled two weeks ago: its rosters solve within the request."""
    sample = json.loads((SCENARIOS / "sample.json").read_text(encoding="utf-8"))
    for patient in sample["patients"]:
        patient["start_date"] = (today - timedelta(days=14)).isoformat()
    return dict(sample)


@dataclass
class Cluster:
    directory: Path
    database_url: str
    api_processes: int
    with_worker: bool
    ports: list[int] = field(default_factory=list)
    processes: dict[str, subprocess.Popen[str]] = field(default_factory=dict)
    token: str = ""

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "STEPDOWN_DATABASE_URL": self.database_url,
            # With a worker, API processes answer as soon as the events are stored.
            "STEPDOWN_INLINE_CATCH_UP": "false" if self.with_worker else "true",
            "STEPDOWN_SOLVER_WORKERS": "1",
            "STEPDOWN_ROSTER_TIME_LIMIT_S": "5",
        }

    def set_up(self, patients: int) -> None:
        today = date.today()
        for name, document in (
            ("load.json", load_program(patients, today)),
            ("small.json", small_program(today)),
        ):
            path = self.directory / name
            path.write_text(json.dumps(document), encoding="utf-8")
            self._run("import", str(path))
        publish_load_rosters(self.database_url, patients, today)
        self.token = self._run(
            "token", "create", "--subject", "load-client", "--role", "coordinator", "--all-programs"
        ).strip()
        self.ports = [free_port() for _ in range(self.api_processes)]

    def start(self) -> None:
        for index in range(self.api_processes):
            self.start_api(index)
        if self.with_worker:
            self.start_worker()

    def start_api(self, index: int) -> None:
        self._start(
            f"api-{index}",
            ["serve", "--port", str(self.ports[index]), "--no-access-log"],
            "startup complete",
        )

    def start_worker(self) -> None:
        self._start("worker", ["worker", "--interval", "0.25"], "worker running")

    def kill(self, name: str) -> None:
        """kill -9: no shutdown hook runs, in-flight transactions are cut."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        process.terminate()
        process.wait(timeout=60)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    @property
    def base_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def _run(self, *args: str) -> str:
        done = subprocess.run(
            [str(STEPDOWN), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return done.stdout

    def _start(self, name: str, args: list[str], ready: str) -> None:
        process = subprocess.Popen(
            [str(STEPDOWN), *args], env=self.env, stderr=subprocess.PIPE, text=True
        )
        watchdog = threading.Timer(60, process.kill)
        watchdog.start()
        assert process.stderr is not None
        for line in process.stderr:
            if ready in line:
                break
        watchdog.cancel()
        if process.poll() is not None:
            raise RuntimeError(f"{name} did not start")
        # Drain the log so a full pipe never stalls the process.
        threading.Thread(target=process.stderr.read, daemon=True).start()
        self.processes[name] = process
