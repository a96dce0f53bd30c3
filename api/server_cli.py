"""`stepdown serve` (uvicorn) and `stepdown token create|list|revoke`."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

import click
from eventsourcing.persistence import PersistenceError

from api.auth import API_TOKEN_LIFETIME, Role, Scope, TokenStore, require_subject
from api.metrics import multiprocess_dir, prepare_multiprocess_dir
from events.persistence import new_cipher_key
from scheduler.projections.registry import all_projections
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

        # A cipher key that does not fit the store is refused here in one line, not in a
        # traceback from each worker (an unreachable database is the server's to report).
        with contextlib.suppress(PersistenceError), open_service():
            pass
        os.environ["STEPDOWN_ACCESS_LOG"] = "true" if access_log else "false"
        if workers > 1 or multiprocess_dir() is not None:
            # Every process counts into one directory, so a scrape answered by any of them
            # reports all requests (see api/metrics.py).
            prepare_multiprocess_dir()
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            # Logging is ours (api/ops/log_setup.py), the access line too (with request id and
            # subject), in every worker process.
            access_log=False,
            log_config=None,
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
    @click.option(
        "--program",
        "programs",
        multiple=True,
        help="A program it may act on (repeat for more); or --all-programs.",
    )
    @click.option("--all-programs", is_flag=True, help="Organisation-wide: every program.")
    @click.option(
        "--expires-in-days",
        type=click.IntRange(1, 3650),
        default=API_TOKEN_LIFETIME.days,
        show_default=True,
    )
    def create(
        subject: str, role: str, programs: tuple[str, ...], all_programs: bool, expires_in_days: int
    ) -> None:
        """Create a token and print it (it cannot be shown again)."""
        if bool(programs) == all_programs:
            raise click.UsageError("give --program ID (one or more) or --all-programs, not both")
        scope = Scope.organisation_wide() if all_programs else Scope.of(programs)
        with open_service() as stepdown:
            secret = TokenStore(stepdown).create(
                require_subject(subject),
                Role(role),
                scope,
                lifetime=timedelta(days=expires_in_days),
            )
        click.echo(secret)

    @token.command("list")
    def list_tokens() -> None:
        """Every token and page session: id, subject, role, programs, expiry, last use (never
        the secret)."""
        with open_service() as stepdown:
            listing = TokenStore(stepdown).listing()
        for info in listing:
            click.echo(
                f"{info.token_id}  {info.subject:<20} {info.role:<12} {info.kind:<8} "
                f"expires {info.expires_at[:16]}  last used {(info.last_used_at or '-')[:16]}  "
                f"programs: {info.scope}{'  revoked' if info.revoked else ''}"
            )

    @token.command("revoke")
    @click.option("--subject", help="Revoke every live token and session of this subject.")
    @click.option("--id", "token_id", help="Revoke one token (the id `token list` shows).")
    def revoke(subject: str | None, token_id: str | None) -> None:
        """Revoke a subject's tokens, or one token; their page sessions end with them."""
        if (subject is None) == (token_id is None):
            raise click.UsageError("give --subject or --id")
        with open_service() as stepdown:
            count = TokenStore(stepdown).revoke(subject, token_id=token_id)
        click.echo(f"{subject or token_id}: {count} token(s) and session(s) revoked")


def register_worker(cli: click.Group, open_service: OpenService) -> None:
    @cli.command("worker")
    @click.option(
        "--projection",
        "projections",
        multiple=True,
        type=click.Choice([projection.name for projection in all_projections()]),
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
