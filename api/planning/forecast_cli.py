"""`stepdown forecast`, `stepdown whatif`, `stepdown advise`: the capacity forecast from the
command line (reads; nothing is recorded)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click
from pydantic import TypeAdapter, ValidationError

from api.cli_common import ID, Checked, program_or_only, service, write_output
from api.planning.forecast_requests import (
    ChangeBody,
)
from api.planning.forecast_routes import change_of
from api.planning.forecast_schemas import (
    ForecastPublic,
    advice_public,
    forecast_public,
    what_if_public,
)
from events.errors import InvalidRequestError
from events.values import Weekday
from scheduler.hygiene.fields import IsoWeek
from scheduler.planning.forecast import AdmitPlanned, forecast, session_advice, what_if
from scheduler.planning.forecast_input import PlannedAdmission, planned_admissions
from scheduler.planning.forecast_waitlist import waitlist_admissions, with_waitlist
from scheduler.service import Stepdown

WEEK = Checked("week", IsoWeek)
CHANGES: TypeAdapter[ChangeBody] = TypeAdapter(ChangeBody)
SESSION_TIMES = re.compile(r"^(MON|TUE|WED|THU|FRI|SAT|SUN) (\d{2}:\d{2})-(\d{2}:\d{2})$")


def _common(function: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--program",
                "program_id",
                type=ID,
                help="Program id (optional when there is only one).",
            ),
            click.option(
                "--first-week", type=WEEK, help="First week forecast (default: next week)."
            ),
            click.option("--weeks", type=click.IntRange(1, 26), default=12, show_default=True),
            click.option(
                "--admissions",
                "admissions_file",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help='Planned admissions: {"admissions": [{"id", "start_week", "planned_weeks", '
                '"initial_days_per_week", "commitments"}]}.',
            ),
            click.option(
                "--waitlist",
                "waitlist_too",
                is_flag=True,
                help="Plan the program's waiting referrals too (most urgent first).",
            ),
            click.option(
                "--format", "output_format", type=click.Choice(["text", "json"]), default="text"
            ),
        ]
    ):
        function = option(function)
    return function


@click.command("forecast")
@_common
def forecast_command(
    program_id: str | None,
    first_week: str | None,
    weeks: int,
    admissions_file: Path | None,
    waitlist_too: bool,
    output_format: str,
) -> None:
    """The next weeks: census, expected patients, seats and fill per session, shortfall with
    reasons, step-downs due, taper steps moved and when planned admissions start."""
    with service() as stepdown:
        stepdown.catch_up()
        program = program_or_only(stepdown, program_id)
        solution = forecast(
            stepdown,
            program,
            first_week=first_week,
            weeks=weeks,
            admissions=_planned(
                stepdown, program, admissions_file, waitlist_too, first_week, weeks
            ),
        )
    public = forecast_public(solution)
    if output_format == "json":
        write_output(public.model_dump_json(indent=1) + "\n", None)
        return
    _print_forecast(public)


@click.command("whatif")
@_common
@click.option("--add-session", "added", multiple=True, metavar='"WED 09:30-12:30 TRACK CAPACITY"')
@click.option("--remove-session", "removed", multiple=True, type=ID)
@click.option("--move-session", "moved", multiple=True, metavar='"ID WED 09:30-12:30"')
@click.option("--capacity", "capacities", multiple=True, metavar="ID=N")
@click.option("--closure", "closures", multiple=True, metavar="YYYY-MM-DD[:reason]")
@click.option(
    "--admit-waitlist",
    type=click.IntRange(1, 500),
    help="Admit the first N waiting referrals (most urgent first).",
)
@click.option(
    "--admit",
    "admit_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Admit these planned admissions too (same file format as --admissions).",
)
def whatif_command(
    program_id: str | None,
    first_week: str | None,
    weeks: int,
    admissions_file: Path | None,
    waitlist_too: bool,
    output_format: str,
    added: tuple[str, ...],
    removed: tuple[str, ...],
    moved: tuple[str, ...],
    capacities: tuple[str, ...],
    closures: tuple[str, ...],
    admit_waitlist: int | None,
    admit_file: Path | None,
) -> None:
    """The forecast before and after changes to sessions, capacity, closures or admissions,
    side by side. Nothing is recorded."""
    changes = _changes(added, removed, moved, capacities, closures)
    if admit_file is not None:
        changes.append(AdmitPlanned(_admissions(admit_file)))
    if not changes and admit_waitlist is None:
        raise click.UsageError("give at least one change (--add-session, --remove-session, ...)")
    with service() as stepdown:
        stepdown.catch_up()
        program = program_or_only(stepdown, program_id)
        if admit_waitlist is not None:
            waiting = waitlist_admissions(
                stepdown, program, first_week=first_week, weeks=weeks, count=admit_waitlist
            )
            changes.append(AdmitPlanned(waiting))
        result = what_if(
            stepdown,
            program,
            changes,
            first_week=first_week,
            weeks=weeks,
            admissions=_planned(
                stepdown, program, admissions_file, waitlist_too, first_week, weeks
            ),
        )
    public = what_if_public(result.before, result.after)
    if output_format == "json":
        write_output(public.model_dump_json(indent=1) + "\n", None)
        return
    click.echo(f"{'week':<9} {'census':>13} {'expected days':>15} {'shortfall days':>15}")
    for w in public.weeks:
        click.echo(
            f"{w.week:<9} {w.census_before:>5} → {w.census_after:<5} "
            f"{w.expected_days_before:>6} → {w.expected_days_after:<6} "
            f"{w.shortfall_days_before:>6} → {w.shortfall_days_after:<6}"
        )
    b, a = public.before, public.after
    click.echo(
        f"shortfall {b.shortfall_days} → {a.shortfall_days} patient-days; "
        f"waiting {b.waiting_weeks} → {a.waiting_weeks} weeks (nothing recorded)"
    )


@click.command("advise")
@_common
@click.option("--count", type=click.IntRange(1, 10), default=3, show_default=True)
@click.option(
    "--day",
    "days",
    type=click.Choice(list(Weekday.__members__), case_sensitive=False),
    multiple=True,
    help="A weekday to consider opening on (repeatable; default: the days the program meets).",
)
def advise_command(
    program_id: str | None,
    first_week: str | None,
    weeks: int,
    admissions_file: Path | None,
    waitlist_too: bool,
    output_format: str,
    count: int,
    days: tuple[str, ...],
) -> None:
    """The sessions to open that most reduce shortfall and waiting, each proven by solving the
    forecast again with it added."""
    with service() as stepdown:
        stepdown.catch_up()
        program = program_or_only(stepdown, program_id)
        result = session_advice(
            stepdown,
            program,
            count=count,
            first_week=first_week,
            weeks=weeks,
            admissions=_planned(
                stepdown, program, admissions_file, waitlist_too, first_week, weeks
            ),
            days=[Weekday[day.upper()] for day in days],
        )
    public = advice_public(result.forecast, result.advice, result.together)
    if output_format == "json":
        write_output(public.model_dump_json(indent=1) + "\n", None)
        return
    click.echo(
        f"forecast: {public.shortfall_days} patient-days short, "
        f"{public.waiting_weeks} weeks waited by planned admissions"
    )
    if not public.advice:
        click.echo("no session would meet a required day or shorten a wait")
    for a in public.advice:
        proof = "proven" if a.proven else "not proven optimal"
        click.echo(
            f"open {a.weekday} {a.start}–{a.end} {a.track} (capacity {a.capacity}): "
            f"+{a.shortfall_days_gain} patient-days, -{a.waiting_weeks_gain} waiting weeks "
            f"(shortfall {a.shortfall_days_after} after; {proof})"
        )
    if public.shortfall_days_with_all is not None:
        click.echo(
            f"all {len(public.advice)} opened together: shortfall {public.shortfall_days_with_all}"
            f" patient-days, {public.waiting_weeks_with_all} weeks waited"
        )


def _print_forecast(public: ForecastPublic) -> None:
    click.echo(
        f"{'week':<9} {'census':>6} {'required':>8} {'expected':>8} {'short':>5} {'step-downs':>10}  fill by track"
    )
    for w in public.weeks:
        tracks = " ".join(f"{t.track} {t.expected}/{t.seats}" for t in w.tracks)
        click.echo(
            f"{w.week:<9} {w.census:>6} {w.required_days:>8} {w.expected_days:>8} "
            f"{w.shortfall_days:>5} {len(w.step_downs_due):>10}  {tracks}"
        )
        for short in w.shortfalls:
            who = ", ".join(short.patient_ids[:5]) + ("…" if len(short.patient_ids) > 5 else "")
            click.echo(f"  short {short.days} ({short.kind}) {who}: {short.reason}")
    for move in public.moves:
        click.echo(
            f"{move.week} {move.patient_id}: {move.planned_days} → {move.moved_days} days "
            f"({move.kind}): {move.reason}"
        )
    for start in public.admissions:
        when = start.start_week or "not within the forecast"
        click.echo(
            f"admission {start.admission_id}: starts {when} (waits {start.waiting_weeks} weeks)"
        )
    click.echo(
        f"{public.shortfall_days} patient-days short, {public.waiting_weeks} weeks waited; "
        f"{public.status.lower()} in {public.wall_time_s:.1f} s"
    )


def _planned(
    stepdown: Stepdown,
    program: str,
    admissions_file: Path | None,
    waitlist_too: bool,
    first_week: str | None,
    weeks: int,
) -> tuple[PlannedAdmission, ...]:
    """The planned admissions a command was given: the file's, and the waitlist's if asked."""
    return with_waitlist(
        stepdown,
        program,
        _admissions(admissions_file),
        waitlist_too=waitlist_too,
        first_week=first_week,
        weeks=weeks,
    )


def _admissions(path: Path | None) -> tuple[PlannedAdmission, ...]:
    if path is None:
        return ()
    return planned_admissions(path.read_bytes())


def _changes(
    added: tuple[str, ...],
    removed: tuple[str, ...],
    moved: tuple[str, ...],
    capacities: tuple[str, ...],
    closures: tuple[str, ...],
) -> list[Any]:
    """Options to the API's change records, checked by the same schema."""
    records: list[dict[str, Any]] = []
    for n, text in enumerate(added):
        parts = text.split()
        if len(parts) != 4:
            raise click.BadParameter(
                f'{text!r}: write "WED 09:30-12:30 TRACK CAPACITY"', param_hint="--add-session"
            )
        weekday, start, end = _times(f"{parts[0]} {parts[1]}", "--add-session")
        records.append(
            {
                "kind": "add_session",
                "session_id": f"whatif-{weekday.lower()}-{start.replace(':', '')}-{n + 1}",
                "weekday": weekday,
                "start": start,
                "end": end,
                "track": parts[2],
                "capacity": _integer(parts[3], "--add-session"),
            }
        )
    records += [{"kind": "remove_session", "session_id": s} for s in removed]
    for text in moved:
        session_id, _, when = text.partition(" ")
        weekday, start, end = _times(when.strip(), "--move-session")
        records.append(
            {
                "kind": "move_session",
                "session_id": session_id,
                "weekday": weekday,
                "start": start,
                "end": end,
            }
        )
    for text in capacities:
        session_id, _, number = text.partition("=")
        records.append(
            {
                "kind": "change_capacity",
                "session_id": session_id,
                "capacity": _integer(number, "--capacity"),
            }
        )
    for text in closures:
        day, _, reason = text.partition(":")
        records.append({"kind": "add_closure", "date": day, "reason": reason})
    changes = []
    for record in records:
        try:
            changes.append(change_of(CHANGES.validate_json(json.dumps(record))))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"][1:]) or record["kind"]
            raise InvalidRequestError(f"{record['kind']}.{where}: {first['msg']}") from None
    return changes


def _times(text: str, option: str) -> tuple[str, str, str]:
    match = SESSION_TIMES.match(text)
    if match is None:
        raise click.BadParameter(
            f'{text!r}: write a day and hours like "WED 09:30-12:30"', param_hint=option
        )
    return match[1], match[2], match[3]


def _integer(text: str, option: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a whole number", param_hint=option) from None


COMMANDS = (forecast_command, whatif_command, advise_command)
