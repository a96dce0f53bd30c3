"""Acknowledging an open attendance flag: staff reached the patient, or a clinician reviewed
their attendance; the note says what was done or decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduler.retry import retrying
from scheduler.service import Stepdown


@dataclass(frozen=True)
class FlagAcknowledged:
    patient_id: str
    flag: str
    acknowledged_on: date
    acknowledged_by: str
    note: str


def acknowledge_flag(
    stepdown: Stepdown,
    program_id: str,
    patient_id: str,
    flag: str,
    *,
    note: str,
    actor: str,
) -> FlagAcknowledged:
    """get → acknowledge → save, dated today in the program's time zone. A flag that is not
    open (never raised, already acknowledged, or answered by attendance) is refused."""

    def use_case() -> FlagAcknowledged:
        app = stepdown.app
        today = stepdown.today(app.get_program(program_id).timezone)
        enrollment = app.get_enrollment(program_id, patient_id)
        enrollment.acknowledge_flag(flag, note=note, recorded_by=actor, effective_on=today)
        app.save(enrollment)
        return FlagAcknowledged(patient_id, flag, today, actor, note.strip())

    return retrying(use_case, what=f"acknowledge the {flag} flag of {patient_id}")
