"""Programs over HTTP: import, export, sessions, closures, cancellations."""

from __future__ import annotations

import json

from tests.api.conftest import PROGRAM, Api

SESSION = {
    "id": "sun-day-1",
    "name": "Sunday morning group",
    "weekday": "SUN",
    "start": "10:00",
    "end": "13:00",
    "capacity": 10,
    "min_size": 3,
    "track": "weekend",
}


def test_import_is_reported_and_a_second_import_records_nothing(
    program: Api, sample_text: str
) -> None:
    again = program.post(
        "/programs", content=sample_text, headers={"Content-Type": "application/json"}
    )
    assert again.status_code == 200
    assert again.json()["events_recorded"] == 0
    listed = program.get("/programs").json()
    assert listed == [
        {"program_id": PROGRAM, "name": "Standard IOP 101", "timezone": "America/Chicago"}
    ]


def test_export_round_trips_the_imported_file(program: Api, sample_text: str) -> None:
    exported = program.get(f"/programs/{PROGRAM}").json()
    original = json.loads(sample_text)
    assert exported["program"]["id"] == original["program"]["id"]
    assert len(exported["patients"]) == len(original["patients"])
    assert [s["id"] for s in exported["sessions"]] == [s["id"] for s in original["sessions"]]


def test_a_bad_import_names_record_and_field_and_changes_nothing(api: Api) -> None:
    document = {"format": "stepdown/program@1", "program": {"id": "x"}, "sessions": []}
    response = api.post("/programs", json=document)
    assert response.status_code == 422
    locations = [problem["loc"][-1] for problem in response.json()["detail"]]
    assert "program.name" in locations
    assert api.get("/programs").json() == []


def test_sessions_are_added_changed_and_retired(program: Api) -> None:
    created = program.post(f"/programs/{PROGRAM}/sessions", json=SESSION)
    assert created.status_code == 201, created.text
    assert created.json()["weekday"] == "SUN"
    duplicate = program.post(f"/programs/{PROGRAM}/sessions", json=SESSION)
    assert duplicate.status_code == 409

    change = {key: value for key, value in SESSION.items() if key != "id"} | {"capacity": 8}
    changed = program.call(
        "coordinator", "PUT", f"/programs/{PROGRAM}/sessions/sun-day-1", json=change
    )
    assert changed.status_code == 200
    assert changed.json()["capacity"] == 8

    retired = program.call("coordinator", "DELETE", f"/programs/{PROGRAM}/sessions/sun-day-1")
    assert retired.status_code == 204
    ids = [s["id"] for s in program.get(f"/programs/{PROGRAM}/sessions").json()]
    assert "sun-day-1" not in ids


def test_a_session_that_ends_before_it_starts_is_refused_by_field(program: Api) -> None:
    response = program.post(
        f"/programs/{PROGRAM}/sessions", json=SESSION | {"start": "13:00", "end": "10:00"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "session.end"]


def test_a_closure_is_recorded_once(program: Api) -> None:
    first = program.post(
        f"/programs/{PROGRAM}/closures", json={"date": "2026-12-31", "reason": "staff training"}
    )
    second = program.post(
        f"/programs/{PROGRAM}/closures", json={"date": "2026-12-31", "reason": "staff training"}
    )
    assert (first.json(), second.json()) == ({"changed": True}, {"changed": False})
    closures = program.get(f"/programs/{PROGRAM}").json()["program"]["closures"]
    assert closures == [{"date": "2026-12-31", "reason": "staff training"}]


def test_unknown_program_is_404(api: Api) -> None:
    assert api.get("/programs/nope").status_code == 404
    assert api.get("/programs/nope/sessions").status_code == 404
