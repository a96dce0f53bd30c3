"""Erase a patient: record who, when and why, then destroy the patient's key.

The events stay (attendance, taper, rosters still add up); the name and free text sealed under
the key become unreadable in the events and the read models alike, and so do the terms of the
patient's consents and the recipients and purposes of their disclosure log. A program keeps records for
its `retention_days` after the patient stepped down or was discharged before they may be erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from events.enrollment import ENDED
from events.errors import ConflictError, InvalidRequestError
from events.ids import enrollment_uuid
from events.planning.referral import Referral
from events.privacy.consent import PatientConsents
from events.privacy.patient_keys import KeyState
from scheduler.planning.referrals import find_referral
from scheduler.privacy.consents import find_consents
from scheduler.retry import retrying
from scheduler.service import Stepdown


@dataclass(frozen=True)
class Erasure:
    program_id: str
    patient_id: str
    erased_on: date
    recorded_by: str


def erase_patient(
    stepdown: Stepdown, program_id: str, patient_id: str, *, reason: str, actor: str
) -> Erasure:
    if not reason.strip():
        raise InvalidRequestError("reason: an erasure needs a reason")
    app = stepdown.app
    subject = enrollment_uuid(program_id, patient_id)

    def record() -> date:
        program = app.get_program(program_id)
        today = stepdown.today(program.timezone)
        enrollment = app.get_enrollment(program_id, patient_id)
        if enrollment.erased_on is not None:
            return enrollment.erased_on
        if app.patient_keys.key_for(subject).state is KeyState.NONE:
            raise ConflictError(
                f"patient {patient_id} was enrolled before per-patient keys: their name is "
                "stored without one, so destroying a key cannot erase it"
            )
        if enrollment.status in ENDED and enrollment.left_on is not None:
            possible_on = enrollment.left_on + timedelta(days=program.policy.retention_days)
            if today < possible_on:
                raise ConflictError(
                    f"patient {patient_id}: the program keeps records for "
                    f"{program.policy.retention_days} days after they left on "
                    f"{enrollment.left_on}; erasure is possible from {possible_on}"
                )
        consents = find_consents(stepdown, program_id, patient_id)
        if consents is not None:
            _require_consents_sealed(stepdown, consents)
        enrollment.erase(reason, recorded_by=actor, effective_on=today)
        # One transaction: no process sees the patient erased and their consents or the
        # referral they were admitted from readable.
        also_erased: list[PatientConsents | Referral] = []
        if consents is not None:
            consents.erase(recorded_by=actor, effective_on=today)
            also_erased.append(consents)
        referral = find_referral(stepdown, program_id, patient_id)
        if referral is not None:
            referral.erase(reason, recorded_by=actor, effective_on=today)
            also_erased.append(referral)
        app.save(enrollment, *also_erased)
        return today

    erased_on = retrying(record, what=f"erase {patient_id}")
    # After the event is stored: a crash in between leaves the key, and erasing again destroys it.
    app.patient_keys.destroy(subject, erased_at=erased_on.isoformat())
    stepdown.refresh_after_write()
    return Erasure(program_id, patient_id, erased_on, actor)


def _require_consents_sealed(stepdown: Stepdown, consents: PatientConsents) -> None:
    """Consents recorded before they were sealed under the patient's key keep their terms in
    the events as written: destroying the key could not erase them, so erasure is refused."""
    app = stepdown.app
    in_clear = sorted(
        {
            str(getattr(app.mapper.to_domain_event(stored), "consent_id", ""))
            for stored in app.recorder.select_events(consents.id)
            if app.sealing_mapper.holds_personal_text_in_clear(stored)
        }
    )
    if in_clear:
        raise ConflictError(
            f"patient {consents.patient_id}: consent(s) {', '.join(in_clear)} were recorded "
            "before consents were sealed under the patient's key, so destroying the key cannot "
            "erase them"
        )
