"""Helpers for integration scenarios."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from events.calendar import week_monday
from events.roster import Roster
from events.values import Assignment, RosterSession, SolveStatistics
from scheduler.projections.runner import ProjectionRunner
from scheduler.service import Stepdown


def dump_views(stepdown: Stepdown, runner: ProjectionRunner) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of a projection's tables, sorted, for comparing two builds.

    Sealed values are compared opened: each sealing draws a fresh nonce.
    """
    dumped = {}
    with stepdown.views.transaction(commit=False) as cursor:
        for table in runner.projection.tables:
            rows = cursor.query(f"SELECT * FROM {table}")
            dumped[table] = sorted(
                tuple(
                    cursor.unseal(value) if isinstance(value, str) else str(value)
                    for value in row.values()
                )
                for row in rows
            )
    return dumped


def event_count(stepdown: Stepdown) -> int:
    return stepdown.app.recorder.max_notification_id() or 0


def publish_seats(
    stepdown: Stepdown, program_id: str, week: str, seats: Iterable[tuple[str, str, date]]
) -> None:
    """Publish the week's roster with exactly these (patient, session, date) seats, as a
    coordinator would have before recording attendance for them."""
    program = stepdown.app.get_program(program_id)
    monday = week_monday(week)
    roster = stepdown.app.find_roster(program_id, week) or Roster(
        program_id=program_id, week=week, recorded_by="coordinator", effective_on=monday
    )
    assignments = tuple(Assignment(*seat) for seat in seats)
    sessions = {
        (a.session_id, a.session_date): RosterSession(
            a.session_id,
            a.session_date,
            program.sessions[a.session_id].start,
            program.sessions[a.session_id].end,
            program.sessions[a.session_id].track,
        )
        for a in assignments
    }
    roster.record_generated(
        assignments,
        SolveStatistics("OPTIMAL", 0, 0, 0, 0.0),
        sessions=tuple(sessions.values()),
        recorded_by="coordinator",
        effective_on=monday,
    )
    roster.publish(recorded_by="coordinator", effective_on=monday)
    stepdown.app.save(roster)


def after_retention() -> datetime:
    """A clock past the retention (30 days) of the sample's patients, discharged on 2026-11-25."""
    return datetime(2026, 12, 26, 18, 0, tzinfo=UTC)
