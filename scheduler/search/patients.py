"""Find patients of a program by part of their name or id, whatever their status.

Names are sealed in the read model, so they are matched after unsealing, here rather than in SQL;
a program's caseload (hundreds) is read in one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from events.errors import InvalidRequestError
from scheduler.queries import program_timezone
from scheduler.service import Stepdown

SHOWN_AT_MOST = 50
LONGEST_TEXT = 100  # longer than any name or id


@dataclass(frozen=True)
class PatientMatch:
    patient_id: str
    name: str
    status: str  # active | paused | stepped-down | discharged


@dataclass(frozen=True)
class PatientSearch:
    text: str
    matches: tuple[PatientMatch, ...]  # at most SHOWN_AT_MOST, best first
    total: int  # every match, shown or not


def find_patients(
    stepdown: Stepdown, program_id: str, text: str, *, at_most: int = SHOWN_AT_MOST
) -> PatientSearch:
    """Patients whose name or id holds `text` (any case); an exact id first, then by name."""
    wanted = text.strip().casefold()
    if len(wanted) > LONGEST_TEXT:
        raise InvalidRequestError(
            f"search: type at most {LONGEST_TEXT} characters (got {len(wanted)})"
        )
    program_timezone(stepdown, program_id)  # NotFoundError for an unknown program
    if not wanted:
        return PatientSearch(text.strip(), (), 0)
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT patient_id, name, status FROM view_census WHERE program_id = ?",
            (program_id,),
        )
        patients = [
            PatientMatch(row["patient_id"], cursor.unseal(row["name"]), row["status"])
            for row in rows
        ]
    found = [
        p for p in patients if wanted in p.name.casefold() or wanted in p.patient_id.casefold()
    ]
    found.sort(key=lambda p: (p.patient_id.casefold() != wanted, p.name.casefold(), p.patient_id))
    return PatientSearch(text.strip(), tuple(found[:at_most]), len(found))
