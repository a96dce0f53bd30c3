"""Erasing a withdrawn referral: record who, when and why, then destroy its key.

A referral admitted as a patient shares the patient's key and is erased with them
(`scheduler/privacy/erasure.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from events.errors import ConflictError, InvalidRequestError
from events.ids import enrollment_uuid
from events.planning.referral import ReferralStatus
from events.privacy.patient_keys import KeyState
from scheduler.planning.referrals import get_referral
from scheduler.retry import retrying
from scheduler.service import Stepdown


@dataclass(frozen=True)
class ReferralErasure:
    program_id: str
    referral_id: str
    erased_on: date


def erase_referral(
    stepdown: Stepdown, program_id: str, referral_id: str, *, reason: str, actor: str
) -> ReferralErasure:
    """Erase a withdrawn referral's name and notes: record it, then destroy its key. An admitted
    referral shares its patient's key and is erased with the patient."""
    if not reason.strip():
        raise InvalidRequestError("reason: an erasure needs a reason")
    app = stepdown.app
    subject = enrollment_uuid(program_id, referral_id)

    def record() -> date:
        program = app.get_program(program_id)
        today = stepdown.today(program.timezone)
        referral = get_referral(stepdown, program_id, referral_id)
        if referral.erased_on is not None:
            return referral.erased_on
        if referral.status is ReferralStatus.WAITING:
            raise ConflictError(f"referral {referral_id} is waiting; withdraw it before erasing it")
        if app.exists(subject):
            raise ConflictError(
                f"referral {referral_id}: a patient with this id is enrolled; erase the patient"
            )
        if app.patient_keys.key_for(subject).state is KeyState.NONE:
            raise ConflictError(f"referral {referral_id}: no key seals its fields")
        if referral.closed_on is not None:
            possible_on = referral.closed_on + timedelta(days=program.policy.retention_days)
            if today < possible_on:
                raise ConflictError(
                    f"referral {referral_id}: the program keeps records for "
                    f"{program.policy.retention_days} days after it was withdrawn on "
                    f"{referral.closed_on}; erasure is possible from {possible_on}"
                )
        referral.erase(reason, recorded_by=actor, effective_on=today)
        app.save(referral)
        return today

    erased_on = retrying(record, what=f"erase referral {referral_id}")
    app.patient_keys.destroy(subject, erased_at=erased_on.isoformat())
    stepdown.refresh_after_write()
    return ReferralErasure(program_id, referral_id, erased_on)
