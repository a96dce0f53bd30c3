"""Helpers for integration scenarios."""

from __future__ import annotations

from typing import Any

from scheduler.projections.runner import ProjectionRunner
from scheduler.service import Stepdown


def dump_views(stepdown: Stepdown, runner: ProjectionRunner) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of a projection's tables, sorted, for comparing two builds."""
    dumped = {}
    with stepdown.views.transaction(commit=False) as cursor:
        for table in runner.projection.tables:
            rows = cursor.query(f"SELECT * FROM {table}")
            dumped[table] = sorted(tuple(str(value) for value in row.values()) for row in rows)
    return dumped


def event_count(stepdown: Stepdown) -> int:
    return stepdown.app.recorder.max_notification_id() or 0
