"""HTTP conventions (issue 14): ETag is the roster version and If-Match guards publish, pins and
regenerate (412 naming the current version); every 201 says where the new resource is; a body
that is not JSON is the documented 400; the OpenAPI document has short stable operation ids,
only their own media type on non-JSON routes, and a schema for every body."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.api.conftest import PROGRAM, WEEK, Api
from tests.api.test_consents_api import CONSENT
from tests.api.test_patients_api import new_patient
from tests.api.test_programs_api import SESSION

ROSTER = f"/programs/{PROGRAM}/rosters/{WEEK}"
SEAT = {"patient_id": "P0001", "session_id": "mon-evening-1", "date": "2026-11-30"}


@pytest.fixture
def drafted(program: Api) -> Api:
    """Version 1 of the week's roster, generated and not yet published."""
    generated = program.post(f"{ROSTER}/generate", json={})
    assert generated.status_code == 201, generated.text
    return program


def _versions(api: Api) -> list[tuple[int, bool]]:
    return [(v["version"], v["published"]) for v in api.get(f"{ROSTER}/versions").json()]


def test_roster_reads_carry_the_version_as_etag(drafted: Api) -> None:
    assert drafted.get(ROSTER).headers["ETag"] == '"1"'
    assert drafted.get(f"{ROSTER}/roster.csv").headers["ETag"] == '"1"'
    drafted.post(f"{ROSTER}/generate", json={})
    assert drafted.get(ROSTER).headers["ETag"] == '"2"'


def test_publish_with_a_stale_if_match_is_412_and_publishes_nothing(drafted: Api) -> None:
    drafted.post(f"{ROSTER}/generate", json={})
    stale = drafted.post(f"{ROSTER}/publish", headers={"If-Match": '"1"'})
    assert stale.status_code == 412, stale.text
    assert "current version is 2" in stale.json()["detail"]
    assert _versions(drafted) == [(1, False), (2, False)]
    current = drafted.post(f"{ROSTER}/publish", headers={"If-Match": '"2"'})
    assert current.status_code == 200, current.text
    assert current.json() == {"version": 2}


def test_an_if_match_that_is_no_version_matches_nothing(drafted: Api) -> None:
    for tag in ('"abc"', "W/", '""'):
        response = drafted.post(f"{ROSTER}/publish", headers={"If-Match": tag})
        assert response.status_code == 412, (tag, response.text)
    assert _versions(drafted) == [(1, False)]
    assert drafted.post(f"{ROSTER}/publish", headers={"If-Match": 'W/"1"'}).status_code == 200


def test_publish_without_if_match_publishes_the_latest_as_before(drafted: Api) -> None:
    assert drafted.post(f"{ROSTER}/publish").json() == {"version": 1}


def test_pins_honour_if_match(drafted: Api) -> None:
    pins = f"{ROSTER}/pins"
    refused = drafted.post(pins, json=SEAT, headers={"If-Match": '"7"'})
    assert refused.status_code == 412, refused.text
    assert "current version is 1" in refused.json()["detail"]
    assert drafted.get(pins).json() == []
    pinned = drafted.post(pins, json=SEAT, headers={"If-Match": '"1"'})
    assert pinned.status_code == 200, pinned.text
    seat = f"{pins}/{SEAT['patient_id']}/{SEAT['session_id']}/{SEAT['date']}"
    kept = drafted.call("coordinator", "DELETE", seat, headers={"If-Match": '"0"'})
    assert kept.status_code == 412
    assert len(drafted.get(pins).json()) == 1
    removed = drafted.call("coordinator", "DELETE", seat, headers={"If-Match": '"1"'})
    assert removed.status_code == 200, removed.text
    assert drafted.get(pins).json() == []


def test_regenerate_honours_if_match_and_answers_where_the_roster_is(drafted: Api) -> None:
    stale = drafted.post(f"{ROSTER}/generate", json={}, headers={"If-Match": '"0"'})
    assert stale.status_code == 412, stale.text
    assert "current version is 1" in stale.json()["detail"]
    assert _versions(drafted) == [(1, False)]
    again = drafted.post(f"{ROSTER}/generate", json={}, headers={"If-Match": '"1"'})
    assert again.status_code == 201, again.text
    assert again.headers["Location"] == ROSTER
    assert again.headers["ETag"] == '"2"'
    assert drafted.get(again.headers["Location"]).json()["version"] == 2


def test_every_201_says_where_the_new_resource_is(program: Api) -> None:
    enrolled = program.post(f"/programs/{PROGRAM}/patients", json=new_patient())
    assert enrolled.status_code == 201, enrolled.text
    shown = program.get(enrolled.headers["Location"])
    assert shown.json()["patient_id"] == new_patient()["id"]

    session = program.post(f"/programs/{PROGRAM}/sessions", json=SESSION)
    assert session.status_code == 201, session.text
    assert session.headers["Location"] == f"/programs/{PROGRAM}/sessions/{SESSION['id']}"

    consent = program.post(f"/programs/{PROGRAM}/patients/P0001/consents", json=CONSENT)
    assert consent.status_code == 201, consent.text
    consent_id = consent.json()["consent_id"]
    location = f"/programs/{PROGRAM}/patients/P0001/consents/{consent_id}"
    assert consent.headers["Location"] == location

    feed = program.post(f"/programs/{PROGRAM}/patients/P0001/feed")
    assert feed.status_code == 201, feed.text
    # Where the feed is managed (revoke, rotate), never the secret URL itself.
    assert feed.headers["Location"] == f"/programs/{PROGRAM}/patients/P0001/feed"
    assert feed.json()["url"] not in feed.headers["Location"]
    revoked = program.call("coordinator", "DELETE", feed.headers["Location"])
    assert revoked.status_code == 204


