"""The `stepdown` command line: usage errors exit 2, domain errors exit 1, one line each."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, fields
from datetime import date
from pathlib import Path

import click
from eventsourcing.persistence import PersistenceError

from api import attendance_cli, jobs_cli, patient_cli, roster_cli, server_cli
from api.cli_common import (
    DATE,
    ID,
    OUTPUT_OPTION,
    after_write,
    current_actor,
    program_or_only,
    service,
    warn_if_stopped,
    write_rows,
)
from api.feeds.cli import feed
from api.ops import backup_cli
from api.ops.log_setup import configure_logging
from api.ops.request_context import bind_process_subject
from api.planning.cli import referral
from api.planning.forecast_cli import COMMANDS as FORECAST_COMMANDS
from api.privacy.cli import PURPOSE_OPTION, RECIPIENT_OPTION, cli_disclose
from api.privacy.erasure_cli import patient_erase
from api.staff.cli import staff
from events.errors import StepdownError
from scheduler import queries
from scheduler.health import projection_statuses
from scheduler.importing import import_program
from scheduler.projections.registry import all_projections
from scheduler.staff.importing import StaffingCounts


@click.group()
def cli() -> None:
    """Stepdown: scheduling for Intensive Outpatient Programs."""


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import a stepdown/program@1 or @2 file (a bad file changes nothing; re-importing the same facts
    is a no-op; a change that is not allowed is named and the rest applied)."""
    with service() as stepdown:
        report = import_program(stepdown, file.read_bytes(), actor=current_actor())
        after_write(stepdown)
    click.echo(
        f"{report.program_id}: {'created' if report.program_created else 'updated'}; "
        f"{report.sessions_added} sessions added, {report.sessions_changed} changed, "
        f"{report.patients_enrolled} patients enrolled, "
        f"{report.commitments_changed} commitments changed, {report.events_recorded} events"
    )
    counts = report.staffing
    if counts != StaffingCounts():
        click.echo(
            f"staff: {counts.staff_added} added, {counts.staff_changed} changed; rooms: "
            f"{counts.rooms_added} added, {counts.rooms_changed} changed; "
            f"{counts.sessions_staffed} sessions staffed"
        )
    for refusal in report.refused:
        click.echo(f"not applied: {refusal}")


@cli.command("export")
@click.option(
    "--program", "program_id", type=ID, help="Program id (optional when there is only one)."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@PURPOSE_OPTION
@RECIPIENT_OPTION
def export_command(
    program_id: str | None, output: Path | None, purpose: str | None, recipient: str | None
) -> None:
    """Write the program and its current caseload as a stepdown/program@1 file, or @2 with its
    staff, rooms and session staffing when it has them (recorded in each patient's disclosure
    log)."""
    with service() as stepdown:
        stepdown.catch_up()
        program_id = program_or_only(stepdown, program_id)
        document = queries.export_program(stepdown, program_id)
        patient_ids = [p["id"] for p in document["patients"]]
        cli_disclose(
            stepdown,
            program_id,
            patient_ids,
            what="program-export",
            purpose=purpose,
            recipient=recipient,
        )
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@cli.command("census")
@click.option(
    "--program", "program_id", type=ID, help="Program id (optional when there is only one)."
)
@click.option("--as-of", type=DATE, help="Date to compute program weeks for (default today).")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "csv"]), default="text"
)
@OUTPUT_OPTION
def census_command(
    program_id: str | None, as_of: date | None, output_format: str, output: Path | None
) -> None:
    """Patients in treatment, their program week, this week's taper target and status."""
    with service() as stepdown:
        stepdown.catch_up()
        program = program_or_only(stepdown, program_id)
        entries = queries.census(stepdown, program, as_of=as_of)
    rows = [asdict(entry) for entry in entries]
    if output_format != "text":
        columns = [field.name for field in fields(queries.CensusEntry)]
        write_rows(rows, columns, output_format, output)
        return
    click.echo(
        f"{'patient':<10} {'name':<24} {'status':<8} {'week':>4} {'of':>3} {'target':>6}  flags"
    )
    for entry in entries:
        target = "-" if entry.weekly_target is None else str(entry.weekly_target)
        click.echo(
            f"{entry.patient_id:<10} {entry.name[:24]:<24} {entry.status:<8} "
            f"{entry.program_week:>4} {entry.plan_weeks:>3} {target:>6}  {' '.join(entry.flags)}"
        )
    click.echo(f"{len(entries)} patients in treatment in {program}")


@cli.group()
def projections() -> None:
    """Manage the read models."""


PROJECTION_NAMES = [projection.name for projection in all_projections()]


@projections.command("rebuild")
@click.option("--name", type=click.Choice(PROJECTION_NAMES))
def projections_rebuild(name: str | None) -> None:
    """Rebuild read models from the whole event log (each in one transaction)."""
    with service() as stepdown:
        for runner in stepdown.runners:
            if name is None or runner.name == name:
                count = runner.rebuild()
                stop = runner.stopped()
                click.echo(
                    f"{runner.name}: rebuilt from {count} events"
                    + ("" if stop is None else f"; {stop.describe()}")
                )
        warn_if_stopped(stepdown)


@projections.command("status")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def projections_status(output_format: str) -> None:
    """Each read model's and policy's position, lag and stop; exits 1 when one is stopped."""
    with service() as stepdown:
        statuses = projection_statuses(stepdown)
    if output_format == "json":
        click.echo(json.dumps([asdict(status) for status in statuses], indent=1))
    else:
        click.echo(f"{'name':<20} {'position':>9} {'lag':>7} {'applied':>9}  state")
        for status in statuses:
            applied = "-" if status.events_applied is None else str(status.events_applied)
            lag = "-" if status.lag is None else str(status.lag)
            click.echo(
                f"{status.name:<20} {status.position:>9} {lag:>7} {applied:>9}  {status.describe()}"
            )
    if any(status.stop is not None for status in statuses):
        sys.exit(1)


@projections.command("resume")
@click.option("--name", help="Resume only this read model or policy (default: every stopped one).")
def projections_resume(name: str | None) -> None:
    """Try the events stopped read models failed on again (after the fix is deployed)."""
    with service() as stepdown:
        stopped = stepdown.stopped_projections()
        if name is not None and name not in stopped:
            click.echo(f"{name}: not stopped")
            return
        chosen = [name] if name is not None else sorted(stopped)
        remaining = stepdown.resume(chosen)
    for each in chosen:
        if each in remaining:
            click.echo(f"{each}: still {remaining[each].describe()}", err=True)
        else:
            click.echo(f"{each}: resumed")
    if not chosen:
        click.echo("nothing is stopped")
    if any(each in remaining for each in chosen):
        sys.exit(1)


roster_cli.register(cli, service, current_actor, program_or_only)
server_cli.register(cli, service)
backup_cli.register(cli)
server_cli.register_worker(cli, service)
jobs_cli.register(cli, service, current_actor, program_or_only)

for group in (
    attendance_cli.attendance,
    attendance_cli.progress,
    patient_cli.patient,
    patient_cli.session,
    referral,
    staff,
    feed,
):
    cli.add_command(group)
patient_cli.patient.add_command(patient_erase)
for command in FORECAST_COMMANDS:
    cli.add_command(command)


def main() -> None:
    try:
        configure_logging()
        bind_process_subject(current_actor())
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as usage:
        usage.show()
        sys.exit(usage.exit_code)
    except StepdownError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    except PersistenceError as error:
        click.echo(
            f"error: database: {str(error).splitlines()[0] if str(error) else type(error).__name__}",
            err=True,
        )
        sys.exit(1)
