"""Where a cancellation left each patient: moved to a make-up, or to be called (no make-up)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from events.calendar import iso_week
from scheduler.makeups import MakeUpOutcome, cancellation_outcomes
from scheduler.service import Stepdown


@dataclass(frozen=True)
class CancellationOutcome:
    session_id: str
    session_date: date
    moved: tuple[MakeUpOutcome, ...]  # each with the meeting they were moved to
    to_call: tuple[MakeUpOutcome, ...]  # no make-up possible: the coordinator calls them
    # Patients still seated in the meeting: the make-up policy has not got to it yet (a worker).
    waiting: tuple[str, ...] = ()

    def describe(self, names: dict[str, str] | None = None) -> list[str]:
        """One line per patient, for the CLI and the page: who went where, whom to call."""
        shown = names or {}

        def name(patient_id: str) -> str:
            return shown.get(patient_id, patient_id)

        lines = [
            f"Moved: {name(o.patient_id)} to {o.session_id} on {o.session_date}" for o in self.moved
        ]
        lines += [f"To call: {name(o.patient_id)}: no make-up ({o.reason})" for o in self.to_call]
        if self.waiting:
            lines.append(f"Not moved yet (make-ups being found): {len(self.waiting)} patients")
        return lines


def cancellation_outcome(
    stepdown: Stepdown, program_id: str, session_id: str, session_date: date
) -> CancellationOutcome:
    """The cancellation's outcome as recorded so far, patients in id order."""
    outcomes = sorted(
        cancellation_outcomes(stepdown, program_id, session_id, session_date),
        key=lambda o: o.patient_id,
    )
    roster = stepdown.app.find_roster(program_id, iso_week(session_date))
    program = stepdown.app.get_program(program_id)
    waiting: list[str] = []
    if roster is not None and (session_id, session_date) in program.cancellations:
        waiting = sorted(
            a.patient_id
            for a in roster.seats_in_force
            if (a.session_id, a.session_date) == (session_id, session_date)
        )
    return CancellationOutcome(
        session_id,
        session_date,
        tuple(o for o in outcomes if o.session_id is not None),
        tuple(o for o in outcomes if o.session_id is None),
        tuple(waiting),
    )
