"""Optimistic concurrency: a use case that lost a race reads again and retries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from eventsourcing.persistence import IntegrityError, OperationalError

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
