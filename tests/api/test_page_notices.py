"""Page notices are kept on the server: the redirect after a form carries an opaque id, the
page shows the notice once to the person who posted, and a crafted link shows nothing. A form
field the shared types refuse comes back as a notice naming the field and value; nothing is
recorded."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.api.conftest import PROGRAM, WEEK, Api, csrf_form, sign_in

PAGE = f"/ui/programs/{PROGRAM}/weeks/{WEEK}"


@pytest.fixture
def signed_in(program: Api) -> Api:
    sign_in(program, "coordinator")
    return program


def post_form(program: Api, action: str, **fields: str) -> httpx.Response:
    response: httpx.Response = program.client.post(
        f"{PAGE}/{action}", data=csrf_form(program, **fields), follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return response


def notice_on(text: str) -> str | None:
    found = re.search(r'class="notice[^"]*"[^>]*>([^<]*)<', text)
    return found.group(1) if found else None


def head(program: Api) -> int:
    return program.app.state.stepdown.app.recorder.max_notification_id() or 0


def notice_rows(program: Api) -> list[dict[str, object]]:
    with program.app.state.stepdown.views.transaction(commit=False) as cursor:
        return [dict(row) for row in cursor.query("SELECT subject, kind, text FROM web_notices")]


def test_the_redirect_carries_an_opaque_id_and_the_page_shows_the_notice_once(
    signed_in: Api,
) -> None:
    program = signed_in
    response = post_form(program, "pins", patient_id="P0007", meeting="mon-evening-1|2026-11-30")
    location = response.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert list(query) == ["notice"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", query["notice"][0])  # 128 random bits
    assert "P0007" not in location
    assert "pinned" not in location
    assert [(r["subject"], r["kind"]) for r in notice_rows(program)] == [("coordinator-1", "ok")]

    shown = program.client.get(location)
    assert notice_on(shown.text) == (
        "P0007 pinned to mon-evening-1 on 2026-11-30; generate to apply it."
    )
    assert notice_rows(program) == []  # taken when shown
    assert notice_on(program.client.get(location).text) is None


def test_a_crafted_link_shows_no_text_as_a_notice(signed_in: Api) -> None:
    program = signed_in
    crafted = program.client.get(f"{PAGE}?notice=Call+0800+to+reschedule&kind=error")
    assert crafted.status_code == 200
    assert notice_on(crafted.text) is None
    assert "reschedule" not in crafted.text


def test_a_notice_is_shown_only_to_the_person_who_posted_the_form(signed_in: Api) -> None:
    program = signed_in
    location = post_form(program, "pins", patient_id="P0007", meeting="mon-evening-1|2026-11-30")
    sign_in(program, "viewer")
    assert notice_on(program.client.get(location.headers["location"]).text) is None


@pytest.mark.parametrize(
    ("action", "fields", "named"),
    [
        (
            "cancellations",
            {"session_id": "mon-day-1", "session_date": "2026-11-30", "reason": "ill\x00"},
            "reason: a control character (U+0000) is not allowed here (got &#39;ill\\x00&#39;)",
        ),
        (
            "cancellations",
            {"session_id": "mon-day-1", "session_date": "9999-11-30", "reason": "ill"},
            "session_date: dates are between 2000-01-01 and 2100-12-31",
        ),
        (
            "cancellations",
            {
                "session_id": "mon-day-1",
                "session_date": "2026-11-30T00:00:00+05:00",
                "reason": "ill",
            },
            "session_date: expected a date written YYYY-MM-DD, without a time or an offset",
        ),
        (
            "pins/remove",
            {"patient_id": "P\x1b0007", "session_id": "mon-day-1", "session_date": "2026-11-30"},
            "patient_id: String should match pattern",
        ),
        (
            "pins",
            {"patient_id": "P0007", "meeting": "mon-evening-1|9999-11-30"},
            "meeting: &#39;mon-evening-1|9999-11-30&#39; is not a session and a date",
        ),
    ],
)
def test_a_refused_form_field_is_named_on_the_page_and_records_nothing(
    signed_in: Api, action: str, fields: dict[str, str], named: str
) -> None:
    program = signed_in
    before = head(program)
    response = post_form(program, action, **fields)
    shown = notice_on(program.client.get(response.headers["location"]).text)
    assert shown is not None
    assert shown.startswith("Not done: ")
    assert named in shown
    assert head(program) == before
