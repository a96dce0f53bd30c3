"""Tokens act only on the programs they name, expire, and page sessions end at sign-out."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from api.auth import Kind, Role, Scope, TokenStore
from api.web.session import COOKIE
from scheduler.clock import fixed_clock
from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, Api, csrf_form, sign_in
from tests.api.test_auth_api import concrete, routes
from tests.conftest import NOW

OTHER = "evening-202"


@pytest.fixture
def two_programs(program: Api, sample_text: str) -> Api:
    document = json.loads(sample_text)
    document["program"]["id"] = OTHER
    response = program.post("/programs", json=document)
    assert response.status_code == 200, response.text
    return program


def scoped(api: Api, role: Role, *programs: str) -> dict[str, str]:
    tokens: TokenStore = api.app.state.tokens
    token = tokens.create(f"{role.value}-scoped", role, Scope.of(programs))
    return {"Authorization": f"Bearer {token}"}


def test_every_route_of_another_program_is_refused_naming_it(two_programs: Api) -> None:
    headers = scoped(two_programs, Role.COORDINATOR, PROGRAM)
    for method, path in routes(two_programs):
        if "{program_id}" not in path:
            continue
        other = concrete(path).replace(f"/programs/{PROGRAM}", f"/programs/{OTHER}", 1)
        refused = two_programs.client.request(method, other, headers=headers, json={})
        assert refused.status_code == 403, (method, path, refused.text)
        assert OTHER in refused.json()["detail"]
        own = two_programs.client.request(method, concrete(path), headers=headers, json={})
        assert own.status_code not in (401, 403), (method, path, own.text)


def test_a_scoped_token_lists_and_imports_only_its_programs(
    two_programs: Api, sample_text: str
) -> None:
    headers = scoped(two_programs, Role.COORDINATOR, OTHER)
    listed = two_programs.client.get("/programs", headers=headers).json()
    assert [p["program_id"] for p in listed] == [OTHER]
    document = json.loads(sample_text)
    document["program"]["id"] = "new-303"
    refused = two_programs.client.post("/programs", json=document, headers=headers)
    assert refused.status_code == 403
    assert "new-303" in refused.json()["detail"]
    everyone = two_programs.get("/programs", role="coordinator").json()
    assert "new-303" not in {p["program_id"] for p in everyone}


def test_a_scoped_session_is_refused_another_programs_page(two_programs: Api) -> None:
    tokens: TokenStore = two_programs.app.state.tokens
    token = tokens.create("nurse", Role.CLINICIAN, Scope.of([OTHER]))
    response = two_programs.client.post("/ui/sign-in", data={"token": token})
    assert f"/ui/programs/{OTHER}/weeks/" in str(response.url)  # home is its own program
    refused = two_programs.client.get(f"/ui/programs/{PROGRAM}/census")
    assert refused.status_code == 403
    assert PROGRAM in refused.text


def test_an_api_token_expires_after_90_days_by_the_service_clock(
    program: Api, stepdown: Stepdown
) -> None:
    headers = {"Authorization": f"Bearer {program.tokens['viewer']}"}
    stepdown.clock = fixed_clock(NOW + timedelta(days=89))
    assert program.client.get("/programs", headers=headers).status_code == 200
    stepdown.clock = fixed_clock(NOW + timedelta(days=90, seconds=1))
    assert program.client.get("/programs", headers=headers).status_code == 401


def test_a_token_lives_as_long_as_asked(program: Api, stepdown: Stepdown) -> None:
    tokens: TokenStore = program.app.state.tokens
    token = tokens.create("contractor", Role.VIEWER, Scope.of([PROGRAM]), lifetime=timedelta(1))
    headers = {"Authorization": f"Bearer {token}"}
    assert program.client.get("/programs", headers=headers).status_code == 200
    stepdown.clock = fixed_clock(NOW + timedelta(days=1, seconds=1))
    assert program.client.get("/programs", headers=headers).status_code == 401


def test_the_page_keeps_a_12_hour_session_never_the_api_token(
    program: Api, stepdown: Stepdown
) -> None:
    sign_in(program, "coordinator")
    session = program.client.cookies[COOKIE]
    assert session != program.tokens["coordinator"]
    assert session.startswith("ss_")
    census = f"/ui/programs/{PROGRAM}/census"
    assert program.client.get(census, follow_redirects=False).status_code == 200
    # The session is not a bearer token, and the API token is not a session.
    bearer = {"Authorization": f"Bearer {session}"}
    assert program.client.get("/programs", headers=bearer).status_code == 401
    program.client.cookies.set(COOKIE, program.tokens["coordinator"])
    assert program.client.get(census, follow_redirects=False).status_code == 303
    program.client.cookies.set(COOKIE, session)
    stepdown.clock = fixed_clock(NOW + timedelta(hours=12, seconds=1))
    expired = program.client.get(census, follow_redirects=False)
    assert expired.status_code == 303
    assert expired.headers["location"] == "/ui/sign-in"


def test_signing_out_revokes_the_session_even_for_a_copy_of_the_cookie(program: Api) -> None:
    sign_in(program, "viewer")
    copied = program.client.cookies[COOKIE]
    program.client.post("/ui/sign-out", data=csrf_form(program), follow_redirects=False)
    program.client.cookies.set(COOKIE, copied)
    census = f"/ui/programs/{PROGRAM}/census"
    assert program.client.get(census, follow_redirects=False).status_code == 303
    # A fresh process (no cache) agrees: the session row is revoked.
    assert TokenStore(program.app.state.stepdown).authenticate(copied, Kind.SESSION) is None


def test_revoking_a_token_ends_the_sessions_opened_with_it(program: Api) -> None:
    tokens: TokenStore = program.app.state.tokens
    token = tokens.create("locum", Role.VIEWER, Scope.organisation_wide())
    program.client.post("/ui/sign-in", data={"token": token})
    census = f"/ui/programs/{PROGRAM}/census"
    assert program.client.get(census, follow_redirects=False).status_code == 200
    token_id = next(i.token_id for i in tokens.listing() if i.subject == "locum")
    assert tokens.revoke(token_id=token_id) == 2  # the token and its session
    assert program.client.get(census, follow_redirects=False).status_code == 303


def test_last_use_is_recorded_at_most_once_a_minute(stepdown: Stepdown) -> None:
    token = TokenStore(stepdown).create("script", Role.VIEWER, Scope.organisation_wide())

    def last_used() -> str | None:
        rows = [i for i in TokenStore(stepdown).listing() if i.subject == "script"]
        return rows[0].last_used_at

    assert last_used() is None
    assert TokenStore(stepdown).authenticate(token) is not None  # a fresh process each time
    assert last_used() == NOW.isoformat()
    stepdown.clock = fixed_clock(NOW + timedelta(seconds=50))
    assert TokenStore(stepdown).authenticate(token) is not None
    assert last_used() == NOW.isoformat()
    stepdown.clock = fixed_clock(NOW + timedelta(seconds=61))
    assert TokenStore(stepdown).authenticate(token) is not None
    assert last_used() == (NOW + timedelta(seconds=61)).isoformat()


def test_old_tokens_become_organisation_wide_and_expire_90_days_after_migration(
    stepdown: Stepdown,
) -> None:
    with stepdown.views.transaction() as cursor:  # the table as the first version made it
        cursor.execute(
            "CREATE TABLE api_tokens (token_hash TEXT PRIMARY KEY, subject TEXT NOT NULL, "
            "role TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)"
        )
        cursor.execute(
            "INSERT INTO api_tokens VALUES (?, 'old-script', 'coordinator', ?, NULL)",
            (_digest("sd_old"), (NOW - timedelta(days=400)).isoformat()),
        )
    principal = TokenStore(stepdown).authenticate("sd_old")
    assert principal is not None
    assert principal.scope == Scope.organisation_wide()
    assert principal.expires_at == NOW + timedelta(days=90)
    TokenStore(stepdown)  # a second start migrates nothing again
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query("SELECT kind, programs, expires_at FROM api_tokens")
    assert rows == [
        {"kind": "api", "programs": "*", "expires_at": (NOW + timedelta(days=90)).isoformat()}
    ]
    stepdown.clock = fixed_clock(NOW + timedelta(days=91))
    assert TokenStore(stepdown).authenticate("sd_old") is None


def test_sessions_are_stored_only_as_digests(program: Api, stepdown: Stepdown) -> None:
    sign_in(program, "viewer")
    session = program.client.cookies[COOKIE]
    with stepdown.views.transaction(commit=False) as cursor:
        stored = json.dumps(cursor.query("SELECT * FROM api_tokens"))
    assert session not in stored
    assert re.search(r'"kind": "session"', stored)


def _digest(token: str) -> str:
    from api.auth import digest

    return digest(token)
