"""The header's program switcher and patient search, the worklist, the check before publishing,
and the roster CSV and sign-in sheets opened with the page's sign-in (no bearer token)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from api.auth import Role, Scope, TokenStore
from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, WEEK, Api, csrf_form, generate_on_page, sign_in

UI = f"/ui/programs/{PROGRAM}"


@pytest.fixture
def generated(program: Api) -> Api:
    assert program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/generate", json={}).status_code == 201
    sign_in(program, "coordinator")
    return program


def disclosed(api: Api, patient_id: str) -> list[str]:
    response = api.get(f"/programs/{PROGRAM}/patients/{patient_id}/disclosures", role="coordinator")
    assert response.status_code == 200, response.text
    return [entry["what"] for entry in response.json()]


def second_program(api: Api, sample_text: str) -> None:
    document: dict[str, Any] = json.loads(sample_text)
    document["program"].update(id="evening-202", name="Evening IOP 202")
    response = api.post(
        "/programs", content=json.dumps(document), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text


def test_the_header_lists_the_programs_the_session_may_read(
    program: Api, stepdown: Stepdown, sample_text: str
) -> None:
    second_program(program, sample_text)
    sign_in(program, "viewer")
    header = program.client.get(f"{UI}/census").text
    assert 'href="/ui/programs/evening-202/weeks/' in header
    assert re.search(r'href="/ui/programs/standard-101/weeks/[^"]+" aria-current="true"', header)
    # A session limited to one program lists only that one.
    limited = TokenStore(stepdown).create("viewer-2", Role.VIEWER, Scope.of([PROGRAM]))
    program.client.cookies.clear()
    program.tokens["limited"] = limited
    sign_in(program, "limited")
    header = program.client.get(f"{UI}/census").text
    assert "evening-202" not in header


def opened_after_sign_in(api: Api, role: str) -> str:
    """Where signing in lands: the program of the week page it redirects to."""
    sign_in(api, role)
    landing = api.client.get("/ui", follow_redirects=False)
    assert landing.status_code == 303
    found = re.fullmatch(r"/ui/programs/([^/]+)/weeks/\d{4}-W\d{2}", landing.headers["location"])
    assert found is not None, landing.headers["location"]
    return found.group(1)


def test_signing_in_opens_the_program_opened_last(
    program: Api, stepdown: Stepdown, sample_text: str
) -> None:
    second_program(program, sample_text)  # evening-202 sorts before standard-101
    assert opened_after_sign_in(program, "viewer") == "evening-202"
    program.client.get(f"{UI}/census")  # chosen through the switcher: any page of the program
    assert program.client.cookies["stepdown_program"] == PROGRAM  # the id only, nothing else
    program.client.post("/ui/sign-out", data=csrf_form(program))
    assert opened_after_sign_in(program, "viewer") == PROGRAM
    # A session that may not read the remembered program opens the first one it may read.
    program.tokens["evening only"] = TokenStore(stepdown).create(
        "viewer-2", Role.VIEWER, Scope.of(["evening-202"])
    )
    assert opened_after_sign_in(program, "evening only") == "evening-202"
    # A remembered id that is no program at all is ignored the same way.
    program.client.cookies.set("stepdown_program", "<not a program>", path="/ui")
    assert opened_after_sign_in(program, "viewer") == "evening-202"


def test_search_finds_by_part_of_a_name_and_records_the_disclosure(program: Api) -> None:
    sign_in(program, "viewer")
    found = program.client.get(f"{UI}/patients", params={"q": "PATIENT 7"})
    assert found.status_code == 200
    assert 'href="/ui/programs/standard-101/patients/P0007">Patient 7</a>' in found.text
    assert "1 patient matches" in found.text
    assert disclosed(program, "P0007") == ["patient-search"]
    assert disclosed(program, "P0008") == []  # only those listed
    empty = program.client.get(f"{UI}/patients", params={"q": "  "})
    assert "Type part of a name or a patient id" in empty.text
    too_long = program.client.get(f"{UI}/patients", params={"q": "x" * 101})
    assert "type at most 100 characters (got 101)" in too_long.text


def test_the_csv_and_a_sign_in_sheet_open_with_the_page_sign_in(generated: Api) -> None:
    census = generated.client.get(f"{UI}/census").text
    csv_link = re.search(r'href="([^"]+/roster\.csv)"', census)
    sheet_link = re.search(r'href="([^"]+/sign-in)"', census)
    assert csv_link is not None
    assert sheet_link is not None
    csv = generated.client.get(csv_link.group(1))
    assert csv.status_code == 200, csv.text
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.text.lstrip("\ufeff").startswith("date,start,end,session_id")
    sheet = generated.client.get(sheet_link.group(1))
    assert sheet.status_code == 200, sheet.text
    assert sheet.headers["content-type"].startswith("text/html")
    assert "Signature" in sheet.text
    someone = re.search(r"P\d{4}", csv.text)
    assert someone is not None
    assert "roster-csv" in disclosed(generated, someone.group(0))


def test_the_printouts_want_a_sign_in(program: Api) -> None:
    answer = program.client.get(f"{UI}/weeks/{WEEK}/roster.csv", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/ui/sign-in")


def test_publishing_first_shows_the_check_then_publishes_the_version_shown(
    generated: Api,
) -> None:
    check = generated.client.get(f"{UI}/weeks/{WEEK}/publish")
    assert check.status_code == 200
    assert "Nothing is published for this week yet" in check.text
    assert 'name="version" value="1"' in check.text
    published = generated.client.post(
        f"{UI}/weeks/{WEEK}/publish", data=csrf_form(generated, version="1")
    )
    assert "Version 1 published." in published.text
    # Patient 7 (no commitments) pinned to a meeting they are not in: the next draft seats them
    # there, and the check lists that seat as added; an older version is not published unseen.
    roster = generated.get(f"/programs/{PROGRAM}/rosters/{WEEK}").json()
    meeting = next(
        s for s in roster["sessions"] if s["patient_ids"] and "P0007" not in s["patient_ids"]
    )
    pinned = generated.post(
        f"/programs/{PROGRAM}/rosters/{WEEK}/pins",
        json={"patient_id": "P0007", "session_id": meeting["session_id"], "date": meeting["date"]},
    )
    assert pinned.status_code == 200, pinned.text
    generate_on_page(generated, f"{UI}/weeks/{WEEK}")
    stale = generated.client.post(
        f"{UI}/weeks/{WEEK}/publish", data=csrf_form(generated, version="1")
    )
    assert "Not done" in stale.text
    check = generated.client.get(f"{UI}/weeks/{WEEK}/publish").text
    assert "against the published version 1" in check
    listed = re.search(r'<li data-patient="P0007">(.*?)</ul>', check, re.DOTALL)
    assert listed is not None
    assert "Added:" in listed.group(1)
    assert 'name="version" value="2"' in check
    assert "roster-changes" in disclosed(generated, "P0007")


def test_the_worklist_shows_each_section_and_links_to_the_fix(generated: Api) -> None:
    page = generated.client.get(f"{UI}/worklist", params={"week": WEEK})
    assert page.status_code == 200
    for heading in (
        "Missed, with no make-up",
        "Flags to acknowledge",
        "Short of their required days",
        "Pins to remove",
        "Roster waiting to be published",
    ):
        assert heading in page.text
    assert f'href="{UI}/weeks/{WEEK}/publish">Check and publish it' in page.text
