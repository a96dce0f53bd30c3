"""What every `stepdown` command shares: the service, the actor, the program, dates, output."""

from __future__ import annotations

import getpass
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pydantic import TypeAdapter, ValidationError

from api.spreadsheets.cells import BYTE_ORDER_MARK, write_records
from scheduler import queries
from scheduler.hygiene.fields import Identifier, IsoDate, Note, Text
from scheduler.hygiene.text import shown
from scheduler.service import Stepdown, open_stepdown

ACTOR_SETTING = "STEPDOWN_ACTOR"


def current_actor() -> str:
    """Who is recording: the STEPDOWN_ACTOR setting, or the login name."""
    return os.environ.get(ACTOR_SETTING) or getpass.getuser()


@contextmanager
def service() -> Iterator[Stepdown]:
    stepdown = open_stepdown()
    try:
        yield stepdown
    finally:
        stepdown.close()


def program_or_only(stepdown: Stepdown, program_id: str | None) -> str:
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


class Checked(click.ParamType[Any]):
    """An option checked by the field type the API and the import file use for it: a value
    they would refuse is a usage error here, naming the option and the value."""

    def __init__(self, name: str, field_type: Any) -> None:
        self.name = name
        self._adapter: TypeAdapter[Any] = TypeAdapter(field_type)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self._adapter.validate_python(value)
        except ValidationError as error:
            message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
            self.fail(f"{message} (got {shown(value)})", param, ctx)


DATE = Checked("date", IsoDate)
ID = Checked("id", Identifier)
NOTE = Checked("text", Note)
TEXT = Checked("text", Text)


OUTPUT_OPTION = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead (CSV gets a byte-order mark, for spreadsheets).",
)


def write_rows(
    rows: list[dict[str, Any]], columns: list[str], output_format: str, output: Path | None
) -> None:
    """Rows as JSON or CSV; CSV has its header row even when there are no rows."""
    if output_format == "json":
        write_output(json.dumps(rows, indent=1, default=str) + "\n", output)
        return
    text = io.StringIO()
    write_records(text, columns, rows)
    write_csv_output(text.getvalue(), output)


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def write_csv_output(text: str, output: Path | None) -> None:
    """CSV to stdout as plain UTF-8 (pipes and terminals), to a file with a byte-order mark."""
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(BYTE_ORDER_MARK + text, encoding="utf-8", newline="")


def after_write(stepdown: Stepdown) -> None:
    """The write is stored; say so if the read models could not be brought up to date."""
    if not stepdown.refresh_after_write():
        click.echo("warning: stored; the read models will catch up later", err=True)
    warn_if_stopped(stepdown)


def warn_if_stopped(stepdown: Stepdown) -> None:
    """One line on stderr per stopped read model: what is shown may be out of date."""
    for name, stop in sorted(stepdown.stopped_projections().items()):
        click.echo(
            f"warning: read model {name} {stop.describe()} (see `stepdown projections status`)",
            err=True,
        )
