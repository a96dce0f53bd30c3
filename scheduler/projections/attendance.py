"""Attendance: per patient and ISO week, scheduled and attended hours, misses, consecutive misses
without contact; and every mark recorded for a meeting, so a correction shows what it replaced."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.calendar import iso_week, program_week, week_monday
from events.values import minutes_between
from scheduler.projections.facts import EnrollmentFacts
from scheduler.projections.runner import Handler, Projection
from scheduler.projections.store import ViewCursor

# The latest version's seats, then the published version's (the ones counted as scheduled).
SEAT_TABLES = ("view_attendance_roster_seats", "view_attendance_published_seats")


class AttendanceProjection(Projection):
    name = "attendance"
    # 2: published seats kept apart from a waiting draft's; 3: the marks' history (corrections),
    # and a run of misses ends at an excused absence or a miss with contact made.
    # (Acknowledgements came in a table of their own: no store held them before, so the tables
    # made by version 3 need no rebuild.)
    version = 3
    tables = (
        "view_attendance_enrollments",
        "view_attendance_marks",
        "view_attendance_changes",
        "view_attendance_weeks",
        "view_attendance_flags",
        "view_attendance_flag_acknowledgements",
        "view_attendance_rosters",
        "view_attendance_roster_seats",
        "view_attendance_published_seats",
    )

    def create_tables(self, cursor: ViewCursor) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_attendance_enrollments ("
            "enrollment_id TEXT PRIMARY KEY, program_id TEXT NOT NULL, "
            "patient_id TEXT NOT NULL, start_date TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_attendance_marks ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, session_id TEXT NOT NULL, "
            "session_date TEXT NOT NULL, status TEXT NOT NULL, "
            "scheduled_minutes INTEGER NOT NULL, minutes_present INTEGER NOT NULL, "
            "contact_made INTEGER NOT NULL, "
            "PRIMARY KEY (program_id, patient_id, session_id, session_date))"
        )
        # Each mark recorded for a meeting, the first and every correction: who, when, from → to.
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_attendance_changes ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, session_id TEXT NOT NULL, "
            "session_date TEXT NOT NULL, event_version INTEGER NOT NULL, "
            "recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL, from_status TEXT, "
            "to_status TEXT NOT NULL, reason TEXT NOT NULL, contact_made INTEGER NOT NULL, "
            "PRIMARY KEY (program_id, patient_id, session_id, session_date, event_version))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_attendance_weeks ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, week TEXT NOT NULL, "
            "program_week INTEGER NOT NULL, scheduled_minutes INTEGER NOT NULL, "
            "attended_minutes INTEGER NOT NULL, misses INTEGER NOT NULL, "
            "unexcused_misses INTEGER NOT NULL, consecutive_misses INTEGER NOT NULL, "
            "PRIMARY KEY (program_id, patient_id, week))"
        )

        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_attendance_flags ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, flag TEXT NOT NULL, "
            "raised_on TEXT NOT NULL, reason TEXT NOT NULL, open INTEGER NOT NULL, "
            "PRIMARY KEY (program_id, patient_id, flag, raised_on))"
        )

        # Who closed a flag, when, and what they did or decided (the note, sealed: it is about
        # the patient); `raised_on` names the flag row it closed.
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_attendance_flag_acknowledgements ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, flag TEXT NOT NULL, "
            "event_version INTEGER NOT NULL, raised_on TEXT, acknowledged_on TEXT NOT NULL, "
            "acknowledged_by TEXT NOT NULL, note TEXT NOT NULL, "
            "PRIMARY KEY (program_id, patient_id, flag, event_version))"
        )

        # Each roster's latest seats with their minutes, and (once it is published) the
        # published version's seats: those count as scheduled, even while a newer draft waits.
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_attendance_rosters ("
            "roster_id TEXT PRIMARY KEY, program_id TEXT NOT NULL, published INTEGER NOT NULL)"
        )
        for table in SEAT_TABLES:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {table} ("
                "roster_id TEXT NOT NULL, patient_id TEXT NOT NULL, session_id TEXT NOT NULL, "
                "session_date TEXT NOT NULL, minutes INTEGER NOT NULL, "
                "PRIMARY KEY (roster_id, patient_id, session_id, session_date))"
            )

    def __init__(self) -> None:
        self._facts = EnrollmentFacts("view_attendance_enrollments")

    def clear(self, cursor: ViewCursor) -> None:
        super().clear(cursor)
        self._facts.forget()

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "Roster.RosterOpened": self._roster_opened,
            "Roster.RosterGenerated": self._roster_generated,
            "Roster.RosterPublished": self._roster_published,
            "Roster.RosterAmended": self._roster_amended,
            "Roster.SeatsWithdrawn": self._seats_withdrawn,
            "Roster.MeetingReinstated": self._meeting_reinstated,
            "Enrollment.AttendanceFlagRaised": self._flag_raised,
            "Enrollment.AttendanceFlagAcknowledged": self._flag_acknowledged,
            "Enrollment.PatientEnrolled": self._enrolled,
            "Enrollment.SessionAttended": self._attended,
            "Enrollment.SessionMissed": self._missed,
            "Enrollment.PatientErased": self._erased,
        }

    def _enrolled(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            "INSERT INTO view_attendance_enrollments VALUES (?, ?, ?, ?) "
            "ON CONFLICT (enrollment_id) DO UPDATE SET program_id = excluded.program_id, "
            "patient_id = excluded.patient_id, start_date = excluded.start_date",
            (
                event.originator_id.hex,
                event.program_id,
                event.patient_id,
                event.start_date.isoformat(),
            ),
        )

    def _attended(self, cursor: ViewCursor, event: Any) -> None:
        program_id, patient_id = self._mark(
            cursor, event, "attended", event.minutes_present, contact_made=True
        )
        cursor.execute(
            "UPDATE view_attendance_flags SET open = 0 WHERE program_id = ? AND patient_id = ? "
            "AND flag = 'outreach'",
            (program_id, patient_id),
        )

    def _roster_opened(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            "INSERT INTO view_attendance_rosters VALUES (?, ?, 0) "
            "ON CONFLICT (roster_id) DO NOTHING",
            (event.originator_id.hex, event.program_id),
        )

    def _roster_generated(self, cursor: ViewCursor, event: Any) -> None:
        roster_id = event.originator_id.hex
        minutes = {
            (run.session_id, run.session_date): minutes_between(run.start, run.end)
            for run in event.sessions
        }
        cursor.execute("DELETE FROM view_attendance_roster_seats WHERE roster_id = ?", (roster_id,))
        cursor.executemany(
            "INSERT INTO view_attendance_roster_seats VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (roster_id, patient_id, session_id, session_date) "
            "DO UPDATE SET minutes = excluded.minutes",
            [
                (
                    roster_id,
                    a.patient_id,
                    a.session_id,
                    a.session_date.isoformat(),
                    minutes.get((a.session_id, a.session_date), 0),
                )
                for a in event.assignments
            ],
        )
        # A new draft is not scheduled until it is published; the published seats still are.

    def _roster_published(self, cursor: ViewCursor, event: Any) -> None:
        roster_id = event.originator_id.hex
        before = self._seated_patients(cursor, roster_id)
        cursor.execute(
            "UPDATE view_attendance_rosters SET published = 1 WHERE roster_id = ?", (roster_id,)
        )
        cursor.execute(
            "DELETE FROM view_attendance_published_seats WHERE roster_id = ?", (roster_id,)
        )
        cursor.execute(
            "INSERT INTO view_attendance_published_seats "
            "SELECT * FROM view_attendance_roster_seats WHERE roster_id = ?",
            (roster_id,),
        )
        self._recompute_patients(
            cursor, roster_id, before | self._seated_patients(cursor, roster_id)
        )

    def _roster_amended(self, cursor: ViewCursor, event: Any) -> None:
        self._change_seats(cursor, event.originator_id.hex, event.added, event.removed)

    def _seats_withdrawn(self, cursor: ViewCursor, event: Any) -> None:
        self._change_seats(cursor, event.originator_id.hex, (), event.removed)

    def _meeting_reinstated(self, cursor: ViewCursor, event: Any) -> None:
        """Its patients back in the meeting (in the latest version only when it holds the
        meeting), at the meeting's length; the make-ups withdrawn leave both."""
        self._change_seats(
            cursor,
            event.originator_id.hex,
            event.restored,
            event.withdrawn,
            minutes=event.minutes,
            in_latest=event.in_latest,
        )

    def _change_seats(
        self,
        cursor: ViewCursor,
        roster_id: str,
        added: Any,
        removed: Any,
        *,
        minutes: int | None = None,
        in_latest: bool = True,
    ) -> None:
        """Amend the latest seats and the published ones alike (as the Roster aggregate does);
        an added seat replaces the patient's seat that day. An added seat lasts `minutes`, or
        as long as the other seats of its meeting when not given."""
        published = cursor.query(
            "SELECT published FROM view_attendance_rosters WHERE roster_id = ?", (roster_id,)
        )[0]["published"]
        tables = SEAT_TABLES if published else SEAT_TABLES[:1]
        lengths = {}
        for a in added:
            if minutes is not None:
                lengths[a] = minutes
                continue
            found = [
                row["minutes"]
                for table in SEAT_TABLES
                for row in cursor.query(
                    f"SELECT MAX(minutes) AS minutes FROM {table} "
                    "WHERE roster_id = ? AND session_id = ? AND session_date = ?",
                    (roster_id, a.session_id, a.session_date.isoformat()),
                )
                if row["minutes"] is not None
            ]
            lengths[a] = max(found, default=0)
        for table in tables:
            for a in removed:
                cursor.execute(
                    f"DELETE FROM {table} WHERE roster_id = ? AND patient_id = ? "
                    "AND session_id = ? AND session_date = ?",
                    (roster_id, a.patient_id, a.session_id, a.session_date.isoformat()),
                )
            for a in added if in_latest or table != SEAT_TABLES[0] else ():
                cursor.execute(
                    f"DELETE FROM {table} WHERE roster_id = ? AND patient_id = ? "
                    "AND session_date = ?",
                    (roster_id, a.patient_id, a.session_date.isoformat()),
                )
                cursor.execute(
                    f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (roster_id, patient_id, session_id, session_date) "
                    "DO UPDATE SET minutes = excluded.minutes",
                    (roster_id, a.patient_id, a.session_id, a.session_date.isoformat(), lengths[a]),
                )
        touched = {a.patient_id for a in (*removed, *added)}
        self._recompute_patients(cursor, roster_id, touched)

    def _seated_patients(self, cursor: ViewCursor, roster_id: str) -> set[str]:
        """Who holds a published seat in the roster."""
        rows = cursor.query(
            "SELECT DISTINCT patient_id FROM view_attendance_published_seats WHERE roster_id = ?",
            (roster_id,),
        )
        return {str(row["patient_id"]) for row in rows}

    def _recompute_patients(self, cursor: ViewCursor, roster_id: str, patients: set[str]) -> None:
        program = cursor.query(
            "SELECT program_id FROM view_attendance_rosters WHERE roster_id = ?", (roster_id,)
        )[0]["program_id"]
        for patient_id in sorted(patients):
            rows = cursor.query(
                "SELECT start_date FROM view_attendance_enrollments "
                "WHERE program_id = ? AND patient_id = ?",
                (program, patient_id),
            )
            if rows:
                _recompute_weeks(
                    cursor, program, patient_id, date.fromisoformat(rows[0]["start_date"])
                )

    def _flag_raised(self, cursor: ViewCursor, event: Any) -> None:
        """A flag raised again on the same day (attending answered it, then misses went on)
        is open again, with the newer reason."""
        program_id, patient_id = self._ids(cursor, event)
        cursor.execute(
            "INSERT INTO view_attendance_flags VALUES (?, ?, ?, ?, ?, 1) "
            "ON CONFLICT (program_id, patient_id, flag, raised_on) "
            "DO UPDATE SET reason = excluded.reason, open = 1",
            (program_id, patient_id, event.flag, event.effective_on.isoformat(), event.reason),
        )

    def _flag_acknowledged(self, cursor: ViewCursor, event: Any) -> None:
        """The open flag closes; who acknowledged it, when and the note are kept beside it."""
        program_id, patient_id = self._ids(cursor, event)
        flag = (program_id, patient_id, event.flag)
        opened = cursor.query(
            "SELECT MAX(raised_on) AS raised_on FROM view_attendance_flags "
            "WHERE program_id = ? AND patient_id = ? AND flag = ? AND open = 1",
            flag,
        )
        cursor.execute(
            "UPDATE view_attendance_flags SET open = 0 "
            "WHERE program_id = ? AND patient_id = ? AND flag = ? AND open = 1",
            flag,
        )
        cursor.execute(
            "INSERT INTO view_attendance_flag_acknowledgements VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (program_id, patient_id, flag, event_version) DO NOTHING",
            (
                *flag,
                event.originator_version,
                opened[0]["raised_on"],
                event.effective_on.isoformat(),
                event.recorded_by,
                cursor.seal_for(event.originator_id, event.note),
            ),
        )

    def _erased(self, cursor: ViewCursor, event: Any) -> None:
        """The marks stay (they are counted); the reasons given for absences and the notes on
        flags go."""
        program_id, patient_id = self._ids(cursor, event)
        cursor.execute(
            "UPDATE view_attendance_changes SET reason = '' WHERE program_id = ? AND patient_id = ?",
            (program_id, patient_id),
        )
        cursor.execute(
            "UPDATE view_attendance_flag_acknowledgements SET note = '' "
            "WHERE program_id = ? AND patient_id = ?",
            (program_id, patient_id),
        )

    def _ids(self, cursor: ViewCursor, event: Any) -> tuple[str, str]:
        row = self._facts.of(cursor, event)
        return str(row["program_id"]), str(row["patient_id"])

    def _missed(self, cursor: ViewCursor, event: Any) -> None:
        status = "excused" if event.excused else "missed"
        program_id, patient_id = self._mark(
            cursor, event, status, 0, contact_made=event.contact_made, reason=event.reason
        )
        # Staff are in touch (excused, or contact made): the outreach is done (as the aggregate).
        if event.excused or event.contact_made:
            cursor.execute(
                "UPDATE view_attendance_flags SET open = 0 WHERE program_id = ? "
                "AND patient_id = ? AND flag = 'outreach'",
                (program_id, patient_id),
            )

    def _mark(
        self,
        cursor: ViewCursor,
        event: Any,
        status: str,
        minutes: int,
        *,
        contact_made: bool,
        reason: str = "",
    ) -> tuple[str, str]:
        """Record the mark and recompute the patient's weeks; returns (program, patient)."""
        enrollment = self._facts.of(cursor, event)
        program_id, patient_id = enrollment["program_id"], enrollment["patient_id"]
        meeting = (program_id, patient_id, event.session_id, event.session_date.isoformat())
        before = cursor.query(
            "SELECT status FROM view_attendance_marks WHERE program_id = ? AND patient_id = ? "
            "AND session_id = ? AND session_date = ?",
            meeting,
        )
        cursor.execute(
            "INSERT INTO view_attendance_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (program_id, patient_id, session_id, session_date, event_version) "
            "DO NOTHING",
            (
                *meeting,
                event.originator_version,
                event.timestamp.isoformat(),
                event.recorded_by,
                before[0]["status"] if before else None,
                status,
                # Free text about the patient: sealed under their key (erasing them erases it).
                cursor.seal_for(event.originator_id, reason) if reason else "",
                int(contact_made),
            ),
        )
        cursor.execute(
            "INSERT INTO view_attendance_marks VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (program_id, patient_id, session_id, session_date) DO UPDATE SET "
            "status = excluded.status, scheduled_minutes = excluded.scheduled_minutes, "
            "minutes_present = excluded.minutes_present, contact_made = excluded.contact_made",
            (
                program_id,
                patient_id,
                event.session_id,
                event.session_date.isoformat(),
                status,
                event.scheduled_minutes,
                minutes,
                int(contact_made),
            ),
        )
        _recompute_weeks(
            cursor, program_id, patient_id, date.fromisoformat(enrollment["start_date"])
        )
        return str(program_id), str(patient_id)


