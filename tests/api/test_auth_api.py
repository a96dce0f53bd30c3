"""Every route but /health needs a bearer token; each role may do exactly its share."""

from __future__ import annotations

import re

import pytest

from api.auth import Role, Scope, TokenStore
from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, Api

# What a clinician may write besides reading: what happens in sessions and at check-ins, and
# acknowledging the attendance flags that follow.
CLINICIAN_WRITES = {
    ("POST", "/programs/{program_id}/attendance"),
    ("POST", "/programs/{program_id}/patients/{patient_id}/progress"),
    ("POST", "/programs/{program_id}/patients/{patient_id}/flags/{flag}/acknowledgement"),
}
OPEN = {("GET", "/health")}
# Questions with a body that record nothing: any reader may ask them.
READS_WITH_A_BODY = {
    ("POST", "/programs/{program_id}/forecast"),
    ("POST", "/programs/{program_id}/forecast/what-if"),
    ("POST", "/programs/{program_id}/forecast/advice"),
}


# Reads only a coordinator may make: a patient's consents and the list of disclosures.
COORDINATOR_READS = {
    ("GET", "/programs/{program_id}/patients/{patient_id}/consents"),
    ("GET", "/programs/{program_id}/patients/{patient_id}/disclosures"),
}


def routes(api: Api) -> list[tuple[str, str]]:
    """Every documented route (the OpenAPI document lists each, whichever router holds it)."""
    found = [
        (method.upper(), path)
        for path, operations in api.app.openapi()["paths"].items()
        for method in operations
    ]
    assert len(found) > 30  # a listing that found nothing would make every test here vacuous
    return found


def concrete(path: str) -> str:
    """A path with every parameter filled by a well-formed value."""
    values = {
        "program_id": PROGRAM,
        "patient_id": "P0001",
        "session_id": "mon-day-1",
        "week": "2026-W49",
        "date": "2026-11-30",
        "job_id": "0" * 32,
        "consent_id": "no-such-consent",
        "referral_id": "R0001",
        "staff_id": "s-ana",
        "flag": "outreach",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_every_route_but_health_refuses_a_missing_or_wrong_token(program: Api) -> None:
    for method, path in routes(program):
        if (method, path) in OPEN:
            continue
        missing = program.call("", method, concrete(path))
        assert missing.status_code == 401, (method, path)
        assert missing.headers["www-authenticate"] == "Bearer"
        wrong = program.client.request(
            method, concrete(path), headers={"Authorization": "Bearer sd_not-a-token"}
        )
        assert wrong.status_code == 401, (method, path)
    assert program.call("", "GET", "/health").json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("role", ["viewer", "clinician"])
def test_a_role_is_refused_exactly_the_writes_it_may_not_make(program: Api, role: str) -> None:
    for method, path in routes(program):
        if (method, path) in OPEN:
            continue
        allowed = (
            (method == "GET" and (method, path) not in COORDINATOR_READS)
            or (method, path) in READS_WITH_A_BODY
            or (role == "clinician" and (method, path) in CLINICIAN_WRITES)
        )
        response = program.call(role, method, concrete(path), json={})
        if allowed:
            assert response.status_code not in (401, 403), (role, method, path, response.text)
        else:
            assert response.status_code == 403, (role, method, path)
            assert role in response.json()["detail"]


def test_a_coordinator_is_refused_nothing(program: Api) -> None:
    for method, path in routes(program):
        response = program.call("coordinator", method, concrete(path), json={})
        assert response.status_code not in (401, 403), (method, path)


def test_the_actor_on_each_event_is_the_tokens_subject(program: Api) -> None:
    program.post(f"/programs/{PROGRAM}/patients/P0001/pause", json={"reason": "travel"})
    history = program.get(f"/programs/{PROGRAM}/patients/P0001/history").json()
    assert history[-1]["event"] == "Paused"
    assert history[-1]["recorded_by"] == "coordinator-1"


def test_a_revoked_token_no_longer_works(program: Api) -> None:
    tokens: TokenStore = program.app.state.tokens  # revoking in this process clears its cache
    token = tokens.create("temp-nurse", Role.CLINICIAN, Scope.organisation_wide())
    headers = {"Authorization": f"Bearer {token}"}
    assert program.client.get("/programs", headers=headers).status_code == 200
    assert tokens.revoke("temp-nurse") == 1
    assert program.client.get("/programs", headers=headers).status_code == 401


def test_tokens_are_stored_only_as_digests(program: Api, stepdown: Stepdown) -> None:
    with stepdown.views.transaction(commit=False) as cursor:
        stored = " ".join(
            str(v) for row in cursor.query("SELECT * FROM api_tokens") for v in row.values()
        )
    for token in program.tokens.values():
        assert token not in stored
