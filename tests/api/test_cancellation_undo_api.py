"""Undoing a cancellation over HTTP: coordinators only, once, before the meeting starts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import PROGRAM, WEEK, Api

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
