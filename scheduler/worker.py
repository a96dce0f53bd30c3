"""`stepdown worker`: one loop per projection and per policy, following the event log.

Safe to restart (each loop resumes from its tracking position) and safe to run twice by mistake:
runners of one projection take turns under a per-projection lock, each batch applied once; the
make-up policy is idempotent. The loops poll (SQLite has no subscriptions), sleeping only while
there is nothing new. A read model stopped at an event its handler failed on is logged once (by
its runner) and then idle, while the other loops go on; each step is one batch, so a stop signal
is heard between batches.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eventsourcing.persistence import IntegrityError, PersistenceError

from scheduler.projections.runner import ProjectionRunner
from scheduler.service import Stepdown

log = logging.getLogger("stepdown.worker")

MAX_BACKOFF_S = 5.0


@dataclass(frozen=True)
class Loop:
    name: str
    step: Callable[[], int]  # applies what is new; returns how many events it handled


def loops(
    stepdown: Stepdown, *, projections: Sequence[str] | None = None, policies: bool = True
) -> list[Loop]:
    """The loops to run: every projection (or the named ones) and, unless told not to, the policies."""
    known = {runner.name: runner for runner in stepdown.runners}
    unknown = set(projections or ()) - known.keys()
    if unknown:
        raise ValueError(f"unknown projection(s): {', '.join(sorted(unknown))}")
    chosen = [Loop(name, _one_batch(known[name])) for name in (projections or known)]
    if policies:
        chosen.extend(
            Loop(getattr(policy, "name", type(policy).__name__), policy.catch_up)
            for policy in stepdown.policies
        )
    return chosen


def _one_batch(runner: ProjectionRunner) -> Callable[[], int]:
    def step() -> int:
        return runner.catch_up(max_events=runner.batch_size)

    return step


def run_loop(loop: Loop, stop: threading.Event, *, interval_s: float) -> None:
    backoff = interval_s
    while not stop.is_set():
        try:
            handled = loop.step()
        except IntegrityError:
            # Another runner recorded the same position first; carry on from where it got to.
            stop.wait(interval_s)
            continue
        except PersistenceError as error:
            # The database went away or is busy: wait, then resume from the tracked position.
            log.warning("%s: %s; retrying in %.1f s", loop.name, type(error).__name__, backoff)
            stop.wait(backoff)
            backoff = min(MAX_BACKOFF_S, backoff * 2)
            continue
        except Exception as error:
            # A defect outside any handler: this loop waits and tries again, the others go on.
            log.error("%s: %s; retrying in %.1f s", loop.name, type(error).__name__, backoff)
            stop.wait(backoff)
            backoff = min(MAX_BACKOFF_S, backoff * 2)
            continue
        backoff = interval_s
        if handled:
            log.info("%s: handled %d events", loop.name, handled)
        else:
            stop.wait(interval_s)


def run_worker(
    stepdown: Stepdown,
    stop: threading.Event,
    *,
    projections: Sequence[str] | None = None,
    policies: bool = True,
    interval_s: float = 0.1,
) -> None:
    """Run the loops, each in its own thread, until `stop` is set."""
    threads = [
        threading.Thread(
            target=run_loop,
            args=(loop, stop),
            kwargs={"interval_s": interval_s},
            name=f"stepdown-{loop.name}",
            daemon=True,
        )
        for loop in loops(stepdown, projections=projections, policies=policies)
    ]
    for thread in threads:
        thread.start()
    log.info("worker running: %s", ", ".join(t.name for t in threads))
    for thread in threads:
        thread.join()
