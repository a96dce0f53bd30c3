"""Rosters: each program-week's latest version, its status, solver statistics and assignments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from events.staff.values import WeekStaffing
from scheduler.projections.runner import Handler, Projection
from scheduler.projections.store import ViewCursor
from scheduler.staff.staffing_json import staffing_json

# A patient holds one seat a day; a later event's seat for that day replaces an earlier one.
ASSIGNMENT_UPSERT = (
    "INSERT INTO view_roster_assignments VALUES (?, ?, ?, ?) "
    "ON CONFLICT (roster_id, patient_id, session_date) DO UPDATE SET "
    "session_id = excluded.session_id"
)


class RosterProjection(Projection):
    name = "roster"
    # 2: every version of every roster; 3: the published version apart from a waiting draft,
    # make-up seats, the reason for each withdrawal; 4: who pinned, pins dropped with a reason;
    # 5: the solver's statistics per tier of the objective; 6: each week's staffing
    version = 6
    tables = (
        "view_rosters",
        "view_roster_assignments",
        "view_roster_pins",
        "view_roster_dropped_pins",
        "view_roster_sessions",
        "view_roster_patients",
        "view_roster_versions",
        "view_roster_published",
        "view_roster_published_assignments",
        "view_roster_published_sessions",
        "view_roster_published_patients",
        "view_roster_make_ups",
        "view_roster_reasons",
        "view_roster_tiers",
        "view_roster_staffing",
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
            "session_date TEXT NOT NULL, pinned_by TEXT NOT NULL, pinned_at TEXT NOT NULL, "
            "PRIMARY KEY (roster_id, patient_id, session_id, session_date))"
        )
        # Pins a later change broke, dropped with the reason when `version` was generated.
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_dropped_pins ("
            "roster_id TEXT NOT NULL, version INTEGER NOT NULL, patient_id TEXT NOT NULL, "
            "session_id TEXT NOT NULL, session_date TEXT NOT NULL, reason TEXT NOT NULL, "
            "PRIMARY KEY (roster_id, version, patient_id, session_id, session_date))"
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
        # The version patients were told about (calendars, attendance), kept while a newer
        # draft waits: its header here, its rows in view_roster_published_* (same columns).
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_published ("
            "roster_id TEXT PRIMARY KEY, version INTEGER NOT NULL, solver_status TEXT, "
            "objective DOUBLE PRECISION, best_bound DOUBLE PRECISION, gap DOUBLE PRECISION, "
            "wall_time_s DOUBLE PRECISION)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_published_assignments ("
            "roster_id TEXT NOT NULL, patient_id TEXT NOT NULL, session_id TEXT NOT NULL, "
            "session_date TEXT NOT NULL, PRIMARY KEY (roster_id, patient_id, session_date))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_published_sessions ("
            "roster_id TEXT NOT NULL, session_id TEXT NOT NULL, session_date TEXT NOT NULL, "
            "start_time TEXT NOT NULL, end_time TEXT NOT NULL, track TEXT NOT NULL, "
            "PRIMARY KEY (roster_id, session_id, session_date))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_published_patients ("
            "roster_id TEXT NOT NULL, patient_id TEXT NOT NULL, program_week INTEGER NOT NULL, "
            "required_days INTEGER NOT NULL, scheduled_days INTEGER NOT NULL, "
            "scheduled_minutes INTEGER NOT NULL, stepped_early INTEGER NOT NULL, "
            "unmet_kind TEXT, unmet_reason TEXT, PRIMARY KEY (roster_id, patient_id))"
        )
        # Make-up seats in the roster and the missed seat each answers.
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_make_ups ("
            "roster_id TEXT NOT NULL, patient_id TEXT NOT NULL, missed_session_id TEXT NOT NULL, "
            "missed_date TEXT NOT NULL, session_id TEXT NOT NULL, session_date TEXT NOT NULL, "
            "PRIMARY KEY (roster_id, patient_id, missed_session_id, missed_date))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_reasons ("
            "roster_id TEXT NOT NULL, version INTEGER NOT NULL, reason TEXT NOT NULL, "
            "PRIMARY KEY (roster_id, version))"
        )

        # The solver's statistics per tier, for each generated version (amendments keep them).
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_tiers ("
            "roster_id TEXT NOT NULL, version INTEGER NOT NULL, position INTEGER NOT NULL, "
            "name TEXT NOT NULL, status TEXT NOT NULL, objective DOUBLE PRECISION NOT NULL, "
            "bound DOUBLE PRECISION NOT NULL, gap DOUBLE PRECISION NOT NULL, "
            "PRIMARY KEY (roster_id, version, position))"
        )

        # Facilitators and appointments (staffed programs), as JSON: the latest version's
        # (published = 0) and the published version's (published = 1).
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_roster_staffing ("
            "roster_id TEXT NOT NULL, published INTEGER NOT NULL, staffing TEXT NOT NULL, "
            "PRIMARY KEY (roster_id, published))"
        )

    def clear(self, cursor: ViewCursor) -> None:
        # Version 3 added who pinned to view_roster_pins: a store made before has the old columns.
        cursor.execute("DROP TABLE IF EXISTS view_roster_pins")
        self.create_tables(cursor)
        super().clear(cursor)

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "Roster.RosterOpened": self._opened,
            "Roster.RosterGenerated": self._generated,
            "Roster.RosterPublished": self._published,
            "Roster.RosterAmended": self._amended,
            "Roster.StaffingAmended": self._staffing_amended,
            "Roster.SeatsWithdrawn": self._withdrawn,
            "Roster.MeetingReinstated": self._reinstated,
            "Roster.AssignmentPinned": self._pinned,
            "Roster.AssignmentUnpinned": self._unpinned,
            "Roster.PinDropped": self._pin_dropped,
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
        cursor.executemany(
            "INSERT INTO view_roster_tiers "
            "(roster_id, version, position, name, status, objective, bound, gap) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (roster_id, version, position) DO UPDATE "
            "SET name = excluded.name, status = excluded.status, objective = excluded.objective, "
            "bound = excluded.bound, gap = excluded.gap",
            [
                (roster_id, event.roster_version, i, t.name, t.status, t.objective, t.bound, t.gap)
                for i, t in enumerate(stats.tiers)
            ],
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
        # Events recorded before staffing existed have no such field.
        _set_staffing(cursor, roster_id, 0, getattr(event, "staffing", None))
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
        missed = {a.patient_id: (a.session_id, a.session_date) for a in event.made_up}
        for patient_id, (session_id, day) in list(missed.items()):
            # A make-up seat moved again (its meeting cancelled) still answers the first miss.
            for row in cursor.query(
                "SELECT missed_session_id, missed_date FROM view_roster_make_ups WHERE "
                "roster_id = ? AND patient_id = ? AND session_id = ? AND session_date = ?",
                (roster_id, patient_id, session_id, day.isoformat()),
            ):
                missed[patient_id] = (
                    row["missed_session_id"],
                    date.fromisoformat(row["missed_date"]),
                )
        _change_seats(cursor, event, event.added, event.removed)
        cursor.executemany(
            "INSERT INTO view_roster_make_ups VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
            "(roster_id, patient_id, missed_session_id, missed_date) DO NOTHING",
            [
                (
                    roster_id,
                    a.patient_id,
                    missed[a.patient_id][0],
                    missed[a.patient_id][1].isoformat(),
                    a.session_id,
                    a.session_date.isoformat(),
                )
                for a in event.added
                if a.patient_id in missed
            ],
        )

    def _staffing_amended(self, cursor: ViewCursor, event: Any) -> None:
        roster_id = event.originator_id.hex
        _add_version(cursor, event, "staffing", None, 0, 0)
        _change_seats(cursor, event, (), ())
        _set_staffing(cursor, roster_id, 0, event.latest)
        if event.published is not None:
            _set_staffing(cursor, roster_id, 1, event.published)

    def _withdrawn(self, cursor: ViewCursor, event: Any) -> None:
        _add_version(cursor, event, "withdrawn", None, 0, len(event.removed))
        roster_id = event.originator_id.hex
        cursor.execute(
            "INSERT INTO view_roster_reasons VALUES (?, ?, ?) "
            "ON CONFLICT (roster_id, version) DO NOTHING",
            # It names a patient's status change: sealed like other free text about patients.
            (roster_id, event.roster_version, cursor.seal(event.reason)),
        )
        _change_seats(cursor, event, (), event.removed)
        for a in event.removed:
            cursor.execute(
                "DELETE FROM view_roster_pins WHERE roster_id = ? AND patient_id = ? "
                "AND session_id = ? AND session_date = ?",
                (roster_id, a.patient_id, a.session_id, a.session_date.isoformat()),
            )

    def _reinstated(self, cursor: ViewCursor, event: Any) -> None:
        """A cancelled meeting held after all: make-ups withdrawn, its patients back in it."""
        _add_version(cursor, event, "reinstated", None, len(event.restored), len(event.withdrawn))
        _change_seats(
            cursor, event, tuple(event.restored), tuple(event.withdrawn), in_latest=event.in_latest
        )

    def _published(self, cursor: ViewCursor, event: Any) -> None:
        roster_id = event.originator_id.hex
        cursor.execute(
            "UPDATE view_rosters SET status = 'published' WHERE roster_id = ?", (roster_id,)
        )
        cursor.execute(
            "UPDATE view_roster_versions SET published = 1 WHERE roster_id = ? AND version = ?",
            (roster_id, event.roster_version),
        )
        cursor.execute("DELETE FROM view_roster_published WHERE roster_id = ?", (roster_id,))
        cursor.execute(
            "INSERT INTO view_roster_published SELECT roster_id, version, solver_status, "
            "objective, best_bound, gap, wall_time_s FROM view_rosters WHERE roster_id = ?",
            (roster_id,),
        )
        cursor.execute(
            "DELETE FROM view_roster_staffing WHERE roster_id = ? AND published = 1", (roster_id,)
        )
        cursor.execute(
            "INSERT INTO view_roster_staffing SELECT roster_id, 1, staffing "
            "FROM view_roster_staffing WHERE roster_id = ? AND published = 0",
            (roster_id,),
        )
        for table in ("assignments", "sessions", "patients"):
            cursor.execute(
                f"DELETE FROM view_roster_published_{table} WHERE roster_id = ?", (roster_id,)
            )
            cursor.execute(
                f"INSERT INTO view_roster_published_{table} "
                f"SELECT * FROM view_roster_{table} WHERE roster_id = ?",
                (roster_id,),
            )

    def _pinned(self, cursor: ViewCursor, event: Any) -> None:
        a = event.assignment
        cursor.execute(
            "INSERT INTO view_roster_pins VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                event.originator_id.hex,
                a.patient_id,
                a.session_id,
                a.session_date.isoformat(),
                event.recorded_by,
                event.timestamp.isoformat(),
            ),
        )

    def _pin_dropped(self, cursor: ViewCursor, event: Any) -> None:
        self._unpinned(cursor, event)
        a = event.assignment
        cursor.execute(
            "INSERT INTO view_roster_dropped_pins VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                event.originator_id.hex,
                event.roster_version,
                a.patient_id,
                a.session_id,
                a.session_date.isoformat(),
                event.reason,
            ),
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


def _set_staffing(
    cursor: ViewCursor, roster_id: str, published: int, staffing: WeekStaffing | None
) -> None:
    cursor.execute(
        "DELETE FROM view_roster_staffing WHERE roster_id = ? AND published = ?",
        (roster_id, published),
    )
    if staffing is not None:
        cursor.execute(
            "INSERT INTO view_roster_staffing VALUES (?, ?, ?)",
            (roster_id, published, staffing_json(staffing)),
        )


def _change_seats(
    cursor: ViewCursor,
    event: Any,
    added: tuple[Any, ...],
    removed: tuple[Any, ...],
    *,
    in_latest: bool = True,
) -> None:
    """Amend the latest version and, when there is one, the published version alike (as the
    Roster aggregate does): removed seats go, an added seat replaces the patient's seat that day
    (in the latest version only when `in_latest`: a reinstated meeting it was generated without)."""
    roster_id = event.originator_id.hex
    published = cursor.query(
        "SELECT 1 FROM view_roster_published WHERE roster_id = ?", (roster_id,)
    )
    tables = ["view_roster_assignments"]
    if published:
        tables.append("view_roster_published_assignments")
        cursor.execute(
            "UPDATE view_roster_published SET version = ? WHERE roster_id = ?",
            (event.roster_version, roster_id),
        )
    for table in tables:
        for a in removed:
            cursor.execute(
                f"DELETE FROM {table} WHERE roster_id = ? AND patient_id = ? "
                "AND session_id = ? AND session_date = ?",
                (roster_id, a.patient_id, a.session_id, a.session_date.isoformat()),
            )
        joining = added if in_latest or table != "view_roster_assignments" else ()
        for a in joining:
            cursor.execute(
                f"DELETE FROM {table} WHERE roster_id = ? AND patient_id = ? AND session_date = ?",
                (roster_id, a.patient_id, a.session_date.isoformat()),
            )
        cursor.executemany(
            f"INSERT INTO {table} VALUES (?, ?, ?, ?)",
            [(roster_id, a.patient_id, a.session_id, a.session_date.isoformat()) for a in joining],
        )
    for a in removed:
        cursor.execute(
            "DELETE FROM view_roster_make_ups WHERE roster_id = ? AND patient_id = ? "
            "AND session_id = ? AND session_date = ?",
            (roster_id, a.patient_id, a.session_id, a.session_date.isoformat()),
        )
    cursor.execute(
        "UPDATE view_rosters SET version = ? WHERE roster_id = ?",
        (event.roster_version, roster_id),
    )
    if published:
        cursor.execute(
            "UPDATE view_roster_versions SET published = 1 WHERE roster_id = ? AND version = ?",
            (roster_id, event.roster_version),
        )
