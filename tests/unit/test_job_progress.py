"""A roster job's progress: the solver's hooks only hand numbers over, and the recorder writes
the latest of them at most once per interval, only when they changed."""

from __future__ import annotations

import pytest

from scheduler.jobs.progress import PREPARING, JobProgress, ProgressRecorder

LIMIT_S = 10.0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def recorder(written: list[JobProgress], clock: Clock, interval_s: float = 0.5) -> ProgressRecorder:
    return ProgressRecorder(written.append, LIMIT_S, interval_s=interval_s, clock=clock)


def test_the_solvers_hooks_write_nothing_themselves() -> None:
    written: list[JobProgress] = []
    progress = recorder(written, Clock())
    progress.stage(0.1, "coverage")
    for objective in range(100, 0, -1):
        progress.found(0.2, "coverage", float(objective), 0.0)
    assert written == []
    assert progress.latest().solutions == 100


def test_a_flush_writes_the_latest_progress_once() -> None:
    written: list[JobProgress] = []
    clock = Clock()
    progress = recorder(written, clock)
    progress.stage(0.1, "coverage")
    progress.found(0.5, "coverage", 12.0, 10.0)
    progress.found(0.9, "coverage", 11.0, 10.0)
    clock.now += 2.5
    assert progress.flush()
    assert not progress.flush()  # nothing new since
    assert written == [JobProgress("coverage", 2, 11.0, 10.0, 2.5, LIMIT_S)]
    assert written[0].stage == "Finding seats for everyone's days"
    assert written[0].gap == pytest.approx(1 / 11)


def test_a_new_stage_forgets_the_last_tiers_numbers_but_counts_on() -> None:
    written: list[JobProgress] = []
    progress = recorder(written, Clock())
    progress.found(0.5, "coverage", 3.0, 3.0)
    progress.stage(1.0, "stability")
    progress.flush()
    assert written == [JobProgress("stability", 1, None, None, 0.0, LIMIT_S)]
    assert written[0].gap is None


def test_while_open_it_writes_on_opening_and_closing_not_at_each_hook() -> None:
    written: list[JobProgress] = []
    # An interval longer than the test: only the opening and closing writes can happen.
    with recorder(written, Clock(), interval_s=3600) as progress:
        for objective in range(50, 0, -1):
            progress.found(0.1, "tracks", float(objective), 0.0)
    assert [(p.tier, p.solutions) for p in written] == [(PREPARING, 0), ("tracks", 50)]
    assert written[0].stage == "Reading the week"


def test_while_open_its_own_thread_writes_what_changed() -> None:
    written: list[JobProgress] = []
    with recorder(written, Clock(), interval_s=0.01) as progress:
        progress.found(0.1, "comfort", 5.0, 4.0)
        for _ in range(1000):  # up to 10 s for the writer's next turn
            if any(p.tier == "comfort" for p in written):
                break
            progress._closing.wait(0.01)
        written_while_open = list(written)
    assert written_while_open[-1] == JobProgress("comfort", 1, 5.0, 4.0, 0.0, LIMIT_S)
    assert written == written_while_open  # nothing changed since: nothing more on closing


def test_a_failing_write_never_fails_the_solve() -> None:
    def unreachable(progress: JobProgress) -> None:
        raise OSError("database away")

    with ProgressRecorder(unreachable, LIMIT_S, interval_s=3600) as progress:
        progress.found(0.1, "coverage", 1.0, 1.0)
        assert not progress.flush()
