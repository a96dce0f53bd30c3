"""Event timestamps from the service's clock, so `STEPDOWN_NOW` dates what is recorded too.

The read models show when a pin, a roster version or a note was recorded from its event's
timestamp. The `eventsourcing` library stamps every new event with the wall clock, through one
module-level function; the composition root points that function at the service's clock, so a
demo or a test run at a set time records that time, and a live service the real one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import eventsourcing.domain


def stamp_events_with(clock: Callable[[], datetime]) -> None:
    """Every event created from now on in this process is stamped by `clock` (timezone-aware)."""
    eventsourcing.domain.datetime_now_with_tzinfo = clock
