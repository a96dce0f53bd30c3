"""A real `stepdown serve` process on loopback, with the sample program and a token per role."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from tests.conftest import SCENARIOS

STEPDOWN = Path(sys.executable).parent / "stepdown"
PROGRAM = "standard-101"
ROLES = ("coordinator", "clinician", "viewer")


@dataclass(frozen=True)
class Server:
    base_url: str
    tokens: dict[str, str]
    env: dict[str, str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def program_starting_recently(today: date) -> str:
    """The sample program with every enrolment started two weeks ago, so a test means the same
    whatever day it runs."""
    document = json.loads((SCENARIOS / "sample.json").read_text(encoding="utf-8"))
    for patient in document["patients"]:
        patient["start_date"] = (today - timedelta(days=14)).isoformat()
    return json.dumps(document)


def start_server(
    directory: Path,
    *,
    import_program: bool,
    stepdown: Path = STEPDOWN,
    settings: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """`stepdown serve` (this environment's script, or another installation's) with a token per
    role, on a store in `directory`; `settings` are more STEPDOWN_* variables (a fixed clock)."""
    env = {
        **os.environ,
        "STEPDOWN_DATABASE_URL": f"sqlite:///{directory}/stepdown.db",
        "STEPDOWN_SOLVER_WORKERS": "1",
        "STEPDOWN_SOLVER_DETERMINISTIC": "true",
        **(settings or {}),
    }
    tokens = {}
    for role in ROLES:
        created = subprocess.run(
            [
                str(stepdown),
                "token",
                "create",
                "--subject",
                f"{role}-e2e",
                "--role",
                role,
                "--all-programs",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        tokens[role] = created.stdout.strip()
    port = free_port()
    process = subprocess.Popen(
        [str(stepdown), "serve", "--port", str(port)], env=env, stderr=subprocess.PIPE, text=True
    )
    watchdog = threading.Timer(60, process.kill)  # a server that never starts fails the test
    watchdog.start()
    assert process.stderr is not None
    for line in process.stderr:
        if "Application startup complete" in line:
            break
    watchdog.cancel()
    assert process.poll() is None, "the server did not start"
    # Keep reading the server's log so a full pipe never blocks it.
    threading.Thread(target=process.stderr.read, daemon=True).start()
    server = Server(f"http://127.0.0.1:{port}", tokens, env)
    try:
        if import_program:
            response = httpx.post(
                f"{server.base_url}/programs",
                content=program_starting_recently(date.today()),
                headers={
                    "Authorization": f"Bearer {tokens['coordinator']}",
                    "Content-Type": "application/json",
                },
                timeout=120,
            )
            response.raise_for_status()
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A server with an empty store."""
    yield from start_server(tmp_path, import_program=False)


@pytest.fixture(scope="module")
def program_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server holding the sample program, shared by a module's browser tests."""
    yield from start_server(tmp_path_factory.mktemp("server"), import_program=True)
