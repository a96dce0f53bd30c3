"""Property-based: schemathesis generates requests from the app's own OpenAPI schema.

Bounded (a few examples per operation, derandomised for a stable CI) and run as a coordinator
against the sample program, so generated ids, weeks and bodies reach the real use cases. No
answer may be a 5xx or break the schema the app publishes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.auth import Role, Scope, TokenStore
from events.persistence import database_from_url
from scheduler.importing import import_program
from scheduler.service import open_stepdown
from tests.api.conftest import api_settings
from tests.conftest import SCENARIOS, fixed_clock

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def app_and_token(tmp_path: Path) -> Iterator[tuple[Any, str]]:
    stepdown = open_stepdown(database_from_url(f"sqlite:///{tmp_path}/api.db"), clock=fixed_clock)
    import_program(stepdown, (SCENARIOS / "sample.json").read_bytes(), actor="setup")
    stepdown.catch_up()
    app = create_app(api_settings(roster_time_limit_s=5), stepdown)
    token = TokenStore(stepdown).create("schemathesis", Role.COORDINATOR, Scope.organisation_wide())
    try:
        yield app, token
    finally:
        app.state.jobs.shutdown()
        stepdown.close()


@pytest.fixture
def api_schema(app_and_token: tuple[Any, str]) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app_and_token[0])


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("STEPDOWN_API_EXAMPLES", "8")),
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gets_a_server_error_or_an_answer_outside_the_schema(
    case: Any, app_and_token: tuple[Any, str]
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {app_and_token[1]}"}, checks=CHECKS)
