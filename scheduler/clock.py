"""One clock for every rule that depends on "now": the system's, or `STEPDOWN_NOW`'s.

`STEPDOWN_NOW` (an ISO date-time with its UTC offset, e.g. `2026-12-07T09:00:00-06:00`) sets
the time for every process that reads the environment (CLI, server, worker), for demos,
training and tests. It is a fixed instant: the time does not advance while a process runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

from events.errors import InvalidRequestError

NOW_SETTING = "STEPDOWN_NOW"

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def fixed_clock(instant: datetime) -> Clock:
    def now() -> datetime:
        return instant

    return now


def parse_now(text: str) -> datetime:
    """An ISO date-time with an offset; a time without one is refused (whose noon would it be?)."""
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequestError(
            f"{NOW_SETTING}: {text!r} is not an ISO date-time such as 2026-12-07T09:00:00-06:00"
        ) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidRequestError(
            f"{NOW_SETTING}: {text!r} has no UTC offset; write it as 2026-12-07T09:00:00-06:00"
        )
    return instant.astimezone(UTC)


def clock_from_environment() -> Clock:
    """The clock every process builds in its composition root."""
    text = os.environ.get(NOW_SETTING)
    if not text:
        return system_clock
    return fixed_clock(parse_now(text))
