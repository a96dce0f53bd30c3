"""The Roster aggregate: who attends which session in one program-week, by version."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from events.copying import CopiesContainers
from events.errors import InvalidRequestError
from events.ids import roster_uuid
from events.values import (
    Assignment,
    RosterPatient,
    RosterSession,
    RosterStatus,
    SolveStatistics,
)


class Roster(CopiesContainers, Aggregate):
    @staticmethod
    def create_id(program_id: str, week: str) -> UUID:
        return roster_uuid(program_id, week)

    @event("RosterOpened")
    def __init__(self, program_id: str, week: str, recorded_by: str, effective_on: date) -> None:
        self.program_id = program_id
        self.week = week
        self.roster_version = 0
        self.status = RosterStatus.DRAFT
        self.assignments: tuple[Assignment, ...] = ()
        self.pins: set[Assignment] = set()
        self.patients: tuple[RosterPatient, ...] = ()
        self.sessions: tuple[RosterSession, ...] = ()
        # Misses already answered with a make-up: (patient, session, date) of the missed seat.
        self.made_up: set[Assignment] = set()
        self.statistics: SolveStatistics | None = None

    def record_generated(
        self,
        assignments: tuple[Assignment, ...],
        statistics: SolveStatistics,
        *,
        sessions: tuple[RosterSession, ...] = (),
        patients: tuple[RosterPatient, ...] = (),
        recorded_by: str,
        effective_on: date,
    ) -> None:
        missing = self.pins - set(assignments)
        if missing:
            pin = sorted(missing, key=str)[0]
            raise InvalidRequestError(
                f"roster {self.week}: pinned {pin.patient_id} → {pin.session_id} "
                f"{pin.session_date} is missing from the generated roster"
            )
        self._generated(
            self.roster_version + 1,
            tuple(assignments),
            statistics,
            tuple(sessions),
            tuple(patients),
            recorded_by,
            effective_on,
        )

    def add_make_up(
        self, missed: Assignment, make_up: Assignment, *, recorded_by: str, effective_on: date
    ) -> bool:
        """Add a make-up seat for a missed one, nobody else moved; False if already made up."""
        if self.roster_version == 0:
            raise InvalidRequestError(f"roster {self.week}: nothing generated yet to amend")
        if missed in self.made_up:
            return False
        self._amended(self.roster_version + 1, (make_up,), (missed,), (), recorded_by, effective_on)
        return True

    def cancel_session(
        self,
        cancelled: tuple[Assignment, ...],
        make_ups: tuple[Assignment, ...],
        *,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        """A cancelled session's seats leave the roster and their make-ups join it, together."""
        if self.roster_version == 0:
            raise InvalidRequestError(f"roster {self.week}: nothing generated yet to amend")
        seated = set(self.assignments)
        leaving = tuple(a for a in cancelled if a in seated)
        if leaving:
            self._amended(
                self.roster_version + 1, make_ups, leaving, leaving, recorded_by, effective_on
            )

    def publish(self, *, recorded_by: str, effective_on: date) -> None:
        if self.roster_version == 0:
            raise InvalidRequestError(f"roster {self.week}: nothing generated yet to publish")
        if self.status is RosterStatus.PUBLISHED:
            return
        self._published(self.roster_version, recorded_by, effective_on)

    def pin(self, assignment: Assignment, *, recorded_by: str, effective_on: date) -> None:
        if assignment not in self.pins:
            self._pinned(assignment, recorded_by, effective_on)

    def unpin(self, assignment: Assignment, *, recorded_by: str, effective_on: date) -> None:
        if assignment in self.pins:
            self._unpinned(assignment, recorded_by, effective_on)

    def drop_pin(
        self, assignment: Assignment, reason: str, *, recorded_by: str, effective_on: date
    ) -> None:
        """A pin a later change made impossible leaves with the reason, noted against the version
        about to be generated (recorded in the same save, so a generate never fails on it)."""
        if assignment in self.pins:
            self._pin_dropped(
                assignment, reason, self.roster_version + 1, recorded_by, effective_on
            )

    @event("RosterGenerated")
    def _generated(
        self,
        roster_version: int,
        assignments: tuple[Assignment, ...],
        statistics: SolveStatistics,
        sessions: tuple[RosterSession, ...],
        patients: tuple[RosterPatient, ...],
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.roster_version = roster_version
        self.assignments = tuple(assignments)
        self.statistics = statistics
        self.patients = tuple(patients)
        self.sessions = tuple(sessions)
        self.status = RosterStatus.DRAFT

    @event("RosterAmended")
    def _amended(
        self,
        roster_version: int,
        added: tuple[Assignment, ...],
        made_up: tuple[Assignment, ...],
        removed: tuple[Assignment, ...],
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.roster_version = roster_version
        gone = set(removed)
        self.assignments = (*(a for a in self.assignments if a not in gone), *added)
        self.made_up.update(made_up)

    @event("RosterPublished")
    def _published(self, roster_version: int, recorded_by: str, effective_on: date) -> None:
        self.status = RosterStatus.PUBLISHED

    @event("AssignmentPinned")
    def _pinned(self, assignment: Assignment, recorded_by: str, effective_on: date) -> None:
        self.pins.add(assignment)

    @event("AssignmentUnpinned")
    def _unpinned(self, assignment: Assignment, recorded_by: str, effective_on: date) -> None:
        self.pins.discard(assignment)

    @event("PinDropped")
    def _pin_dropped(
        self,
        assignment: Assignment,
        reason: str,
        roster_version: int,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.pins.discard(assignment)
