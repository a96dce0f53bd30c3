"""`stepdown referral add|list|admit|withdraw|earliest|erase`."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

import click

from api.cli_common import DATE, ID, NOTE, TEXT, after_write, current_actor, service
from events.errors import InvalidRequestError
from scheduler.planning import referrals
from scheduler.planning.earliest_start import MAX_HORIZON_WEEKS, earliest_start
from scheduler.planning.referral_erasure import erase_referral
from scheduler.planning.referral_file import DEFAULT_LEVEL_OF_CARE, parse_referral
from scheduler.planning.waitlist import waitlist

PROGRAM_OPTION = click.option("--program", "program_id", type=ID, required=True)
REFERRAL_OPTION = click.option("--referral", "referral_id", type=ID, required=True)


@click.group()
def referral() -> None:
    """Referrals waiting for a place: add, list, admit, withdraw, and when they can start."""


def commitment_document(text: str) -> dict[str, Any]:
    """`work:MON,TUE,WED:08:00-17:00` → a commitment as the import file writes it."""
    try:
        kind, days, hours = text.split(":", 2)
        start, end = hours.split("-")
    except ValueError:
        raise InvalidRequestError(
            f"--commitment: {text!r} is not KIND:DAYS:HH:MM-HH:MM (work:MON,TUE:08:00-17:00)"
        ) from None
    return {"kind": kind, "days": days.split(","), "start": start, "end": end}


@referral.command("add")
@PROGRAM_OPTION
@click.option(
    "--referral", "referral_id", type=ID, required=True, help="Becomes the patient id on admission."
)
@click.option("--name", type=TEXT, required=True)
@click.option("--planned-weeks", type=int, required=True)
@click.option("--initial-days", type=int, required=True, help="Days a week at the start.")
@click.option("--earliest-start", type=DATE, required=True)
@click.option("--priority", type=click.IntRange(1, 5), default=3, help="1 is the most urgent.")
@click.option("--level-of-care", type=TEXT, default=DEFAULT_LEVEL_OF_CARE)
@click.option("--note", type=NOTE, default="")
@click.option("--travel-minutes", type=int)
@click.option("--preferred-track", type=TEXT)
@click.option(
    "--commitment",
    "commitments",
    multiple=True,
    help="KIND:DAYS:HH:MM-HH:MM, e.g. work:MON,TUE,WED,THU,FRI:08:00-17:00 (repeatable).",
)
def referral_add(
    program_id: str,
    referral_id: str,
    name: str,
    planned_weeks: int,
    initial_days: int,
    earliest_start: date,
    priority: int,
    level_of_care: str,
    note: str,
    travel_minutes: int | None,
    preferred_track: str | None,
    commitments: tuple[str, ...],
) -> None:
    """Put a referral on the waitlist (its plan is checked against the program's policy)."""
    document: dict[str, Any] = {
        "id": referral_id,
        "name": name,
        "note": note,
        "level_of_care": level_of_care,
        "planned_weeks": planned_weeks,
        "initial_days_per_week": initial_days,
        "earliest_start": earliest_start.isoformat(),
        "priority": priority,
        "commitments": [commitment_document(c) for c in commitments],
    }
    if travel_minutes is not None:
        document["travel_minutes"] = travel_minutes
    if preferred_track is not None:
        document["preferred_track"] = preferred_track
    with service() as stepdown:
        referrals.refer(stepdown, program_id, parse_referral(document), actor=current_actor())
        after_write(stepdown)
    click.echo(f"{referral_id}: waiting")


@referral.command("list")
@PROGRAM_OPTION
@click.option(
    "--status",
    type=click.Choice(["waiting", "admitted", "withdrawn", "all"]),
    default="waiting",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def referral_list(program_id: str, status: str, output_format: str) -> None:
    """The waitlist: most urgent first, then longest waiting."""
    with service() as stepdown:
        stepdown.catch_up()
        entries = waitlist(stepdown, program_id, status=None if status == "all" else status)
    if output_format == "json":
        click.echo(json.dumps([asdict(e) for e in entries], indent=1, default=str))
        return
    for e in entries:
        closed = f", {e.status} {e.closed_on}" if e.closed_on else ""
        click.echo(
            f"{e.referral_id} {e.name}: priority {e.priority}, {e.level_of_care}, "
            f"{e.planned_weeks} weeks from {e.initial_days_per_week} days, earliest "
            f"{e.earliest_start}, waited {e.waiting_days} days{closed}"
        )


@referral.command("admit")
@PROGRAM_OPTION
@REFERRAL_OPTION
@click.option("--start", "start_date", type=DATE, required=True)
def referral_admit(program_id: str, referral_id: str, start_date: date) -> None:
    """Admit: the referral becomes an enrolment from the start date."""
    with service() as stepdown:
        referrals.admit(stepdown, program_id, referral_id, start_date, actor=current_actor())
        after_write(stepdown)
    click.echo(f"{referral_id}: admitted, starts {start_date}")


@referral.command("withdraw")
@PROGRAM_OPTION
@REFERRAL_OPTION
@click.option("--reason", type=NOTE, required=True)
def referral_withdraw(program_id: str, referral_id: str, reason: str) -> None:
    """Take a waiting referral off the waitlist."""
    with service() as stepdown:
        referrals.withdraw(stepdown, program_id, referral_id, reason=reason, actor=current_actor())
        after_write(stepdown)
    click.echo(f"{referral_id}: withdrawn")


@referral.command("earliest")
@PROGRAM_OPTION
@REFERRAL_OPTION
@click.option("--horizon-weeks", type=click.IntRange(1, MAX_HORIZON_WEEKS), default=12)
def referral_earliest(program_id: str, referral_id: str, horizon_weeks: int) -> None:
    """The earliest start at which the referral's whole course fits, or why none does."""
    with service() as stepdown:
        stepdown.catch_up()
        answer = earliest_start(stepdown, program_id, referral_id, horizon_weeks=horizon_weeks)
    if answer.start_date is None:
        click.echo(f"{referral_id}: {answer.reason}")
        return
    click.echo(f"{referral_id}: can start {answer.start_date}")
    for week in answer.course:
        click.echo(f"  week {week.program_week} ({week.week}): {week.required_days} days")


@referral.command("erase")
@PROGRAM_OPTION
@REFERRAL_OPTION
@click.option("--reason", type=NOTE, required=True)
def referral_erase(program_id: str, referral_id: str, reason: str) -> None:
    """Erase a withdrawn referral's name and notes (an admitted one goes with its patient)."""
    with service() as stepdown:
        erasure = erase_referral(
            stepdown, program_id, referral_id, reason=reason, actor=current_actor()
        )
    click.echo(f"{referral_id}: erased on {erasure.erased_on}")
