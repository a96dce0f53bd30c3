"""`stepdown serve` (uvicorn) and `stepdown token create|list|revoke`."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

import click

from api.auth import Role, TokenStore, require_subject
from events.persistence import new_cipher_key
from scheduler.service import Stepdown
from scheduler.worker import run_worker

OpenService = Callable[[], AbstractContextManager[Stepdown]]


def register(cli: click.Group, open_service: OpenService) -> None:
    @cli.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
    @click.option(
        "--workers",
        type=click.IntRange(1, 64),
        default=1,
        show_default=True,
        help="API processes (more than one needs PostgreSQL).",
    )
    @click.option("--access-log/--no-access-log", default=True, show_default=True)
    def serve(host: str, port: int, workers: int, access_log: bool) -> None:
        """Run the HTTP API (settings from STEPDOWN_* variables; see the README)."""
        import uvicorn

        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=access_log,
            # Forwarded headers are believed only from STEPDOWN_TRUSTED_PROXIES (the app's own
            # middleware), not from uvicorn's default of any local process.
            proxy_headers=False,
        )

    @cli.group()
    def key() -> None:
        """The encryption key for protected health information at rest."""

    @key.command("create")
    def create_key() -> None:
        """Print a new AES-256 key for STEPDOWN_CIPHER_KEY (keep it in a secret store; without it
        the encrypted store cannot be read)."""
        click.echo(new_cipher_key())

    @cli.group()
    def token() -> None:
        """API bearer tokens (stored hashed; shown once)."""

    @token.command("create")
    @click.option("--subject", required=True, help="Who uses it; recorded on every event.")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    def create(subject: str, role: str) -> None:
        """Create a token and print it (it cannot be shown again)."""
        with open_service() as stepdown:
            secret = TokenStore(stepdown).create(require_subject(subject), Role(role))
        click.echo(secret)

    @token.command("list")
    def list_tokens() -> None:
        """Subjects and roles of every token (never the tokens)."""
        with open_service() as stepdown:
            for subject, role, created, revoked in TokenStore(stepdown).subjects():
                click.echo(f"{subject:<24} {role:<12} {created}{'  revoked' if revoked else ''}")

    @token.command("revoke")
    @click.option("--subject", required=True)
    def revoke(subject: str) -> None:
        """Revoke every live token of a subject."""
        with open_service() as stepdown:
            count = TokenStore(stepdown).revoke(subject)
        click.echo(f"{subject}: {count} token(s) revoked")


def register_worker(cli: click.Group, open_service: OpenService) -> None:
    @cli.command("worker")
    @click.option(
        "--projection",
        "projections",
        multiple=True,
        type=click.Choice(["directory", "census", "attendance", "compliance", "roster"]),
        help="Run only these read models (repeat the option); default: all.",
    )
    @click.option(
        "--no-policies",
        is_flag=True,
        help="Leave the policies (make-ups, plan end, roster follows facts) to another worker.",
    )
    @click.option(
        "--interval",
        type=click.FloatRange(0.01, 60),
        default=0.1,
        show_default=True,
        help="Seconds to wait when there is nothing new.",
    )
    def worker(projections: tuple[str, ...], no_policies: bool, interval: float) -> None:
        """Keep read models and the policies (make-ups, plan end) up to date (for API processes that do not)."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        with open_service() as stepdown:
            run_worker(
                stepdown,
                stop,
                projections=projections or None,
                policies=not no_policies,
                interval_s=interval,
            )
