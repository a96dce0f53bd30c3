"""Guards in front of the routes: the body limit, credentials before the body, security headers
on every answer, CSRF tokens on the page's forms, and the Secure cookie behind a TLS proxy."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from api.guards.csrf import FIELD, token_for_session
from api.web.session import COOKIE
from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, Api, api_settings, make_api, sign_in

PAGE = f"/ui/programs/{PROGRAM}/weeks/2026-W49"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def small_limit(stepdown: Stepdown) -> Iterator[Api]:
    yield from make_api(stepdown, api_settings(max_body_bytes=4096))


def test_a_body_over_the_limit_is_413_naming_the_limit_and_stores_nothing(
    small_limit: Api, sample_text: str, stepdown: Stepdown
) -> None:
    declared = small_limit.post("/programs", content=sample_text, headers=JSON)
    assert declared.status_code == 413
    assert "4096 bytes" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for start in range(0, len(sample_text), 1000):
            yield sample_text[start : start + 1000].encode()

    streamed = small_limit.post("/programs", content=chunks(), headers=JSON)
    assert streamed.status_code == 413
    assert "4096 bytes" in streamed.json()["detail"]
    assert stepdown.app.recorder.max_notification_id() in (None, 0)


def test_a_body_without_a_valid_credential_is_refused_before_it_is_read(program: Api) -> None:
    read: list[int] = []

    def body() -> Iterator[bytes]:
        for _ in range(100):
            read.append(1)
            yield b"x" * 1000

    response = program.client.post(
        "/programs", content=body(), headers={**JSON, "Authorization": "Bearer sd_wrong"}
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert len(read) <= 1  # the test client hands over at most its first chunk
    page = program.client.post(f"{PAGE}/generate", content=body(), follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/ui/sign-in")


def test_every_answer_carries_the_security_headers(program: Api) -> None:
    sign_in(program, "coordinator")
    answers = [
        program.client.get("/health"),
        program.client.get("/ui/sign-in"),
        program.client.get(PAGE),
        program.get(f"/programs/{PROGRAM}/patients"),
        program.client.get("/programs"),  # 401
        program.get("/programs/nope"),  # 404
        program.client.get("/static/web/base.css"),
    ]
    for answer in answers:
        policy = answer.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in answer.headers  # plain HTTP here


def test_the_pages_hold_no_inline_script_or_style(program: Api) -> None:
    sign_in(program, "coordinator")
    pages = [
        PAGE,
        f"/ui/programs/{PROGRAM}/census",
        f"/ui/programs/{PROGRAM}/patients/P0001",
        "/ui/sign-in",
    ]
    for path in pages:
        html = program.client.get(path).text
        assert "<style" not in html, path
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None, path
        assert re.search(r"\s(on[a-z]+|style)=", html) is None, path
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
            assert program.client.get(asset).status_code == 200, asset


def test_page_forms_carry_a_csrf_token_and_posts_without_it_are_refused(
    program: Api, stepdown: Stepdown
) -> None:
    sign_in(program, "coordinator")
    html = program.client.get(PAGE).text
    forms = re.findall(r'<form [^>]*method="post".*?</form>', html, re.S)
    expected = token_for_session(program.client.cookies[COOKIE])
    assert forms
    for form in forms:
        assert f'name="{FIELD}" value="{expected}"' in form
    before = stepdown.app.recorder.max_notification_id()
    pin = {"patient_id": "P0007", "meeting": "mon-evening-1|2026-11-30"}
    other_session = token_for_session("another-session")
    for fields in (pin, {**pin, FIELD: "forged"}, {**pin, FIELD: other_session}):
        refused = program.client.post(f"{PAGE}/pins", data=fields, follow_redirects=False)
        assert refused.status_code == 403
        assert "CSRF token" in refused.json()["detail"]
    assert stepdown.app.recorder.max_notification_id() == before
    signed_out = program.client.post("/ui/sign-out", data={}, follow_redirects=False)
    assert signed_out.status_code == 403
    accepted = program.client.post(
        f"{PAGE}/pins", data={**pin, FIELD: expected}, follow_redirects=False
    )
    assert accepted.status_code == 303
    assert (stepdown.app.recorder.max_notification_id() or 0) > (before or 0)


@pytest.fixture
def behind_proxy(stepdown: Stepdown) -> Iterator[Api]:
    # The test client's requests come from the address "testclient".
    yield from make_api(stepdown, api_settings(trusted_proxies="testclient"))


def test_the_cookie_is_secure_when_a_trusted_proxy_says_https(
    behind_proxy: Api, program: Api
) -> None:
    token = {"token": program.tokens["viewer"]}
    over_tls = behind_proxy.client.post(
        "/ui/sign-in", data=token, headers={"X-Forwarded-Proto": "https"}, follow_redirects=False
    )
    assert over_tls.status_code == 303
    assert "secure" in over_tls.headers["set-cookie"].lower()
    assert over_tls.headers["Strict-Transport-Security"].startswith("max-age=")
    plain = behind_proxy.client.post("/ui/sign-in", data=token, follow_redirects=False)
    assert "secure" not in plain.headers["set-cookie"].lower()


def test_forwarded_headers_from_anyone_else_are_ignored(program: Api) -> None:
    token = {"token": program.tokens["viewer"]}
    forged = program.client.post(
        "/ui/sign-in", data=token, headers={"X-Forwarded-Proto": "https"}, follow_redirects=False
    )
    assert forged.status_code == 303
    assert "secure" not in forged.headers["set-cookie"].lower()
