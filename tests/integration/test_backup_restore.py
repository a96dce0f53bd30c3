"""`stepdown backup` / `restore` on SQLite: every committed event and every read model survive,
even while another connection writes (a plain file copy kept 65 of 99 events: the rest were in
the -wal file)."""

from __future__ import annotations

import sqlite3
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from api.cli import main
from events.backup import backup, restore
from events.errors import ConflictError, InvalidRequestError
from events.persistence import Database, database_from_url
from scheduler.importing import import_program
from scheduler.patients import enroll_patient
from scheduler.program_file import PatientIn
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import fixed_clock
from tests.integration.helpers import dump_views, event_count

PROGRAM = "standard-101"


def _patient(number: int) -> PatientIn:
    return PatientIn(
        id=f"B{number:04d}",
        name=f"Backup Patient {number}",
        start_date=date(2026, 11, 30),
        planned_weeks=8,
        initial_days_per_week=3,
    )


def _stored_ids(path: Path) -> list[int]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT rowid FROM stored_events ORDER BY 1")
        return [int(row[0]) for row in rows]


def _all_views(stepdown: Stepdown) -> dict[str, object]:
    return {runner.name: dump_views(stepdown, runner) for runner in stepdown.runners}


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Database:
    return database_from_url(f"sqlite:///{tmp_path}/live.db")


def test_a_restored_store_has_every_event_and_every_read_model(
    sqlite_store: Database, tmp_path: Path, sample_text: str
) -> None:
    original = open_stepdown(sqlite_store, clock=fixed_clock)
    try:
        import_program(original, sample_text, actor="coordinator")
        for number in range(1, 11):
            enroll_patient(original, PROGRAM, _patient(number), actor="coordinator")
        original.catch_up()
        # While the original is open its latest commits are in the -wal file, not the main one.
        report = backup(sqlite_store, tmp_path / "nightly.db")
        expected_views = _all_views(original)
        expected_events = event_count(original)
        expected_positions = {runner.name: runner.position() for runner in original.runners}
    finally:
        original.close()
    assert report.events == expected_events > 0
    assert not Path(f"{tmp_path}/nightly.db-wal").exists()  # one self-contained file

    restored_store = database_from_url(f"sqlite:///{tmp_path}/restored.db")
    restore(restored_store, tmp_path / "nightly.db")
    restored = open_stepdown(restored_store, clock=fixed_clock)
    try:
        assert event_count(restored) == expected_events
        assert {r.name: r.position() for r in restored.runners} == expected_positions
        assert _all_views(restored) == expected_views
        assert all(views for views in expected_views.values())
        # Nothing left to apply: the read models came with the backup, not rebuilt.
        assert restored.catch_up() == 0
    finally:
        restored.close()


def test_a_backup_taken_while_another_connection_writes_holds_every_committed_event(
    sqlite_store: Database, tmp_path: Path, sample_text: str
) -> None:
    writer = open_stepdown(sqlite_store, clock=fixed_clock)
    import_program(writer, sample_text, actor="coordinator")
    committed_before: list[int] = []
    backups: list[tuple[int, Path]] = []
    started = threading.Event()

    def write() -> None:
        for number in range(1, 100):
            enroll_patient(writer, PROGRAM, _patient(number), actor="coordinator")
            started.set()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        started.wait(30)
        for attempt in range(5):
            committed_before.append(event_count(writer))
            target = tmp_path / f"during-{attempt}.db"
            backup(sqlite_store, target)
            backups.append((committed_before[-1], target))
    finally:
        thread.join()
    final = event_count(writer)
    last = tmp_path / "after.db"
    backup(sqlite_store, last)
    writer.close()

    for committed, path in backups:
        ids = _stored_ids(path)
        # Every event committed before the backup began, and no gap (one snapshot).
        assert len(ids) >= committed
        assert ids == list(range(1, len(ids) + 1))
    assert _stored_ids(last) == list(range(1, final + 1))


def test_restore_refuses_a_store_that_holds_events_unless_forced(
    sqlite_store: Database, tmp_path: Path, sample_text: str
) -> None:
    stepdown = open_stepdown(sqlite_store, clock=fixed_clock)
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.close()
    backed_up = backup(sqlite_store, tmp_path / "copy.db").events
    stepdown = open_stepdown(sqlite_store, clock=fixed_clock)
    enroll_patient(stepdown, PROGRAM, _patient(1), actor="coordinator")
    after_backup = event_count(stepdown)
    stepdown.close()

    with pytest.raises(ConflictError, match=f"already holds {after_backup} events.*--force"):
        restore(sqlite_store, tmp_path / "copy.db")
    assert _stored_ids(Path(sqlite_store.env["SQLITE_DBNAME"]))[-1] == after_backup

    restore(sqlite_store, tmp_path / "copy.db", force=True)
    assert _stored_ids(Path(sqlite_store.env["SQLITE_DBNAME"])) == list(range(1, backed_up + 1))
    assert backed_up < after_backup


def test_backup_refuses_to_replace_a_file_and_restore_refuses_a_file_that_is_no_store(
    sqlite_store: Database, tmp_path: Path, sample_text: str
) -> None:
    stepdown = open_stepdown(sqlite_store, clock=fixed_clock)
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.close()
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"keep me")
    with pytest.raises(ConflictError, match=r"existing\.db already exists"):
        backup(sqlite_store, existing)
    assert existing.read_bytes() == b"keep me"

    not_a_store = tmp_path / "notes.db"
    with sqlite3.connect(not_a_store) as connection:
        connection.execute("CREATE TABLE notes (text)")
    empty = database_from_url(f"sqlite:///{tmp_path}/empty.db")
    with pytest.raises(InvalidRequestError, match=r"notes\.db is not a Stepdown backup"):
        restore(empty, not_a_store)


def test_backup_of_a_postgresql_store_points_to_pg_dump(tmp_path: Path) -> None:
    postgres = database_from_url("postgresql://postgres@127.0.0.1:5432/test")
    with pytest.raises(InvalidRequestError, match="pg_dump"):
        backup(postgres, tmp_path / "x.db")
    assert not (tmp_path / "x.db").exists()


def _cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["stepdown", *args])
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_commands_back_up_restore_and_refuse_in_one_line(
    tmp_path: Path,
    sample_text: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", f"sqlite:///{tmp_path}/live.db")
    stepdown = open_stepdown(database_from_url(f"sqlite:///{tmp_path}/live.db"), clock=fixed_clock)
    import_program(stepdown, sample_text, actor="coordinator")
    events = event_count(stepdown)
    stepdown.close()

    code, out, _ = _cli(monkeypatch, capsys, "backup", str(tmp_path / "b.db"))
    assert (code, out) == (0, f"{tmp_path / 'b.db'}: {events} events backed up\n")
    code, _, err = _cli(monkeypatch, capsys, "restore", str(tmp_path / "b.db"))
    assert code == 1
    assert err.strip().splitlines()[-1].startswith("error: ")
    assert f"already holds {events} events" in err
    code, out, _ = _cli(monkeypatch, capsys, "restore", "--force", str(tmp_path / "b.db"))
    assert code == 0
    assert f"restored {events} events" in out

    monkeypatch.setenv("STEPDOWN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    code, _, err = _cli(monkeypatch, capsys, "backup", str(tmp_path / "pg.db"))
    assert code == 1
    assert "pg_dump" in err
    assert not (tmp_path / "pg.db").exists()
