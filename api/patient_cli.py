"""`stepdown patient show|flags|acknowledge-flag|pause|resume|step-down|discharge` and
`stepdown session cancel|uncancel`."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from api.cli_common import DATE, ID, NOTE, after_write, current_actor, service
from api.privacy import cli as privacy_cli
from api.privacy.cli import PURPOSE_OPTION, cli_disclose
from scheduler import enrollments, queries
from scheduler.cancellations.outcome import cancellation_outcome
from scheduler.cancellations.undo import undo_cancellation
from scheduler.flags.acknowledgement import acknowledge_flag
from scheduler.flags.history import flag_history
from scheduler.makeups import cancel_session
from scheduler.roster_queries import published_weeks_without_seats


@click.group()
def patient() -> None:
    """Pause, resume, step down or discharge an enrolment."""


def _patient_options(command: Any) -> Any:
    command = click.option("--date", "on_date", type=DATE, help="Effective date (default today).")(
        command
    )
    command = click.option("--patient", "patient_id", type=ID, required=True)(command)
    return click.option("--program", "program_id", type=ID, required=True)(command)


@patient.command("show")
@click.option("--program", "program_id", type=ID, required=True)
@click.option("--patient", "patient_id", type=ID, required=True)
@PURPOSE_OPTION
def patient_show(program_id: str, patient_id: str, purpose: str | None) -> None:
    """One patient's census line; once they have left, when, and the summary or reason."""
    with service() as stepdown:
        stepdown.catch_up()  # a plan that has ended by today steps down first
        entry = queries.census_entry(stepdown, program_id, patient_id)
        cli_disclose(stepdown, program_id, [patient_id], what="patient-record", purpose=purpose)
    target = "-" if entry.weekly_target is None else str(entry.weekly_target)
    click.echo(
        f"{entry.patient_id} {entry.name}: {entry.status}, started {entry.start_date}, "
        f"program week {entry.program_week} of {entry.plan_weeks}, target {target} days"
        + (f", flags {' '.join(entry.flags)}" if entry.flags else "")
    )
    if entry.ended_on is not None:
        left = "stepped down" if entry.status == "stepped-down" else entry.status
        click.echo(f"{left} on {entry.ended_on}: {entry.end_note or ''}".rstrip(": "))


@patient.command("flags")
@click.option("--program", "program_id", type=ID, required=True)
@click.option("--patient", "patient_id", type=ID, required=True)
@PURPOSE_OPTION
def patient_flags(program_id: str, patient_id: str, purpose: str | None) -> None:
    """The patient's attendance flags: raised when and why, and how each closed."""
    with service() as stepdown:
        stepdown.app.get_enrollment(program_id, patient_id)  # unknown patient: exit 1
        stepdown.catch_up()
        history = flag_history(stepdown, program_id, patient_id)
        cli_disclose(stepdown, program_id, [patient_id], what="patient-flags", purpose=purpose)
    if not history:
        click.echo(f"{patient_id}: no flags")
    for entry in history:
        closed = "open"
        if entry.acknowledgement is not None:
            done = entry.acknowledgement
            closed = f"acknowledged {done.acknowledged_on} by {done.acknowledged_by}: {done.note}"
        elif not entry.open:
            closed = "answered (attended, excused or contact made)"
        click.echo(f"{entry.flag} raised {entry.raised_on} ({entry.reason}); {closed}")


@patient.command("acknowledge-flag")
@click.option("--program", "program_id", type=ID, required=True)
@click.option("--patient", "patient_id", type=ID, required=True)
@click.option("--flag", type=click.Choice(["outreach", "clinical_review"]), required=True)
@click.option(
    "--note",
    type=NOTE,
    required=True,
    help="What was done or decided: 'contact made', 'reviewed with Dr Lee, continue'.",
)
def patient_acknowledge_flag(program_id: str, patient_id: str, flag: str, note: str) -> None:
    """Close an open outreach or clinical-review flag; misses recorded from now on count
    toward raising it again."""
    with service() as stepdown:
        done = acknowledge_flag(
            stepdown, program_id, patient_id, flag, note=note, actor=current_actor()
        )
        after_write(stepdown)
    click.echo(
        f"{patient_id}: {flag} acknowledged on {done.acknowledged_on} by {done.acknowledged_by}"
    )


