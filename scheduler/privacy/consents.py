"""Consent use cases: record a patient's consent to disclose, revoke it, list it, and find the
consent that permits an export to an outside recipient."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import uuid4

from eventsourcing.application import AggregateNotFoundError

from events.errors import ConflictError, ConsentRequiredError, NotFoundError
from events.privacy.consent import Consent, PatientConsents, consents_uuid
from scheduler.retry import retrying
from scheduler.service import Stepdown


@dataclass(frozen=True)
class ConsentTerms:
    """What the patient signed (§2.31): to whom, why, what, until when; who signed and when."""

    recipient: str
    purpose: str
    information: str
    expires_on: date
    signed_by: str
    signed_on: date


def give_consent(
    stepdown: Stepdown, program_id: str, patient_id: str, terms: ConsentTerms, *, actor: str
) -> str:
    """Record a signed consent for an enrolled patient; returns its id."""
    consent_id = str(uuid4())

    def use_case() -> None:
        app = stepdown.app
        enrollment = app.get_enrollment(program_id, patient_id)
        if enrollment.erased_on is not None:
            raise ConflictError(
                f"patient {patient_id} was erased on {enrollment.erased_on}: a consent cannot "
                "be recorded for them"
            )
        today = stepdown.today(app.get_program(enrollment.program_id).timezone)
        consents = find_consents(stepdown, program_id, patient_id)
        if consents is None:
            consents = PatientConsents(program_id, patient_id)
        consents.give(Consent(consent_id, **vars(terms), recorded_by=actor), today=today)
        app.save(consents)

    retrying(use_case, what=f"consent for {patient_id}")
    return consent_id


def revoke_consent(
    stepdown: Stepdown,
    program_id: str,
    patient_id: str,
    consent_id: str,
    *,
    reason: str,
    actor: str,
) -> bool:
    """Revoke a consent from today on; False when it was already revoked."""
    revoked = False

    def use_case() -> None:
        nonlocal revoked
        app = stepdown.app
        app.get_enrollment(program_id, patient_id)
        consents = find_consents(stepdown, program_id, patient_id)
        if consents is None:
            raise NotFoundError(f"consent: {consent_id!r} is not recorded for {patient_id!r}")
        today = stepdown.today(app.get_program(program_id).timezone)
        revoked = consents.revoke(consent_id, reason=reason, revoked_on=today, recorded_by=actor)
        if revoked:
            app.save(consents)

    retrying(use_case, what=f"revoke consent {consent_id}")
    return revoked


def patient_consents(stepdown: Stepdown, program_id: str, patient_id: str) -> list[Consent]:
    """Every consent the patient signed, oldest first (revoked and expired ones included)."""
    stepdown.app.get_enrollment(program_id, patient_id)
    consents = find_consents(stepdown, program_id, patient_id)
    return [] if consents is None else list(consents.consents.values())


def consent_permitting(
    stepdown: Stepdown, program_id: str, patient_id: str, recipient: str, purpose: str | None
) -> Consent:
    """The active consent that lets `recipient` receive the patient's records today (for
    `purpose`, when one is given), or ConsentRequiredError saying why there is none."""
    today = stepdown.today(stepdown.app.get_program(program_id).timezone)
    consents = find_consents(stepdown, program_id, patient_id)
    if consents is not None and consents.erased_on is not None:
        raise ConsentRequiredError(
            f"consent: patient {patient_id!r} was erased on {consents.erased_on}; none of their "
            "consents permits a disclosure"
        )
    named = (
        [] if consents is None else [c for c in consents.consents.values() if c.names(recipient)]
    )
    active = [c for c in named if c.active_on(today)]
    fitting = [c for c in active if purpose is None or c.purpose.casefold() == purpose.casefold()]
    if fitting:
        return max(fitting, key=lambda c: c.expires_on)
    if active:
        covered = ", ".join(sorted({repr(c.purpose) for c in active}))
        raise ConsentRequiredError(
            f"consent: patient {patient_id!r} consented to disclose to {recipient!r} only for "
            f"{covered}, not {purpose!r}"
        )
    if named:
        raise ConsentRequiredError(
            f"consent: patient {patient_id!r}'s consent for {recipient!r} is "
            f"{_why_inactive(named, today)}"
        )
    raise ConsentRequiredError(
        f"consent: patient {patient_id!r} has no consent naming recipient {recipient!r}"
    )


def _why_inactive(consents: list[Consent], today: date) -> str:
    latest = max(consents, key=lambda c: c.signed_on)
    if latest.revoked_on is not None and latest.revoked_on <= today:
        return f"revoked since {latest.revoked_on}"
    if latest.expires_on < today:
        return f"expired on {latest.expires_on}"
    return f"not in force until {latest.signed_on}"


def find_consents(stepdown: Stepdown, program_id: str, patient_id: str) -> PatientConsents | None:
    try:
        consents: PatientConsents = stepdown.app.repository.get(
            consents_uuid(program_id, patient_id)
        )
    except AggregateNotFoundError:
        return None
    return consents
