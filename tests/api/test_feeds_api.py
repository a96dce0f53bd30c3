"""Secret feed URLs: a phone reads one feed with no header; rotation, revocation and scope hold,
and the store keeps only a digest of each secret (both backends)."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from icalendar import Calendar

from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, WEEK, Api
from tests.conftest import NOW

CLINICAL_WORDS = ("IOP", "addiction", "substance", "treatment", "therapy", "Standard IOP", "group")
NOT_FOUND = {"detail": "Not Found"}


def feed_path(answer: httpx.Response) -> str:
    assert answer.status_code == 201, answer.text
    return httpx.URL(answer.json()["url"]).path


def read(api: Api, path: str) -> httpx.Response:
    """A phone calendar's request: no Authorization header, no cookie."""
    api.client.cookies.clear()
    return api.call("", "GET", path)


def dates(feed: bytes) -> list[str]:
    calendar = Calendar.from_ical(feed)
    return sorted(event.decoded("dtstart").date().isoformat() for event in calendar.walk("VEVENT"))


@pytest.fixture
def published(program: Api) -> Api:
    """The sample program with Jane Roe enrolled and next week's roster published."""
    enrolled = program.post(
        f"/programs/{PROGRAM}/patients",
        json={
            "id": "JR-1",
            "name": "Jane Roe",
            "start_date": "2026-11-30",
            "planned_weeks": 8,
            "initial_days_per_week": 3,
        },
    )
    assert enrolled.status_code == 201, enrolled.text
    assert program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/generate", json={}).is_success
    assert program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/publish").is_success
    return program


def seats(api: Api, patient_id: str) -> list[str]:
    roster = api.get(f"/programs/{PROGRAM}/rosters/{WEEK}").json()
    entry = next(p for p in roster["patients"] if p["patient_id"] == patient_id)
    return sorted(seat["date"] for seat in entry["session_ids"])


def test_a_phone_reads_a_patient_feed_with_no_header_and_sees_no_name_or_clinical_word(
    published: Api,
) -> None:
    path = feed_path(published.post(f"/programs/{PROGRAM}/patients/JR-1/feed"))
    answer = read(published, path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert answer.headers["cache-control"] == "private, no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in answer.headers
    assert dates(answer.content) == seats(published, "JR-1") != []
    text = answer.content.decode()
    assert set(Calendar.from_ical(answer.content).walk("VEVENT")[0]) >= {"SUMMARY", "UID"}
    for revealing in ("Jane", "Roe", "JR-1", PROGRAM, "evening", "day-1", *CLINICAL_WORDS):
        assert revealing.lower() not in text.lower(), revealing
    assert {str(e["summary"]) for e in Calendar.from_ical(answer.content).walk("VEVENT")} == {
        "Appointment"
    }


def test_each_read_of_a_patient_feed_is_in_the_patients_disclosure_log(published: Api) -> None:
    path = feed_path(published.post(f"/programs/{PROGRAM}/patients/JR-1/feed"))
    assert read(published, path).status_code == 200
    log = published.call("coordinator", "GET", f"/programs/{PROGRAM}/patients/JR-1/disclosures")
    assert log.status_code == 200, log.text
    feeds = [entry for entry in log.json() if entry["what"] == "calendar-feed"]
    assert len(feeds) == 1
    assert feeds[0]["channel"] == "feed"


def test_the_url_is_shown_once_and_only_its_digest_is_stored(
    published: Api, stepdown: Stepdown
) -> None:
    answer = published.post(f"/programs/{PROGRAM}/patients/JR-1/feed")
    assert answer.headers["cache-control"] == "private, no-store"
    secret = feed_path(answer).removeprefix("/feeds/").removesuffix(".ics")
    assert len(secret) >= 40  # 256 random bits in URL-safe base64, after the prefix
    read(published, f"/feeds/{secret}.ics")
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query("SELECT * FROM feed_tokens")
    assert len(rows) == 1
    row = rows[0]
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret[4:] in str(value) for value in row.values())
    assert (row["program_id"], row["feed_kind"], row["feed_of"]) == (PROGRAM, "patient", "JR-1")
    assert row["created_by"] == "coordinator-1"
    assert row["created_at"] == row["last_used_at"] == NOW.isoformat()
    assert row["revoked_at"] is None


