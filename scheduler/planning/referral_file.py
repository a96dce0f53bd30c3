"""A referral as every entry point gives it (API body, CLI options): one model, one set of checks."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from pydantic import Field, ValidationError

from events.errors import InvalidRequestError
from scheduler.hygiene.fields import Identifier, IsoDate, Note, Text
from scheduler.hygiene.text import shown
from scheduler.program_file import CommitmentIn, FileModel, PatientIn

# 1 is the most urgent; the waitlist lists by priority, then by how long each has waited.
PRIORITIES = (1, 5)
DEFAULT_LEVEL_OF_CARE = "ASAM 2.1"


class ReferralIn(FileModel):
    id: Identifier
    name: Text
    note: Note = ""
    level_of_care: Text = DEFAULT_LEVEL_OF_CARE
    planned_weeks: Annotated[int, Field(ge=1, le=52)]
    initial_days_per_week: Annotated[int, Field(ge=1, le=7)]
    earliest_start: IsoDate
    priority: Annotated[int, Field(ge=PRIORITIES[0], le=PRIORITIES[1])] = 3
    travel_minutes: Annotated[int, Field(ge=0, le=240)] | None = None
    preferred_track: Text | None = None
    commitments: Annotated[list[CommitmentIn], Field(default_factory=list, max_length=50)]

    def as_patient(self, start_date: date | None = None) -> PatientIn:
        """The enrolment it would become, starting on `start_date` (default its earliest start):
        a referral passes the same checks a patient does."""
        return PatientIn.model_validate(
            {
                "id": self.id,
                "name": self.name,
                "start_date": start_date or self.earliest_start,
                "planned_weeks": self.planned_weeks,
                "initial_days_per_week": self.initial_days_per_week,
                "travel_minutes": self.travel_minutes,
                "preferred_track": self.preferred_track,
                "commitments": self.commitments,
            }
        )


def parse_referral(document: dict[str, Any]) -> ReferralIn:
    """A referral from plain JSON values; the first problem names its field and value."""
    try:
        return ReferralIn.model_validate_json(json.dumps(document))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        got = first.get("input")
        value = f" (got {shown(got)})" if isinstance(got, str) else ""
        raise InvalidRequestError(f"referral.{field}: {first['msg']}{value}") from None