def test_a_body_that_is_not_json_is_the_documented_400(program: Api) -> None:
    before = program.get(f"/programs/{PROGRAM}/patients").json()
    response = program.post(
        f"/programs/{PROGRAM}/patients",
        content=b'{"id": "P9",',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("the body is not well-formed JSON")
    assert program.get(f"/programs/{PROGRAM}/patients").json() == before


def _operations(api: Api) -> dict[str, dict[str, Any]]:
    document = api.client.get("/openapi.json").json()
    return {
        f"{method.upper()} {path}": operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_operation_ids_are_short_unique_and_named_for_the_resource(api: Api) -> None:
    operations = _operations(api)
    ids = [operation["operationId"] for operation in operations.values()]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert max(len(i) for i in ids) <= 32, max(ids, key=len)
    assert operations["POST /programs/{program_id}/rosters/{week}/publish"]["operationId"] == (
        "rosters_publish"
    )
    assert operations["GET /programs/{program_id}/patients"]["operationId"] == "patients_list"


@pytest.mark.parametrize(
    ("route", "media_type"),
    [
        ("GET /programs/{program_id}/rosters/{week}/roster.csv", "text/csv"),
        (
            "GET /programs/{program_id}/rosters/{week}/sessions/{session_id}/{date}/sign-in",
            "text/html",
        ),
        ("GET /programs/{program_id}/patients/{patient_id}/calendar.ics", "text/calendar"),
        ("GET /programs/{program_id}/sessions/{session_id}/calendar.ics", "text/calendar"),
        ("GET /metrics", "text/plain"),
    ],
)
def test_non_json_routes_declare_only_their_media_type(
    api: Api, route: str, media_type: str
) -> None:
    responses = _operations(api)[route]["responses"]
    assert list(responses["200"]["content"]) == [media_type]
    assert list(responses["404"]["content"]) == ["application/json"]


def test_every_body_has_a_schema(api: Api) -> None:
    operations = _operations(api)
    generate = operations["POST /programs/{program_id}/rosters/{week}/generate"]["responses"]
    assert generate["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RosterPublic"
    }
    imported = operations["POST /programs"]["requestBody"]["content"]["application/json"]
    assert {"format", "program", "sessions", "patients"} <= set(imported["schema"]["properties"])
    assert "$ref" not in str(imported["schema"])  # self-contained: no dangling $defs
    session = imported["schema"]["properties"]["sessions"]["items"]["properties"]
    assert session["weekday"] == {
        "type": "string",
        "enum": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"],
    }
    exported = operations["GET /programs/{program_id}"]["responses"]["200"]["content"]
    assert exported["application/json"]["schema"]["properties"] == imported["schema"]["properties"]
    for route, operation in operations.items():
        for status_code, answer in operation["responses"].items():
            for media_type, content in answer.get("content", {}).items():
                assert content.get("schema"), (route, status_code, media_type)
        for content in operation.get("requestBody", {}).get("content", {}).values():
            assert content.get("schema"), route


def test_the_census_pages_by_cursor_without_repeats_or_gaps(program: Api) -> None:
    everyone = [p["patient_id"] for p in program.get(f"/programs/{PROGRAM}/patients").json()]
    seen: list[str] = []
    path: str | None = f"/programs/{PROGRAM}/patients?limit=7"
    while path is not None:
        answer = program.get(path)
        assert answer.status_code == 200, answer.text
        seen += [p["patient_id"] for p in answer.json()]
        link = answer.headers.get("Link")
        path = None if link is None else link.split(">")[0].removeprefix("<")
    assert seen == sorted(everyone)
    assert len(seen) == 30


def test_a_cursor_the_service_did_not_give_is_422(program: Api) -> None:
    answer = program.get(f"/programs/{PROGRAM}/patients", params={"cursor": "%%%"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "cursor"]


@pytest.mark.parametrize("listing", ["attendance", "compliance"])
def test_attendance_lists_page_in_a_stable_order(published_week: Api, listing: str) -> None:
    path = f"/programs/{PROGRAM}/{listing}"
    everyone = published_week.get(path).json()
    assert everyone, "the scenario records attendance"
    seen: list[tuple[str, str]] = []
    next_path: str | None = f"{path}?limit=1"
    while next_path is not None:
        answer = published_week.get(next_path)
        assert answer.status_code == 200, answer.text
        seen += [(row["patient_id"], row["week"]) for row in answer.json()]
        link = answer.headers.get("Link")
        next_path = None if link is None else link.split(">")[0].removeprefix("<")
    assert seen == sorted((row["patient_id"], row["week"]) for row in everyone)


@pytest.fixture
def published_week(program: Api) -> Api:
    """This week's roster published and two of its seats marked, so the lists have rows."""
    this_week = f"/programs/{PROGRAM}/rosters/2026-W48"
    assert program.post(f"{this_week}/generate", json={}).status_code == 201
    assert program.post(f"{this_week}/publish").status_code == 200
    roster = program.get(this_week).json()
    seats = [
        (s, p) for s in roster["sessions"] for p in s["patient_ids"] if s["date"] < "2026-11-25"
    ]
    for session, patient_id in seats[:2]:
        marked = program.post(
            f"/programs/{PROGRAM}/attendance",
            role="clinician",
            json={
                "patient_id": patient_id,
                "session_id": session["session_id"],
                "date": session["date"],
                "status": "attended",
            },
        )
        assert marked.status_code == 200, marked.text
    return program
