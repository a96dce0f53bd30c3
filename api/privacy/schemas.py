"""Request and response models for consents and the disclosure log."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.common import Body, IsoDate, Text


class ConsentCreate(Body):
    """A signed consent (42 CFR §2.31): to whom, why, what, until when; who signed, when."""

    recipient: Text = Field(description="Who may receive the records (a person or organisation)")
    purpose: Text = Field(description="Why they may receive them")
    information: Text = Field(description="How much and what kind of information")
    expires_on: IsoDate = Field(description="The last day the consent is in force")
    signed_by: Text = Field(description="The patient, or who signed for them and as what")
    signed_on: IsoDate


class ConsentRevoke(Body):
    reason: Text


class ConsentPublic(BaseModel):
    consent_id: str
    recipient: str
    purpose: str
    information: str
    expires_on: date
    signed_by: str
    signed_on: date
    recorded_by: str
    revoked_on: date | None
    revoked_by: str | None
    revocation_reason: str | None
    erased_on: date | None = Field(
        description="When the patient was erased: the terms then read as '(erased)'"
    )
    active: bool = Field(description="In force today: signed, not revoked, not expired")


class ConsentRecorded(BaseModel):
    consent_id: str


class DisclosurePublic(BaseModel):
    """One entry of the disclosure log: who was shown what about the patient, when, and why."""

    disclosed_at: datetime
    actor: str
    channel: str = Field(description="api, page or cli")
    what: str
    detail: str
    purpose: str
    recipient: str | None
    consent_id: str | None
