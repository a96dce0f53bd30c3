"""The mapper that seals a patient's personal fields under the patient's own key.

The store cipher (when configured) still encrypts each whole event after this; a sealed field
is kept as `{"sealed": "<base64 nonce + AES-GCM ciphertext>"}`, with `"subject"` naming the
enrolment whose key sealed it when the event belongs to another aggregate (the patient's
consents). Events recorded before per-patient keys hold plain strings and are read as they are.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import AggregateRecorder, Mapper, StoredEvent

from events.errors import ConflictError
from events.ids import enrollment_uuid
from events.privacy.patient_keys import KeyState, PatientKeys, seal, unseal

# What a sealed field reads as once its patient is erased.
ERASED = "(erased)"
SEALED = "sealed"
SUBJECT = "subject"

# Events (by topic) whose fields identify the patient or are free text about them. Reasons the
# service writes itself (flags, make-ups, withdrawals) name no one and are kept in the read
# models as written. (The enrolment is created with the patient's key; events of patients
# enrolled before keys existed, and consents recorded before they were sealed, stay as they were.)
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "events.enrollment:Enrollment.PatientEnrolled": ("name",),
    "events.enrollment:Enrollment.SessionMissed": ("reason",),
    "events.enrollment:Enrollment.Paused": ("reason",),
    "events.enrollment:Enrollment.SteppedDown": ("summary",),
    "events.enrollment:Enrollment.Discharged": ("reason",),
    # What staff did or decided about a flag (a call, a clinical review) is about the patient.
    "events.enrollment:Enrollment.AttendanceFlagAcknowledged": ("note",),
    # The consent form (§2.31) names the patient or a guardian, and who learns what and why.
    "events.privacy.consent:PatientConsents.ConsentGiven": (
        "recipient",
        "purpose",
        "information",
        "signed_by",
    ),
    "events.privacy.consent:PatientConsents.ConsentRevoked": ("reason",),
    # A referral names the person and may say why they were referred; it is sealed under the
    # key of the enrolment it may become, so erasing either erases both.
    "events.planning.referral:Referral.Referred": ("name", "note"),
    "events.planning.referral:Referral.ReferralWithdrawn": ("reason",),
}
ENROLMENT_MODULE = "events.enrollment"
ENROLMENT_CREATED = "Enrollment.PatientEnrolled"
ERASURE_RECORDED = "Enrollment.PatientErased"
# The first event of a patient's consents names the enrolment whose key seals them.
CONSENTS_STARTED = "events.privacy.consent:PatientConsents.Started"
# A referral's first event names the program and the id its enrolment would have.
REFERRAL_STARTED = "events.planning.referral:Referral.Referred"
SUBJECT_ID_FIELDS = {CONSENTS_STARTED: "patient_id", REFERRAL_STARTED: "referral_id"}
# Events recorded first about a person: their key is made then, unless it exists.
KEY_CREATING = {ENROLMENT_CREATED, "Referral.Referred"}


def topic_of(event_class: type[Any]) -> str:
    return f"{event_class.__module__}:{event_class.__qualname__}"


def personal_fields(event_class: type[Any]) -> tuple[str, ...]:
    return PERSONAL_FIELDS.get(topic_of(event_class), ())


class PatientSealingMapper(Mapper[Any]):
    # Set by the application once its recorder exists (the mapper is made before it).
    patient_keys: PatientKeys
    recorder: AggregateRecorder

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The enrolment of each consents aggregate seen (it never changes).
        self._consents_subjects: dict[UUID, UUID] = {}

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        self._learn_subject(domain_event)
        fields = personal_fields(type(domain_event))
        if fields:
            domain_event = self._sealed_copy(domain_event, fields)
        return super().to_stored_event(domain_event)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        domain_event = super().to_domain_event(stored_event)
        self._learn_subject(domain_event)
        if type(domain_event).__qualname__ == ERASURE_RECORDED:
            # Whichever process recorded it, this one stops using a key it may have cached.
            self.patient_keys.forget(domain_event.originator_id)
        fields = personal_fields(type(domain_event))
        state = vars(domain_event)
        sealed = [f for f in fields if isinstance(state.get(f), dict) and SEALED in state[f]]
        for field in sealed:
            envelope = state[field]
            subject = UUID(envelope[SUBJECT]) if SUBJECT in envelope else domain_event.originator_id
            patient_key = self.patient_keys.key_for(subject)
            if patient_key.key is None:
                state[field] = ERASED
            else:
                state[field] = unseal(patient_key.key, envelope[SEALED])
        return domain_event

    def holds_personal_text_in_clear(self, stored_event: StoredEvent) -> bool:
        """Whether the event keeps a personal field as written (recorded before it was sealed):
        destroying the patient's key cannot erase that text."""
        domain_event = super().to_domain_event(stored_event)
        state = vars(domain_event)
        return any(isinstance(state.get(f), str) for f in personal_fields(type(domain_event)))

    def subject_of(self, domain_event: DomainEventProtocol[Any]) -> UUID:
        """The enrolment whose key seals the event's personal fields."""
        originator_id: UUID = domain_event.originator_id
        if type(domain_event).__module__ == ENROLMENT_MODULE:
            return originator_id
        if originator_id not in self._consents_subjects:
            # Not seen in this process yet: its first event (consents' Started, Referred) says.
            for first in self.recorder.select_events(originator_id, lte=1):
                self._learn_subject(super().to_domain_event(first))
        try:
            return self._consents_subjects[originator_id]
        except KeyError:
            raise LookupError(f"no enrolment is known for aggregate {originator_id}") from None

    def _learn_subject(self, domain_event: DomainEventProtocol[Any]) -> None:
        id_field = SUBJECT_ID_FIELDS.get(topic_of(type(domain_event)))
        if id_field is not None:
            state = vars(domain_event)
            subject = enrollment_uuid(state["program_id"], state[id_field])
            self._consents_subjects[domain_event.originator_id] = subject

    def _sealed_copy(
        self, domain_event: DomainEventProtocol[Any], fields: tuple[str, ...]
    ) -> DomainEventProtocol[Any]:
        subject = self.subject_of(domain_event)
        if type(domain_event).__qualname__ in KEY_CREATING:
            patient_key = self.patient_keys.create(subject)
        else:
            patient_key = self.patient_keys.key_for(subject)
        if patient_key.state is KeyState.ERASED:
            # Written now, the text would stay readable: an erased patient gets nothing personal.
            raise ConflictError(
                f"{type(domain_event).__qualname__}: the patient of enrolment {subject} was "
                "erased; nothing personal can be recorded about them"
            )
        if patient_key.state is not KeyState.LIVE or patient_key.key is None:
            return domain_event
        state = dict(vars(domain_event))
        for field in fields:
            if isinstance(state.get(field), str):
                state[field] = {SEALED: seal(patient_key.key, state[field])}
                if subject != domain_event.originator_id:
                    state[field][SUBJECT] = subject.hex
        copy = object.__new__(type(domain_event))
        object.__setattr__(copy, "__dict__", state)
        return copy
