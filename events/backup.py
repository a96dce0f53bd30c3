"""Backup and restore of an embedded SQLite store through SQLite's online backup API.

Never a file copy: with the server running, the latest commits sit in the `-wal` file beside the
store, and a copy of the main file alone lost a third of them. The online backup reads one
consistent snapshot (every committed transaction, WAL included) while other connections write.
The read models, tracking positions, tokens and idempotency records live in the same file as the
events, so one backup holds them all. PostgreSQL stores are backed up with `pg_dump` (README).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from events.errors import ConflictError, InvalidRequestError
from events.persistence import Database

EVENTS_TABLE = "stored_events"
# Pages copied per step; between steps writers may commit (SQLite restarts the copy if they do,
# so the result is still one snapshot).
PAGES_PER_STEP = 1024


@dataclass(frozen=True)
class BackupReport:
    path: Path
    events: int


def sqlite_file(database: Database) -> str:
    """The SQLite file (or `file:` URI) a store lives in; PostgreSQL stores are refused with the
    route that does work for them."""
    if database.is_postgres:
        raise InvalidRequestError(
            "backup/restore of a PostgreSQL store is pg_dump/pg_restore's job "
            "(see the README, 'Backup and restore'): e.g. "
            "pg_dump --format=custom --file=stepdown.dump postgresql://USER@HOST/DB"
        )
    return database.env["SQLITE_DBNAME"]


@contextlib.contextmanager
def _connection(name: str) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(name, uri=name.startswith("file:"), timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def event_count(connection: sqlite3.Connection) -> int | None:
    """How many events a SQLite file holds; None when it is not an event store at all."""
    try:
        row = connection.execute(f"SELECT count(*) FROM {EVENTS_TABLE}").fetchone()
    except sqlite3.DatabaseError:
        return None
    return int(row[0])


def backup(database: Database, target: Path, *, force: bool = False) -> BackupReport:
    """Write one consistent snapshot of the store to `target` (written beside it first and then
    renamed, so a failed backup never leaves a half file under the backup's name)."""
    source_name = sqlite_file(database)
    if target.exists() and target.stat().st_size > 0 and not force:
        raise ConflictError(f"backup file {target} already exists (give --force to replace it)")
    if not source_name.startswith("file:") and not Path(source_name).is_file():
        raise InvalidRequestError(f"store {source_name} does not exist")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with _connection(source_name) as source, _connection(str(partial)) as copy:
        source.backup(copy, pages=PAGES_PER_STEP)
        # One self-contained file: no -wal beside it to lose when the backup is moved.
        copy.execute("PRAGMA journal_mode=DELETE")
        events = event_count(copy)
    if events is None:
        partial.unlink(missing_ok=True)
        raise InvalidRequestError(f"{source_name} is not a Stepdown store (no {EVENTS_TABLE})")
    os.replace(partial, target)
    return BackupReport(target, events)


def restore(database: Database, backup_file: Path, *, force: bool = False) -> BackupReport:
    """Replace the store's whole content with a backup's (events, read models, positions).

    A store that already holds events is refused unless `force`: a restore over live data
    would silently discard everything recorded since the backup.
    """
    target_name = sqlite_file(database)
    if not backup_file.is_file():
        raise InvalidRequestError(f"backup file {backup_file} does not exist")
    with _connection(str(backup_file)) as source:
        events = event_count(source)
        if events is None:
            raise InvalidRequestError(
                f"{backup_file} is not a Stepdown backup (no {EVENTS_TABLE} table)"
            )
        with _connection(target_name) as store:
            present = event_count(store)
            if present and not force:
                raise ConflictError(
                    f"{target_name} already holds {present} events; restore refuses to "
                    "overwrite a non-empty store (give --force to replace it)"
                )
            source.backup(store, pages=PAGES_PER_STEP)
    return BackupReport(Path(target_name), events)
