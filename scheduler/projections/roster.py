"""Rosters: each program-week's latest version, its status, solver statistics and assignments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scheduler.projections.runner import Handler, Projection
from scheduler.projections.store import ViewCursor

# A patient holds one seat a day; a later event's seat for that day replaces an earlier one.
ASSIGNMENT_UPSERT = (
    "INSERT INTO view_roster_assignments VALUES (?, ?, ?, ?) "
    "ON CONFLICT (roster_id, patient_id, session_date) DO UPDATE SET "
    "session_id = excluded.session_id"
)


class RosterProjection(Projection):
    name = "roster"
    version = 2  # 2: every version of every roster
    tables = (
        "view_rosters",
        "view_roster_assignments",
        "view_roster_pins",
        "view_roster_sessions",
        "view_roster_patients",
        "view_roster_versions",
    )

    def create_tables(self, cursor: ViewCursor) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_rosters ("
            "roster_id TEXT PRIMARY KEY, program_id TEXT NOT NULL, week TEXT NOT NULL, "
            "version INTEGER NOT NULL, status TEXT NOT NULL, solver_status TEXT, "
            "objective DOUBLE PRECISION, best_bound DOUBLE PRECISION, gap DOUBLE PRECISION, "
            "wall_time_s DOUBLE PRECISION, UNIQUE (program_id, week))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_assignments ("
            "roster_id TEXT NOT NULL, patient_id TEXT NOT NULL, session_id TEXT NOT NULL, "
            "session_date TEXT NOT NULL, PRIMARY KEY (roster_id, patient_id, session_date))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_pins ("
            "roster_id TEXT NOT NULL, patient_id TEXT NOT NULL, session_id TEXT NOT NULL, "
            "session_date TEXT NOT NULL, PRIMARY KEY (roster_id, patient_id, session_id, session_date))"
        )

        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_sessions ("
            "roster_id TEXT NOT NULL, session_id TEXT NOT NULL, session_date TEXT NOT NULL, "
            "start_time TEXT NOT NULL, end_time TEXT NOT NULL, track TEXT NOT NULL, "
            "PRIMARY KEY (roster_id, session_id, session_date))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_patients ("
            "roster_id TEXT NOT NULL, patient_id TEXT NOT NULL, program_week INTEGER NOT NULL, "
            "required_days INTEGER NOT NULL, scheduled_days INTEGER NOT NULL, "
            "scheduled_minutes INTEGER NOT NULL, stepped_early INTEGER NOT NULL, "
            "unmet_kind TEXT, unmet_reason TEXT, PRIMARY KEY (roster_id, patient_id))"
        )

        # Every version of every roster: who made it, when, how, and whether it was published.
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_versions ("
            "roster_id TEXT NOT NULL, version INTEGER NOT NULL, change TEXT NOT NULL, "
            "recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL, solver_status TEXT, "
            "seats_added INTEGER NOT NULL, seats_removed INTEGER NOT NULL, "
            "published INTEGER NOT NULL, PRIMARY KEY (roster_id, version))"
        )

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "Roster.RosterOpened": self._opened,
            "Roster.RosterGenerated": self._generated,
            "Roster.RosterPublished": self._published,
            "Roster.RosterAmended": self._amended,
            "Roster.AssignmentPinned": self._pinned,
            "Roster.AssignmentUnpinned": self._unpinned,
        }

    def _opened(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            "INSERT INTO view_rosters (roster_id, program_id, week, version, status) "
            "VALUES (?, ?, ?, 0, 'draft') ON CONFLICT (roster_id) DO NOTHING",
            (event.originator_id.hex, event.program_id, event.week),
        )

    def _generated(self, cursor: ViewCursor, event: Any) -> None:
        roster_id = event.originator_id.hex
        stats = event.statistics
        cursor.execute(
            "UPDATE view_rosters SET version = ?, status = 'draft', solver_status = ?, "
            "objective = ?, best_bound = ?, gap = ?, wall_time_s = ? WHERE roster_id = ?",
            (
                event.roster_version,
                stats.status,
                stats.objective,
                stats.best_bound,
                stats.gap,
                stats.wall_time_s,
                roster_id,
            ),
        )
        cursor.execute("DELETE FROM view_roster_assignments WHERE roster_id = ?", (roster_id,))
        _add_version(cursor, event, "generated", stats.status, len(event.assignments), 0)
        cursor.executemany(
            ASSIGNMENT_UPSERT,
            [
                (roster_id, a.patient_id, a.session_id, a.session_date.isoformat())
                for a in event.assignments
            ],
        )
        cursor.execute("DELETE FROM view_roster_sessions WHERE roster_id = ?", (roster_id,))
        cursor.executemany(
            "INSERT INTO view_roster_sessions VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (roster_id, session_id, session_date) DO UPDATE SET "
            "start_time = excluded.start_time, end_time = excluded.end_time, "
            "track = excluded.track",
            [
                (
                    roster_id,
                    s.session_id,
                    s.session_date.isoformat(),
                    s.start.strftime("%H:%M"),
                    s.end.strftime("%H:%M"),
                    s.track,
                )
                for s in event.sessions
            ],
        )
        cursor.execute("DELETE FROM view_roster_patients WHERE roster_id = ?", (roster_id,))
        cursor.executemany(
            "INSERT INTO view_roster_patients VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (roster_id, patient_id) DO UPDATE SET "
            "program_week = excluded.program_week, required_days = excluded.required_days, "
            "scheduled_days = excluded.scheduled_days, "
            "scheduled_minutes = excluded.scheduled_minutes, "
            "stepped_early = excluded.stepped_early, unmet_kind = excluded.unmet_kind, "
            "unmet_reason = excluded.unmet_reason",
            [
                (
                    roster_id,
                    p.patient_id,
                    p.program_week,
                    p.required_days,
                    p.scheduled_days,
                    p.scheduled_minutes,
                    int(p.stepped_early),
                    p.unmet_kind,
                    p.unmet_reason,
                )
                for p in event.patients
            ],
        )

    def _amended(self, cursor: ViewCursor, event: Any) -> None:
        roster_id = event.originator_id.hex
        _add_version(cursor, event, "amended", None, len(event.added), len(event.removed))
        for a in event.removed:
            cursor.execute(
                "DELETE FROM view_roster_assignments WHERE roster_id = ? AND patient_id = ? "
                "AND session_id = ? AND session_date = ?",
                (roster_id, a.patient_id, a.session_id, a.session_date.isoformat()),
            )
        cursor.execute(
            "UPDATE view_rosters SET version = ? WHERE roster_id = ?",
            (event.roster_version, roster_id),
        )
        cursor.executemany(
            ASSIGNMENT_UPSERT,
            [
                (roster_id, a.patient_id, a.session_id, a.session_date.isoformat())
                for a in event.added
            ],
        )

    def _published(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            "UPDATE view_rosters SET status = 'published' WHERE roster_id = ?",
            (event.originator_id.hex,),
        )
        cursor.execute(
            "UPDATE view_roster_versions SET published = 1 WHERE roster_id = ? AND version = ("
            "SELECT version FROM view_rosters WHERE roster_id = ?)",
            (event.originator_id.hex, event.originator_id.hex),
        )

    def _pinned(self, cursor: ViewCursor, event: Any) -> None:
        a = event.assignment
        cursor.execute(
            "INSERT INTO view_roster_pins VALUES (?, ?, ?, ?) "
            "ON CONFLICT (roster_id, patient_id, session_id, session_date) DO NOTHING",
            (event.originator_id.hex, a.patient_id, a.session_id, a.session_date.isoformat()),
        )

    def _unpinned(self, cursor: ViewCursor, event: Any) -> None:
        a = event.assignment
        cursor.execute(
            "DELETE FROM view_roster_pins WHERE roster_id = ? AND patient_id = ? "
            "AND session_id = ? AND session_date = ?",
            (event.originator_id.hex, a.patient_id, a.session_id, a.session_date.isoformat()),
        )


def _add_version(
    cursor: ViewCursor,
    event: Any,
    change: str,
    solver_status: str | None,
    seats_added: int,
    seats_removed: int,
) -> None:
    cursor.execute(
        "INSERT INTO view_roster_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) "
        "ON CONFLICT (roster_id, version) DO UPDATE SET change = excluded.change, "
        "recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at, "
        "solver_status = excluded.solver_status, seats_added = excluded.seats_added, "
        "seats_removed = excluded.seats_removed, published = 0",
        (
            event.originator_id.hex,
            event.roster_version,
            change,
            event.recorded_by,
            event.timestamp.isoformat(),
            solver_status,
            seats_added,
            seats_removed,
        ),
    )
