"""`stepdown backup FILE` and `stepdown restore FILE` (embedded SQLite; PostgreSQL uses pg_dump)."""

from __future__ import annotations

from pathlib import Path

import click

from events import backup as store_backup
from events.persistence import database_from_environment

FILE = click.Path(dir_okay=False, path_type=Path)


def register(cli: click.Group) -> None:
    @cli.command("backup")
    @click.argument("file", type=FILE)
    @click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
    def backup_command(file: Path, force: bool) -> None:
        """Write a consistent copy of the SQLite store (events and read models) to FILE, safe
        while the server runs. PostgreSQL: use pg_dump (see the README)."""
        report = store_backup.backup(database_from_environment(), file, force=force)
        click.echo(f"{report.path}: {report.events} events backed up")

    @cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Overwrite a store that already holds events.")
    def restore_command(file: Path, force: bool) -> None:
        """Replace the SQLite store with the backup FILE (stop the server first). A store that
        already holds events is refused unless --force."""
        report = store_backup.restore(database_from_environment(), file, force=force)
        click.echo(f"{report.path}: restored {report.events} events from {file}")
