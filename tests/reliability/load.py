"""Concurrent clients over HTTP: attendance, check-ins and roster generation for a bounded time.

Every write a client sends is retried (on another API process) until it is acknowledged, so that
afterwards each acknowledged write can be looked for in the store. Attendance and check-ins are
idempotent (a retry records nothing new); a roster generation is never retried.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import aiohttp

from events.calendar import iso_week
from tests.reliability.cluster import (
    LOAD_PROGRAM,
    SMALL_PROGRAM,
    START_WEEKS_AGO,
    planned_seats,
)

MAX_ATTEMPTS = 200


@dataclass(frozen=True)
class Write:
    kind: str  # attendance | progress | roster
    path: str
    body: dict[str, Any]
    key: tuple[str, ...]  # what the store must hold once it is acknowledged


@dataclass
class Report:
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    acknowledged: dict[str, list[Write]] = field(default_factory=dict)
    transport_errors: int = 0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def writes_per_second(self, kind: str) -> float:
        return len(self.acknowledged.get(kind, [])) / self.seconds if self.seconds else 0.0

    def percentiles(self, kind: str) -> tuple[float, float, float]:
        """p50, p95, p99 in milliseconds."""
        values = self.latencies.get(kind, [])
        if len(values) < 2:
            return (0.0, 0.0, 0.0)
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        return (cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000)


def attendance_writes(patients: int, today: date, seed: int = 7) -> list[Write]:
    """Unique marks for the load program, one for each seat of its published rosters."""
    rng = random.Random(seed)
    writes = []
    for patient, session, day in planned_seats(patients, today):
        status = "missed" if rng.random() < 0.05 else "attended"
        body = {
            "patient_id": patient,
            "session_id": session,
            "date": day.isoformat(),
            "status": status,
        }
        writes.append(
            Write(
                "attendance",
                f"/programs/{LOAD_PROGRAM}/attendance",
                body,
                (patient, session, day.isoformat(), status),
            )
        )
    rng.shuffle(writes)
    return writes


def progress_writes(patients: int, today: date) -> list[Write]:
    start = today - timedelta(weeks=START_WEEKS_AGO)
    return [
        Write(
            "progress",
            f"/programs/{LOAD_PROGRAM}/patients/L{number:05d}/progress",
            {"rating": "on_track", "date": day.isoformat()},
            (f"L{number:05d}", day.isoformat()),
        )
        for day in (start + timedelta(days=7 * w) for w in range(START_WEEKS_AGO))
        for number in range(1, patients + 1)
    ]


async def run_load(
    base_urls: list[str],
    token: str,
    *,
    clients: int,
    seconds: float,
    patients: int,
    roster_every_s: float = 2.0,
) -> Report:
    today = date.today()
    attendance = deque(attendance_writes(patients, today))
    progress = deque(progress_writes(patients, today))
    report = Report()
    deadline = time.monotonic() + seconds
    next_week = iso_week(today + timedelta(days=7))
    headers = {"Authorization": f"Bearer {token}"}
    # aiohttp rather than httpx: on two shared cores the client must cost less than the server.
    connector = aiohttp.TCPConnector(limit=clients * 2)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(headers=headers, connector=connector, timeout=timeout) as http:

        async def send(write: Write, first_url: int) -> None:
            for attempt in range(MAX_ATTEMPTS):
                url = base_urls[(first_url + attempt) % len(base_urls)]
                started = time.perf_counter()
                try:
                    async with http.post(url + write.path, json=write.body) as response:
                        status, text = response.status, await response.text()
                except (TimeoutError, aiohttp.ClientError):
                    report.transport_errors += 1
                    if write.kind == "roster":
                        return  # not idempotent: unknown outcome, not acknowledged
                    await asyncio.sleep(0.05)
                    continue
                report.statuses[status] += 1
                if status < 300:
                    report.latencies.setdefault(write.kind, []).append(
                        time.perf_counter() - started
                    )
                    report.acknowledged.setdefault(write.kind, []).append(write)
                    return
                if status in (409, 503):
                    await asyncio.sleep(0.05)  # lost a race, or the database is restarting
                    continue
                raise AssertionError(f"{write.path} answered {status}: {text}")

        async def client(index: int) -> None:
            while time.monotonic() < deadline and attendance:
                use_progress = progress and random.random() < 0.1
                write = progress.popleft() if use_progress else attendance.popleft()
                await send(write, index)

        async def roster_client() -> None:
            while time.monotonic() < deadline:
                write = Write(
                    "roster",
                    f"/programs/{SMALL_PROGRAM}/rosters/{next_week}/generate",
                    {"time_limit_s": 5},
                    (next_week,),
                )
                await send(write, 0)
                await asyncio.sleep(min(roster_every_s, max(0.0, deadline - time.monotonic())))

        started = time.monotonic()
        await asyncio.gather(roster_client(), *(client(i) for i in range(clients)))
        report.seconds = time.monotonic() - started
    return report
