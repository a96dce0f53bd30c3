"""`stepdown roster ...`: generate with live progress, show, publish, pin, unpin, list pins."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from api.cli_common import (
    DATE,
    ID,
    OUTPUT_OPTION,
    after_write,
    write_csv_output,
    write_output,
)
from api.exports import write_roster_csv
from api.privacy.cli import PURPOSE_OPTION, RECIPIENT_OPTION, cli_disclose
from api.settings import Settings
from events.calendar import iso_week, week_monday
from events.errors import InvalidRequestError
from scheduler import rosters
from scheduler.queries import program_timezone
from scheduler.roster_pins import roster_pins
from scheduler.roster_queries import patient_names, roster_document
from scheduler.service import Stepdown
from scheduler.staff.meetings import MODALITY_WORDS

WEEK_HELP = "ISO week, e.g. 2026-W49 (default: next week where the program is)."


class IsoWeek(click.ParamType[str]):
    """An ISO week checked where the command enters: a week nobody plans for is a usage error."""

    name = "week"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            week_monday(value)
        except InvalidRequestError as error:
            self.fail(str(error), param, ctx)
        return value


WEEK = IsoWeek()


def register(cli: click.Group, open_service: Any, actor: Any, program: Any) -> None:
    """Attach the roster commands to the main group (the CLI's composition lives in api/cli.py)."""

    @cli.group()
    def roster() -> None:
        """Weekly rosters: generate, show, publish, pin, unpin, list pins."""

    @roster.command("generate")
    @click.option("--program", "program_id", type=ID)
    @click.option("--week", type=WEEK, help=WEEK_HELP)
    @click.option(
        "--time-limit", type=click.FloatRange(min=0.1, max=3600), default=10.0, show_default=True
    )
    def generate(program_id: str | None, week: str, time_limit: float) -> None:
        """Solve the week's roster (a new draft version; pins kept, changes kept small)."""
        console = Console(stderr=True)
        with open_service() as stepdown:
            stepdown.catch_up()
            program_name = program(stepdown, program_id)
            week = week or next_week(stepdown, program_name)
            with console.status(f"solving {program_name} {week}…") as status:

                def progress(seconds: float, tier: str, objective: float, bound: float) -> None:
                    gap = abs(objective - bound) / max(1.0, abs(objective))
                    status.update(
                        f"solving {program_name} {week}: {seconds:5.1f} s  {tier}: objective "
                        f"{objective:,.0f}  bound {bound:,.0f}  gap {gap:.2%}"
                    )

                # The same solver settings as the server (STEPDOWN_SOLVER_WORKERS, ..._DETERMINISTIC).
                solver = Settings()
                solution = rosters.generate_roster(
                    stepdown,
                    program_name,
                    week,
                    actor=actor(),
                    time_limit_s=time_limit,
                    workers=solver.solver_workers,
                    deterministic=solver.solver_deterministic,
                    on_progress=progress if console.is_terminal else None,
                )
            after_write(stepdown)
            document = roster_document(stepdown, program_name, week)
        stats = solution.stats
        click.echo(
            f"{program_name} {week} version {document['version']}: {stats.status}, objective "
            f"{stats.objective:,.0f}, best bound {stats.best_bound:,.0f}, gap {stats.gap:.2%}, "
            f"{stats.wall_time_s:.1f} s; {len(solution.placements)} placements, "
            f"{solution.shortfall} required days unmet"
        )
        for tier in stats.tiers:
            click.echo(
                f"  {tier.name:<10} {tier.status:<8} objective {tier.objective:,.0f}, "
                f"bound {tier.bound:,.0f}, gap {tier.gap:.2%}"
            )
        _print_text(document)

    @roster.command("show")
    @click.option("--program", "program_id", type=ID)
    @click.option("--week", type=WEEK, help=WEEK_HELP)
    @click.option(
        "--format", "output_format", type=click.Choice(["text", "json", "csv"]), default="text"
    )
    @click.option(
        "--version",
        "edition",
        type=click.Choice(["latest", "published", "draft"]),
        default="latest",
        show_default=True,
        help="The latest version, the published one, or the draft waiting to be published.",
    )
    @PURPOSE_OPTION
    @RECIPIENT_OPTION
    @OUTPUT_OPTION
    def show(
        program_id: str | None,
        week: str,
        output_format: str,
        edition: str,
        purpose: str | None,
        recipient: str | None,
        output: Path | None,
    ) -> None:
        """Show the week's roster: latest version, published, or waiting draft (recorded in
        each seated patient's disclosure log)."""
        with open_service() as stepdown:
            stepdown.catch_up()
            name = program(stepdown, program_id)
            document = roster_document(
                stepdown, name, week or next_week(stepdown, name), version=edition
            )
            names = patient_names(stepdown, name)
            cli_disclose(
                stepdown,
                name,
                [p["patient_id"] for p in document["patients"]],
                what=f"roster-{output_format}",
                detail=f"{document['week']} v{document['version']}",
                purpose=purpose,
                recipient=recipient,
            )
        if output_format == "json":
            write_output(json.dumps(document, indent=1) + "\n", output)
        elif output_format == "csv":
            text = io.StringIO()
            write_roster_csv(document, names, text)
            write_csv_output(text.getvalue(), output)
        else:
            _print_text(document)

    @roster.command("publish")
    @click.option("--program", "program_id", type=ID)
    @click.option("--week", type=WEEK, help=WEEK_HELP)
    def publish(program_id: str | None, week: str) -> None:
        """Publish the latest version of the week's roster."""
        with open_service() as stepdown:
            name = program(stepdown, program_id)
            week = week or next_week(stepdown, name)
            version = rosters.publish_roster(stepdown, name, week, actor=actor())
            after_write(stepdown)
        click.echo(f"{name} {week}: version {version} published")

    for unpin in (False, True):
        _pin_command(roster, open_service, actor, program, unpin=unpin)

    @roster.command("pins")
    @click.option("--program", "program_id", type=ID)
    @click.option("--week", help=WEEK_HELP)
    def pins(program_id: str | None, week: str) -> None:
        """List the week's pins: patient, session, date, who pinned and when."""
        with open_service() as stepdown:
            stepdown.catch_up()
            name = program(stepdown, program_id)
            week = week or next_week(stepdown, name)
            listed = roster_pins(stepdown, name, week)
        if not listed:
            click.echo(f"{name} {week}: no pins")
        for pin in listed:
            click.echo(
                f"{pin['patient_id']} {pin['session_id']} {pin['date']} "
                f"pinned by {pin['pinned_by']} at {pin['pinned_at'][:16]}"
            )


def next_week(stepdown: Stepdown, program_id: str) -> str:
    """The ISO week after today's, where the program is."""
    return iso_week(stepdown.today(program_timezone(stepdown, program_id)) + timedelta(days=7))


def _pin_command(
    roster: click.Group, open_service: Any, actor: Any, program: Any, *, unpin: bool
) -> None:
    verb = "unpin" if unpin else "pin"

    @roster.command(
        verb, help=f"{verb.capitalize()} a patient to a session for every regeneration of the week."
    )
    @click.option("--program", "program_id", type=ID)
    @click.option("--week", type=WEEK, required=True, help=WEEK_HELP)
    @click.option("--patient", "patient_id", type=ID, required=True)
    @click.option("--session", "session_id", type=ID, required=True)
    @click.option("--date", "session_date", type=DATE, required=True)
    def pin(
        program_id: str | None, week: str, patient_id: str, session_id: str, session_date: date
    ) -> None:
        with open_service() as stepdown:
            name = program(stepdown, program_id)
            rosters.pin_assignment(
                stepdown,
                name,
                week,
                patient_id=patient_id,
                session_id=session_id,
                session_date=session_date,
                actor=actor(),
                unpin=unpin,
            )
            after_write(stepdown)
        where = "from" if unpin else "to"
        click.echo(f"{patient_id} {verb}ned {where} {session_id} on {session_date}")


def _print_text(document: dict[str, Any]) -> None:
    click.echo(
        f"Roster {document['program_id']} {document['week']} v{document['version']} ({document['status']})"
    )
    for session in document["sessions"]:
        patients = session["patient_ids"]
        state = f"{len(patients):>2} patients: {' '.join(patients)}" if patients else "does not run"
        click.echo(
            f"  {session['date']} {session['start']}–{session['end']} {session['session_id']:<18} "
            f"{state}"
        )
        staffing = staffing_line(session)
        if staffing:
            click.echo(f"      {staffing}")
    dropped = document.get("dropped_pins", [])
    if dropped:
        click.echo(f"Pins dropped, no longer possible ({len(dropped)}):")
        for pin in dropped:
            click.echo(f"  {pin['patient_id']} {pin['session_id']} {pin['date']}: {pin['reason']}")
    short = [p for p in document["patients"] if p["unmet_reason"]]
    if short:
        click.echo(f"Short of their required days ({len(short)}):")
        for patient in short:
            click.echo(
                f"  {patient['patient_id']} {patient['scheduled_days']}/{patient['required_days']} "
                f"[{patient['unmet_kind']}] {patient['unmet_reason']}"
            )
    _print_staffing(document)


def _print_staffing(document: dict[str, Any]) -> None:
    """Individual and family sessions, and what staffing could not do (staffed programs)."""
    appointments = document.get("appointments", [])
    if appointments:
        click.echo(f"Individual and family sessions ({len(appointments)}):")
        for a in appointments:
            trip = " (next to a group)" if a["next_to_group"] else ""
            click.echo(
                f"  {a['date']} {a['start']}–{a['end']} {a['patient_id']} {a['kind']} "
                f"with {a['staff_name']}{trip}"
            )
    gaps = document.get("staffing_gaps", [])
    if gaps:
        click.echo(f"Staffing could not ({len(gaps)}):")
        for gap in gaps:
            what = gap["patient_id"] or f"{gap['session_id']} {gap['date']}"
            click.echo(f"  {what}: {gap['reason']}")


def staffing_line(session: dict[str, Any]) -> str:
    """How and where the meeting is held and who leads it; empty for a program without staff."""
    if session.get("modality") is None:
        return ""
    parts = [MODALITY_WORDS[session["modality"]]]
    if session.get("room_id"):
        parts.append(f"room {session['room_id']}")
    names = [f["name"] for f in session.get("facilitators", [])]
    parts.append("led by " + ", ".join(names) if names else "no facilitator")
    return " · ".join(parts)
