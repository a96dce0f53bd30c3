"""A patient's consents to disclose their records to someone outside the program (42 CFR §2.31).

Each consent names who may receive the records, for what purpose, which information, until when,
and who signed it on which date. A revoked or expired consent no longer permits anything.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from events.copying import CopiesContainers
from events.errors import ConflictError, InvalidRequestError, NotFoundError
from events.ids import STEPDOWN_NAMESPACE
from events.privacy.sealing_mapper import ERASED

TEXT_LIMIT = 200


@dataclass(frozen=True)
class Consent:
    consent_id: str
    recipient: str
    purpose: str
    information: str
    expires_on: date
    signed_by: str
    signed_on: date
    recorded_by: str
    revoked_on: date | None = None
    revoked_by: str | None = None
    revocation_reason: str | None = None
    erased_on: date | None = None

    def active_on(self, day: date) -> bool:
        """Signed, not revoked, not erased, and not past its expiry date on `day`."""
        revoked = self.revoked_on is not None and self.revoked_on <= day
        erased = self.erased_on is not None
        return self.signed_on <= day <= self.expires_on and not revoked and not erased

    def erased(self, on: date) -> Consent:
        """The consent as it reads once its patient is erased: dates kept, every term gone."""
        reason = None if self.revocation_reason is None else ERASED
        return replace(
            self,
            recipient=ERASED,
            purpose=ERASED,
            information=ERASED,
            signed_by=ERASED,
            revocation_reason=reason,
            erased_on=on,
        )

    def names(self, recipient: str) -> bool:
        return same_party(self.recipient, recipient)


def same_party(one: str, other: str) -> bool:
    """Recipients are matched as written, ignoring case and runs of spaces."""
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def consents_uuid(program_id: str, patient_id: str) -> UUID:
    return uuid5(STEPDOWN_NAMESPACE, f"consents/{program_id}/{patient_id}")


class PatientConsents(CopiesContainers, Aggregate):
    """Every consent one enrolled patient has signed, given and revoked in order."""

    @staticmethod
    def create_id(program_id: str, patient_id: str) -> UUID:
        return consents_uuid(program_id, patient_id)

    @event("Started")
    def __init__(self, program_id: str, patient_id: str) -> None:
        self.program_id = program_id
        self.patient_id = patient_id
        self.consents: dict[str, Consent] = {}
        self.erased_on: date | None = None

    # --- commands -------------------------------------------------------------------------

    def give(self, consent: Consent, *, today: date) -> None:
        self._require_not_erased("give a consent")
        for field in ("recipient", "purpose", "information", "signed_by"):
            require_text(field, getattr(consent, field))
        if consent.consent_id in self.consents:
            raise InvalidRequestError(f"consent_id: {consent.consent_id!r} is already recorded")
        if consent.signed_on > today:
            raise InvalidRequestError(f"signed_on: {consent.signed_on} is after today ({today})")
        if consent.expires_on < max(consent.signed_on, today):
            raise InvalidRequestError(
                f"expires_on: {consent.expires_on} is already past (signed {consent.signed_on}, "
                f"today {today})"
            )
        self._consent_given(
            consent.consent_id,
            consent.recipient,
            consent.purpose,
            consent.information,
            consent.expires_on,
            consent.signed_by,
            consent.signed_on,
            consent.recorded_by,
        )

    def revoke(self, consent_id: str, *, reason: str, revoked_on: date, recorded_by: str) -> bool:
        """Revoke a consent from `revoked_on`; False when it was already revoked."""
        self._require_not_erased("revoke a consent")
        require_text("reason", reason)
        if self.find(consent_id).revoked_on is not None:
            return False
        self._consent_revoked(consent_id, revoked_on, reason, recorded_by)
        return True

    def erase(self, *, recorded_by: str, effective_on: date) -> None:
        """Record that the patient was erased: every consent reads as erased from now on, in
        this process and in those that hold the aggregate in their cache."""
        if self.erased_on is None:
            self._consents_erased(recorded_by, effective_on)

    def _require_not_erased(self, action: str) -> None:
        if self.erased_on is not None:
            raise ConflictError(
                f"patient {self.patient_id} was erased on {self.erased_on}: cannot {action}"
            )

    # --- queries --------------------------------------------------------------------------

    def find(self, consent_id: str) -> Consent:
        try:
            return self.consents[consent_id]
        except KeyError:
            raise NotFoundError(
                f"consent: {consent_id!r} is not recorded for patient {self.patient_id!r}"
            ) from None

    def active_for(self, recipient: str, day: date) -> list[Consent]:
        return [c for c in self.consents.values() if c.names(recipient) and c.active_on(day)]

    # --- events ---------------------------------------------------------------------------

    @event("ConsentGiven")
    def _consent_given(
        self,
        consent_id: str,
        recipient: str,
        purpose: str,
        information: str,
        expires_on: date,
        signed_by: str,
        signed_on: date,
        recorded_by: str,
    ) -> None:
        self.consents[consent_id] = Consent(
            consent_id,
            recipient,
            purpose,
            information,
            expires_on,
            signed_by,
            signed_on,
            recorded_by,
        )

    @event("ConsentRevoked")
    def _consent_revoked(
        self, consent_id: str, revoked_on: date, reason: str, recorded_by: str
    ) -> None:
        self.consents[consent_id] = replace(
            self.consents[consent_id],
            revoked_on=revoked_on,
            revoked_by=recorded_by,
            revocation_reason=reason,
        )

    @event("ConsentsErased")
    def _consents_erased(self, recorded_by: str, effective_on: date) -> None:
        # Who and when, never a term: the event outlives the patient's key.
        self.erased_on = effective_on
        self.consents = {cid: c.erased(effective_on) for cid, c in self.consents.items()}


def require_text(field: str, value: str) -> None:
    """Consent terms are printed on the form the patient signs: plain text, one line, not empty."""
    if not value.strip() or len(value) > TEXT_LIMIT or not value.isprintable():
        raise InvalidRequestError(
            f"{field}: {value[:40]!r} must be 1–{TEXT_LIMIT} printable characters"
        )
