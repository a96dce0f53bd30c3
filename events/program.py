"""The Program aggregate: its recurring sessions, closures and policy."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate, event

from events.copying import CopiesContainers
from events.errors import ConflictError, InvalidRequestError, NotFoundError
from events.ids import program_uuid
from events.values import HolidayRegion, Policy, SessionSpec, Weekday


class Program(CopiesContainers, Aggregate):
    @staticmethod
    def create_id(program_id: str) -> UUID:
        return program_uuid(program_id)

    @event("ProgramCreated")
    def __init__(
        self,
        program_id: str,
        name: str,
        timezone: str,
        holiday_region: HolidayRegion,
        policy: Policy,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.program_id = program_id
        self.name = name
        self.timezone = timezone
        self.holiday_region = holiday_region
        self.policy = policy
        self.sessions: dict[str, SessionSpec] = {}
        self.retired_sessions: dict[str, SessionSpec] = {}
        self.closures: set[date] = set()
        self.cancellations: set[tuple[str, date]] = set()
        # The program asks for next week's draft to be generated every night (a periodic job).
        self.nightly_drafts = False

    def add_session(self, session: SessionSpec, *, recorded_by: str, effective_on: date) -> None:
        if session.session_id in self.sessions or session.session_id in self.retired_sessions:
            raise ConflictError(
                f"session {session.session_id!r} already exists in {self.program_id}"
            )
        self._session_added(session, recorded_by, effective_on)

    def change_session(self, session: SessionSpec, *, recorded_by: str, effective_on: date) -> None:
        self.session(session.session_id)
        self._session_changed(session, recorded_by, effective_on)

    def retire_session(self, session_id: str, *, recorded_by: str, effective_on: date) -> None:
        self.session(session_id)
        self._session_retired(session_id, recorded_by, effective_on)

    def add_closure(self, closed_on: date, reason: str, *, recorded_by: str) -> None:
        if closed_on not in self.closures:
            self._closure_added(closed_on, reason, recorded_by, closed_on)

    def cancel_session(self, session_id: str, day: date, reason: str, *, recorded_by: str) -> None:
        """The program calls off one meeting of a session (facilitator ill, weather)."""
        self.session_on(session_id, day)
        if (session_id, day) not in self.cancellations:
            self._session_cancelled(session_id, day, reason, recorded_by, day)

    def undo_cancellation(
        self, session_id: str, day: date, *, now: datetime, recorded_by: str
    ) -> None:
        """A cancelled meeting is held after all: only while it has not started (by `now`,
        the service clock), so no patient was told to stay home from a meeting in progress."""
        if (session_id, day) not in self.cancellations:
            raise ConflictError(
                f"session {session_id} on {day} is not cancelled in {self.program_id}: "
                "nothing to undo"
            )
        if day in self.closures:
            raise InvalidRequestError(
                f"date: session {session_id} on {day} cannot be held: the program is closed that day"
            )
        session = self.session_on(session_id, day)
        starts = datetime.combine(day, session.start, tzinfo=ZoneInfo(self.timezone))
        if now >= starts:
            raise InvalidRequestError(
                f"date: session {session_id} on {day} started at {session.start:%H:%M}; "
                "a cancellation can be undone only before the meeting starts"
            )
        self._cancellation_undone(session_id, day, recorded_by, day)

    def session(self, session_id: str) -> SessionSpec:
        try:
            return self.sessions[session_id]
        except KeyError:
            raise NotFoundError(
                f"session: {session_id!r} is not an active session of program {self.program_id}"
            ) from None

    def session_on(self, session_id: str, day: date) -> SessionSpec:
        """The session meeting on `day`: it must meet that weekday, and not on a closure."""
        session = self.session(session_id)
        if Weekday.of(day) is not session.weekday:
            raise InvalidRequestError(
                f"date: {day} is a {Weekday.of(day).name}; "
                f"session {session_id} meets on {session.weekday.name}"
            )
        if day in self.closures:
            raise InvalidRequestError(f"date: {day} is a program closure")
        return session

    @event("SessionAdded")
    def _session_added(self, session: SessionSpec, recorded_by: str, effective_on: date) -> None:
        self.sessions[session.session_id] = session

    @event("SessionChanged")
    def _session_changed(self, session: SessionSpec, recorded_by: str, effective_on: date) -> None:
        self.sessions[session.session_id] = session

    @event("SessionRetired")
    def _session_retired(self, session_id: str, recorded_by: str, effective_on: date) -> None:
        self.retired_sessions[session_id] = self.sessions.pop(session_id)

    @event("SessionCancelled")
    def _session_cancelled(
        self, session_id: str, session_date: date, reason: str, recorded_by: str, effective_on: date
    ) -> None:
        self.cancellations.add((session_id, session_date))

    @event("SessionCancellationUndone")
    def _cancellation_undone(
        self, session_id: str, session_date: date, recorded_by: str, effective_on: date
    ) -> None:
        self.cancellations.discard((session_id, session_date))

    @event("ClosureAdded")
    def _closure_added(
        self, closed_on: date, reason: str, recorded_by: str, effective_on: date
    ) -> None:
        self.closures.add(closed_on)

    def ask_for_nightly_drafts(self, enabled: bool, *, recorded_by: str) -> bool:
        """Turn the nightly draft of next week on or off; False when it already was so."""
        if self.nightly_drafts == enabled:
            return False
        self._nightly_drafts_changed(enabled, recorded_by)
        return True

    @event("NightlyDraftsChanged")
    def _nightly_drafts_changed(self, enabled: bool, recorded_by: str) -> None:
        self.nightly_drafts = enabled

    def __repr__(self) -> str:
        return f"Program({self.program_id!r}, sessions={len(self.sessions)})"
