"""A cancelled meeting held after all: the undo's request and what it changed."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from api.schemas.common import Body, IsoDate
from scheduler.cancellations.undo import UndoOutcome


class CancellationUndo(Body):
    date: IsoDate = Field(description="The date of the cancelled meeting")


class WithdrawnSeatPublic(BaseModel):
    patient_id: str
    session_id: str
    date: date


class NotReturnedPublic(BaseModel):
    patient_id: str
    reason: str = Field(description="Why they stay where they are (full, seated elsewhere, ...)")


class UndonePublic(BaseModel):
    """The meeting reinstated: who is back in it, the make-ups withdrawn, who is not back."""

    session_id: str
    date: date
    returned: list[str] = Field(description="Patients seated in the meeting again")
    make_ups_withdrawn: list[WithdrawnSeatPublic] = Field(
        description="Make-up seats the cancellation had booked, given back"
    )
    not_returned: list[NotReturnedPublic]
    facilitators: list[str] = Field(description="Its staffing, as before the cancellation")
    note: str | None = Field(description="What the roster still needs, if anything")


def undone_public(outcome: UndoOutcome) -> UndonePublic:
    return UndonePublic(
        session_id=outcome.session_id,
        date=outcome.session_date,
        returned=list(outcome.returned),
        make_ups_withdrawn=[
            WithdrawnSeatPublic(
                patient_id=a.patient_id, session_id=a.session_id, date=a.session_date
            )
            for a in outcome.make_ups_withdrawn
        ],
        not_returned=[
            NotReturnedPublic(patient_id=n.patient_id, reason=n.reason)
            for n in outcome.not_returned
        ],
        facilitators=list(outcome.facilitators),
        note=outcome.note,
    )
