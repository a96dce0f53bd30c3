"""`stepdown attendance record|show` and `stepdown progress record`."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date
from pathlib import Path

import click

from api.cli_common import (
    DATE,
    ID,
    NOTE,
    OUTPUT_OPTION,
    after_write,
    current_actor,
    program_or_only,
    service,
    write_rows,
)
from events.values import CheckInRating, ScreenResult
from scheduler import attendance as attendance_cases
from scheduler import queries
from scheduler.makeups import make_up_outcome


@click.group()
def attendance() -> None:
    """Record and review session attendance."""


@attendance.command("record")
@click.option("--program", "program_id", type=ID, required=True)
@click.option("--patient", "patient_id", type=ID, required=True)
@click.option("--session", "session_id", type=ID, required=True)
@click.option("--date", "session_date", type=DATE, required=True)
@click.option(
    "--status",
    type=click.Choice([s.value for s in attendance_cases.AttendanceStatus]),
    required=True,
)
@click.option(
    "--minutes", type=click.IntRange(min=1), help="Minutes present (late arrival, early leave)."
)
@click.option("--reason", type=NOTE, default="", help="Why the patient missed the session.")
@click.option("--contact-made", is_flag=True, help="Staff reached the patient about the miss.")
@click.option("--walk-in", is_flag=True, help="Attended a session not on their published roster.")
def attendance_record(
    program_id: str,
    patient_id: str,
    session_id: str,
    session_date: date,
    status: str,
    minutes: int | None,
    reason: str,
    contact_made: bool,
    walk_in: bool,
) -> None:
    """Record a patient attended, missed or was excused from one session on their published
    roster (or, with --walk-in, attended one they had no seat in)."""
    with service() as stepdown:
        recorded = attendance_cases.record_attendance(
            stepdown,
            program_id=program_id,
            patient_id=patient_id,
            session_id=session_id,
            session_date=session_date,
            status=attendance_cases.AttendanceStatus(status),
            minutes=minutes,
            reason=reason,
            contact_made=contact_made,
            walk_in=walk_in,
            actor=current_actor(),
        )
        after_write(stepdown)
        make_up = (
            None
            if status == "attended"
            else make_up_outcome(stepdown, program_id, patient_id, session_id, session_date)
        )
    verb = "recorded" if recorded else "already recorded, nothing changed"
    kind = " (walk-in)" if walk_in else ""
    click.echo(f"{patient_id} {status}{kind} {session_id} on {session_date}: {verb}")
    if make_up is not None:
        click.echo(make_up.describe())


@attendance.command("show")
@click.option("--program", "program_id", type=ID)
@click.option("--patient", "patient_id", type=ID)
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "csv"]), default="text"
)
@OUTPUT_OPTION
def attendance_show(
    program_id: str | None, patient_id: str | None, output_format: str, output: Path | None
) -> None:
    """Per patient and week: scheduled and attended hours, misses and billing compliance."""
    with service() as stepdown:
        stepdown.catch_up()
        program = program_or_only(stepdown, program_id)
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
        columns = [field.name for field in fields(queries.AttendanceWeek)]
        write_rows(rows, [*columns, "billable_days", "meets_weekly_floor"], output_format, output)
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


@click.group()
def progress() -> None:
    """Record weekly clinical progress."""


@progress.command("record")
@click.option("--program", "program_id", type=ID, required=True)
@click.option("--patient", "patient_id", type=ID, required=True)
@click.option("--rating", type=click.Choice([r.value for r in CheckInRating]))
@click.option("--screen", type=click.Choice([s.value for s in ScreenResult]))
@click.option("--date", "on_date", type=DATE, help="Date of the check-in (default today).")
def progress_record(
    program_id: str,
    patient_id: str,
    rating: str | None,
    screen: str | None,
    on_date: date | None,
) -> None:
    """Record a weekly check-in rating and/or a drug screen; it moves the taper."""
    if rating is None and screen is None:
        raise click.UsageError("give --rating, --screen, or both")
    with service() as stepdown:
        attendance_cases.record_progress(
            stepdown,
            program_id=program_id,
            patient_id=patient_id,
            rating=None if rating is None else CheckInRating(rating),
            screen=None if screen is None else ScreenResult(screen),
            on_date=on_date,
            actor=current_actor(),
        )
        after_write(stepdown)
    click.echo(f"{patient_id}: progress recorded")
