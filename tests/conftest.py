"""Shared fixtures: every integration scenario runs on embedded SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest

from events.persistence import Database, database_from_url
from scheduler.service import Stepdown, open_stepdown

POSTGRES_URL = os.environ.get(
    "STEPDOWN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
# Wednesday of ISO week 2026-W48, noon in Chicago: the week before the scenarios' roster week.
NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


def postgres_or_skip() -> None:
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable in CI: {error}")
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is unreachable: {error}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        yield database_from_url(f"sqlite:///{tmp_path}/stepdown.db")
        return
    postgres_or_skip()
    schema = f"test_{uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield database_from_url(f"{POSTGRES_URL}?schema={schema}")
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def stepdown(database: Database) -> Iterator[Stepdown]:
    service = open_stepdown(database, clock=fixed_clock)
    try:
        yield service
    finally:
        service.close()


@pytest.fixture
def sample_text() -> str:
    return (SCENARIOS / "sample.json").read_text(encoding="utf-8")
