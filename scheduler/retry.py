"""Optimistic concurrency: a use case that lost a race reads again and retries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from eventsourcing.persistence import IntegrityError, OperationalError, PersistenceError

from events.errors import ConflictError, StorageFaultError
from events.storage_faults import storage_fault

T = TypeVar("T")
MAX_ATTEMPTS = 8


def retrying(use_case: Callable[[], T], *, what: str) -> T:
    """Run get → decide → save again when another writer saved the same aggregate first."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return use_case()
        except (IntegrityError, OperationalError) as error:
            fault = storage_fault(error)
            if fault is not None:  # a read-only or full store fails every retry alike
                raise StorageFaultError(f"{what}: not stored: {fault}") from error
            if attempt == MAX_ATTEMPTS:
                break
            # A short random back-off so two retrying writers do not collide again.
            time.sleep(random.uniform(0, 0.01 * attempt))
    raise ConflictError(f"{what}: still conflicting with other writers after {MAX_ATTEMPTS} tries")


def past_lock_races(
    action: Callable[[], T],
    *,
    attempts: int,
    pause_s: float,
    errors: tuple[type[Exception], ...] = (PersistenceError,),
) -> T:
    """Run an action that may find another process holding the store's lock for a moment
    (several processes opening or probing one store at once): a race, not a fault, so it is tried
    again at once, waiting a little longer each time. A storage fault (read-only, full,
    unreachable) or the last attempt's error is raised."""
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except errors as error:
            if storage_fault(error) is not None or attempt == attempts:
                raise
            time.sleep(pause_s * attempt)
    raise AssertionError("unreachable")  # pragma: no cover
