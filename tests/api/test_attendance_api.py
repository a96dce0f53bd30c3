"""Attendance over HTTP: three marks, corrections with their history, nothing before a meeting
starts; the new fields are optional (a client of the old shape still works)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import PROGRAM, Api

ROSTERS = f"/programs/{PROGRAM}/rosters"
ATTENDANCE = f"/programs/{PROGRAM}/attendance"
THIS_WEEK, MONDAY = "2026-W48", "2026-11-23"


@pytest.fixture
def published(program: Api) -> Api:
    assert program.post(f"{ROSTERS}/{THIS_WEEK}/generate", json={}).status_code == 201
    assert program.post(f"{ROSTERS}/{THIS_WEEK}/publish").status_code == 200
    return program


def _monday_seat(api: Api) -> dict[str, Any]:
    roster = api.get(f"{ROSTERS}/{THIS_WEEK}").json()
    monday = next(s for s in roster["sessions"] if s["date"] == MONDAY and s["patient_ids"])
    return {"patient_id": monday["patient_ids"][0], "session_id": monday["session_id"]}


def _mark(api: Api, **body: Any) -> dict[str, Any]:
    response = api.post(ATTENDANCE, role="clinician", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_a_miss_corrected_to_attended_answers_with_the_make_up_given_back(published: Api) -> None:
    seat = {**_monday_seat(published), "date": MONDAY}
    missed = _mark(published, **seat, status="missed", reason="flu")
    assert missed["corrected_from"] is None
    corrected = _mark(published, **seat, status="attended")
    assert corrected["recorded"] is True
    assert corrected["corrected_from"] == "missed"
    make_up = missed["make_up"]
    if make_up["session_id"] is not None:
        assert corrected["make_up_withdrawn"] == {
            "session_id": make_up["session_id"],
            "date": make_up["date"],
        }
        schedule = published.get(f"/programs/{PROGRAM}/patients/{seat['patient_id']}/schedule")
        assert make_up["session_id"] not in [
            a["session_id"] for a in schedule.json() if a["date"] == make_up["date"]
        ]
    assert corrected["make_up_kept"] is None


def test_the_history_lists_every_mark_with_who_and_what_it_replaced(published: Api) -> None:
    seat = {**_monday_seat(published), "date": MONDAY}
    _mark(published, **seat, status="missed")
    _mark(published, **seat, status="excused", reason="sick note", contact_made=True)
    changes = published.get(
        f"{ATTENDANCE}/changes", params={"patient_id": seat["patient_id"], "week": THIS_WEEK}
    ).json()
    assert [(c["from_status"], c["to_status"]) for c in changes] == [
        (None, "missed"),
        ("missed", "excused"),
    ]
    assert changes[1]["recorded_by"] == "clinician-1"
    assert (changes[1]["reason"], changes[1]["contact_made"]) == ("sick note", True)
    paged = published.get(f"{ATTENDANCE}/changes", params={"limit": 1})
    assert len(paged.json()) == 1
    assert 'rel="next"' in paged.headers["link"]
    # shown to a reader: the disclosure is listed for the patient
    disclosures = published.get(
        f"/programs/{PROGRAM}/patients/{seat['patient_id']}/disclosures", role="coordinator"
    )
    assert "attendance-changes" in [d["what"] for d in disclosures.json()]


def test_a_mark_before_the_meeting_starts_is_refused_naming_patient_session_and_start(
    published: Api,
) -> None:
    roster = published.get(f"{ROSTERS}/{THIS_WEEK}").json()
    evening = next(
        s
        for s in roster["sessions"]
        if s["date"] == "2026-11-25" and s["patient_ids"] and s["start"] > "12:00"
    )
    patient_id = evening["patient_ids"][0]
    response = published.post(
        ATTENDANCE,
        role="clinician",
        json={
            "patient_id": patient_id,
            "session_id": evening["session_id"],
            "date": "2026-11-25",
            "status": "missed",
        },
    )
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "date"]
    detail = problem["msg"]
    assert f"{patient_id}'s session {evening['session_id']} on 2026-11-25" in detail
    assert f"has not started yet (starts {evening['start'][:5]})" in detail
    assert published.get(f"{ATTENDANCE}/changes").json() == []


def test_contact_made_on_an_attended_mark_is_refused(published: Api) -> None:
    seat = {**_monday_seat(published), "date": MONDAY}
    response = published.post(
        ATTENDANCE, role="clinician", json={**seat, "status": "attended", "contact_made": True}
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "contact_made"]