@dataclass
class _WeekTotals:
    scheduled_minutes: int = 0
    attended_minutes: int = 0
    misses: int = 0
    unexcused_misses: int = 0
    consecutive_misses: int = 0


def _recompute_weeks(cursor: ViewCursor, program_id: str, patient_id: str, start: date) -> None:
    """Recompute the patient's weekly rows from their marks (a correction can change later weeks);
    write only the rows that changed, since a new mark usually changes one week."""
    rows = cursor.query(
        "SELECT 'mark' AS kind, session_id, session_date, status, scheduled_minutes, "
        "minutes_present, contact_made FROM view_attendance_marks "
        "WHERE program_id = ? AND patient_id = ? "
        "UNION ALL "
        # Seats of published rosters are scheduled even before anything is recorded for them.
        "SELECT 'seat' AS kind, s.session_id, s.session_date, NULL AS status, "
        "s.minutes AS scheduled_minutes, 0 AS minutes_present, 0 AS contact_made "
        "FROM view_attendance_published_seats s JOIN view_attendance_rosters r "
        "ON r.roster_id = s.roster_id WHERE r.program_id = ? AND s.patient_id = ?",
        (program_id, patient_id, program_id, patient_id),
    )
    marks = sorted(
        (row for row in rows if row["kind"] == "mark"),
        key=lambda m: (m["session_date"], m["session_id"]),
    )
    weeks: dict[str, _WeekTotals] = {}
    recorded = {(m["session_id"], m["session_date"]) for m in marks}
    for seat in rows:
        if seat["kind"] == "seat" and (seat["session_id"], seat["session_date"]) not in recorded:
            week = iso_week(date.fromisoformat(seat["session_date"]))
            weeks.setdefault(week, _WeekTotals()).scheduled_minutes += seat["scheduled_minutes"]
    run = 0
    for mark in marks:
        totals = weeks.setdefault(iso_week(date.fromisoformat(mark["session_date"])), _WeekTotals())
        totals.scheduled_minutes += mark["scheduled_minutes"]
        totals.attended_minutes += mark["minutes_present"]
        if mark["status"] != "attended":
            totals.misses += 1
            totals.unexcused_misses += mark["status"] == "missed"
        # The run that calls for outreach: unexcused misses with no contact made.
        run = run + 1 if mark["status"] == "missed" and not mark["contact_made"] else 0
        totals.consecutive_misses = run
    wanted = {
        week: (
            program_week(start, week_monday(week)),
            totals.scheduled_minutes,
            totals.attended_minutes,
            totals.misses,
            totals.unexcused_misses,
            totals.consecutive_misses,
        )
        for week, totals in weeks.items()
    }
    stored = {
        row["week"]: (
            row["program_week"],
            row["scheduled_minutes"],
            row["attended_minutes"],
            row["misses"],
            row["unexcused_misses"],
            row["consecutive_misses"],
        )
        for row in cursor.query(
            "SELECT * FROM view_attendance_weeks WHERE program_id = ? AND patient_id = ?",
            (program_id, patient_id),
        )
    }
    for week in stored.keys() - wanted.keys():
        cursor.execute(
            "DELETE FROM view_attendance_weeks WHERE program_id = ? AND patient_id = ? AND week = ?",
            (program_id, patient_id, week),
        )
    changed = [(week, values) for week, values in wanted.items() if stored.get(week) != values]
    if changed:
        cursor.executemany(
            "INSERT INTO view_attendance_weeks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (program_id, patient_id, week) DO UPDATE SET "
            "program_week = excluded.program_week, scheduled_minutes = excluded.scheduled_minutes, "
            "attended_minutes = excluded.attended_minutes, misses = excluded.misses, "
            "unexcused_misses = excluded.unexcused_misses, "
            "consecutive_misses = excluded.consecutive_misses",
            [(program_id, patient_id, week, *values) for week, values in changed],
        )
