"""Prometheus metrics: requests and latencies per route, roster solves, make-ups, projection lag."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator

from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from scheduler.service import Stepdown


class ProjectionLag(Collector):
    """How many log entries each read model has yet to apply, read at scrape time."""

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


class Metrics:
    """One registry per app, so tests and several apps in one process do not share counters."""

    def __init__(self, stepdown: Stepdown) -> None:
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
        self.registry.register(ProjectionLag(stepdown))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def install_request_metrics(app: FastAPI, metrics: Metrics) -> None:
    @app.middleware("http")
    async def measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        # The route's template, not the URL: ids would make one series per patient.
        route = getattr(request.scope.get("route"), "path", "unmatched")
        metrics.latency.labels(request.method, route).observe(time.perf_counter() - started)
        metrics.requests.labels(request.method, route, str(response.status_code)).inc()
        return response
