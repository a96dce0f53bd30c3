"""The Roster aggregate: who attends which session in one program-week, by version."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from events.copying import CopiesContainers
from events.errors import InvalidRequestError
from events.ids import roster_uuid
from events.staff.values import WeekStaffing
from events.values import (
    Assignment,
    RosterPatient,
    RosterSession,
    RosterStatus,
    SolveStatistics,
    minutes_between,
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
        # The version patients were told about: it stays in force while a newer draft waits.
        self.published_version: int | None = None
        self.published_assignments: tuple[Assignment, ...] = ()
        self.published_sessions: tuple[RosterSession, ...] = ()
        # The version each job recorded: a job retried after its worker died records nothing twice.
        self.job_versions: dict[str, int] = {}
        # Who facilitates each meeting and the appointments booked (staffed programs only).
        self.staffing: WeekStaffing | None = None
        self.published_staffing: WeekStaffing | None = None

    @property
    def seats_in_force(self) -> tuple[Assignment, ...]:
        """The published seats, or the draft's while nothing has been published."""
        if self.published_version is None:
            return self.assignments
        return self.published_assignments

    @property
    def sessions_in_force(self) -> tuple[RosterSession, ...]:
        if self.published_version is None:
            return self.sessions
        return self.published_sessions

    def record_generated(
        self,
        assignments: tuple[Assignment, ...],
        statistics: SolveStatistics,
        *,
        sessions: tuple[RosterSession, ...] = (),
        patients: tuple[RosterPatient, ...] = (),
        recorded_by: str,
        effective_on: date,
        job_id: str | None = None,
        staffing: WeekStaffing | None = None,
    ) -> None:
        if job_id is not None and job_id in self.job_versions:
            raise InvalidRequestError(
                f"roster {self.week}: job {job_id} already recorded version "
                f"{self.job_versions[job_id]}"
            )
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
            job_id,
            staffing,
        )

    @property
    def staffing_in_force(self) -> WeekStaffing | None:
        if self.published_version is None:
            return self.staffing
        return self.published_staffing

    def amend_staffing(
        self,
        latest: WeekStaffing,
        published: WeekStaffing | None,
        reason: str,
        *,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        """New staffing for the latest version and, when one is published, for it alike (a
        facilitator covering an absence, appointments moved): no seat changes."""
        if self.roster_version == 0:
            raise InvalidRequestError(f"roster {self.week}: nothing generated yet to amend")
        if self.published_version is None:
            published = None
        if latest == self.staffing and published == self.published_staffing:
            return
        self._staffing_amended(
            self.roster_version + 1, latest, published, reason, recorded_by, effective_on
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
        meeting: tuple[str, date],
        cancelled: tuple[Assignment, ...],
        make_ups: tuple[Assignment, ...],
        *,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        """A cancelled session's seats leave the roster and their make-ups join it, together.

        `meeting` is the (session, date) called off; `cancelled` are its seats in force (their
        patients get make-ups); its seats in a waiting draft leave with them, so publishing the
        draft does not bring it back (even when only the draft seats anyone in it).
        """
        if self.roster_version == 0:
            raise InvalidRequestError(f"roster {self.week}: nothing generated yet to amend")
        meetings = {meeting}
        seated = set(self.seats_in_force)
        made_up = tuple(a for a in cancelled if a in seated)
        leaving = tuple(
            sorted(
                {
                    a
                    for a in (*self.seats_in_force, *self.assignments)
                    if (a.session_id, a.session_date) in meetings
                },
                key=str,
            )
        )
        if leaving:
            self._amended(
                self.roster_version + 1, make_ups, made_up, leaving, recorded_by, effective_on
            )

    def reinstate_meeting(
        self,
        meeting: tuple[str, date],
        withdrawn: tuple[Assignment, ...],
        restored: tuple[Assignment, ...],
        reopened: tuple[Assignment, ...],
        *,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        """A cancelled meeting held after all: the make-up seats its cancellation booked
        (`withdrawn`) leave and its patients (`restored`) return to it, together.

        Always recorded, even with no seat to change: the new version makes a make-up booked
        concurrently for the cancellation fail to save (and find the meeting reinstated when
        tried again). `reopened` are the meeting's seats whose cancellation is no longer
        answered, so a later cancellation moves them again. A waiting draft generated without
        the meeting (after its cancellation) gets no seats in it: its next generate seats them.
        """
        if self.roster_version == 0:
            raise InvalidRequestError(f"roster {self.week}: nothing generated yet to amend")
        runs = {(s.session_id, s.session_date): s for s in self.sessions_in_force}
        run = runs.get(meeting)
        if restored and run is None:
            raise InvalidRequestError(
                f"roster {self.week}: {meeting[0]} on {meeting[1]} is not in the version in force"
            )
        foreign = [a for a in restored if (a.session_id, a.session_date) != meeting]
        if foreign:
            raise InvalidRequestError(
                f"roster {self.week}: seat {foreign[0]} is not in {meeting[0]} on {meeting[1]}"
            )
        in_latest = any((s.session_id, s.session_date) == meeting for s in self.sessions)
        self._meeting_reinstated(
            self.roster_version + 1,
            meeting[0],
            meeting[1],
            tuple(sorted(set(withdrawn), key=str)),
            tuple(sorted(set(restored), key=str)),
            tuple(sorted(set(reopened) & self.made_up, key=str)),
            in_latest,
            0 if run is None else minutes_between(run.start, run.end),
            recorded_by,
            effective_on,
        )

    def withdraw_seats(
        self,
        seats: tuple[Assignment, ...],
        reason: str,
        *,
        recorded_by: str,
        effective_on: date,
        reopened: tuple[Assignment, ...] = (),
    ) -> tuple[Assignment, ...]:
        """Take seats a patient no longer has a right to out of the published roster and the
        waiting draft alike (so a later publish does not bring them back), pins on them too;
        returns those taken. `reopened` are missed seats whose make-up this takes back: they
        may be made up again (a miss corrected to attended, then back to missed)."""
        present = set(self.published_assignments) | set(self.assignments)
        leaving = tuple(sorted((a for a in set(seats) if a in present), key=str))
        if leaving and self.roster_version > 0:
            self._seats_withdrawn(
                self.roster_version + 1,
                leaving,
                reason,
                recorded_by,
                effective_on,
                tuple(sorted(set(reopened) & self.made_up, key=str)),
            )
            return leaving
        return ()

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
        job_id: str | None = None,
        staffing: WeekStaffing | None = None,
    ) -> None:
        self.roster_version = roster_version
        self.staffing = staffing
        if job_id is not None:
            self.job_versions[job_id] = roster_version
        self.assignments = tuple(assignments)
        self.statistics = statistics
        self.patients = tuple(patients)
        self.sessions = tuple(sessions)
        self.status = RosterStatus.DRAFT

    # An amendment changes the published seats and the waiting draft alike: its version number
    # is the published roster's new version (and the draft's, while one waits).
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
        self._change_seats(roster_version, tuple(added), set(removed))
        self.made_up.update(made_up)

    @event("StaffingAmended")
    def _staffing_amended(
        self,
        roster_version: int,
        latest: WeekStaffing,
        published: WeekStaffing | None,
        reason: str,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.roster_version = roster_version
        self.staffing = latest
        if self.published_version is not None:
            self.published_version = roster_version
            self.published_staffing = published

    # `minutes` is the meeting's length, for read models that count scheduled hours.
    @event("MeetingReinstated")
    def _meeting_reinstated(
        self,
        roster_version: int,
        session_id: str,
        session_date: date,
        withdrawn: tuple[Assignment, ...],
        restored: tuple[Assignment, ...],
        reopened: tuple[Assignment, ...],
        in_latest: bool,
        minutes: int,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        gone = set(withdrawn)
        self.roster_version = roster_version
        self.assignments = _reseated(self.assignments, restored if in_latest else (), gone)
        if self.published_version is not None:
            self.published_version = roster_version
            self.published_assignments = _reseated(self.published_assignments, restored, gone)
        self.made_up -= set(reopened)

    @event("SeatsWithdrawn")
    def _seats_withdrawn(
        self,
        roster_version: int,
        removed: tuple[Assignment, ...],
        reason: str,
        recorded_by: str,
        effective_on: date,
        reopened: tuple[Assignment, ...] = (),
    ) -> None:
        self._change_seats(roster_version, (), set(removed))
        # A pin on a seat the patient has lost would only fail the next generate.
        self.pins -= set(removed)
        self.made_up -= set(reopened)

    def _change_seats(
        self, roster_version: int, added: tuple[Assignment, ...], gone: set[Assignment]
    ) -> None:
        self.roster_version = roster_version
        self.assignments = _reseated(self.assignments, added, gone)
        if self.published_version is not None:
            self.published_version = roster_version
            self.published_assignments = _reseated(self.published_assignments, added, gone)

    @event("RosterPublished")
    def _published(self, roster_version: int, recorded_by: str, effective_on: date) -> None:
        self.status = RosterStatus.PUBLISHED
        self.published_version = roster_version
        self.published_assignments = self.assignments
        self.published_sessions = self.sessions
        self.published_staffing = self.staffing

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


def _reseated(
    seats: tuple[Assignment, ...], added: tuple[Assignment, ...], gone: set[Assignment]
) -> tuple[Assignment, ...]:
    """Seats without the removed ones, plus the added; an added seat (a make-up) replaces
    whatever the patient held that day (one session per patient per day)."""
    days = {(a.patient_id, a.session_date) for a in added}
    kept = (a for a in seats if a not in gone and (a.patient_id, a.session_date) not in days)
    return (*kept, *added)
