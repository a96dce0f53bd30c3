"""`stepdown staff list|show|absent|assign|remove|week`."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

import click

from api.cli_common import DATE, ID, NOTE, after_write, current_actor, service
from api.roster_cli import WEEK
from scheduler.staff import use_cases
from scheduler.staff.absence_cover import describe_cover
from scheduler.staff.meetings import MODALITY_WORDS
from scheduler.staff.queries import staff_detail, staff_list
from scheduler.staff.week import staff_week

PROGRAM_OPTION = click.option("--program", "program_id", type=ID, required=True)
STAFF_OPTION = click.option("--staff", "staff_id", type=ID, required=True)
FORMAT_OPTION = click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text"
)


@click.group()
def staff() -> None:
    """Staff of a program (from a stepdown/program@2 file): list, show, absences, caseloads."""


@staff.command("list")
@PROGRAM_OPTION
@click.option("--include-removed", is_flag=True, help="Members who left, too.")
@FORMAT_OPTION
def staff_list_command(program_id: str, include_removed: bool, output_format: str) -> None:
    """The program's staff by id, with each member's caseload."""
    with service() as stepdown:
        stepdown.catch_up()
        members = staff_list(stepdown, program_id, include_removed=include_removed)
    if output_format == "json":
        click.echo(json.dumps([asdict(m) for m in members], indent=1, default=str))
        return
    for m in members:
        left = f", left {m.removed_on}" if m.removed_on else ""
        click.echo(
            f"{m.staff_id} {m.name}: {m.role}; {', '.join(m.credentials) or 'no credentials'}; "
            f"up to {m.max_hours_per_week} h/week; caseload {m.caseload}/{m.caseload_cap}{left}"
        )


@staff.command("show")
@PROGRAM_OPTION
@STAFF_OPTION
@FORMAT_OPTION
def staff_show(program_id: str, staff_id: str, output_format: str) -> None:
    """One member: hours, the sessions they facilitate, absences and caseload."""
    with service() as stepdown:
        stepdown.catch_up()
        detail = staff_detail(stepdown, program_id, staff_id)
    if output_format == "json":
        click.echo(json.dumps(asdict(detail), indent=1, default=str))
        return
    member = detail.summary
    click.echo(f"{member.staff_id} {member.name}: {member.role}")
    hours = ", ".join(f"{w.weekday} {w.start}-{w.end}" for w in member.availability)
    click.echo(f"available: {hours or 'no hours given'}")
    click.echo(f"facilitates: {', '.join(detail.facilitates) or 'nothing'}")
    click.echo(f"caseload: {len(detail.counsels)}/{member.caseload_cap}")
    for absence in detail.absences:
        reason = f" ({absence.reason})" if absence.reason else ""
        click.echo(f"absent: {absence.first_day} to {absence.last_day}{reason}")


@staff.command("absent")
@PROGRAM_OPTION
@STAFF_OPTION
@click.option("--from", "first_day", type=DATE, required=True, help="First day away.")
@click.option("--until", "last_day", type=DATE, help="Last day away (default: the first).")
@click.option("--reason", type=NOTE, default="")
def staff_absent(
    program_id: str, staff_id: str, first_day: date, last_day: date | None, reason: str
) -> None:
    """Record a staff member absent for a day or a range (the same absence again is a no-op)."""
    with service() as stepdown:
        outcomes = use_cases.mark_absent(
            stepdown, program_id, staff_id, first_day, last_day, reason, actor=current_actor()
        )
        after_write(stepdown)
    for outcome in outcomes:
        for line in describe_cover(outcome):
            click.echo(line)
    click.echo(f"{staff_id}: absent {first_day} to {last_day or first_day}")


@staff.command("assign")
@PROGRAM_OPTION
@STAFF_OPTION
@click.option("--patient", "patient_id", type=ID, required=True)
def staff_assign(program_id: str, staff_id: str, patient_id: str) -> None:
    """Make the member the patient's primary counsellor (refused when their caseload is full)."""
    with service() as stepdown:
        use_cases.assign_primary_counsellor(
            stepdown, program_id, patient_id, staff_id, actor=current_actor()
        )
        after_write(stepdown)
    click.echo(f"{patient_id}: primary counsellor {staff_id}")


@staff.command("remove")
@PROGRAM_OPTION
@STAFF_OPTION
def staff_remove(program_id: str, staff_id: str) -> None:
    """A member leaves (refused while they facilitate a session or counsel anyone)."""
    with service() as stepdown:
        use_cases.remove_staff(stepdown, program_id, staff_id, actor=current_actor())
        after_write(stepdown)
    click.echo(f"{staff_id}: removed")


@staff.command("week")
@PROGRAM_OPTION
@click.option("--week", type=WEEK, required=True, help="ISO week, e.g. 2026-W49.")
@FORMAT_OPTION
def staff_week_command(program_id: str, week: str, output_format: str) -> None:
    """Each member's week: the meetings they facilitate (absent days marked) and absences."""
    with service() as stepdown:
        stepdown.catch_up()
        weeks = staff_week(stepdown, program_id, week)
    if output_format == "json":
        click.echo(
            json.dumps(
                [{**asdict(w), "facilitated_minutes": w.minutes} for w in weeks],
                indent=1,
                default=str,
            )
        )
        return
    for w in weeks:
        click.echo(
            f"{w.staff_id} {w.name} ({w.role}): {w.minutes / 60:g} h of at most "
            f"{w.max_hours_per_week} h"
        )
        for m in w.meetings:
            where = "online" if m.modality == "virtual" else (m.room_id or "no room")
            absent = "  ABSENT: needs cover" if m.facilitator_absent else ""
            click.echo(
                f"  {m.date} {m.start}-{m.end} {m.session_id} {MODALITY_WORDS[m.modality]} "
                f"{where}{absent}"
            )
