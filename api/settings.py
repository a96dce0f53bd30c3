"""Settings of the HTTP service, read once from the environment (STEPDOWN_*) by the app factory."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STEPDOWN_", extra="ignore")

    # Where the event store and read models live; see events.persistence for the URL forms.
    database_url: str = "sqlite:///./stepdown.db"
    # One line per request (method, path, status, time, request id, subject); never a body.
    access_log: bool = True
    # With a key (`stepdown key create`), events and the names in read models are encrypted.
    cipher_key: SecretStr | None = None
    # Embedded mode: each write brings the read models and the make-up policy up to date before
    # it answers. Turn off when `stepdown worker` processes run them (PostgreSQL scale-out).
    inline_catch_up: bool = True
    # Without inline catch-up: how long a write waits for the worker before catching up itself.
    read_your_writes_timeout_s: float = Field(default=2.0, ge=0, le=60)
    # Rosters for up to this many patients are solved within the request; larger ones become a
    # job to poll, so no client waits on a connection for a long solve.
    inline_roster_patients: int = Field(default=150, ge=0)
    roster_time_limit_s: float = Field(default=10.0, gt=0, le=600)
    # How many rosters one API process solves at a time (each solve uses every core it is given).
    solver_threads: int = Field(default=1, ge=1, le=8)
    # Solver search: 0 workers = every core; deterministic runs repeat exactly (tests, audits).
    solver_workers: int = Field(default=0, ge=0, le=64)
    solver_deterministic: bool = False
    # Request bodies above this many bytes are refused (413) before anything reads them; an
    # import of a 10,000-patient program file is about 5 MB.
    max_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    # Reverse proxies (IPs or networks, comma-separated) whose X-Forwarded-Proto and
    # X-Forwarded-For are believed; behind a TLS proxy the page's cookie is then marked Secure.
    # None by default: a forwarded header from anyone else is ignored.
    trusted_proxies: str = ""
    # How long the first answer to a request with an Idempotency-Key is kept for its retries.
    idempotency_ttl_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    # Jobs (see the README's Jobs section). On PostgreSQL the API process also runs a job
    # worker unless this is off (then `stepdown jobs worker` processes run them all).
    jobs_in_api: bool = True
    # A running job's process beats this often; a job whose process has been silent for
    # `job_stale_after_s` is run again elsewhere (its roster recorded once).
    job_heartbeat_s: float = Field(default=5.0, gt=0, le=300)
    job_stale_after_s: float = Field(default=30.0, gt=0, le=3600)
    # On shutdown running jobs get this long to finish; queued ones stay queued.
    job_drain_timeout_s: float = Field(default=60.0, ge=0, le=3600)
    # Step-down ticks and the nightly drafts programs ask for (hourly).
    periodic_jobs: bool = True
