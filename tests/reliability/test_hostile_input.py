"""Hostile input: generated import files and request bodies (wrong types, huge lists, inverted
or overlapping times, unknown ids, unicode) get a clear refusal and change nothing."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.auth import Role, Scope, TokenStore
from events.errors import StepdownError
from events.persistence import Database, database_from_url
from scheduler.importing import import_program
from scheduler.service import Stepdown, open_stepdown
from tests.api.conftest import api_settings
from tests.conftest import SCENARIOS, fixed_clock

SAMPLE: dict[str, Any] = json.loads((SCENARIOS / "sample.json").read_text(encoding="utf-8"))
PROGRAM = "standard-101"
BOUNDED = settings(
    max_examples=int(os.environ.get("STEPDOWN_FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

hostile_text = st.one_of(
    st.text(max_size=30),
    st.just("x" * 5000),
    st.sampled_from(["", " ", "null", "\u202e\u0000", "名前", "🙂" * 50, "24:00", "25:61"]),
)
hostile_value = st.one_of(
    hostile_text,
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
# Where a value may be put: (record list or None, index, field).
FIELDS = [
    ("program", None, "id"),
    ("program", None, "timezone"),
    ("program", None, "holidays"),
    ("program", None, "policy"),
    ("sessions", 0, "start"),
    ("sessions", 0, "end"),
    ("sessions", 0, "capacity"),
    ("sessions", 0, "weekday"),
    ("sessions", 1, "id"),
    ("patients", 0, "start_date"),
    ("patients", 0, "planned_weeks"),
    ("patients", 0, "preferred_track"),
    ("patients", 1, "commitments"),
    ("patients", 2, "name"),
    ("patients", 3, "id"),
]


@st.composite
def hostile_files(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(SAMPLE)
    choice = draw(st.integers(min_value=0, max_value=5))
    if choice <= 2:  # a wrong value in some field
        section, index, field = draw(st.sampled_from(FIELDS))
        record = document[section] if index is None else document[section][index]
        record[field] = draw(hostile_value)
    elif choice == 3:  # inverted or overlapping times
        session = document["sessions"][draw(st.integers(0, len(document["sessions"]) - 1))]
        session["start"], session["end"] = session["end"], session["start"]
        document["patients"][0]["commitments"] *= 2
    elif choice == 4:  # huge lists
        document["patients"] = document["patients"] * draw(st.integers(2, 80))
    else:  # unknown references and duplicated ids
        document["patients"][0]["preferred_track"] = draw(hostile_text)
        document["sessions"].append(copy.deepcopy(document["sessions"][0]))
    return document


def head(stepdown: Stepdown) -> int:
    return stepdown.app.recorder.max_notification_id() or 0


@pytest.fixture
def store(database: Database) -> Iterator[Stepdown]:
    service = open_stepdown(database, clock=fixed_clock)
    try:
        yield service
    finally:
        service.close()


@BOUNDED
@given(document=hostile_files())
def test_a_hostile_import_is_refused_whole_or_taken_whole(
    store: Stepdown, document: dict[str, Any]
) -> None:
    before = head(store)
    refusal = ""
    try:
        import_program(store, json.dumps(document), actor="fuzz")
    except StepdownError as error:
        refusal = str(error)
    if refusal:
        assert ":" in refusal  # names the record and field
        assert head(store) == before  # nothing half applied
    store.catch_up()


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
ENDPOINTS = [
    f"/programs/{PROGRAM}/attendance",
    f"/programs/{PROGRAM}/patients",
    f"/programs/{PROGRAM}/patients/P0001/progress",
    f"/programs/{PROGRAM}/patients/P0001/pause",
    f"/programs/{PROGRAM}/sessions",
    f"/programs/{PROGRAM}/closures",
    f"/programs/{PROGRAM}/rosters/2026-W49/pins",
    f"/programs/{PROGRAM}/sessions/mon-day-1/cancellations",
]
near_valid = st.fixed_dictionaries(
    {
        "patient_id": st.one_of(st.just("P0001"), st.just("P9999"), hostile_text),
        "session_id": st.one_of(st.just("mon-day-1"), st.just("nope"), hostile_text),
        "date": st.one_of(
            st.sampled_from(["2026-11-23", "2026-11-26", "2026-11-24", "2031-01-01", "0001-01-01"]),
            hostile_value,
        ),
        "status": st.sampled_from(["attended", "missed", "excused", "late"]),
        "minutes": st.one_of(st.integers(-5, 2000), hostile_value),
        "reason": hostile_text,
    }
)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, Stepdown, dict[str, str]]]:
    database_url = f"sqlite:///{tmp_path}/hostile.db"
    stepdown = open_stepdown(database_from_url(database_url), clock=fixed_clock)
    import_program(stepdown, json.dumps(SAMPLE), actor="setup")
    stepdown.catch_up()
    app = create_app(api_settings(), stepdown)
    token = TokenStore(stepdown).create("fuzz", Role.COORDINATOR, Scope.organisation_wide())
    with TestClient(app) as test_client:
        yield test_client, stepdown, {"Authorization": f"Bearer {token}"}
    stepdown.close()


@BOUNDED
@given(path=st.sampled_from(ENDPOINTS), body=st.one_of(json_values, near_valid))
def test_a_hostile_request_gets_a_4xx_and_changes_nothing(
    client: tuple[TestClient, Stepdown, dict[str, str]], path: str, body: Any
) -> None:
    test_client, stepdown, headers = client
    before = head(stepdown)
    # json.dumps writes NaN and Infinity as bare words: invalid JSON, which must be refused too.
    response = test_client.post(
        path, content=json.dumps(body), headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["detail"]  # says what was wrong
        assert head(stepdown) == before
