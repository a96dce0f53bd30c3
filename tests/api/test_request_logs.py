"""Structured logs: one JSON line per record in production (readable text in a terminal), each
request's lines carrying its request id (the caller's when well formed, echoed back) and the
acting subject; never a body or a name."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from api.auth import Role, Scope, TokenStore
from api.dependencies import Reader
from api.ops.log_setup import chosen_format, configure_logging
from api.ops.request_context import bind_process_subject
from events.errors import InvalidRequestError
from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, Api, api_settings, make_api


@pytest.fixture
def json_api(stepdown: Stepdown, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.setenv("STEPDOWN_LOG_FORMAT", "json")
    yield from make_api(stepdown, api_settings())


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_each_request_gets_an_id_echoed_and_logged_with_its_subject(
    json_api: Api, capsys: pytest.CaptureFixture[str], sample_text: str
) -> None:
    capsys.readouterr()
    answer = json_api.get("/programs")
    request_id = answer.headers["x-request-id"]
    assert len(request_id) == 32
    assert int(request_id, 16) >= 0

    lines = json_lines(capsys.readouterr().err)
    access = [line for line in lines if line["logger"] == "stepdown.access"]
    assert len(access) == 1
    assert access[0]["request_id"] == request_id
    assert access[0]["subject"] == "viewer-1"
    assert access[0]["level"] == "info"
    assert access[0]["event"].startswith("GET /programs 200 ")
    assert "timestamp" in access[0]


def test_a_well_formed_incoming_request_id_is_kept_and_a_forged_one_replaced(
    json_api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = json_api.get("/programs", headers={"X-Request-ID": "edge-7f3a.9:1"})
    assert kept.headers["x-request-id"] == "edge-7f3a.9:1"
    forged = json_api.get("/programs", headers={"X-Request-ID": 'x" subject="admin'})
    assert forged.headers["x-request-id"] != 'x" subject="admin'
    assert len(forged.headers["x-request-id"]) == 32
    ids = [line.get("request_id", "") for line in json_lines(capsys.readouterr().err)]
    assert "edge-7f3a.9:1" in ids
    assert forged.headers["x-request-id"] in ids
    assert not any("admin" in each for each in ids)


def test_an_application_line_inside_a_request_carries_its_id_and_subject(
    json_api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    # A sync route (run in a worker thread, as most routes are) that logs one line.
    @json_api.app.get("/logging-probe")
    def probe(_: Reader) -> dict[str, str]:
        logging.getLogger("stepdown.api").info("probe answered")
        return {}

    answer = json_api.get("/logging-probe", role="clinician")
    assert answer.status_code == 200
    probe_lines = [
        line for line in json_lines(capsys.readouterr().err) if line["event"] == "probe answered"
    ]
    assert probe_lines == [
        {
            "event": "probe answered",
            "level": "info",
            "logger": "stepdown.api",
            "timestamp": probe_lines[0]["timestamp"],
            "request_id": answer.headers["x-request-id"],
            "subject": "clinician-1",
        }
    ]


def test_an_unauthenticated_request_is_logged_without_a_subject(
    json_api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    json_api.client.get("/programs")
    (access,) = [
        line for line in json_lines(capsys.readouterr().err) if line["logger"] == "stepdown.access"
    ]
    assert access["event"].startswith("GET /programs 401 ")
    assert "subject" not in access


def test_a_page_session_names_its_subject(
    stepdown: Stepdown, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEPDOWN_LOG_FORMAT", "json")
    tokens = TokenStore(stepdown)
    api_token = tokens.create("coord-page", Role.COORDINATOR, Scope.of([PROGRAM]))
    principal = tokens.authenticate(api_token)
    assert principal is not None
    session = tokens.open_session(principal)
    for api in make_api(stepdown, api_settings()):
        capsys.readouterr()
        api.client.cookies.set("stepdown_session", session)
        answer = api.client.get("/ui", follow_redirects=False)
    (access,) = [
        line for line in json_lines(capsys.readouterr().err) if line["logger"] == "stepdown.access"
    ]
    assert access["event"].startswith("GET /ui 303 ")
    assert access["subject"] == "coord-page"
    assert access["request_id"] == answer.headers["x-request-id"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_format_is_text_in_a_terminal_json_elsewhere_or_as_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STEPDOWN_LOG_FORMAT", raising=False)
    assert chosen_format(Terminal()) == "text"
    assert chosen_format(io.StringIO()) == "json"
    monkeypatch.setenv("STEPDOWN_LOG_FORMAT", "JSON")
    assert chosen_format(Terminal()) == "json"
    monkeypatch.setenv("STEPDOWN_LOG_FORMAT", "xml")
    with pytest.raises(InvalidRequestError, match="STEPDOWN_LOG_FORMAT: 'xml' is neither"):
        configure_logging()


def test_text_lines_are_readable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEPDOWN_LOG_FORMAT", "text")
    configure_logging()
    logging.getLogger("stepdown.api").warning("store not opened: %s", "disk full")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert "store not opened: disk full" in line
    assert "[warning  ]" in line
    assert "[stepdown.api]" in line
    assert not line.startswith("{")


def test_a_feed_secret_in_the_path_is_redacted_on_the_access_line(
    json_api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    json_api.client.get("/feeds/sd-feed-secret-1234567890.ics")
    # The test client's own httpx lines are not the server's.
    server = [line for line in json_lines(capsys.readouterr().err) if line["logger"] != "httpx"]
    assert not any("sd-feed-secret-1234567890" in json.dumps(line) for line in server)
    assert any(
        line["event"].startswith("GET /feeds/[secret] ")
        for line in server
        if line["logger"] == "stepdown.access"
    )


def test_a_cli_or_worker_line_names_the_actor_in_every_thread(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEPDOWN_LOG_FORMAT", "json")
    configure_logging()
    bind_process_subject("night-shift")
    try:
        worker = threading.Thread(
            target=lambda: logging.getLogger("stepdown.jobs").info("batch applied")
        )
        worker.start()
        worker.join()
    finally:
        bind_process_subject(None)
    (line,) = [
        each for each in json_lines(capsys.readouterr().err) if each["event"] == "batch applied"
    ]
    assert line["subject"] == "night-shift"
    assert "request_id" not in line
