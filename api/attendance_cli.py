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
from scheduler.attendance_changes import attendance_changes
from scheduler.makeups import make_up_outcome

HISTORY_COLUMNS = [
    "patient_id",
    "session_id",
    "date",
    "recorded_at",
    "recorded_by",
    "from_status",
    "to_status",
    "reason",
    "contact_made",
]


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
@click.option(
    "--reason", type=NOTE, default="", help="Why the patient missed or was excused (short)."
)
@click.option(
    "--contact-made",
    is_flag=True,
    help="Staff reached the patient about the absence (the outreach happened).",
)
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
    roster (or, with --walk-in, attended one they had no seat in). Recording a different mark
    for the same meeting corrects it; the earlier mark stays in `attendance history`."""
    with service() as stepdown:
        marked = attendance_cases.mark_attendance(
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
    verb = "recorded" if marked.recorded else "already recorded, nothing changed"
    if marked.corrected_from is not None:
        verb = f"corrected from {marked.corrected_from.value}"
    kind = " (walk-in)" if walk_in else ""
    click.echo(f"{patient_id} {status}{kind} {session_id} on {session_date}: {verb}")
    if marked.make_up_withdrawn is not None:
        session, day = marked.make_up_withdrawn
        click.echo(f"make-up withdrawn: {session} on {day} (the seat is free again)")
    if marked.make_up_kept is not None:
        session, day = marked.make_up_kept
        click.echo(f"make-up kept: {session} on {day} already took place")
    if make_up is not None:
        click.echo(make_up.describe())


@attendance.command("history")
@click.option("--program", "program_id", type=ID)
@click.option("--patient", "patient_id", type=ID)
@click.option("--week", help="An ISO week such as 2026-W48.")
@click.option("--corrections-only", is_flag=True, help="Only marks that changed an earlier one.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "csv"]), default="text"
)
@OUTPUT_OPTION
def attendance_history(
    program_id: str | None,
    patient_id: str | None,
    week: str | None,
    corrections_only: bool,
    output_format: str,
    output: Path | None,
) -> None:
    """Every attendance mark recorded and each correction: who, when, from → to."""
    with service() as stepdown:
        stepdown.catch_up()
        program = program_or_only(stepdown, program_id)
        changes = attendance_changes(
            stepdown,
            program,
            patient_id=patient_id,
            week=week,
            corrections_only=corrections_only,
        )
    rows = [
        {
            "patient_id": c.patient_id,
            "session_id": c.session_id,
            "date": c.session_date.isoformat(),
            "recorded_at": c.recorded_at.isoformat(),
            "recorded_by": c.recorded_by,
            "from_status": c.from_status or "",
            "to_status": c.to_status,
            "reason": c.reason,
            "contact_made": c.contact_made,
        }
        for c in changes
    ]
    if output_format != "text":
        write_rows(rows, HISTORY_COLUMNS, output_format, output)
        return
    for c in changes:
        change = f"{c.from_status} → {c.to_status}" if c.from_status else c.to_status
        notes = [f"reason: {c.reason}"] if c.reason else []
        if c.contact_made:
            notes.append("contact made")
        click.echo(
            f"{c.patient_id} {c.session_id} {c.session_date}: {change} "
            f"by {c.recorded_by} at {c.recorded_at:%Y-%m-%d %H:%M %Z}"
            + (f" ({'; '.join(notes)})" if notes else "")
        )


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
