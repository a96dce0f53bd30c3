"""Storage faults are answered 503 saying what is wrong, never 409; `/health` finds a store it
cannot write; the server starts while the database is unreachable and recovers without a restart.

A read-only SQLite file cannot be made by chmod here (the tests may run as root, who writes
anyway), so the faults are SQLite's own: a file opened with `?mode=ro`, and connections switched
to `PRAGMA query_only` (SQLITE_READONLY, exactly as a read-only file or mount answers).
"""

from __future__ import annotations

import hashlib
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.sqlite import SQLiteConnectionPool
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import Role, Scope, TokenStore
from events.persistence import database_from_url
from events.storage_faults import storage_fault
from scheduler.importing import import_program
from scheduler.service import Stepdown, open_stepdown
from tests.api.conftest import PROGRAM, Api, api_settings
from tests.conftest import POSTGRES_URL, SCENARIOS, fixed_clock, postgres_or_skip

ROSTERS = f"/programs/{PROGRAM}/rosters"


@contextmanager
def sqlite_query_only(stepdown: Stepdown, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every connection of the service, open or yet to open, refuses writes from now on."""
    create = SQLiteConnectionPool._create_connection

    def read_only_connection(pool: SQLiteConnectionPool) -> Any:
        connection = create(pool)
        connection._sqlite_conn.execute("PRAGMA query_only = ON")
        return connection

    monkeypatch.setattr(SQLiteConnectionPool, "_create_connection", read_only_connection)
    for datastore in (stepdown.app.recorder.datastore, stepdown.views.recorder.datastore):  # type: ignore[attr-defined]
        for connection in list(datastore.pool._pool):
            connection._sqlite_conn.execute("PRAGMA query_only = ON")
    yield


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_store_turned_read_only_is_503_not_a_conflict(
    program: Api, stepdown: Stepdown, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert program.get("/health").json()["status"] == "ok"
    head = stepdown.app.recorder.max_notification_id()
    with sqlite_query_only(stepdown, monkeypatch):
        closure = program.post(
            f"/programs/{PROGRAM}/closures", json={"date": "2026-12-24", "reason": "x"}
        )
        assert closure.status_code == 503, closure.text
        assert "read-only" in closure.json()["detail"]
        health = program.get("/health")
        assert health.status_code == 503
        assert health.json()["database"] == "unwritable"
        assert "read-only" in health.json()["problem"]
        # Reads still answer.
        assert program.get(f"/programs/{PROGRAM}/patients").status_code == 200
    assert stepdown.app.recorder.max_notification_id() == head


def test_a_read_only_sqlite_file_starts_the_server_and_is_answered_503(tmp_path: Path) -> None:
    path = tmp_path / "stepdown.db"
    created = open_stepdown(database_from_url(f"sqlite:///{path}"), clock=fixed_clock)
    token = TokenStore(created).create("alice", Role.COORDINATOR, Scope.organisation_wide())
    import_program(created, (SCENARIOS / "sample.json").read_bytes(), actor="setup")
    created.close()
    before = sha256(path)
    app = create_app(api_settings(database_url=f"sqlite:///{path}?mode=ro"))
    with TestClient(app) as client:
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["database"] == "unwritable"
        assert "read-only" in health.json()["problem"]
        answer = client.get("/programs", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 503
        assert "read-only" in answer.json()["detail"]
    assert sha256(path) == before


@pytest.mark.postgres
def test_an_unreachable_postgres_starts_the_server_answering_503() -> None:
    postgres_or_skip()
    app = create_app(api_settings(database_url="postgresql://postgres@127.0.0.1:1/test"))
    with TestClient(app) as client:
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["database"] == "unreachable"
        assert "cannot be reached" in health.json()["problem"]
        answer = client.post("/programs", content=b"{}", headers={"Authorization": "Bearer x"})
        assert answer.status_code == 503
        assert "cannot be reached" in answer.json()["detail"]


class Forwarder:
    """A TCP port that refuses connections until `open()`, then forwards them to PostgreSQL."""

    def __init__(self) -> None:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()  # nothing listens here until open()
        self._listener: socket.socket | None = None

    def open(self, target: tuple[str, int]) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(target,), daemon=True).start()

    def _accept(self, target: tuple[str, int]) -> None:
        assert self._listener is not None
        with suppress(OSError):
            while True:
                client, _ = self._listener.accept()
                server = socket.create_connection(target)
                for source, sink in ((client, server), (server, client)):
                    threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


@pytest.mark.postgres
def test_the_server_recovers_when_postgres_becomes_reachable() -> None:
    postgres_or_skip()
    schema = f"test_{uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    forwarder = Forwarder()
    try:
        url = f"postgresql://postgres@127.0.0.1:{forwarder.port}/test?schema={schema}"
        app = create_app(api_settings(database_url=url))
        with TestClient(app) as client:
            assert client.get("/health").status_code == 503
            forwarder.open(("127.0.0.1", 5432))
            # The next attempt comes a moment after the last failed one (RETRY_AFTER_S).
            recovered = _wait_for_health(client)
            assert recovered == {"status": "ok", "database": "ok"}
            token = TokenStore(app.state.stepdown).create(
                "alice", Role.VIEWER, Scope.organisation_wide()
            )
            listed = client.get("/programs", headers={"Authorization": f"Bearer {token}"})
            assert listed.status_code == 200
    finally:
        forwarder.close()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def _wait_for_health(client: TestClient) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        health = client.get("/health")
        if health.status_code == 200:
            body: dict[str, Any] = health.json()
            return body
        time.sleep(0.5)
    raise AssertionError(f"still unavailable: {client.get('/health').json()}")


def test_store_faults_are_told_from_races(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "full.db", isolation_level=None)
    connection.execute("CREATE TABLE t (x TEXT)")
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError) as full:  # a page more than the file may have
        connection.executemany("INSERT INTO t VALUES (?)", [("x" * 4000,)] * 100)
    assert storage_fault(full.value) == "the disk holding the SQLite file is full"
    connection.execute("PRAGMA query_only = ON")
    with pytest.raises(sqlite3.OperationalError) as read_only:
        connection.execute("INSERT INTO t VALUES ('y')")
    assert storage_fault(read_only.value) == "the SQLite file is read-only"
    other = sqlite3.connect(tmp_path / "full.db", timeout=0, isolation_level=None)
    connection.execute("PRAGMA query_only = OFF")
    connection.execute("PRAGMA max_page_count = 100000")
    connection.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as locked:
        other.execute("BEGIN IMMEDIATE")
    assert storage_fault(locked.value) is None  # busy: a race, retried
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect("postgresql://postgres@127.0.0.1:1/test", connect_timeout=2)
    assert storage_fault(refused.value) == "the PostgreSQL server cannot be reached"
    assert storage_fault(psycopg.errors.LockNotAvailable("lock timeout")) is None


@pytest.mark.postgres
def test_a_read_only_postgres_starts_the_server_answering_503_unwritable() -> None:
    postgres_or_skip()
    suffix = uuid4().hex[:12]
    schema, role = f"test_{suffix}", f"read_only_{suffix}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
        # Every session of this role is read-only, as on a standby or a database set read-only.
        connection.execute(f"CREATE ROLE {role} LOGIN")
        connection.execute(f"ALTER ROLE {role} SET default_transaction_read_only = on")
        connection.execute(f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {role}")
    try:
        url = f"postgresql://{role}@127.0.0.1:5432/test?schema={schema}"
        app = create_app(api_settings(database_url=url))
        with TestClient(app) as client:
            health = client.get("/health")
            assert health.status_code == 503
            assert health.json()["database"] == "unwritable"
            assert "read-only" in health.json()["problem"]
            answer = client.post("/programs", content=b"{}", headers={"Authorization": "Bearer x"})
            assert answer.status_code == 503
            assert "read-only" in answer.json()["detail"]
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")
            connection.execute(f"DROP ROLE {role}")
