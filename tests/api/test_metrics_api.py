"""/metrics speaks Prometheus text: requests, latencies, solves, make-ups and projection lag."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from scheduler.projections.registry import all_projections
from tests.api.conftest import PROGRAM, WEEK, Api


def samples(api: Api) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_requests_solves_and_lag_are_counted(program: Api) -> None:
    program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/generate", json={})
    program.get("/programs/nope")
    found = samples(program)
    route = "/programs/{program_id}"
    assert (
        found[
            (
                "stepdown_http_requests_total",
                (("method", "GET"), ("route", route), ("status", "404")),
            )
        ]
        == 1
    )
    assert sum(v for (name, _), v in found.items() if name == "stepdown_roster_solves_total") == 1
    assert found[("stepdown_roster_solve_seconds_count", ())] == 1
    lag = {
        labels: v for (name, labels), v in found.items() if name == "stepdown_projection_lag_events"
    }
    assert len(lag) == len(all_projections())  # one per read model
    assert set(lag.values()) == {0}
    # One process: prometheus_client's own process metrics.
    assert found[("process_open_fds", ())] > 0
    assert found[("process_resident_memory_bytes", ())] > 0
