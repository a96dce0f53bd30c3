"""Load and crash, over HTTP on loopback against real processes, on SQLite and PostgreSQL.

Each backend runs in two shapes: embedded (API processes keep the read models themselves, inside
each write) and with a `stepdown worker`. SQLite has one API process, PostgreSQL two. Sizes here
are bounded for CI; `bench/load.py` runs the same with larger ones and writes
bench/results/load.md.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest

from events.calendar import iso_week
from events.ids import enrollment_uuid
from events.persistence import Database
from scheduler.service import Stepdown, open_stepdown
from tests.reliability.checks import stored_writes, views_equal_rebuild
from tests.reliability.cluster import LOAD_PROGRAM, Cluster
from tests.reliability.load import Report, run_load

PATIENTS, CLIENTS, SECONDS = 60, 4, 6.0


@pytest.fixture(params=["embedded", "worker"])
def cluster(
    request: pytest.FixtureRequest, database: Database, tmp_path: Path
) -> Iterator[Cluster]:
    cluster = Cluster(
        tmp_path,
        database.url,
        api_processes=2 if database.is_postgres else 1,
        with_worker=request.param == "worker",
    )
    cluster.set_up(PATIENTS)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop_all()


@contextmanager
def settled_store(database: Database) -> Iterator[Stepdown]:
    """The store after the processes stopped, with every read model and the policy caught up."""
    stepdown = open_stepdown(database)
    try:
        stepdown.catch_up()
        yield stepdown
    finally:
        stepdown.close()


def assert_every_acknowledged_write_stored_once(stepdown: Stepdown, report: Report) -> None:
    next_week = iso_week(date.today() + timedelta(days=7))
    stored = stored_writes(stepdown, PATIENTS, next_week)
    acknowledged_marks = Counter(write.key for write in report.acknowledged["attendance"])
    assert sum(acknowledged_marks.values()) > 0
    assert stored.marks == acknowledged_marks  # each acknowledged mark once, nothing else
    check_ins = Counter(write.key for write in report.acknowledged.get("progress", []))
    assert stored.check_ins == check_ins
    misses = {
        (enrollment_uuid(LOAD_PROGRAM, patient), session, date.fromisoformat(day))
        for patient, session, day, status in acknowledged_marks
        if status == "missed"
    }
    load_make_ups = {key: n for key, n in stored.make_ups.items() if key in misses}
    assert load_make_ups.keys() == misses  # every miss answered...
    assert set(load_make_ups.values()) <= {1}  # ...exactly once
    return


def test_load_stores_every_acknowledged_write_once_with_no_server_error(
    cluster: Cluster, database: Database
) -> None:
    report = asyncio.run(
        run_load(
            cluster.base_urls, cluster.token, clients=CLIENTS, seconds=SECONDS, patients=PATIENTS
        )
    )
    cluster.stop_all()
    assert report.server_errors == 0, report.statuses
    assert report.transport_errors == 0
    with settled_store(database) as stepdown:
        assert_every_acknowledged_write_stored_once(stepdown, report)
        next_week = iso_week(date.today() + timedelta(days=7))
        stored = stored_writes(stepdown, PATIENTS, next_week)
        assert stored.rosters_generated == len(report.acknowledged.get("roster", []))
        assert views_equal_rebuild(stepdown) == dict.fromkeys(
            ("directory", "census", "attendance", "compliance", "roster", "waitlist", "staff"), True
        )


def test_kill_9_mid_load_loses_no_acknowledged_write(cluster: Cluster, database: Database) -> None:
    async def load_with_crashes() -> Report:
        load = asyncio.create_task(
            run_load(
                cluster.base_urls,
                cluster.token,
                clients=CLIENTS,
                seconds=SECONDS,
                patients=PATIENTS,
            )
        )
        await asyncio.sleep(SECONDS / 3)
        victims = ["api-0", *(["worker"] if cluster.with_worker else [])]
        for name in victims:
            cluster.kill(name)
        await asyncio.sleep(1.0)
        await asyncio.to_thread(cluster.start_api, 0)
        if cluster.with_worker:
            await asyncio.to_thread(cluster.start_worker)
        return await load

    report = asyncio.run(load_with_crashes())
    cluster.stop_all()
    assert report.server_errors == 0, report.statuses
    with settled_store(database) as stepdown:
        assert_every_acknowledged_write_stored_once(stepdown, report)
        next_week = iso_week(date.today() + timedelta(days=7))
        stored = stored_writes(stepdown, PATIENTS, next_week)
        # A generation cut by the kill may be stored without being acknowledged, never the reverse.
        assert stored.rosters_generated >= len(report.acknowledged.get("roster", []))
        assert all(views_equal_rebuild(stepdown).values())
