"""Prometheus metrics: requests and latencies per route, roster solves, make-ups, projection lag
and stopped projections, and each process's CPU, memory and open files.

With several API processes (`stepdown serve --workers N`) each process writes its counts to files
in PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode) and any process answering a
scrape sums them all, so one scrape sees every request whichever process answered it.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scheduler.service import Stepdown


class ProjectionLag(Collector):
    """How many log entries each read model has yet to apply, and which are stopped at an event
    their handler failed on, read at scrape time."""

    def __init__(self, stepdown: Stepdown) -> None:
        self._stepdown = stepdown

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = GaugeMetricFamily(
            "stepdown_projection_lag_events", "Log entries not yet applied", labels=["projection"]
        )
        head = self._stepdown.app.recorder.max_notification_id() or 0
        for runner in self._stepdown.runners:
            lag.add_metric([runner.name], head - runner.position())
        yield lag
        stopped = GaugeMetricFamily(
            "stepdown_projection_stopped",
            "1 when a read model or policy is stopped at an event it could not apply",
            labels=["projection"],
        )
        stops = self._stepdown.stopped_projections()
        names = [runner.name for runner in self._stepdown.runners]
        names += [str(getattr(p, "name", type(p).__name__)) for p in self._stepdown.policies]
        for name in sorted({*names, *stops}):
            stopped.add_metric([name], 1 if name in stops else 0)
        yield stopped


MULTIPROCESS_SETTING = "PROMETHEUS_MULTIPROC_DIR"
# How often a process refreshes its CPU/memory/fd gauges in multiprocess mode (on its own
# requests), so the others' scrapes see recent values without a clock thread per process.
PROCESS_REFRESH_S = 5.0


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROCESS_SETTING) or None


def prepare_multiprocess_dir() -> str:
    """Before API processes start: the directory they share their counts in (a fresh temporary
    one unless PROMETHEUS_MULTIPROC_DIR names one), emptied, since counts left by an earlier run
    would be added to this run's."""
    directory = multiprocess_dir()
    if directory is None:
        directory = tempfile.mkdtemp(prefix="stepdown-metrics-")
        os.environ[MULTIPROCESS_SETTING] = directory
    Path(directory).mkdir(parents=True, exist_ok=True)
    for leftover in Path(directory).glob("*.db"):
        leftover.unlink()
    return directory


class ProcessGauges:
    """CPU seconds, resident memory and open file descriptors of each API process, by pid.

    In a single process prometheus_client's own `process_*` metrics say this; in multiprocess mode
    those describe only the process that answers the scrape, so each process writes its own
    values (read by the same ProcessCollector) to gauges the scrape sums up per pid.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self._reader = ProcessCollector(registry=None)
        self._refreshed = 0.0
        self._gauges = {
            "process_cpu_seconds_total": Gauge(
                "stepdown_process_cpu_seconds",
                "CPU seconds (user and system) used by the process",
                registry=registry,
                multiprocess_mode="liveall",
            ),
            "process_resident_memory_bytes": Gauge(
                "stepdown_process_resident_memory_bytes",
                "Resident memory of the process",
                registry=registry,
                multiprocess_mode="liveall",
            ),
            "process_open_fds": Gauge(
                "stepdown_process_open_fds",
                "Open file descriptors of the process",
                registry=registry,
                multiprocess_mode="liveall",
            ),
        }

    def refresh(self, *, at_most_every_s: float = 0.0) -> None:
        now = time.monotonic()
        if now - self._refreshed < at_most_every_s:
            return
        self._refreshed = now
        for family in self._reader.collect():
            for sample in family.samples:
                gauge = self._gauges.get(sample.name)
                if gauge is not None:
                    gauge.set(sample.value)


class Metrics:
    """One registry per app, so tests and several apps in one process do not share counters
    (in multiprocess mode the counts are the files in PROMETHEUS_MULTIPROC_DIR instead)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.multiprocess = multiprocess_dir() is not None
        self.requests = Counter(
            "stepdown_http_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "stepdown_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.solves = Counter(
            "stepdown_roster_solves", "Roster solves", ["status"], registry=self.registry
        )
        self.solve_seconds = Histogram(
            "stepdown_roster_solve_seconds",
            "Wall time of roster solves",
            registry=self.registry,
            buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
        )
        self.make_ups = Counter(
            "stepdown_make_ups",
            "Make-up outcomes of misses recorded through this process",
            ["outcome"],
            registry=self.registry,
        )

        self.process: ProcessGauges | None = None
        self._scraped = self.registry
        if self.multiprocess:
            self.process = ProcessGauges(self.registry)
            # A scrape reads every process's files, not this process's memory.
            self._scraped = CollectorRegistry()
            multiprocess.MultiProcessCollector(self._scraped)  # type: ignore[no-untyped-call]
        else:
            ProcessCollector(registry=self.registry)

    def count_solve(self, seconds: float, status: str) -> None:
        """A roster solve this process ran as a job (solves in a request are timed there)."""
        self.solve_seconds.observe(seconds)
        self.solves.labels(status).inc()

    def follow(self, stepdown: Stepdown) -> None:
        """Report the read models' lag from this service (once its store is open); the store is
        shared, so it is read at scrape time and not summed across processes."""
        self._scraped.register(ProjectionLag(stepdown))

    def note_process(self) -> None:
        """Keep this process's CPU/memory/fd gauges recent (multiprocess mode only)."""
        if self.process is not None:
            self.process.refresh(at_most_every_s=PROCESS_REFRESH_S)

    def exposition(self) -> bytes:
        if self.process is not None:
            self.process.refresh()
        return generate_latest(self._scraped)

    def process_exited(self) -> None:
        """Drop this process's live gauges from the shared directory (its counts stay)."""
        directory = multiprocess_dir()
        if self.multiprocess and directory is not None:
            multiprocess.mark_process_dead(os.getpid(), directory)  # type: ignore[no-untyped-call]


class RequestMetrics:
    """Plain ASGI middleware (no per-request task or body copy): counts and times each request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            # The route's template, not the URL: ids would make one series per patient.
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.note_process()
