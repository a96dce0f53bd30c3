"""The `stepdown` command line: usage errors exit 2, domain errors exit 1, one line each."""

from __future__ import annotations

import csv
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from eventsourcing.persistence import PersistenceError

from api import roster_cli, server_cli
from events.errors import StepdownError
from events.values import CheckInRating, ScreenResult
from scheduler import attendance as attendance_cases
from scheduler import enrollments, queries
from scheduler.importing import import_program
from scheduler.makeups import cancel_session, cancellation_outcomes, make_up_outcome
from scheduler.service import Stepdown, open_stepdown

ACTOR_SETTING = "STEPDOWN_ACTOR"


def _actor() -> str:
    """Who is recording: the STEPDOWN_ACTOR setting, or the login name."""
    return os.environ.get(ACTOR_SETTING) or getpass.getuser()


@contextmanager
def _stepdown() -> Iterator[Stepdown]:
    stepdown = open_stepdown()
    try:
        yield stepdown
    finally:
        stepdown.close()


def _program(stepdown: Stepdown, program_id: str | None) -> str:
    """The named program, or the only one when none is named."""
    if program_id:
        return program_id
    ids = queries.program_ids(stepdown)
    if len(ids) == 1:
        return ids[0]
    raise click.UsageError(
        "--program is required: "
        + ("no program imported yet" if not ids else f"programs are {', '.join(ids)}")
    )


DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


@click.group()
def cli() -> None:
    """Stepdown: scheduling for Intensive Outpatient Programs."""


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import a stepdown/program@1 file (all or nothing; re-importing the same ids is a no-op)."""
    with _stepdown() as stepdown:
        report = import_program(stepdown, file.read_bytes(), actor=_actor())
        stepdown.catch_up()
    click.echo(
        f"{report.program_id}: {'created' if report.program_created else 'updated'}; "
        f"{report.sessions_added} sessions added, {report.sessions_changed} changed, "
        f"{report.patients_enrolled} patients enrolled, "
        f"{report.commitments_changed} commitments changed, {report.events_recorded} events"
    )


@cli.command("export")
@click.option("--program", "program_id", help="Program id (optional when there is only one).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def export_command(program_id: str | None, output: Path | None) -> None:
    """Write the program and its current caseload as a stepdown/program@1 file."""
    with _stepdown() as stepdown:
        stepdown.catch_up()
        document = queries.export_program(stepdown, _program(stepdown, program_id))
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@cli.command("census")
@click.option("--program", "program_id", help="Program id (optional when there is only one).")
@click.option("--as-of", type=DATE, help="Date to compute program weeks for (default today).")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "csv"]), default="text"
)
def census_command(program_id: str | None, as_of: datetime | None, output_format: str) -> None:
    """Patients in treatment, their program week, this week's taper target and status."""
    with _stepdown() as stepdown:
        stepdown.catch_up()
        program = _program(stepdown, program_id)
        entries = queries.census(stepdown, program, as_of=_day(as_of))
    rows = [asdict(entry) for entry in entries]
    if output_format != "text":
        _write_rows(rows, output_format)
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
def attendance() -> None:
    """Record and review session attendance."""


@attendance.command("record")
@click.option("--program", "program_id", required=True)
@click.option("--patient", "patient_id", required=True)
@click.option("--session", "session_id", required=True)
@click.option("--date", "session_date", type=DATE, required=True)
@click.option(
    "--status",
    type=click.Choice([s.value for s in attendance_cases.AttendanceStatus]),
    required=True,
)
@click.option(
    "--minutes", type=click.IntRange(min=1), help="Minutes present (late arrival, early leave)."
)
@click.option("--reason", default="", help="Why the patient missed the session.")
@click.option("--contact-made", is_flag=True, help="Staff reached the patient about the miss.")
def attendance_record(
    program_id: str,
    patient_id: str,
    session_id: str,
    session_date: datetime,
    status: str,
    minutes: int | None,
    reason: str,
    contact_made: bool,
) -> None:
    """Record a patient attended, missed or was excused from one session."""
    with _stepdown() as stepdown:
        recorded = attendance_cases.record_attendance(
            stepdown,
            program_id=program_id,
            patient_id=patient_id,
            session_id=session_id,
            session_date=session_date.date(),
            status=attendance_cases.AttendanceStatus(status),
            minutes=minutes,
            reason=reason,
            contact_made=contact_made,
            actor=_actor(),
        )
        stepdown.catch_up()
        make_up = (
            None
            if status == "attended"
            else make_up_outcome(stepdown, program_id, patient_id, session_id, session_date.date())
        )
    verb = "recorded" if recorded else "already recorded, nothing changed"
    click.echo(f"{patient_id} {status} {session_id} on {session_date.date()}: {verb}")
    if make_up is not None:
        click.echo(make_up.describe())


@attendance.command("show")
@click.option("--program", "program_id")
@click.option("--patient", "patient_id")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "csv"]), default="text"
)
def attendance_show(program_id: str | None, patient_id: str | None, output_format: str) -> None:
    """Per patient and week: scheduled and attended hours, misses and billing compliance."""
    with _stepdown() as stepdown:
        stepdown.catch_up()
        program = _program(stepdown, program_id)
        weeks = queries.attendance_weeks(stepdown, program, patient_id=patient_id)
        compliance = {
            (c.patient_id, c.week): c
            for c in queries.compliance_weeks(stepdown, program, patient_id=patient_id)
        }
    rows = []
    for week in weeks:
        row = asdict(week)
        billed = compliance.get((week.patient_id, week.week))
        row["billable_days"] = billed.billable_days if billed else 0
        row["meets_weekly_floor"] = billed.meets_weekly_floor if billed else False
        rows.append(row)
    if output_format != "text":
        _write_rows(rows, output_format)
        return
    click.echo(
        f"{'patient':<10} {'week':<9} {'sched h':>7} {'att h':>6} {'miss':>4} {'run':>3} {'days':>4} floor"
    )
    for row in rows:
        click.echo(
            f"{row['patient_id']:<10} {row['week']:<9} {row['scheduled_hours']:>7.1f} "
            f"{row['attended_hours']:>6.1f} {row['misses']:>4} {row['consecutive_misses']:>3} "
            f"{row['billable_days']:>4} {'met' if row['meets_weekly_floor'] else 'short'}"
        )


