"""Rosters over HTTP: generate (inline and as a job), versions, publish, pins, exports, make-ups."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, WEEK, Api, api_settings, make_api

ROSTERS = f"/programs/{PROGRAM}/rosters"
THIS_WEEK, MONDAY = "2026-W48", "2026-11-23"


@pytest.fixture
def published(program: Api) -> Api:
    generated = program.post(f"{ROSTERS}/{THIS_WEEK}/generate", json={})
    assert generated.status_code == 201, generated.text
    assert program.post(f"{ROSTERS}/{THIS_WEEK}/publish").json() == {"version": 1}
    return program


def test_generating_a_small_program_answers_with_the_roster(program: Api) -> None:
    response = program.post(f"{ROSTERS}/{WEEK}/generate", json={"time_limit_s": 30})
    assert response.status_code == 201, response.text
    roster = response.json()
    assert (roster["week"], roster["version"], roster["status"]) == (WEEK, 1, "draft")
    assert roster["solver"]["status"] in {"OPTIMAL", "FEASIBLE"}
    assert roster["solver"]["gap"] is not None
    for session in roster["sessions"]:
        assert len(session["patient_ids"]) <= 12
    assert program.get(f"{ROSTERS}/{WEEK}").json() == roster


def test_versions_show_who_generated_and_published(program: Api) -> None:
    program.post(f"{ROSTERS}/{WEEK}/generate", json={})
    program.post(f"{ROSTERS}/{WEEK}/publish")
    program.post(f"{ROSTERS}/{WEEK}/generate", json={})
    versions = program.get(f"{ROSTERS}/{WEEK}/versions").json()
    assert [(v["version"], v["change"], v["published"]) for v in versions] == [
        (1, "generated", True),
        (2, "generated", False),
    ]
    assert {v["recorded_by"] for v in versions} == {"coordinator-1"}
    assert program.get(f"{ROSTERS}/{WEEK}").json()["status"] == "draft"


def test_show_gives_the_published_version_and_the_draft_waiting(program: Api) -> None:
    program.post(f"{ROSTERS}/{WEEK}/generate", json={})
    assert program.get(f"{ROSTERS}/{WEEK}", params={"version": "published"}).status_code == 404
    program.post(f"{ROSTERS}/{WEEK}/publish")
    assert program.get(f"{ROSTERS}/{WEEK}", params={"version": "draft"}).status_code == 404
    program.post(f"{ROSTERS}/{WEEK}/generate", json={})

    published = program.get(f"{ROSTERS}/{WEEK}", params={"version": "published"}).json()
    draft = program.get(f"{ROSTERS}/{WEEK}", params={"version": "draft"}).json()
    assert (published["version"], published["status"]) == (1, "published")
    assert (draft["version"], draft["status"]) == (2, "draft")
    assert program.get(f"{ROSTERS}/{WEEK}").json() == draft
    assert program.get(f"{ROSTERS}/{WEEK}", params={"version": "v1"}).status_code == 422


def test_a_roster_not_generated_is_404_and_a_bad_week_422(program: Api) -> None:
    assert program.get(f"{ROSTERS}/2027-W10").status_code == 404
    assert program.get(f"{ROSTERS}/2027-W99").status_code == 422
    assert program.get(f"{ROSTERS}/next-week").status_code == 422


def test_a_pin_survives_regeneration_and_can_be_removed(program: Api) -> None:
    roster = program.post(f"{ROSTERS}/{WEEK}/generate", json={}).json()
    hours = {(s["session_id"], s["date"]): (s["start"], s["end"]) for s in roster["sessions"]}
    # Move someone to the parallel room of their own group: same hours, so it keeps every rule.
    patient, seat, other = next(
        (p, seat, s)
        for p in roster["patients"]
        for seat in p["session_ids"]
        for s in roster["sessions"]
        if s["date"] == seat["date"]
        and s["session_id"] != seat["session_id"]
        and (s["start"], s["end"]) == hours[seat["session_id"], seat["date"]]
        and len(s["patient_ids"]) < 12
    )
    body = {
        "patient_id": patient["patient_id"],
        "session_id": other["session_id"],
        "date": seat["date"],
    }
    assert program.post(f"{ROSTERS}/{WEEK}/pins", json=body).status_code == 200
    regenerated = program.post(f"{ROSTERS}/{WEEK}/generate", json={}).json()
    seats = next(p for p in regenerated["patients"] if p["patient_id"] == patient["patient_id"])
    assert {"session_id": other["session_id"], "date": seat["date"]} in seats["session_ids"]
    assert regenerated["dropped_pins"] == []
    path = f"{ROSTERS}/{WEEK}/pins/{patient['patient_id']}/{other['session_id']}/{seat['date']}"
    assert program.call("coordinator", "DELETE", path).status_code == 200


def test_pins_are_listed_and_removed_via_the_api(program: Api) -> None:
    body = {"patient_id": "P0007", "session_id": "mon-evening-1", "date": "2026-11-30"}
    assert program.post(f"{ROSTERS}/{WEEK}/pins", json=body).status_code == 200
    listed = program.get(f"{ROSTERS}/{WEEK}/pins")
    assert listed.status_code == 200
    [pin] = listed.json()
    assert {k: pin[k] for k in body} == body
    assert pin["pinned_by"] == "coordinator-1"
    path = f"{ROSTERS}/{WEEK}/pins/P0007/mon-evening-1/2026-11-30"
    assert program.call("viewer", "DELETE", path).status_code == 403
    assert program.call("coordinator", "DELETE", path).status_code == 200
    assert program.get(f"{ROSTERS}/{WEEK}/pins").json() == []
    # Removing a pin the week does not have is a 404, not a silent success (a typo shows).
    gone = program.call("coordinator", "DELETE", path)
    assert gone.status_code == 404
    assert "not pinned" in gone.text
    assert program.get(f"/programs/nope/rosters/{WEEK}/pins").status_code == 404


def test_a_pin_that_breaks_a_rule_is_refused_with_the_reason(program: Api) -> None:
    body = {"patient_id": "P0001", "session_id": "mon-day-1", "date": "2026-11-30"}
    response = program.post(f"{ROSTERS}/{WEEK}/pins", json=body)
    assert response.status_code == 422
    assert "conflicts with P0001's work MON–FRI 08:00–16:30" in response.text
    assert program.get(f"{ROSTERS}/{WEEK}/pins").json() == []


def test_a_stale_pin_is_dropped_with_a_note_in_the_generate_answer(program: Api) -> None:
    body = {"patient_id": "P0007", "session_id": "mon-evening-1", "date": "2026-11-30"}
    assert program.post(f"{ROSTERS}/{WEEK}/pins", json=body).status_code == 200
    paused = program.post(
        f"/programs/{PROGRAM}/patients/P0007/pause", json={"reason": "hospital stay"}
    )
    assert paused.status_code == 200, paused.text
    roster = program.post(f"{ROSTERS}/{WEEK}/generate", json={})
    assert roster.status_code == 201, roster.text
    assert roster.json()["dropped_pins"] == [{**body, "reason": "P0007 is paused"}]
    [version] = program.get(f"{ROSTERS}/{WEEK}/versions").json()
    assert version["dropped_pins"] == roster.json()["dropped_pins"]
    assert program.get(f"{ROSTERS}/{WEEK}/pins").json() == []


def test_csv_has_one_row_per_seat_with_names(published: Api) -> None:
    response = published.get(f"{ROSTERS}/{THIS_WEEK}/roster.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    roster = published.get(f"{ROSTERS}/{THIS_WEEK}").json()
    assert len(rows) == sum(len(s["patient_ids"]) for s in roster["sessions"])
    assert rows[0]["patient_name"].startswith("Patient ")


def test_the_sign_in_sheet_lists_the_seated_patients(published: Api) -> None:
    roster = published.get(f"{ROSTERS}/{THIS_WEEK}").json()
    meeting = next(s for s in roster["sessions"] if s["patient_ids"])
    path = f"{ROSTERS}/{THIS_WEEK}/sessions/{meeting['session_id']}/{meeting['date']}/sign-in"
    response = published.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for patient_id in meeting["patient_ids"]:
        assert f"Patient {int(patient_id[1:])}<" in response.text
    # Its print styles come from a stylesheet: the content security policy allows no inline style.
    assert '<link rel="stylesheet" href="/static/sheet.css">' in response.text
    assert "@media print" in published.get("/static/sheet.css").text
    wrong_day = f"{ROSTERS}/{THIS_WEEK}/sessions/{meeting['session_id']}/2026-11-29/sign-in"
    assert published.get(wrong_day).status_code == 404


def test_a_miss_answers_with_its_make_up(published: Api) -> None:
    roster = published.get(f"{ROSTERS}/{THIS_WEEK}").json()
    monday = next(s for s in roster["sessions"] if s["date"] == MONDAY and s["patient_ids"])
    mark = {
        "patient_id": monday["patient_ids"][0],
        "session_id": monday["session_id"],
        "date": MONDAY,
        "status": "missed",
        "reason": "flu",
    }
    response = published.post(f"/programs/{PROGRAM}/attendance", role="clinician", json=mark)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["recorded"] is True
    make_up = body["make_up"]
    assert make_up["missed_session_id"] == monday["session_id"]
    assert (make_up["session_id"] is None) == (make_up["reason"] is not None)
    again = published.post(f"/programs/{PROGRAM}/attendance", role="clinician", json=mark).json()
    assert again["recorded"] is False
    assert again["make_up"] == make_up
    if make_up["session_id"]:
        schedule = published.get(
            f"/programs/{PROGRAM}/patients/{mark['patient_id']}/schedule"
        ).json()
        assert {"session_id": make_up["session_id"], "date": make_up["date"]} in [
            {"session_id": a["session_id"], "date": a["date"]} for a in schedule
        ]
    weeks = published.get(f"/programs/{PROGRAM}/attendance?patient_id={mark['patient_id']}").json()
    assert weeks[0]["misses"] == 1
    compliance = published.get(f"/programs/{PROGRAM}/compliance").json()
    assert {w["patient_id"] for w in compliance} >= {mark["patient_id"]}


def test_cancelling_a_meeting_answers_with_every_patients_make_up(published: Api) -> None:
    roster = published.get(f"{ROSTERS}/{THIS_WEEK}").json()
    friday = next(s for s in roster["sessions"] if s["date"] == "2026-11-27" and s["patient_ids"])
    response = published.post(
        f"/programs/{PROGRAM}/sessions/{friday['session_id']}/cancellations",
        json={"date": "2026-11-27", "reason": "facilitator ill"},
    )
    assert response.status_code == 200, response.text
    assert sorted(m["patient_id"] for m in response.json()) == sorted(friday["patient_ids"])


@pytest.fixture
def api_with_jobs(stepdown: Stepdown) -> Iterator[Api]:
    yield from make_api(stepdown, api_settings(inline_roster_patients=0))


def test_a_large_program_is_solved_as_a_job(api_with_jobs: Api, sample_text: str) -> None:
    api = api_with_jobs
    api.post("/programs", content=sample_text, headers={"Content-Type": "application/json"})
    accepted = api.post(f"{ROSTERS}/{WEEK}/generate", json={})
    assert accepted.status_code == 202, accepted.text
    job = accepted.json()
    assert accepted.headers["Location"] == f"/jobs/{job['job_id']}"
    assert job["status"] in {"queued", "running", "succeeded"}
    api.app.state.jobs.drain()
    done = api.get(f"/jobs/{job['job_id']}").json()
    assert done["status"] == "succeeded", done
    assert done["result"]["version"] == 1
    assert done["attempts"] == 1
    assert api.get(f"{ROSTERS}/{WEEK}").json()["version"] == 1
    assert api.get("/jobs/" + "0" * 32).status_code == 404
    # The solve is counted where it ran (this process's in-process engine or worker).
    metrics = api.get("/metrics").text
    assert 'stepdown_roster_solves_total{status="OPTIMAL"} 1.0' in metrics