@patient.command("pause")
@_patient_options
@click.option("--reason", type=NOTE, required=True)
def patient_pause(program_id: str, patient_id: str, on_date: date | None, reason: str) -> None:
    """Pause treatment (hospital stay, travel); the patient is not scheduled meanwhile."""
    with service() as stepdown:
        enrollments.pause(
            stepdown,
            program_id,
            patient_id,
            reason=reason,
            actor=current_actor(),
            on_date=on_date,
        )
        after_write(stepdown)
    click.echo(f"{patient_id}: paused")


@patient.command("resume")
@_patient_options
def patient_resume(program_id: str, patient_id: str, on_date: date | None) -> None:
    """Resume a paused enrolment."""
    with service() as stepdown:
        enrollments.resume(stepdown, program_id, patient_id, actor=current_actor(), on_date=on_date)
        after_write(stepdown)
        since = on_date or stepdown.today(queries.program_timezone(stepdown, program_id))
        seatless = published_weeks_without_seats(stepdown, program_id, patient_id, since)
    click.echo(f"{patient_id}: resumed")
    for week in seatless:
        # Resuming gives no seat back by itself: publishing is the coordinator's decision.
        click.echo(
            f"note: {patient_id} has no seat in the published {week} from {since}; "
            f"regenerate and publish it to seat them (stepdown roster generate --week {week})"
        )


@patient.command("step-down")
@_patient_options
@click.option("--summary", type=NOTE, required=True, help="Discharge summary for outpatient care.")
def patient_step_down(program_id: str, patient_id: str, on_date: date | None, summary: str) -> None:
    """Step the patient down to standard outpatient care."""
    with service() as stepdown:
        enrollments.step_down(
            stepdown,
            program_id,
            patient_id,
            summary=summary,
            actor=current_actor(),
            on_date=on_date,
        )
        after_write(stepdown)
    click.echo(f"{patient_id}: stepped down")


@patient.command("discharge")
@_patient_options
@click.option("--reason", type=NOTE, required=True)
def patient_discharge(program_id: str, patient_id: str, on_date: date | None, reason: str) -> None:
    """Discharge the patient from the program."""
    with service() as stepdown:
        enrollments.discharge(
            stepdown,
            program_id,
            patient_id,
            reason=reason,
            actor=current_actor(),
            on_date=on_date,
        )
        after_write(stepdown)
    click.echo(f"{patient_id}: discharged")


privacy_cli.register(patient)


@click.group()
def session() -> None:
    """Program sessions."""


@session.command("cancel")
@click.option("--program", "program_id", type=ID, required=True)
@click.option("--session", "session_id", type=ID, required=True)
@click.option("--date", "session_date", type=DATE, required=True)
@click.option("--reason", type=NOTE, required=True, help="Facilitator ill, weather, ...")
def session_cancel(program_id: str, session_id: str, session_date: date, reason: str) -> None:
    """Call off one meeting of a session; each of its patients is moved to a make-up."""
    day = session_date
    with service() as stepdown:
        cancel_session(stepdown, program_id, session_id, day, reason=reason, actor=current_actor())
        after_write(stepdown)
        outcome = cancellation_outcome(stepdown, program_id, session_id, day)
    click.echo(
        f"{session_id} on {day} cancelled: {len(outcome.moved)} moved to a make-up, "
        f"{len(outcome.to_call)} to call"
    )
    for line in outcome.describe():
        click.echo(f"  {line}")
    click.echo(
        f"  Undo before it starts: stepdown session uncancel --program {program_id} "
        f"--session {session_id} --date {day}"
    )


@session.command("uncancel")
@click.option("--program", "program_id", type=ID, required=True)
@click.option("--session", "session_id", type=ID, required=True)
@click.option("--date", "session_date", type=DATE, required=True)
def session_uncancel(program_id: str, session_id: str, session_date: date) -> None:
    """Hold a cancelled meeting after all (before it starts): its make-ups are withdrawn and its
    patients return to it, capacity permitting."""
    with service() as stepdown:
        outcome = undo_cancellation(
            stepdown, program_id, session_id, session_date, actor=current_actor()
        )
        after_write(stepdown)
    for line in outcome.describe():
        click.echo(line)
