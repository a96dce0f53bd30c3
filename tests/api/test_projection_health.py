"""A stopped read model is reported, not hidden: /health answers degraded (200) naming it, and
/metrics shows it stopped, while writes are still acknowledged."""

from __future__ import annotations

from scheduler.projections.runner import ProjectionRunner
from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, WEEK, Api
from tests.api.test_metrics_api import samples
from tests.integration.counting import CountingProjection


def _broken_read_model(stepdown: Stepdown) -> None:
    projection = CountingProjection(failing_topic="Roster.RosterGenerated")
    stepdown.runners = (
        *stepdown.runners,
        ProjectionRunner(stepdown.app, stepdown.views, projection),
    )


def test_health_is_ok_while_every_read_model_runs(program: Api) -> None:
    response = program.call("", "GET", "/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})


def test_a_stopped_read_model_makes_health_degraded_and_shows_in_metrics(
    program: Api, stepdown: Stepdown
) -> None:
    _broken_read_model(stepdown)
    generated = program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/generate", json={})
    assert generated.status_code == 201  # the write is acknowledged
    stop = stepdown.stopped_projections()["counting"]

    response = program.call("", "GET", "/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "projections": {
            "counting": f"stopped at event {stop.notification_id}: "
            "RuntimeError: handler defect: cannot apply this event"
        },
    }
    stopped = {
        dict(labels)["projection"]: value
        for (name, labels), value in samples(program).items()
        if name == "stepdown_projection_stopped"
    }
    assert stopped == {
        "counting": 1,
        "directory": 0,
        "census": 0,
        "attendance": 0,
        "compliance": 0,
        "roster": 0,
        "waitlist": 0,
        "staff": 0,
        "makeup_policy": 0,
        "plan_end_policy": 0,
        "roster_facts_policy": 0,
    }
    # Later writes are still taken, and the other read models still answer with them.
    published = program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/publish")
    assert published.status_code == 200, published.text
    assert program.get(f"/programs/{PROGRAM}/rosters/{WEEK}").json()["status"] == "published"
