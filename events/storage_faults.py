"""Which database errors are faults of the store itself rather than a race between writers.

A read-only or full SQLite file, or a PostgreSQL server that cannot be reached, fails every
retry the same way: it is answered "unavailable" with what is wrong, never as a conflict.
"""

from __future__ import annotations

import sqlite3

import psycopg
import psycopg.errors

# SQLite result codes (sqlite3.h) that say the file cannot be written or read at all.
SQLITE_FAULTS = {
    "SQLITE_READONLY": "the SQLite file is read-only",
    "SQLITE_FULL": "the disk holding the SQLite file is full",
    "SQLITE_CANTOPEN": "the SQLite file cannot be opened",
    "SQLITE_IOERR": "the disk holding the SQLite file fails to read or write",
    "SQLITE_PERM": "the SQLite file may not be written",
    "SQLITE_CORRUPT": "the SQLite file is damaged",
    "SQLITE_NOTADB": "the file is not an SQLite database",
}
# Faults in reaching the store at all; every other fault is the store refusing to be written.
UNREACHABLE = ("the SQLite file cannot be opened", "the PostgreSQL server cannot be reached")
# PostgreSQL errors that pass once the other writer is done: races, to retry.
POSTGRES_RACES = (
    psycopg.errors.LockNotAvailable,
    psycopg.errors.SerializationFailure,
    psycopg.errors.DeadlockDetected,
    psycopg.errors.QueryCanceled,
)


def storage_fault(error: BaseException) -> str | None:
    """What is wrong with the store when `error` is its fault, else None (a race or a defect).

    eventsourcing wraps the driver's error, so the chain of causes is searched.
    """
    seen: BaseException | None = error
    while seen is not None:
        fault = _driver_fault(seen)
        if fault is not None:
            return fault
        seen = seen.__cause__ or seen.__context__
    return None


def _driver_fault(error: BaseException) -> str | None:
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", "")
        for code, what in SQLITE_FAULTS.items():
            # Extended codes name their family first: SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE.
            if name == code or name.startswith(code + "_"):
                return what
        return None
    if isinstance(error, POSTGRES_RACES):
        return None
    if isinstance(error, psycopg.errors.DiskFull | psycopg.errors.OutOfMemory):
        return "the PostgreSQL server is out of space"
    if isinstance(error, psycopg.errors.ReadOnlySqlTransaction):
        return "the PostgreSQL server is read-only (a standby, or read-only by setting)"
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        return "the PostgreSQL server cannot be reached"
    return None


def is_unreachable(fault: str) -> bool:
    """Whether a fault `storage_fault` named (or a message holding one) is about reaching the
    store rather than writing to it."""
    return any(text in fault for text in UNREACHABLE)
