"""A running roster job's progress: which stage the solver is on, the rosters found so far, the
best objective and bound, and the time taken of the time limit, for whoever polls the job.

The solver's hooks run inside its search, so they only hand the numbers over (under a lock);
a thread of the recorder writes the latest of them at most once per interval, and only when
they changed. A slow or failing write never holds up the search nor fails the job.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import TracebackType

from solver.rules import COMFORT, COVERAGE, STABILITY, TRACKS

log = logging.getLogger("stepdown.jobs")

# Before the solver's first tier: the week's problem is read and the model built.
PREPARING = "preparing"
STAGE_WORDS = {
    PREPARING: "Reading the week",
    COVERAGE: "Finding seats for everyone's days",
    STABILITY: "Keeping last week's groups",
    TRACKS: "Keeping patients to their tracks",
    COMFORT: "Spreading days and balancing groups",
}
# Often enough for a page polling every second, rare enough to cost the store nothing.
WRITE_INTERVAL_S = 0.5


@dataclass(frozen=True)
class JobProgress:
    tier: str  # the solver's tier being worked on, or "preparing"
    solutions: int  # better rosters the solver's searches found so far
    objective: float | None  # the tier's penalty in the best roster found in it (None: none yet)
    best_bound: float | None  # the least penalty the tier could have, as far as proven
    elapsed_s: float
    time_limit_s: float

    @property
    def stage(self) -> str:
        return STAGE_WORDS.get(self.tier, self.tier)

    @property
    def gap(self) -> float | None:
        """How far the tier's best roster may be from the best possible (0: proven best)."""
        if self.objective is None or self.best_bound is None:
            return None
        return max(0.0, self.objective - self.best_bound) / max(1.0, abs(self.objective))


class ProgressRecorder:
    """Collects the solver's progress (`found`, `stage`: its hooks) and, while open (`with`),
    writes the latest to `write` every `interval_s` when it changed: on opening, then from its
    own thread, and once more on closing."""

    def __init__(
        self,
        write: Callable[[JobProgress], None],
        time_limit_s: float,
        *,
        interval_s: float = WRITE_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._write = write
        self._interval_s = interval_s
        self._clock = clock
        self._began = clock()
        self._lock = threading.Lock()
        self._latest = JobProgress(PREPARING, 0, None, None, 0.0, time_limit_s)
        self._changed = True
        self._closing = threading.Event()
        self._writer: threading.Thread | None = None

    def found(self, seconds: float, tier: str, objective: float, bound: float) -> None:
        """The solver's progress hook: a better roster in `tier`."""
        with self._lock:
            self._latest = replace(
                self._latest,
                tier=tier,
                solutions=self._latest.solutions + 1,
                objective=objective,
                best_bound=bound,
            )
            self._changed = True

    def stage(self, seconds: float, tier: str) -> None:
        """The solver's stage hook: work on `tier` begins (its numbers are not known yet)."""
        with self._lock:
            if tier != self._latest.tier:
                self._latest = replace(self._latest, tier=tier, objective=None, best_bound=None)
                self._changed = True

    def latest(self) -> JobProgress:
        with self._lock:
            return replace(self._latest, elapsed_s=round(self._clock() - self._began, 2))

    def flush(self) -> bool:
        """Write the latest progress if it changed since the last write; True when written."""
        with self._lock:
            if not self._changed:
                return False
            self._changed = False
        try:
            self._write(self.latest())
        except Exception as error:  # progress is only shown: the job goes on without it
            log.warning("job progress not written: %s", type(error).__name__)
            return False
        return True

    def __enter__(self) -> ProgressRecorder:
        self.flush()  # "Reading the week" from the start
        self._writer = threading.Thread(
            target=self._write_while_open, name="stepdown-job-progress", daemon=True
        )
        self._writer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._closing.set()
        if self._writer is not None:
            self._writer.join()
        self.flush()  # as the solve ended: its last stage and every roster it found

    def _write_while_open(self) -> None:
        while not self._closing.wait(self._interval_s):
            self.flush()
