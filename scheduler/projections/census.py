"""Census: every enrolment's status and taper targets, plus each program's name and timezone.

It keeps when each enrolment was paused and when it ended, so a roster for any week includes a
patient on exactly the days they were still enrolled and not paused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from events.calendar import program_week
from events.privacy.sealing_mapper import ERASED
from events.taper import TaperPlan, TaperSignal, signal_for, weekly_targets
from scheduler.projections.runner import Handler, Projection
from scheduler.projections.store import ViewCursor


class CensusProjection(Projection):
    name = "census"
    version = 2  # 2: ended_on, end_note and pauses
    tables = ("view_programs", "view_census")

    def create_tables(self, cursor: ViewCursor) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_programs ("
            "program_id TEXT PRIMARY KEY, name TEXT NOT NULL, timezone TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_census ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, enrollment_id TEXT UNIQUE, "
            "name TEXT NOT NULL, "
            "status TEXT NOT NULL, start_date TEXT NOT NULL, initial_days INTEGER NOT NULL, "
            "min_days INTEGER NOT NULL, planned_weeks INTEGER NOT NULL, "
            "max_weeks INTEGER NOT NULL, min_weekly_hours INTEGER NOT NULL, "
            "signals TEXT NOT NULL, targets TEXT NOT NULL, "
            # Stepped down or discharged: from which date, and the summary or reason.
            "ended_on TEXT, end_note TEXT, "
            # [[paused on, resumed on or null], ...]
            "pauses TEXT NOT NULL DEFAULT '[]', "
            "PRIMARY KEY (program_id, patient_id))"
        )

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "Program.ProgramCreated": self._program_created,
            "Enrollment.PatientEnrolled": self._enrolled,
            "Enrollment.ProgressRecorded": self._progress_recorded,
            "Enrollment.TaperStepAdvanced": self._step_advanced,
            "Enrollment.Paused": self._paused,
            "Enrollment.Resumed": self._resumed,
            "Enrollment.SteppedDown": self._ended("stepped-down"),
            "Enrollment.Discharged": self._ended("discharged"),
            "Enrollment.PatientErased": self._erased,
        }

    def _program_created(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            "INSERT INTO view_programs (program_id, name, timezone) VALUES (?, ?, ?) "
            "ON CONFLICT (program_id) DO UPDATE SET "
            "name = excluded.name, timezone = excluded.timezone",
            (event.program_id, event.name, event.timezone),
        )

    def _enrolled(self, cursor: ViewCursor, event: Any) -> None:
        plan = TaperPlan(
            event.initial_days_per_week,
            event.min_days_per_week,
            event.planned_weeks,
            event.max_program_weeks,
        )
        cursor.execute(
            "INSERT INTO view_census (program_id, patient_id, enrollment_id, name, status, "
            "start_date, initial_days, min_days, planned_weeks, max_weeks, min_weekly_hours, "
            "signals, targets) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, '[]', ?) "
            # Enrolled once per program and patient (the enrolment's id is derived from both).
            "ON CONFLICT (program_id, patient_id) DO UPDATE SET "
            "enrollment_id = excluded.enrollment_id, name = excluded.name, "
            "status = excluded.status, start_date = excluded.start_date, "
            "initial_days = excluded.initial_days, min_days = excluded.min_days, "
            "planned_weeks = excluded.planned_weeks, max_weeks = excluded.max_weeks, "
            "min_weekly_hours = excluded.min_weekly_hours, signals = excluded.signals, "
            "targets = excluded.targets",
            (
                event.program_id,
                event.patient_id,
                event.originator_id.hex,
                cursor.seal_for(event.originator_id, event.name),
                event.start_date.isoformat(),
                plan.initial_days_per_week,
                plan.min_days_per_week,
                plan.planned_weeks,
                plan.max_program_weeks,
                event.min_weekly_hours,
                _encode_targets(weekly_targets(plan, [])),
            ),
        )

    def _progress_recorded(self, cursor: ViewCursor, event: Any) -> None:
        signal = signal_for(event.rating, event.screen)
        if signal is None:
            return
        row = _row_for(cursor, event.originator_id)
        week = program_week(_date(row["start_date"]), event.effective_on)
        self._add_signal(cursor, row, week, signal)

    def _step_advanced(self, cursor: ViewCursor, event: Any) -> None:
        row = _row_for(cursor, event.originator_id)
        self._add_signal(cursor, row, event.program_week, TaperSignal.STEP_EARLY)

    def _add_signal(
        self, cursor: ViewCursor, row: Mapping[str, Any], week: int, signal: TaperSignal
    ) -> None:
        signals = [(past, TaperSignal(kind)) for past, kind in json.loads(row["signals"])]
        signals.append((week, signal))
        plan = TaperPlan(
            row["initial_days"], row["min_days"], row["planned_weeks"], row["max_weeks"]
        )
        cursor.execute(
            "UPDATE view_census SET signals = ?, targets = ? "
            "WHERE program_id = ? AND patient_id = ?",
            (
                json.dumps([[past, kind.value] for past, kind in signals]),
                _encode_targets(weekly_targets(plan, signals)),
                row["program_id"],
                row["patient_id"],
            ),
        )

    def _paused(self, cursor: ViewCursor, event: Any) -> None:
        row = _row_for(cursor, event.originator_id)
        pauses = [*json.loads(row["pauses"]), [event.effective_on.isoformat(), None]]
        self._set(cursor, row, status="paused", pauses=json.dumps(pauses))

    def _resumed(self, cursor: ViewCursor, event: Any) -> None:
        row = _row_for(cursor, event.originator_id)
        pauses = json.loads(row["pauses"])
        if pauses and pauses[-1][1] is None:
            pauses[-1][1] = event.effective_on.isoformat()
        self._set(cursor, row, status="active", pauses=json.dumps(pauses))

    def _ended(self, status: str) -> Handler:
        def handle(cursor: ViewCursor, event: Any) -> None:
            row = _row_for(cursor, event.originator_id)
            note = getattr(event, "summary", None) or getattr(event, "reason", None)
            self._set(
                cursor,
                row,
                status=status,
                ended_on=event.effective_on.isoformat(),
                end_note=cursor.seal_for(event.originator_id, note) if note else None,
            )

        return handle

    def _erased(self, cursor: ViewCursor, event: Any) -> None:
        """The patient stays counted (status, dates, targets); their name and note are gone."""
        row = _row_for(cursor, event.originator_id)
        self._set(cursor, row, name=ERASED, end_note=None)

    def _set(self, cursor: ViewCursor, row: Mapping[str, Any], **values: Any) -> None:
        assignments = ", ".join(f"{column} = ?" for column in values)
        cursor.execute(
            f"UPDATE view_census SET {assignments} WHERE program_id = ? AND patient_id = ?",
            (*values.values(), row["program_id"], row["patient_id"]),
        )


def _row_for(cursor: ViewCursor, enrollment_id: UUID) -> Mapping[str, Any]:
    rows = cursor.query("SELECT * FROM view_census WHERE enrollment_id = ?", (enrollment_id.hex,))
    return rows[0]


def _encode_targets(targets: tuple[int, ...]) -> str:
    return ",".join(str(target) for target in targets)


def decode_targets(encoded: str) -> tuple[int, ...]:
    return tuple(int(target) for target in encoded.split(",") if target)


def _date(text: str) -> date:
    return date.fromisoformat(text)
