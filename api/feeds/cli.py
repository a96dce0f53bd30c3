"""`stepdown feed create|rotate|revoke`: secret calendar URLs for a patient's, a session's or a
staff member's feed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from api.cli_common import current_actor, service
from api.feeds.store import Feed, FeedKind, FeedStore, IssuedFeed

BASE_URL_SETTING = "STEPDOWN_PUBLIC_URL"


@click.group()
def feed() -> None:
    """Secret calendar URLs a phone can subscribe to (stored hashed; shown once)."""


def _feed_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--staff", "staff_id", help="A staff member's feed (the meetings they lead)."
    )(command)
    command = click.option("--session", "session_id", help="A session's feed (for its staff).")(
        command
    )
    command = click.option("--patient", "patient_id", help="A patient's feed.")(command)
    return click.option("--program", "program_id", required=True)(command)


def _chosen(
    program_id: str, patient_id: str | None, session_id: str | None, staff_id: str | None
) -> Feed:
    named = [
        Feed(program_id, kind, feed_of)
        for kind, feed_of in (
            (FeedKind.PATIENT, patient_id),
            (FeedKind.SESSION, session_id),
            (FeedKind.STAFF, staff_id),
        )
        if feed_of is not None
    ]
    if len(named) != 1:
        raise click.UsageError("name exactly one of --patient, --session and --staff")
    return named[0]


BASE_URL = click.option(
    "--base-url",
    envvar=BASE_URL_SETTING,
    default="",
    help=f"Where phones reach the server, e.g. https://stepdown.example.org ({BASE_URL_SETTING}).",
)


@feed.command("create")
@_feed_options
@BASE_URL
def create(
    program_id: str,
    patient_id: str | None,
    session_id: str | None,
    staff_id: str | None,
    base_url: str,
) -> None:
    """Print a new feed URL (it cannot be shown again; refused when one is live)."""
    chosen = _chosen(program_id, patient_id, session_id, staff_id)
    with service() as stepdown:
        issued = FeedStore(stepdown).create(chosen, actor=current_actor())
    _show(issued, base_url)


@feed.command("rotate")
@_feed_options
@BASE_URL
def rotate(
    program_id: str,
    patient_id: str | None,
    session_id: str | None,
    staff_id: str | None,
    base_url: str,
) -> None:
    """Print a new feed URL; the old one stops working at once."""
    chosen = _chosen(program_id, patient_id, session_id, staff_id)
    with service() as stepdown:
        issued = FeedStore(stepdown).rotate(chosen, actor=current_actor())
    _show(issued, base_url)


@feed.command("revoke")
@_feed_options
def revoke(
    program_id: str, patient_id: str | None, session_id: str | None, staff_id: str | None
) -> None:
    """End the feed's URL; its calendar gets 404 from now on."""
    chosen = _chosen(program_id, patient_id, session_id, staff_id)
    with service() as stepdown:
        FeedStore(stepdown).revoke(chosen)
    click.echo(f"{chosen.describe()}: feed URL revoked")


def _show(issued: IssuedFeed, base_url: str) -> None:
    click.echo(f"{base_url.rstrip('/')}/feeds/{issued.secret}.ics")
    note = "the previous URL no longer works; " if issued.replaced else ""
    click.echo(f"{issued.feed.describe()}: {note}shown once, only its digest is stored", err=True)
