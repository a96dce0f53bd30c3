"""Load and crash over HTTP on loopback, with real processes: SQLite (one API process, with its
read models kept inside each request or by a `stepdown worker`) and PostgreSQL (N API processes
and a worker). Writes bench/results/load.md.

Clients record attendance (95 % attended, 5 % missed, each miss followed by the make-up policy)
and weekly check-ins, while one client regenerates a 30-patient roster every two seconds. Each
run then checks, from the store, that every acknowledged write is there exactly once. The crash
run kills -9 one API process and the worker a third of the way in and restarts them.
Usage: .venv/bin/python bench/load.py [--seconds 30] [--clients 16] [--patients 400] [--api 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from events.calendar import iso_week
from events.persistence import database_from_url
from scheduler.service import open_stepdown
from tests.reliability.checks import stored_writes, views_equal_rebuild
from tests.reliability.cluster import Cluster
from tests.reliability.load import Report, run_load

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "STEPDOWN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def run(
    name: str, url: str, *, api: int, worker: bool, args: argparse.Namespace, crash: bool
) -> list[str]:
    with tempfile.TemporaryDirectory() as directory:
        cluster = Cluster(Path(directory), url, api_processes=api, with_worker=worker)
        cluster.set_up(args.patients)
        cluster.start()
        try:
            report = asyncio.run(load(cluster, args, crash=crash))
        finally:
            cluster.stop_all()
        lost, duplicated, views_ok = verify(url, args.patients, report)
    attendance = report.percentiles("attendance")
    return [
        f"| {name}{' + kill -9' if crash else ''} | {api} | {'yes' if worker else 'no'} "
        f"| {report.writes_per_second('attendance'):.0f} "
        f"| {report.writes_per_second('progress'):.1f} "
        f"| {len(report.acknowledged.get('roster', []))} "
        f"| {attendance[0]:.0f} / {attendance[1]:.0f} / {attendance[2]:.0f} "
        f"| {report.server_errors} | {report.transport_errors} | {lost} | {duplicated} "
        f"| {'yes' if views_ok else 'NO'} |"
    ]


async def load(cluster: Cluster, args: argparse.Namespace, *, crash: bool) -> Report:
    task = asyncio.create_task(
        run_load(
            cluster.base_urls,
            cluster.token,
            clients=args.clients,
            seconds=args.seconds,
            patients=args.patients,
        )
    )
    if crash:
        await asyncio.sleep(args.seconds / 3)
        cluster.kill("api-0")
        if cluster.with_worker:
            cluster.kill("worker")
        await asyncio.sleep(2)
        await asyncio.to_thread(cluster.start_api, 0)
        if cluster.with_worker:
            await asyncio.to_thread(cluster.start_worker)
    return await task


def verify(url: str, patients: int, report: Report) -> tuple[int, int, bool]:
    """(acknowledged marks missing from the store, marks stored twice, views equal a rebuild)."""
    stepdown = open_stepdown(database_from_url(url))
    try:
        stepdown.catch_up()
        stored = stored_writes(stepdown, patients, iso_week(date.today() + timedelta(days=7)))
        acknowledged = Counter(w.key for w in report.acknowledged.get("attendance", []))
        lost = sum(1 for key in acknowledged if stored.marks[key] == 0)
        duplicated = sum(1 for n in stored.marks.values() if n > 1)
        views_ok = all(views_equal_rebuild(stepdown).values())
        return lost, duplicated, views_ok
    finally:
        stepdown.close()


def postgres_url() -> tuple[str, str]:
    schema = f"bench_{uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    return f"{POSTGRES_URL}?schema={schema}", schema


def drop(schema: str) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--patients", type=int, default=400)
    parser.add_argument("--api", type=int, default=4, help="API processes on PostgreSQL")
    args = parser.parse_args()
    rows: list[str] = []
    for worker in (False, True):
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{directory}/load.db"
            rows += run("SQLite", url, api=1, worker=worker, args=args, crash=False)
    for crash in (False, True):
        url, schema = postgres_url()
        try:
            rows += run("PostgreSQL", url, api=args.api, worker=True, args=args, crash=crash)
        finally:
            drop(schema)
    header = [
        "# Load over HTTP on loopback",
        "",
        f"`.venv/bin/python bench/load.py --seconds {args.seconds:g} --clients {args.clients} "
        f"--patients {args.patients} --api {args.api}` on {os.cpu_count()} cores "
        "(clients, servers and database on the same machine).",
        "",
        "| store | API processes | worker | attendance writes/s | check-ins/s | rosters generated "
        "| attendance p50 / p95 / p99 ms | 5xx | connection errors | acknowledged lost "
        "| stored twice | views = rebuild |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    text = "\n".join(header + rows) + "\n"
    print(text)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "load.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