def test_rotation_gives_a_new_url_and_kills_the_old_one(published: Api) -> None:
    old = feed_path(published.post(f"/programs/{PROGRAM}/patients/JR-1/feed"))
    rotated = published.post(f"/programs/{PROGRAM}/patients/JR-1/feed/rotate")
    new = feed_path(rotated)
    assert rotated.json()["replaced"] is True
    assert new != old
    assert read(published, new).status_code == 200
    gone = read(published, old)
    assert (gone.status_code, gone.json()) == (404, NOT_FOUND)


def test_a_revoked_url_is_answered_like_one_that_never_existed(
    published: Api, stepdown: Stepdown
) -> None:
    path = feed_path(published.post(f"/programs/{PROGRAM}/patients/JR-1/feed"))
    revoked = published.call("coordinator", "DELETE", f"/programs/{PROGRAM}/patients/JR-1/feed")
    assert revoked.status_code == 204
    gone, never = read(published, path), read(published, "/feeds/sdf_" + "A" * 43 + ".ics")
    assert (gone.status_code, gone.json()) == (never.status_code, never.json()) == (404, NOT_FOUND)
    assert gone.headers["cache-control"] == "private, no-store"
    again = published.call("coordinator", "DELETE", f"/programs/{PROGRAM}/patients/JR-1/feed")
    assert again.status_code == 404
    assert "no live feed URL" in again.json()["detail"]
    with stepdown.views.transaction(commit=False) as cursor:
        (row,) = cursor.query("SELECT revoked_at FROM feed_tokens")
    assert row["revoked_at"] == NOW.isoformat()
    # A revoked feed can be given a fresh URL.
    assert read(published, feed_path(published.post(f"/programs/{PROGRAM}/patients/JR-1/feed")))


def test_a_patient_secret_opens_only_that_patients_feed(published: Api) -> None:
    path = feed_path(published.post(f"/programs/{PROGRAM}/patients/JR-1/feed"))
    secret = path.removeprefix("/feeds/").removesuffix(".ics")
    for elsewhere in (f"/feeds/{secret}", f"/feeds/{secret}.ics/P0001", f"/feeds/{secret}.json"):
        assert read(published, elsewhere).status_code == 404, elsewhere
    as_bearer = {"Authorization": f"Bearer {secret}"}
    for route in (
        f"/programs/{PROGRAM}/patients/P0001/calendar.ics",
        f"/programs/{PROGRAM}/patients/JR-1/calendar.ics",
        f"/programs/{PROGRAM}/patients",
    ):
        assert published.client.get(route, headers=as_bearer).status_code == 401, route
    other = next(
        p for p in ("P0001", "P0002", "P0003") if seats(published, p) != seats(published, "JR-1")
    )
    assert (
        dates(read(published, path).content) == seats(published, "JR-1") != seats(published, other)
    )


def test_only_one_live_url_per_feed_and_only_for_what_exists(published: Api) -> None:
    assert published.post(f"/programs/{PROGRAM}/patients/JR-1/feed").status_code == 201
    twice = published.post(f"/programs/{PROGRAM}/patients/JR-1/feed")
    assert twice.status_code == 409
    assert "rotate" in twice.json()["detail"]
    unknown = published.post(f"/programs/{PROGRAM}/patients/NOBODY/feed")
    assert unknown.status_code == 404
    assert "'NOBODY'" in unknown.json()["detail"]
    nothing_to_rotate = published.post(f"/programs/{PROGRAM}/patients/P0001/feed/rotate")
    assert nothing_to_rotate.status_code == 404
    for role in ("viewer", "clinician"):
        refused = published.post(f"/programs/{PROGRAM}/patients/P0001/feed", role=role)
        assert refused.status_code == 403


def test_a_session_feed_gives_staff_the_dates_it_meets(published: Api) -> None:
    answer = published.post(f"/programs/{PROGRAM}/sessions/thu-day-1/feed")
    feed = read(published, feed_path(answer))
    # Thursdays from this week on; 26 Nov is Thanksgiving, so the first is 3 Dec.
    assert dates(feed.content)[:2] == ["2026-12-03", "2026-12-10"]
    assert len(dates(feed.content)) == 11
    for revealing in ("thu-day-1", "Day group", PROGRAM, *CLINICAL_WORDS):
        assert revealing.lower() not in feed.text.lower(), revealing
    unknown = published.post(f"/programs/{PROGRAM}/sessions/sun-nothing/feed")
    assert unknown.status_code == 404
