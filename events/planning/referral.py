"""The Referral aggregate: a person referred to a program, waiting until admitted or withdrawn.

A referral is its own aggregate, not events on the Program: it lives before any enrolment, a
busy waitlist would otherwise contend with every session edit on the Program, and its personal
fields are sealed under the key of the enrolment it may become (see `events/privacy`), so erasing
that patient, or the referral, makes them unreadable together.
"""

from __future__ import annotations

import enum
from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from events.copying import CopiesContainers
from events.errors import ConflictError
from events.ids import STEPDOWN_NAMESPACE
from events.privacy.sealing_mapper import ERASED
from events.values import Commitment


def referral_uuid(program_id: str, referral_id: str) -> UUID:
    return uuid5(STEPDOWN_NAMESPACE, f"referral/{program_id}/{referral_id}")


class ReferralStatus(enum.Enum):
    WAITING = "waiting"
    ADMITTED = "admitted"
    WITHDRAWN = "withdrawn"


class Referral(CopiesContainers, Aggregate):
    @staticmethod
    def create_id(program_id: str, referral_id: str) -> UUID:
        return referral_uuid(program_id, referral_id)

    @event("Referred")
    def __init__(
        self,
        program_id: str,
        referral_id: str,
        name: str,
        note: str,
        level_of_care: str,
        planned_weeks: int,
        initial_days_per_week: int,
        earliest_start: date,
        priority: int,
        travel_minutes: int | None,
        preferred_track: str | None,
        commitments: tuple[Commitment, ...],
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.program_id = program_id
        self.referral_id = referral_id
        self.name = name
        self.note = note
        self.level_of_care = level_of_care
        self.planned_weeks = planned_weeks
        self.initial_days_per_week = initial_days_per_week
        self.earliest_start = earliest_start
        self.priority = priority
        self.travel_minutes = travel_minutes
        self.preferred_track = preferred_track
        self.commitments = tuple(commitments)
        self.referred_on = effective_on
        self.status = ReferralStatus.WAITING
        self.start_date: date | None = None
        self.closed_on: date | None = None
        self.erased_on: date | None = None

    def admit(self, start_date: date, *, recorded_by: str, effective_on: date) -> None:
        """The referral becomes an enrolment starting on `start_date` (saved together)."""
        self._require_waiting("admit")
        self._admitted(start_date, recorded_by, effective_on)

    def withdraw(self, reason: str, *, recorded_by: str, effective_on: date) -> None:
        self._require_waiting("withdraw")
        self._withdrawn(reason, recorded_by, effective_on)

    def erase(self, reason: str, *, recorded_by: str, effective_on: date) -> None:
        """Record the erasure of the referral's personal fields (the key goes next). Which
        referral may be erased when is the use case's rule: a patient's erasure takes theirs."""
        if self.erased_on is None:
            self._erased(reason, recorded_by, effective_on)

    def _require_waiting(self, action: str) -> None:
        if self.status is not ReferralStatus.WAITING:
            raise ConflictError(
                f"referral {self.referral_id} is {self.status.value}; cannot {action}"
            )

    @event("Admitted")
    def _admitted(self, start_date: date, recorded_by: str, effective_on: date) -> None:
        self.status = ReferralStatus.ADMITTED
        self.start_date = start_date
        self.closed_on = effective_on

    @event("ReferralWithdrawn")
    def _withdrawn(self, reason: str, recorded_by: str, effective_on: date) -> None:
        self.status = ReferralStatus.WITHDRAWN
        self.closed_on = effective_on

    @event("ReferralErased")
    def _erased(self, reason: str, recorded_by: str, effective_on: date) -> None:
        # Who, when and why, never the name: the event outlives the key.
        self.erased_on = effective_on
        self.name = ERASED
        self.note = ERASED
