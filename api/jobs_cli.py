"""`stepdown jobs`: run job workers, look at a job, and the nightly drafts a program asks for."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any

import click
import psycopg
from eventsourcing.persistence import PersistenceError

from api.jobs import job_settings, solver_options
from api.service_access import OPEN_RACE_ATTEMPTS, OPEN_RACE_PAUSE_S
from api.settings import Settings
from events.storage_faults import storage_fault
from scheduler.jobs.in_process import InProcessQueue
from scheduler.jobs.postgres_queue import JobWorker
from scheduler.jobs.records import JobTable
from scheduler.programs import ask_for_nightly_drafts
from scheduler.service import Stepdown

OpenService = Callable[[], AbstractContextManager[Stepdown]]


def register(
    cli: click.Group,
    open_service: OpenService,
    actor: Callable[[], str],
    program: Callable[[Stepdown, str | None], str],
) -> None:
    @cli.group()
    def jobs() -> None:
        """Durable jobs: roster solves and the periodic work (see the README's Jobs section)."""

    @jobs.command("worker")
    @click.option(
        "--concurrency",
        type=click.IntRange(1, 32),
        default=None,
        help="Jobs at a time (default: STEPDOWN_SOLVER_THREADS).",
    )
    def worker(concurrency: int | None) -> None:
        """Run jobs until SIGTERM/SIGINT, then drain: running jobs finish (within
        STEPDOWN_JOB_DRAIN_TIMEOUT_S), queued ones stay queued for the next worker."""
        settings = Settings()
        if concurrency is not None:
            settings.solver_threads = concurrency
        with _opened_despite_races(open_service) as stepdown:
            options, job_options = solver_options(settings), job_settings(settings)
            database = stepdown.views.database
            if database.is_postgres:
                click.echo(f"jobs worker: PostgreSQL queue, {job_options.concurrency} at a time")
                JobWorker(stepdown, database, options, job_options).run()
                return
            # The embedded store: this process runs the jobs left in the store (and any asked
            # for while it runs), as an API process does.
            click.echo("jobs worker: in-process on the SQLite store")
            stop = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            queue = InProcessQueue(stepdown, options, job_options)
            queue.start()
            stop.wait()
            queue.shutdown()

    @jobs.command("show")
    @click.argument("job_id")
    def show(job_id: str) -> None:
        """A job's state as JSON (what GET /jobs/{id} answers)."""

        with open_service() as stepdown:
            job = JobTable(stepdown.views).get(job_id)
        shown: dict[str, Any] = {k: v for k, v in vars(job).items() if k != "params"}
        click.echo(json.dumps(shown, indent=2))

    @jobs.command("nightly-drafts")
    @click.option("--program", "program_id", help="The program (default: the only one).")
    @click.argument("state", type=click.Choice(["on", "off"]))
    def nightly_drafts(program_id: str | None, state: str) -> None:
        """Ask for next week's draft to be generated every night (from 22:00 where the program
        is), or stop asking. Recorded as an event on the program."""
        with open_service() as stepdown:
            chosen = program(stepdown, program_id)
            changed = ask_for_nightly_drafts(stepdown, chosen, state == "on", actor=actor())
        click.echo(f"{chosen}: nightly drafts {state}{'' if changed else ' (unchanged)'}")


@contextmanager
def _opened_despite_races(open_service: OpenService) -> Iterator[Stepdown]:
    """Open the store; workers started together (several at boot) may find another one creating
    its tables at that instant (no storage fault): tried again a few times, as API processes do."""
    with ExitStack() as stack:
        for attempt in range(OPEN_RACE_ATTEMPTS):
            try:
                stepdown = stack.enter_context(open_service())
                break
            except (PersistenceError, psycopg.Error, sqlite3.Error) as error:
                if storage_fault(error) is not None or attempt == OPEN_RACE_ATTEMPTS - 1:
                    raise
                time.sleep(OPEN_RACE_PAUSE_S * (attempt + 1))
        yield stepdown
