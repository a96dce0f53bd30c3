"""How jobs are run: heartbeats, when a job counts as left behind, how long a shutdown drains."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JobSettings:
    # Jobs one process runs at a time (each roster solve uses every core it is given).
    concurrency: int = 1
    # A running job's owner says it is alive this often ...
    heartbeat_s: float = 5.0
    # ... and a job whose owner has been silent this long is run again by another process.
    stale_after_s: float = 30.0
    # On SIGTERM, running jobs get this long to finish; queued ones stay queued for the next
    # worker. A job cut off here is run again (its roster recorded once).
    drain_timeout_s: float = 60.0
    # The periodic work (step-down ticks, nightly drafts): looked at this often.
    periodic: bool = True
    periodic_interval_s: float = 3600.0
