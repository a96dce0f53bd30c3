"""Planned admissions, the forecast's input for patients not enrolled yet: a list of course
plans (start week, commitments, planned weeks, initial days), so referrals from any source can
be planned with — the waitlist's, or a director's "what if we admit 10 more?"."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, ValidationError

from events.errors import InvalidRequestError
from scheduler.hygiene.fields import Identifier, IsoWeek
from scheduler.program_file import (
    CommitmentIn,
    FileModel,
    commitment_document,
    commitment_of,
)


@dataclass(frozen=True)
class PlannedAdmission:
    admission_id: str
    start_week: str  # ISO week: the earliest their course may start
    planned_weeks: int
    initial_days: int
    commitments: tuple[dict[str, Any], ...] = ()  # as the program file writes them
    travel_minutes: int | None = None  # None: the program's travel buffer


class AdmissionIn(FileModel):
    id: Identifier
    start_week: IsoWeek
    planned_weeks: Annotated[int, Field(ge=1, le=52)]
    initial_days_per_week: Annotated[int, Field(ge=1, le=7)]
    travel_minutes: Annotated[int, Field(ge=0, le=240)] | None = None
    commitments: Annotated[list[CommitmentIn], Field(max_length=50)] = Field(default_factory=list)


class AdmissionsFile(FileModel):
    admissions: Annotated[list[AdmissionIn], Field(max_length=5000)]


def planned_admissions(document: Any) -> tuple[PlannedAdmission, ...]:
    """`{"admissions": [...]}` (JSON text, or parsed), refused naming the record and field."""
    try:
        # As JSON, like the program file: strict types read their JSON forms (enums by value).
        text = document if isinstance(document, str | bytes) else json.dumps(document)
        parsed = AdmissionsFile.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidRequestError(f"{where}: {first['msg']}") from None
    return tuple(admission_of(a) for a in parsed.admissions)


def admission_of(admission: AdmissionIn) -> PlannedAdmission:
    return PlannedAdmission(
        admission.id,
        admission.start_week,
        admission.planned_weeks,
        admission.initial_days_per_week,
        tuple(commitment_document(commitment_of(c)) for c in admission.commitments),
        admission.travel_minutes,
    )
