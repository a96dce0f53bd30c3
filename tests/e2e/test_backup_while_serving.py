"""`stepdown backup` while a real `stepdown serve` (SQLite) takes writes: each backup holds every
write acknowledged before it began, and a store restored from the last one has the server's
events and read models exactly."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from api.auth import Role, Scope, TokenStore
from events.persistence import database_from_url
from scheduler.service import open_stepdown
from tests.conftest import SCENARIOS, fixed_clock
from tests.e2e.conftest import free_port
from tests.integration.helpers import dump_views, event_count

STEPDOWN = Path(sys.executable).with_name("stepdown")
PROGRAM = "standard-101"


def _events_in(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM stored_events").fetchone()[0])


def test_backups_taken_while_the_server_writes_hold_every_acknowledged_write(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live.db"
    env = {
        **os.environ,
        "STEPDOWN_DATABASE_URL": f"sqlite:///{live}",
        "STEPDOWN_LOG_FORMAT": "json",
    }
    subprocess.run([str(STEPDOWN), "import", str(SCENARIOS / "sample.json")], env=env, check=True)
    stepdown = open_stepdown(database_from_url(f"sqlite:///{live}"), clock=fixed_clock)
    token = TokenStore(stepdown).create("backup-test", Role.COORDINATOR, Scope.organisation_wide())
    stepdown.close()
    port = free_port()
    server = subprocess.Popen(
        [str(STEPDOWN), "serve", "--port", str(port), "--no-access-log"],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    acknowledged: list[int] = []  # events in the store after each acknowledged write
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)

        def write() -> None:
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
                for number in range(1, 41):
                    answer = http.post(
                        f"/programs/{PROGRAM}/patients",
                        json={
                            "id": f"W{number:04d}",
                            "name": f"Written {number}",
                            "start_date": "2026-11-30",
                            "planned_weeks": 8,
                            "initial_days_per_week": 3,
                        },
                    )
                    assert answer.status_code == 201, answer.text
                    acknowledged.append(number)

        writer = threading.Thread(target=write)
        writer.start()
        backups: list[tuple[int, Path]] = []
        while writer.is_alive():
            before = len(acknowledged)
            target = tmp_path / f"during-{len(backups)}.db"
            subprocess.run([str(STEPDOWN), "backup", str(target)], env=env, check=True)
            backups.append((before, target))
        writer.join()
        assert len(acknowledged) == 40
        final = tmp_path / "final.db"
        subprocess.run([str(STEPDOWN), "backup", str(final)], env=env, check=True)
    finally:
        server.terminate()
        server.wait(timeout=60)

    assert len(backups) >= 1
    for before, path in backups:
        with sqlite3.connect(path) as connection:
            ids = {
                row[0]
                for row in connection.execute("SELECT patient_id FROM view_census")
                if str(row[0]).startswith("W")
            }
        assert {f"W{n:04d}" for n in range(1, before + 1)} <= ids

    original = open_stepdown(database_from_url(f"sqlite:///{live}"), clock=fixed_clock)
    restored_store = database_from_url(f"sqlite:///{tmp_path}/restored.db")
    restored_env = {**env, "STEPDOWN_DATABASE_URL": restored_store.url}
    subprocess.run([str(STEPDOWN), "restore", str(final)], env=restored_env, check=True)
    restored = open_stepdown(restored_store, clock=fixed_clock)
    try:
        assert event_count(restored) == event_count(original) == _events_in(final)
        for runner in original.runners:
            assert dump_views(restored, runner) == dump_views(original, runner), runner.name
    finally:
        original.close()
        restored.close()
