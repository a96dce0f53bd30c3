"""The mapper that seals a patient's personal fields under the patient's own key.

The store cipher (when configured) still encrypts each whole event after this; a sealed field
is kept as `{"sealed": "<base64 nonce + AES-GCM ciphertext>"}`. Events recorded before per-patient
keys hold plain strings and are read as they are.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent

from events.privacy.patient_keys import KeyState, PatientKeys, seal, unseal

# What a sealed field reads as once its patient is erased.
ERASED = "(erased)"
SEALED = "sealed"

# The enrolment's events whose fields identify the patient or are staff's free text about them.
# Reasons the service writes itself (flags, make-ups, withdrawals) name no one and are kept in
# the read models as written. (The enrolment is created with the patient's key; events of
# patients enrolled before keys existed stay as they were recorded.)
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "Enrollment.PatientEnrolled": ("name",),
    "Enrollment.SessionMissed": ("reason",),
    "Enrollment.Paused": ("reason",),
    "Enrollment.SteppedDown": ("summary",),
    "Enrollment.Discharged": ("reason",),
}
ENROLMENT_CREATED = "Enrollment.PatientEnrolled"
ERASURE_RECORDED = "Enrollment.PatientErased"


def personal_fields(event_class: type[Any]) -> tuple[str, ...]:
    if event_class.__module__ != "events.enrollment":
        return ()
    return PERSONAL_FIELDS.get(event_class.__qualname__, ())


class PatientSealingMapper(Mapper[Any]):
    # Set by the application once its recorder exists (the mapper is made before it).
    patient_keys: PatientKeys

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        fields = personal_fields(type(domain_event))
        if fields:
            domain_event = self._sealed_copy(domain_event, fields)
        return super().to_stored_event(domain_event)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        domain_event = super().to_domain_event(stored_event)
        if type(domain_event).__qualname__ == ERASURE_RECORDED:
            # Whichever process recorded it, this one stops using a key it may have cached.
            self.patient_keys.forget(domain_event.originator_id)
        fields = personal_fields(type(domain_event))
        state = vars(domain_event)
        sealed = [f for f in fields if isinstance(state.get(f), dict) and SEALED in state[f]]
        if sealed:
            patient_key = self.patient_keys.key_for(domain_event.originator_id)
            for field in sealed:
                if patient_key.key is None:
                    state[field] = ERASED
                else:
                    state[field] = unseal(patient_key.key, state[field][SEALED])
        return domain_event

    def _sealed_copy(
        self, domain_event: DomainEventProtocol[Any], fields: tuple[str, ...]
    ) -> DomainEventProtocol[Any]:
        subject = domain_event.originator_id
        if type(domain_event).__qualname__ == ENROLMENT_CREATED:
            patient_key = self.patient_keys.create(subject)
        else:
            patient_key = self.patient_keys.key_for(subject)
        if patient_key.state is not KeyState.LIVE or patient_key.key is None:
            return domain_event
        state = dict(vars(domain_event))
        for field in fields:
            if isinstance(state.get(field), str):
                state[field] = {SEALED: seal(patient_key.key, state[field])}
        copy = object.__new__(type(domain_event))
        object.__setattr__(copy, "__dict__", state)
        return copy
