"""`stepdown patient consent give|revoke|list` and `stepdown patient disclosures`, and the
disclosure-log entry every CLI read of a patient's record or export records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import click

from api.cli_common import DATE, TEXT, current_actor, service
from scheduler.privacy.consents import (
    ConsentTerms,
    give_consent,
    patient_consents,
    revoke_consent,
)
from scheduler.privacy.disclosure_log import DisclosureLog
from scheduler.privacy.disclosures import Requester, disclose
from scheduler.queries import program_timezone
from scheduler.service import Stepdown

PURPOSE_OPTION = click.option(
    "--purpose",
    help="Why the records are read; recorded in the disclosure log (default treatment).",
)
RECIPIENT_OPTION = click.option(
    "--recipient",
    help="An outside recipient: each patient needs an active consent naming them.",
)


def cli_disclose(
    stepdown: Stepdown,
    program_id: str,
    patient_ids: Iterable[str],
    *,
    what: str,
    detail: str = "",
    purpose: str | None = None,
    recipient: str | None = None,
) -> None:
    """Record the disclosure before anything is printed (a refused one prints nothing)."""
    requester = Requester(current_actor(), "cli", purpose=purpose, recipient=recipient)
    log = DisclosureLog(stepdown.views)
    disclose(stepdown, log, requester, program_id, patient_ids, what=what, detail=detail)


@click.group()
def consent() -> None:
    """A patient's consents to disclose their records to an outside recipient (42 CFR §2.31)."""


@consent.command("give")
@click.argument("program_id")
@click.argument("patient_id")
@click.option("--recipient", type=TEXT, required=True, help="Who may receive the records.")
@click.option("--purpose", type=TEXT, required=True, help="Why they may receive them.")
@click.option(
    "--information", type=TEXT, required=True, help="How much and what kind of information."
)
@click.option("--expires", "expires_on", type=DATE, required=True, help="Last day in force.")
@click.option("--signed-by", type=TEXT, required=True, help="The patient, or who signed for them.")
@click.option("--signed-on", type=DATE, required=True)
def consent_give(
    program_id: str,
    patient_id: str,
    recipient: str,
    purpose: str,
    information: str,
    expires_on: date,
    signed_by: str,
    signed_on: date,
) -> None:
    """Record a consent the patient signed; prints its id."""
    terms = ConsentTerms(recipient, purpose, information, expires_on, signed_by, signed_on)
    with service() as stepdown:
        consent_id = give_consent(stepdown, program_id, patient_id, terms, actor=current_actor())
    click.echo(consent_id)


@consent.command("revoke")
@click.argument("program_id")
@click.argument("patient_id")
@click.argument("consent_id")
@click.option("--reason", type=TEXT, required=True)
def consent_revoke(program_id: str, patient_id: str, consent_id: str, reason: str) -> None:
    """Revoke a consent from today on."""
    with service() as stepdown:
        revoked = revoke_consent(
            stepdown, program_id, patient_id, consent_id, reason=reason, actor=current_actor()
        )
    click.echo(f"{consent_id}: {'revoked' if revoked else 'already revoked'}")


@consent.command("list")
@click.argument("program_id")
@click.argument("patient_id")
def consent_list(program_id: str, patient_id: str) -> None:
    """Every consent the patient signed, and whether it is in force today."""
    with service() as stepdown:
        today = stepdown.today(program_timezone(stepdown, program_id))
        found = patient_consents(stepdown, program_id, patient_id)
    for c in found:
        state = (
            f"erased {c.erased_on}"
            if c.erased_on
            else "active"
            if c.active_on(today)
            else f"revoked {c.revoked_on}"
            if c.revoked_on
            else "inactive"
        )
        click.echo(
            f"{c.consent_id}  {state:<18} to {c.recipient!r} for {c.purpose!r}: "
            f"{c.information!r}; signed by {c.signed_by!r} on {c.signed_on}, expires {c.expires_on}"
        )


@click.command("disclosures")
@click.argument("program_id")
@click.argument("patient_id")
def disclosures(program_id: str, patient_id: str) -> None:
    """Who read or exported the patient's records: when, what, why, for whom, under which consent."""
    with service() as stepdown:
        stepdown.app.get_enrollment(program_id, patient_id)
        entries = DisclosureLog(stepdown.views).for_patient(program_id, patient_id)
    for e in entries:
        to = "" if e.recipient is None else f" to {e.recipient!r} (consent {e.consent_id})"
        click.echo(
            f"{e.disclosed_at:%Y-%m-%d %H:%M:%S%z}  {e.actor} via {e.channel}: {e.what}"
            f"{' ' + e.detail if e.detail else ''} for {e.purpose!r}{to}"
        )
    if not entries:
        click.echo(f"{patient_id}: no disclosures recorded")


def register(patient: click.Group) -> None:
    patient.add_command(consent)
    patient.add_command(disclosures)
