"""With several API processes (`stepdown serve --workers 2`) one scrape counts every process's
requests: each process writes to PROMETHEUS_MULTIPROC_DIR and the scrape sums the files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.metrics import prepare_multiprocess_dir
from events.persistence import database_from_url
from scheduler.service import open_stepdown

# One API process: its own app (and its own prometheus_client, imported after the setting),
# answering `requests` health checks, then scraping /metrics if asked to.
API_PROCESS = """
import sys
from fastapi.testclient import TestClient
from api.app import create_app
from api.auth import Role, Scope, TokenStore
from api.settings import Settings

database_url, requests, scrape = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "scrape"
app = create_app(Settings(database_url=database_url))
with TestClient(app) as client:
    for _ in range(requests):
        assert client.get("/health").status_code == 200
    if scrape:
        token = TokenStore(app.state.stepdown).create("ops", Role.VIEWER, Scope.organisation_wide())
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
        print(answer.text)
"""


def _run(database_url: str, requests: int, *, scrape: bool, env: dict[str, str]) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            API_PROCESS,
            database_url,
            str(requests),
            "scrape" if scrape else "",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_one_scrape_counts_the_requests_of_every_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_99999.db").write_bytes(b"left by an earlier run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    assert prepare_multiprocess_dir() == str(directory)
    assert list(directory.iterdir()) == []  # an earlier run's counts are not added to this one's

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    database_url = f"sqlite:///{tmp_path}/stepdown.db"
    # The store exists before the processes start, as under `serve --workers 2` after the first
    # start: two processes creating one store at the same instant may answer 503 while the
    # other holds the lock, which is not what this test is about.
    open_stepdown(database_from_url(database_url)).close()
    first = subprocess.Popen(
        [sys.executable, "-c", API_PROCESS, database_url, "7", ""], env=env, stderr=subprocess.PIPE
    )
    _run(database_url, 5, scrape=False, env=env)
    assert first.wait(timeout=120) == 0
    text = _run(database_url, 3, scrape=True, env=env)

    health = 0.0
    process: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if (
                sample.name == "stepdown_http_requests_total"
                and sample.labels["route"] == "/health"
            ):
                health += sample.value
            if sample.name.startswith("stepdown_process_"):
                assert sample.value > 0, sample
                process.setdefault(sample.name, set()).add(sample.labels["pid"])
    assert health == 7 + 5 + 3
    # Processes that ended dropped their live gauges; the one answering reports CPU, memory, fds.
    assert set(process) == {
        "stepdown_process_cpu_seconds",
        "stepdown_process_resident_memory_bytes",
        "stepdown_process_open_fds",
    }
    assert all(len(pids) == 1 for pids in process.values())
    assert len(list(directory.glob("counter_*.db"))) == 3
