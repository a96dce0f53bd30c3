"""The service behind the routes, opened once the store answers.

The server starts while the database is unreachable or unwritable and answers 503 saying what is
wrong; a later request opens the store without a restart. Attempts are spaced so that a down
database is not asked on every request, and one attempt runs at a time.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from eventsourcing.persistence import PersistenceError

from api.auth import TokenStore
from api.guards.idempotency_store import IdempotencyStore
from api.jobs import Jobs
from events.errors import StorageFaultError
from events.storage_faults import storage_fault
from scheduler.retry import past_lock_races
from scheduler.service import Stepdown

log = logging.getLogger("stepdown.api")

# After a failed attempt, requests are answered 503 at once for this long before the next one.
RETRY_AFTER_S = 2.0
# Several processes starting on one store (`serve --workers 2`) open it at the same instant:
# one may find it locked for a moment. That is tried again at once, waiting a little longer
# each time, before the store counts as unavailable.
OPEN_RACE_ATTEMPTS = 6
OPEN_RACE_PAUSE_S = 0.1


@dataclass(frozen=True)
class Wiring:
    """What the routes need from an open store."""

    stepdown: Stepdown
    tokens: TokenStore
    jobs: Jobs
    idempotency: IdempotencyStore


class ServiceAccess:
    def __init__(
        self, open_wiring: Callable[[], Wiring], *, retry_after_s: float = RETRY_AFTER_S
    ) -> None:
        self._open_wiring = open_wiring
        self._retry_after_s = retry_after_s
        self._wiring: Wiring | None = None
        self._attempt = threading.Lock()
        self._fault = "the store has not been opened yet"
        self._next_attempt = 0.0

    @property
    def ready(self) -> Wiring | None:
        """The open service, or None; no I/O, so an event loop may ask."""
        return self._wiring

    def open(self) -> Wiring:
        """The service, opening the store if need be (blocking: call it off the event loop).

        Raises StorageFaultError saying what is wrong while the store cannot be opened.
        """
        if self._wiring is not None:
            return self._wiring
        if not self._attempt.acquire(blocking=False):
            raise StorageFaultError(f"database unavailable: {self._fault} (trying again now)")
        try:
            if self._wiring is not None:
                return self._wiring
            if time.monotonic() < self._next_attempt:
                raise StorageFaultError(f"database unavailable: {self._fault}")
            try:
                self._wiring = self._open_with_retries()
            except (PersistenceError, psycopg.Error, sqlite3.Error) as error:
                self._fault = (
                    storage_fault(error) or f"it cannot be opened ({type(error).__name__})"
                )
                self._next_attempt = time.monotonic() + self._retry_after_s
                log.warning("store not opened: %s", self._fault)
                raise StorageFaultError(f"database unavailable: {self._fault}") from error
            log.info("store opened")
            return self._wiring
        finally:
            self._attempt.release()

    def _open_with_retries(self) -> Wiring:
        """Open the store; a race (another process creating or opening the same store holds
        its lock: no storage fault) is tried again at once a few times before it counts."""
        return past_lock_races(
            self._open_wiring,
            attempts=OPEN_RACE_ATTEMPTS,
            pause_s=OPEN_RACE_PAUSE_S,
            errors=(PersistenceError, psycopg.Error, sqlite3.Error),
        )

    def try_open(self) -> Wiring | None:
        """Open now if the store answers; otherwise leave it to a later request."""
        try:
            return self.open()
        except StorageFaultError:
            return None
