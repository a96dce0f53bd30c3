"""Where each read model and policy stands: position, lag, events applied, and any stop."""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.projections.stops import ProjectionStop
from scheduler.service import Stepdown


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    # Log entries not yet applied, and how many were; None for a policy, whose position is the
    # last event of its own kinds it handled.
    lag: int | None
    events_applied: int | None
    stop: ProjectionStop | None

    def describe(self) -> str:
        return "running" if self.stop is None else self.stop.describe()


def projection_statuses(stepdown: Stepdown) -> list[ProjectionStatus]:
    head = stepdown.app.recorder.max_notification_id() or 0
    stops = stepdown.stopped_projections()
    statuses = [
        ProjectionStatus(
            runner.name,
            runner.position(),
            head - runner.position(),
            runner.events_applied(),
            stops.get(runner.name),
        )
        for runner in stepdown.runners
    ]
    for policy in stepdown.policies:
        name = str(getattr(policy, "name", type(policy).__name__))
        position = stepdown.views.position(name)
        statuses.append(ProjectionStatus(name, position, None, None, stops.get(name)))
    return statuses
