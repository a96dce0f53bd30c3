"""Undoing a cancellation over HTTP: coordinators only, once, before the meeting starts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.conftest import PROGRAM, WEEK, Api, csrf_form, sign_in

ROSTERS = f"/programs/{PROGRAM}/rosters"
MONDAY = "2026-11-30"


@pytest.fixture
def published(program: Api) -> Api:
    assert program.post(f"{ROSTERS}/{WEEK}/generate", json={}).status_code == 201
    assert program.post(f"{ROSTERS}/{WEEK}/publish").status_code == 200
    return program


def fullest_monday(api: Api) -> dict[str, Any]:
    roster = api.get(f"{ROSTERS}/{WEEK}").json()
    meetings = [s for s in roster["sessions"] if s["date"] == MONDAY]
    return max(meetings, key=lambda s: (len(s["patient_ids"]), s["session_id"]))


def test_a_cancellation_names_who_moved_where_and_whom_to_call(published: Api) -> None:
    meeting = fullest_monday(published)
    cancelled = published.post(
        f"/programs/{PROGRAM}/sessions/{meeting['session_id']}/cancellations",
        json={"date": MONDAY, "reason": "flood"},
    ).json()
    assert sorted(m["patient_id"] for m in cancelled) == sorted(meeting["patient_ids"])
    for answer in cancelled:
        # Moved: to a meeting and date; not moved: why, so the coordinator can call them.
        assert (
            (answer["session_id"] is None) == (answer["date"] is None) != (answer["reason"] is None)
        )


def test_an_undone_cancellation_brings_the_patients_back(published: Api) -> None:
    meeting = fullest_monday(published)
    session_id = meeting["session_id"]
    cancellations = f"/programs/{PROGRAM}/sessions/{session_id}/cancellations"
    moved = published.post(cancellations, json={"date": MONDAY, "reason": "flood"}).json()
    assert (
        published.post(f"{cancellations}/undo", role="clinician", json={"date": MONDAY}).status_code
        == 403
    )

    key = {"Idempotency-Key": "undo-monday"}
    response = published.post(f"{cancellations}/undo", json={"date": MONDAY}, headers=key)
    assert response.status_code == 200, response.text
    undone = response.json()
    assert undone["returned"] == sorted(meeting["patient_ids"])
    assert sorted(
        (s["patient_id"], s["session_id"], s["date"]) for s in undone["make_ups_withdrawn"]
    ) == sorted((m["patient_id"], m["session_id"], m["date"]) for m in moved if m["session_id"])
    assert undone["not_returned"] == []
    roster = published.get(f"{ROSTERS}/{WEEK}").json()
    back = next(
        s for s in roster["sessions"] if (s["session_id"], s["date"]) == (session_id, MONDAY)
    )
    assert sorted(back["patient_ids"]) == sorted(meeting["patient_ids"])

    # The same request again (a lost answer) gets the first answer; a new one is refused.
    replay = published.post(f"{cancellations}/undo", json={"date": MONDAY}, headers=key)
    assert replay.json() == undone
    assert replay.headers["Idempotent-Replayed"] == "true"
    again = published.post(f"{cancellations}/undo", json={"date": MONDAY})
    assert again.status_code == 409
    assert f"{session_id} on {MONDAY} is not cancelled" in again.json()["detail"]


def test_undoing_a_meeting_that_was_never_cancelled_is_refused(published: Api) -> None:
    meeting = fullest_monday(published)
    response = published.post(
        f"/programs/{PROGRAM}/sessions/{meeting['session_id']}/cancellations/undo",
        json={"date": MONDAY},
    )
    assert response.status_code == 409
    assert "nothing to undo" in response.json()["detail"]


# --- the coordinator page ------------------------------------------------------------------

PAGE = f"/ui/programs/{PROGRAM}/weeks/{WEEK}"


def posted(api: Api, action: str, **fields: str) -> str:
    """Post a page form; the page it returns to, with its notice."""
    response = api.client.post(
        f"{PAGE}/{action}", data=csrf_form(api, **fields), follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return str(api.client.get(response.headers["location"]).text)


def notice_of(page: str) -> str:
    found = re.search(r'<div class="notice[^"]*" role="status">(.*?)</div>', page, re.S)
    assert found, "no notice on the page"
    return found.group(1)


def test_the_page_names_whom_to_call_and_offers_an_undo(published: Api) -> None:
    sign_in(published, "coordinator")
    meeting = fullest_monday(published)
    session_id = meeting["session_id"]
    notice = notice_of(
        posted(
            published, "cancellations", session_id=session_id, session_date=MONDAY, reason="flood"
        )
    )
    moved = published.get(f"/programs/{PROGRAM}/patients/{meeting['patient_ids'][0]}").json()
    assert re.search(r"cancelled: \d+ moved to a make-up, \d+ to call\.", notice)
    assert moved["name"] in notice  # patients by name, as the coordinator knows them
    assert 'action="/ui/programs/standard-101/weeks/2026-W49/cancellations/undo"' in notice
    assert f'name="session_id" value="{session_id}"' in notice
    assert 'name="idempotency_key"' in notice
    assert 'name="csrf_token"' in notice
    assert ">Undo</button>" in notice

    undone = notice_of(
        posted(published, "cancellations/undo", session_id=session_id, session_date=MONDAY)
    )
    assert f"will be held after all: {len(meeting['patient_ids'])} patients in it." in undone
    again = notice_of(
        posted(published, "cancellations/undo", session_id=session_id, session_date=MONDAY)
    )
    assert again.startswith("Not done: ")
    assert "is not cancelled" in again


def test_a_clinician_may_not_undo_a_cancellation(published: Api) -> None:
    meeting = fullest_monday(published)
    published.post(
        f"/programs/{PROGRAM}/sessions/{meeting['session_id']}/cancellations",
        json={"date": MONDAY, "reason": "flood"},
    )
    sign_in(published, "clinician")
    before = published.app.state.stepdown.app.recorder.max_notification_id()
    notice = notice_of(
        posted(
            published,
            "cancellations/undo",
            session_id=meeting["session_id"],
            session_date=MONDAY,
        )
    )
    assert "may not do this" in notice
    assert published.app.state.stepdown.app.recorder.max_notification_id() == before
