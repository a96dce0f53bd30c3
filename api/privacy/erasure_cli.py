"""`stepdown patient erase PROGRAM PATIENT --reason TEXT`."""

from __future__ import annotations

import click

from api.cli_common import current_actor, service, warn_if_stopped
from scheduler.privacy.erasure import erase_patient


@click.command("erase")
@click.argument("program_id")
@click.argument("patient_id")
@click.option("--reason", required=True, help="Why (a request, the retention policy); no name.")
def patient_erase(program_id: str, patient_id: str, reason: str) -> None:
    """Destroy the patient's key once the program's retention period has passed: their name and
    notes become unreadable everywhere; attendance and counts stay."""
    with service() as stepdown:
        erasure = erase_patient(
            stepdown, program_id, patient_id, reason=reason, actor=current_actor()
        )
        warn_if_stopped(stepdown)
    click.echo(f"{patient_id}: erased on {erasure.erased_on} by {erasure.recorded_by}")