@cli.group()
def progress() -> None:
    """Record weekly clinical progress."""


@progress.command("record")
@click.option("--program", "program_id", required=True)
@click.option("--patient", "patient_id", required=True)
@click.option("--rating", type=click.Choice([r.value for r in CheckInRating]))
@click.option("--screen", type=click.Choice([s.value for s in ScreenResult]))
@click.option("--date", "on_date", type=DATE, help="Date of the check-in (default today).")
def progress_record(
    program_id: str,
    patient_id: str,
    rating: str | None,
    screen: str | None,
    on_date: datetime | None,
) -> None:
    """Record a weekly check-in rating and/or a drug screen; it moves the taper."""
    if rating is None and screen is None:
        raise click.UsageError("give --rating, --screen, or both")
    with _stepdown() as stepdown:
        attendance_cases.record_progress(
            stepdown,
            program_id=program_id,
            patient_id=patient_id,
            rating=None if rating is None else CheckInRating(rating),
            screen=None if screen is None else ScreenResult(screen),
            on_date=_day(on_date),
            actor=_actor(),
        )
        stepdown.catch_up()
    click.echo(f"{patient_id}: progress recorded")


@cli.group()
def patient() -> None:
    """Pause, resume, step down or discharge an enrolment."""


def _patient_options(command: Any) -> Any:
    command = click.option("--date", "on_date", type=DATE, help="Effective date (default today).")(
        command
    )
    command = click.option("--patient", "patient_id", required=True)(command)
    return click.option("--program", "program_id", required=True)(command)


@patient.command("pause")
@_patient_options
@click.option("--reason", required=True)
def patient_pause(program_id: str, patient_id: str, on_date: datetime | None, reason: str) -> None:
    """Pause treatment (hospital stay, travel); the patient is not scheduled meanwhile."""
    with _stepdown() as stepdown:
        enrollments.pause(
            stepdown, program_id, patient_id, reason=reason, actor=_actor(), on_date=_day(on_date)
        )
        stepdown.catch_up()
    click.echo(f"{patient_id}: paused")


@patient.command("resume")
@_patient_options
def patient_resume(program_id: str, patient_id: str, on_date: datetime | None) -> None:
    """Resume a paused enrolment."""
    with _stepdown() as stepdown:
        enrollments.resume(stepdown, program_id, patient_id, actor=_actor(), on_date=_day(on_date))
        stepdown.catch_up()
    click.echo(f"{patient_id}: resumed")


@patient.command("step-down")
@_patient_options
@click.option("--summary", required=True, help="Discharge summary for outpatient care.")
def patient_step_down(
    program_id: str, patient_id: str, on_date: datetime | None, summary: str
) -> None:
    """Step the patient down to standard outpatient care."""
    with _stepdown() as stepdown:
        enrollments.step_down(
            stepdown, program_id, patient_id, summary=summary, actor=_actor(), on_date=_day(on_date)
        )
        stepdown.catch_up()
    click.echo(f"{patient_id}: stepped down")


@patient.command("discharge")
@_patient_options
@click.option("--reason", required=True)
def patient_discharge(
    program_id: str, patient_id: str, on_date: datetime | None, reason: str
) -> None:
    """Discharge the patient from the program."""
    with _stepdown() as stepdown:
        enrollments.discharge(
            stepdown, program_id, patient_id, reason=reason, actor=_actor(), on_date=_day(on_date)
        )
        stepdown.catch_up()
    click.echo(f"{patient_id}: discharged")


@cli.group()
def session() -> None:
    """Program sessions."""


@session.command("cancel")
@click.option("--program", "program_id", required=True)
@click.option("--session", "session_id", required=True)
@click.option("--date", "session_date", type=DATE, required=True)
@click.option("--reason", required=True, help="Facilitator ill, weather, ...")
def session_cancel(program_id: str, session_id: str, session_date: datetime, reason: str) -> None:
    """Call off one meeting of a session; each of its patients is moved to a make-up."""
    day = session_date.date()
    with _stepdown() as stepdown:
        cancel_session(stepdown, program_id, session_id, day, reason=reason, actor=_actor())
        stepdown.catch_up()
        outcomes = cancellation_outcomes(stepdown, program_id, session_id, day)
    click.echo(f"{session_id} on {day} cancelled: {len(outcomes)} patients to move")
    for outcome in outcomes:
        click.echo(f"  {outcome.patient_id}: {outcome.describe()}")


@cli.group()
def projections() -> None:
    """Manage the read models."""


@projections.command("rebuild")
@click.option(
    "--name", type=click.Choice(["directory", "census", "attendance", "compliance", "roster"])
)
def projections_rebuild(name: str | None) -> None:
    """Rebuild read models from the whole event log (each in one transaction)."""
    with _stepdown() as stepdown:
        for runner in stepdown.runners:
            if name is None or runner.name == name:
                count = runner.rebuild()
                click.echo(f"{runner.name}: rebuilt from {count} events")


roster_cli.register(cli, _stepdown, _actor, _program)
server_cli.register(cli, _stepdown)
server_cli.register_worker(cli, _stepdown)


def _write_rows(rows: list[dict[str, Any]], output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps(rows, indent=1, default=str))
        return
    if rows:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    try:
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
