"""Auditing each read of a patient's record and each export, for the routes and the page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from api.auth import Principal
from api.dependencies import get_principal
from scheduler.privacy.disclosure_log import DisclosureLog
from scheduler.privacy.disclosures import Requester, disclose
from scheduler.service import Stepdown

PURPOSE_HELP = "Why the record is read; recorded in the disclosure log (default treatment)."
RECIPIENT_HELP = (
    "An outside recipient the export is for: each patient in it needs an active consent "
    "naming them (else 403)."
)


@dataclass(frozen=True)
class Audit:
    """Records what a caller is shown, in the disclosure log, before it is shown."""

    stepdown: Stepdown
    log: DisclosureLog
    requester: Requester

    def disclose(
        self, program_id: str, patient_ids: Iterable[str], *, what: str, detail: str = ""
    ) -> None:
        disclose(
            self.stepdown,
            self.log,
            self.requester,
            program_id,
            patient_ids,
            what=what,
            detail=detail,
        )


def audit_for(request: Request, principal: Principal, channel: str, **why: str | None) -> Audit:
    return Audit(
        request.app.state.stepdown,
        request.app.state.disclosures,
        Requester(principal.subject, channel, **why),
    )


async def get_audit(
    request: Request,
    principal: Annotated[Principal, Depends(get_principal)],
    purpose: Annotated[str | None, Query(max_length=200, description=PURPOSE_HELP)] = None,
    recipient: Annotated[str | None, Query(max_length=200, description=RECIPIENT_HELP)] = None,
    disclosure_purpose: Annotated[str | None, Header(max_length=200)] = None,
    disclosure_recipient: Annotated[str | None, Header(max_length=200)] = None,
) -> Audit:
    return audit_for(
        request,
        principal,
        "api",
        purpose=purpose if purpose is not None else disclosure_purpose,
        recipient=recipient if recipient is not None else disclosure_recipient,
    )


AuditDep = Annotated[Audit, Depends(get_audit)]
