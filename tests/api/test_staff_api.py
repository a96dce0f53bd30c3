"""Staff over HTTP: a stepdown/program@2 import, the paged staff list, one member, absences,
primary counsellors and the staff week."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.conftest import SCENARIOS

PROGRAM = "staffed-201"
STAFF = f"/programs/{PROGRAM}/staff"


@pytest.fixture
def staffed(api: Api) -> Api:
    text = (SCENARIOS / "staffed.json").read_text(encoding="utf-8")
    answer = api.post("/programs", content=text, headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["staffing"] == {
        "staff_added": 6,
        "staff_changed": 0,
        "rooms_added": 3,
        "rooms_changed": 0,
        "sessions_staffed": 18,
    }
    return api


def test_the_staff_list_pages_by_id(staffed: Api) -> None:
    first = staffed.get(f"{STAFF}?limit=4")
    assert first.status_code == 200, first.text
    assert [m["staff_id"] for m in first.json()] == ["s-ana", "s-ben", "s-cara", "s-dev"]
    link = first.headers["Link"]
    following = staffed.get(link[1 : link.index(">")])
    assert [m["staff_id"] for m in following.json()] == ["s-eli", "s-fay"]
    assert "Link" not in following.headers
    assert first.json()[0]["availability"][0] == {
        "weekday": "MON",
        "start": "08:30",
        "end": "13:00",
    }


def test_an_absence_is_recorded_and_shown_on_the_staff_week(staffed: Api) -> None:
    answer = staffed.post(
        f"{STAFF}/s-ana/absences", json={"first_day": "2026-12-02", "reason": "ill"}
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["absences"] == [
        {"first_day": "2026-12-02", "last_day": "2026-12-02", "reason": "ill"}
    ]
    week = staffed.get(f"/programs/{PROGRAM}/staff-weeks/2026-W49").json()
    ana = next(member for member in week if member["staff_id"] == "s-ana")
    assert [(m["date"], m["facilitator_absent"]) for m in ana["meetings"]][2] == (
        "2026-12-02",
        True,
    )
    assert ana["facilitated_minutes"] == 4 * 180
    assert ana["max_hours_per_week"] == 25


def test_a_viewer_cannot_mark_staff_absent(staffed: Api) -> None:
    answer = staffed.post(
        f"{STAFF}/s-ana/absences", role="viewer", json={"first_day": "2026-12-02"}
    )
    assert answer.status_code == 403


def test_a_full_caseload_is_a_conflict(staffed: Api) -> None:
    already = staffed.get(f"{STAFF}/s-fay").json()["counsels"]
    patients = [p["id"] for p in json.loads((SCENARIOS / "staffed.json").read_text())["patients"]]
    others = [p for p in patients if p not in already]
    joining = others[: 12 - len(already)]
    for patient_id in joining:
        assigned = staffed.post(f"{STAFF}/s-fay/caseload", json={"patient_id": patient_id})
        assert assigned.status_code == 200, assigned.text
    assert staffed.get(f"{STAFF}/s-fay").json()["counsels"] == sorted([*already, *joining])
    full = staffed.post(f"{STAFF}/s-fay/caseload", json={"patient_id": others[len(joining)]})
    assert full.status_code == 409
    assert "full caseload (12 of 12)" in full.text


def test_an_unknown_staff_member_is_not_found(staffed: Api) -> None:
    answer = staffed.get(f"{STAFF}/s-zed")
    assert answer.status_code == 404
    assert "staff: 's-zed'" in answer.text


def test_a_program_without_staff_says_how_to_add_them(program: Api) -> None:
    answer = program.get("/programs/standard-101/staff")
    assert answer.status_code == 404
    assert "import a stepdown/program@2 file" in answer.text


def test_a_bad_staffed_file_is_refused_naming_record_and_field(api: Api) -> None:
    document = json.loads((SCENARIOS / "staffed.json").read_text())
    document["sessions"][3]["room"] = "room-z"
    answer = api.post("/programs", json=document)
    assert answer.status_code == 422
    assert "sessions[3].room: 'room-z' is not a room of the file" in answer.text
    assert api.get("/programs").json() == []


def test_a_member_leading_groups_is_not_removed_until_they_lead_none(staffed: Api) -> None:
    refused = staffed.post(f"{STAFF}/s-fay/remove")
    assert refused.status_code == 409
    assert "still facilitates sat-weekend-3" in refused.text
    document = json.loads((SCENARIOS / "staffed.json").read_text())
    document["sessions"][-1]["facilitators"] = []  # sat-weekend-3 waits for a facilitator
    reimported = staffed.post("/programs", json=document)
    assert reimported.status_code == 200, reimported.text
    # Nor while they counsel anyone: their caseload goes to another counsellor first.
    counselled = staffed.post(f"{STAFF}/s-fay/remove")
    assert counsellor_refusal(counselled)
    for patient_id in staffed.get(f"{STAFF}/s-fay").json()["counsels"]:
        moved = staffed.post(f"{STAFF}/s-ana/caseload", json={"patient_id": patient_id})
        assert moved.status_code == 200, moved.text
    removed = staffed.post(f"{STAFF}/s-fay/remove")
    assert removed.status_code == 200, removed.text
    assert removed.json()["removed_on"] == "2026-11-25"
    assert "s-fay" not in [m["staff_id"] for m in staffed.get(STAFF).json()]
    everyone = staffed.get(f"{STAFF}?include_removed=true").json()
    assert "s-fay" in [m["staff_id"] for m in everyone]


def counsellor_refusal(answer: Any) -> bool:
    return answer.status_code == 409 and "is primary counsellor of" in answer.text


def test_an_absence_ending_before_it_starts_is_refused_naming_the_field(staffed: Api) -> None:
    answer = staffed.post(
        f"{STAFF}/s-ana/absences", json={"first_day": "2026-12-02", "last_day": "2026-12-01"}
    )
    assert answer.status_code == 422
    assert "last_day: 2026-12-01 is before the first day of the absence 2026-12-02" in answer.text
    assert staffed.get(f"{STAFF}/s-ana").json()["absences"] == []
