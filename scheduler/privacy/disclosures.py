"""Recording a disclosure: who reads or exports which patients' records, why, and for whom.

Staff reading a record for the program's own work record the purpose they give (default
"treatment"). An export addressed to an outside recipient needs, for every patient in it, an
active consent naming that recipient; without one nothing is disclosed and nothing recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from events.errors import ConsentRequiredError, InvalidRequestError
from events.privacy.consent import require_text
from scheduler.privacy.consents import consent_permitting
from scheduler.privacy.disclosure_log import DisclosureEntry, DisclosureLog
from scheduler.service import Stepdown

DEFAULT_PURPOSE = "treatment"


@dataclass(frozen=True)
class Requester:
    """Who is reading, through which door, why, and (for an export) for whom."""

    actor: str
    channel: str
    purpose: str | None = None
    recipient: str | None = None

    def __post_init__(self) -> None:
        for field in ("purpose", "recipient"):
            value = getattr(self, field)
            if value is not None:
                if not value.strip():
                    raise InvalidRequestError(f"{field}: must not be empty when given")
                require_text(field, value)


def disclose(
    stepdown: Stepdown,
    log: DisclosureLog,
    requester: Requester,
    program_id: str,
    patient_ids: Iterable[str],
    *,
    what: str,
    detail: str = "",
) -> None:
    """Record that `requester` is shown these patients' records; call it before answering."""
    now = stepdown.clock()
    entries = []
    refusals: list[ConsentRequiredError] = []
    for patient_id in sorted(set(patient_ids)):
        purpose, consent_id = requester.purpose or DEFAULT_PURPOSE, None
        if requester.recipient is not None:
            try:
                consent = consent_permitting(
                    stepdown, program_id, patient_id, requester.recipient, requester.purpose
                )
            except ConsentRequiredError as refusal:
                refusals.append(refusal)
                continue
            purpose, consent_id = requester.purpose or consent.purpose, consent.consent_id
        entries.append(
            DisclosureEntry(
                disclosed_at=now,
                program_id=program_id,
                patient_id=patient_id,
                actor=requester.actor,
                channel=requester.channel,
                what=what,
                detail=detail,
                purpose=purpose,
                recipient=requester.recipient,
                consent_id=consent_id,
            )
        )
    if refusals:
        more = f"; and {len(refusals) - 5} more patients" if len(refusals) > 5 else ""
        raise ConsentRequiredError("; ".join(str(r) for r in refusals[:5]) + more)
    log.append(entries)
