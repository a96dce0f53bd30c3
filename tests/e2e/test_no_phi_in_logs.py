"""No protected health information in logs: a real uvicorn server (access log on, every logger
at DEBUG) through every page action; then its output holds no patient name, no reason typed on
the page, and no attendance word (the notices that name patients stay on the server)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from api.auth import Role, Scope, TokenStore
from events.persistence import Database
from scheduler.service import open_stepdown
from tests.conftest import SCENARIOS
from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = "standard-101"
WEEK = "2026-W49"
NOW = "2026-12-02T12:00:00-06:00"  # Wednesday noon in Chicago: Monday's groups have met
SURNAME = "Vantablack"
REASONS = ("Quetzalcoatl migraine", "facilitator Zanzibar ill", "stray\x00Quetzal")
STATUS_WORDS = re.compile(r"\b(attended|missed|excused)\b", re.IGNORECASE)
LAUNCH = (
    "import logging, sys, uvicorn\n"
    "logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)\n"
    "logging.getLogger('stepdown.logs_test').info('application loggers captured')\n"
    "uvicorn.run('api.app:create_app', factory=True, port=int(sys.argv[1]), access_log=True)\n"
)


@dataclass
class Form:
    action: str
    method: str = "get"
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)


class Forms(HTMLParser):
    """The page's forms: hidden fields as the page wrote them, the choices of each select and
    button, so whatever a form carries (ids, dates, tokens) is posted back as a browser would."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None
        self._lists: dict[str, str] = {}  # a datalist's id: the name of the input it suggests for

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(values.get("action", ""), values.get("method", "get").lower()))
        elif not self.forms:
            return
        elif tag == "input" and "name" in values:
            self.forms[-1].fields[values["name"]] = values.get("value", "")
            if "list" in values:
                self._lists[values["list"]] = values["name"]
        elif tag == "datalist":
            self._select = self._lists.get(values.get("id", ""))
        elif tag == "button" and "name" in values:
            self.forms[-1].choices.setdefault(values["name"], []).append(values.get("value", ""))
        elif tag == "select":
            self._select = values["name"]
        elif tag == "option" and self._select is not None:
            self.forms[-1].choices.setdefault(self._select, []).append(values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("select", "datalist"):
            self._select = None


def forms_on(html: str, action: str) -> list[Form]:
    parser = Forms()
    parser.feed(html)
    # Forms that post; an action keeps the page's filters in its query.
    return [
        form
        for form in parser.forms
        if form.method == "post" and form.action.split("?")[0].endswith(f"/{action}")
    ]


@dataclass
class Server:
    url: str
    token: str
    output: list[str]


def program_file() -> str:
    document = json.loads((SCENARIOS / "sample.json").read_text(encoding="utf-8"))
    for number, patient in enumerate(document["patients"]):
        patient["name"] = f"Ottoline {SURNAME}{number:02d}"
    return json.dumps(document)


@pytest.fixture
def server(database: Database) -> Iterator[Server]:
    stepdown = open_stepdown(database)
    token = TokenStore(stepdown).create(
        "coordinator-logs", Role.COORDINATOR, Scope.organisation_wide()
    )
    stepdown.close()
    env = {
        **os.environ,
        "STEPDOWN_DATABASE_URL": database.url,
        "STEPDOWN_NOW": NOW,
        # Every logger at DEBUG, through the service's own logging set-up (JSON lines).
        "STEPDOWN_LOG_LEVEL": "DEBUG",
        "STEPDOWN_LOG_FORMAT": "json",
        "STEPDOWN_SOLVER_WORKERS": "1",
        "STEPDOWN_SOLVER_DETERMINISTIC": "true",
        "STEPDOWN_ROSTER_TIME_LIMIT_S": "5",
    }
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    output: list[str] = []
    watchdog = threading.Timer(60, process.kill)  # a server that never starts fails the test
    watchdog.start()
    for line in process.stderr:
        output.append(line)
        if "Application startup complete" in line:
            break
    watchdog.cancel()
    assert process.poll() is None, "".join(output)
    readers = [
        threading.Thread(target=lambda s=stream: output.extend(s), daemon=True)
        for stream in (process.stdout, process.stderr)
    ]
    for reader in readers:
        reader.start()
    try:
        yield Server(f"http://127.0.0.1:{port}", token, output)
    finally:
        process.terminate()
        process.wait(timeout=30)
        for reader in readers:
            reader.join(timeout=10)


def test_every_page_action_leaves_no_name_reason_or_status_in_the_logs(server: Server) -> None:
    with httpx.Client(base_url=server.url, follow_redirects=True, timeout=120) as client:
        imported = client.post(
            "/programs",
            content=program_file(),
            headers={"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"},
        )
        assert imported.status_code == 200, imported.text
        week = f"/ui/programs/{PROGRAM}/weeks/{WEEK}"

        signed_in = client.post("/ui/sign-in", data={"token": server.token})
        assert signed_in.status_code == 200
        page = client.get(week).text
        shown: list[str] = []

        def submit(form: Form, **choices: str) -> str:
            response = client.post(form.action, data={**form.fields, **choices})
            assert response.status_code == 200, response.text
            found = re.search(r'class="notice[^"]*"[^>]*>([^<]*)<', response.text)
            assert found is not None, "every action says what it did"
            shown.append(found.group(1))
            return response.text

        # Generate runs as a job: the page polls its progress, then shows what it did.
        generating = client.post(
            forms_on(page, "generate")[0].action, data=forms_on(page, "generate")[0].fields
        )
        assert generating.status_code == 200, generating.text
        job_id = generating.url.params["job"]
        for _ in range(600):
            progress = client.get(f"{week}/jobs/{job_id}").json()
            if progress["finished"]:
                break
            time.sleep(0.2)
        assert progress["finished"], progress
        assert progress["next"], progress
        page = client.get(progress["next"]).text
        assert "Roster generated" in page, "the generate says what it did"
        # Publishing goes through the page that shows what it changes.
        page = submit(forms_on(client.get(f"{week}/publish").text, "publish")[0])
        # The page opens on today (Wednesday); Monday's meetings are where marks are taken.
        page = client.get(f"{week}?day=2026-11-30").text
        attendance = forms_on(page, "attendance")
        assert len(attendance) >= 2, "Monday's seats can be marked"
        submit(attendance[0], status="missed", reason=REASONS[0])
        page = submit(attendance[1], status="attended")
        pin = forms_on(page, "pins")[0]
        page = submit(
            pin, patient_id=pin.choices["patient_id"][6], meeting=pin.choices["meeting"][-1]
        )
        for removal in forms_on(page, "remove")[:1]:
            page = submit(removal)
        # Meetings still to come can be cancelled: Friday's.
        page = client.get(f"{week}?day=2026-12-04").text
        cancel = forms_on(page, "cancellations")[-1]
        page = submit(cancel, reason=REASONS[1])
        # Refused on the page, naming the value (each form the page writes has its own key).
        submit(forms_on(page, "cancellations")[0], reason=REASONS[2])
        client.post("/ui/sign-out")

    assert any(SURNAME in notice for notice in shown)  # the notices did name patients
    assert any("missed" in notice for notice in shown)
    log = "".join(server.output)
    assert f"POST /ui/programs/{PROGRAM}/weeks/{WEEK}/attendance 303 " in log
    assert "INFO:stepdown.logs_test:application loggers captured" in log
    for line in server.output:
        assert SURNAME not in line, line
        assert not any(reason.split()[-1] in line for reason in REASONS), line
        assert "Quetzal" not in line, line
        assert not STATUS_WORDS.search(line), line
