"""Prometheus metrics: requests and latencies per route, roster solves, make-ups, projection lag
and stopped projections."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
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


class Metrics:
    """One registry per app, so tests and several apps in one process do not share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
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

    def follow(self, stepdown: Stepdown) -> None:
        """Report the read models' lag from this service (once its store is open)."""
        self.registry.register(ProjectionLag(stepdown))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


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
