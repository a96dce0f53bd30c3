"""The policy that keeps the published roster true to the facts recorded after it.

A pause, discharge or step-down takes the patient's seats from its date; a closure empties its
day; a retired session, or one moved to another weekday, loses its seats from the change on; a
lowered capacity sends the last seated out of each meeting over it; a miss corrected to attended
gives back its make-up seat. Each is a roster amendment with the reason (`SeatsWithdrawn`), on
the published version and the waiting draft alike. Handling is idempotent (seats already gone
change nothing).
"""

from __future__ import annotations

from typing import Any, ClassVar

from events.enrollment import Enrollment
from events.program import Program
from events.values import Assignment, EnrollmentStatus, SessionSpec, Weekday
from scheduler.following_policy import FollowingPolicy
from scheduler.withdrawals import (
    withdraw_corrected_make_up,
    withdraw_over_capacity,
    withdraw_seats,
)

POLICY_ACTOR = "roster policy"
STATUS_CHANGES = {"Paused": "paused", "Discharged": "discharged", "SteppedDown": "stepped down"}
TOPICS = [
    *(f"events.enrollment:Enrollment.{name}" for name in STATUS_CHANGES),
    "events.enrollment:Enrollment.SessionAttended",
    "events.program:Program.ClosureAdded",
    "events.program:Program.SessionRetired",
    "events.program:Program.SessionChanged",
]


class RosterFollowsFactsPolicy(FollowingPolicy):
    name = "roster_facts_policy"
    topics: ClassVar[list[str]] = TOPICS

    def handle(self, event: Any) -> None:
        """React to one fact; the decision reads the current state, so a redelivered old fact
        (a pause since resumed, a session changed back) takes nothing it should not."""
        kind = type(event).__qualname__.partition(".")[2]
        if f"{type(event).__module__}:{type(event).__qualname__}" not in TOPICS:
            return
        aggregate: Any = self.stepdown.app.repository.get(event.originator_id)
        if isinstance(aggregate, Enrollment):
            self._enrollment_fact(kind, aggregate, event)
        elif isinstance(aggregate, Program):
            self._program_fact(kind, aggregate, event)

    def _enrollment_fact(self, kind: str, enrollment: Enrollment, event: Any) -> None:
        program_id, patient_id = enrollment.program_id, enrollment.patient_id
        if kind == "SessionAttended":
            withdraw_corrected_make_up(
                self.stepdown,
                program_id,
                patient_id,
                event.session_id,
                event.session_date,
                actor=POLICY_ACTOR,
            )
            return
        if enrollment.status is EnrollmentStatus.ACTIVE:
            return  # resumed since: the seats it holds now are its own
        withdraw_seats(
            self.stepdown,
            program_id,
            lambda seat: seat.patient_id == patient_id,
            f"{patient_id} {STATUS_CHANGES[kind]} from {event.effective_on}",
            effective_on=event.effective_on,
            actor=POLICY_ACTOR,
        )

    def _program_fact(self, kind: str, program: Program, event: Any) -> None:
        program_id = program.program_id
        if kind == "ClosureAdded":
            withdraw_seats(
                self.stepdown,
                program_id,
                lambda seat: seat.session_date == event.closed_on,
                f"program closed on {event.closed_on}: {event.reason}",
                effective_on=event.closed_on,
                actor=POLICY_ACTOR,
            )
        elif kind == "SessionRetired":
            withdraw_seats(
                self.stepdown,
                program_id,
                lambda seat: seat.session_id == event.session_id,
                f"session {event.session_id} retired from {event.effective_on}",
                effective_on=event.effective_on,
                actor=POLICY_ACTOR,
            )
        elif kind == "SessionChanged" and event.session.session_id in program.sessions:
            self._session_changed(program_id, program.sessions[event.session.session_id], event)

    def _session_changed(self, program_id: str, session: SessionSpec, event: Any) -> None:
        """`session` as it is now. A session moved to another weekday loses the seats on its old day; a lowered
        capacity, the seats over it. New hours keep the seats (the next regeneration checks
        them against each patient's commitments)."""

        def not_its_day(seat: Assignment) -> bool:
            return (
                seat.session_id == session.session_id
                and Weekday.of(seat.session_date) is not session.weekday
            )

        withdraw_seats(
            self.stepdown,
            program_id,
            not_its_day,
            f"session {session.session_id} now meets on {session.weekday.name}",
            effective_on=event.effective_on,
            actor=POLICY_ACTOR,
        )
        withdraw_over_capacity(
            self.stepdown,
            program_id,
            session.session_id,
            session.capacity,
            f"session {session.session_id} capacity lowered to {session.capacity}",
            effective_on=event.effective_on,
            actor=POLICY_ACTOR,
        )
