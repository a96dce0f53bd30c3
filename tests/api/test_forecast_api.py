"""Forecast, what-if and advice over HTTP on the sample program: reads that record nothing."""

from __future__ import annotations

from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, Api
from tests.api.test_referrals_api import PARENT, new_referral
from tests.integration.helpers import event_count

BASE = f"/programs/{PROGRAM}/forecast"


def test_the_forecast_of_the_next_weeks(program: Api) -> None:
    response = program.get(f"{BASE}?weeks=3")
    assert response.status_code == 200, response.text
    body = response.json()
    assert [w["week"] for w in body["weeks"]] == ["2026-W49", "2026-W50", "2026-W51"]
    first = body["weeks"][0]
    assert first["census"] == 30
    assert {"session_id", "date", "seats", "expected", "fill"} <= set(first["sessions"][0])
    kinds = {s["kind"] for w in body["weeks"] for s in w["shortfalls"]}
    assert "availability" in kinds
    assert body["status"] == "OPTIMAL"


def test_planned_admissions_start_or_wait(program: Api) -> None:
    response = program.post(
        BASE,
        role="viewer",
        json={
            "weeks": 4,
            "admissions": [
                {
                    "id": "R1",
                    "start_week": "2026-W50",
                    "planned_weeks": 8,
                    "initial_days_per_week": 3,
                }
            ],
        },
    )
    assert response.status_code == 200, response.text
    [start] = response.json()["admissions"]
    assert start == {
        "admission_id": "R1",
        "earliest_week": "2026-W50",
        "start_week": "2026-W50",
        "waiting_weeks": 0,
    }


def test_a_what_if_side_by_side_records_nothing(program: Api, stepdown: Stepdown) -> None:
    recorded = event_count(stepdown)
    response = program.post(
        f"{BASE}/what-if",
        role="viewer",
        json={
            "weeks": 3,
            "changes": [
                {
                    "kind": "add_session",
                    "session_id": "wed-morning",
                    "weekday": "WED",
                    "start": "09:30",
                    "end": "12:30",
                    "capacity": 12,
                    "track": "day",
                },
                {"kind": "change_capacity", "session_id": "sat-weekend-1", "capacity": 12},
                {"kind": "add_closure", "date": "2026-12-09", "reason": "staff training"},
            ],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["recorded"] is False
    assert [w["week"] for w in body["weeks"]] == ["2026-W49", "2026-W50", "2026-W51"]
    assert body["after"]["shortfall_days"] != body["before"]["shortfall_days"]
    assert event_count(stepdown) == recorded


def test_bad_what_ifs_are_refused_by_name(program: Api) -> None:
    every = [
        {"kind": "remove_session", "session_id": s["id"]}
        for s in program.get(f"/programs/{PROGRAM}").json()["sessions"]
    ]
    response = program.post(f"{BASE}/what-if", json={"changes": every})
    assert response.status_code == 422, response.text
    assert "remove every session" in response.text
    response = program.post(
        f"{BASE}/what-if", json={"changes": [{"kind": "remove_session", "session_id": "sun-1"}]}
    )
    assert response.status_code == 404
    assert "'sun-1' does not exist" in response.text
    response = program.post(
        f"{BASE}/what-if",
        json={"changes": [{"kind": "add_closure", "date": "2027-06-01", "reason": "x"}]},
    )
    assert response.status_code == 422
    assert "outside the forecast's weeks" in response.text
    response = program.post(f"{BASE}/what-if", json={"changes": []})
    assert response.status_code == 422
    assert program.get("/programs/nope/forecast").status_code == 404


def test_advice_names_sessions_with_their_gain(program: Api) -> None:
    response = program.post(f"{BASE}/advice", role="viewer", json={"weeks": 4, "count": 2})
    assert response.status_code == 200, response.text
    body = response.json()
    assert 1 <= len(body["advice"]) <= 2
    best = body["advice"][0]
    assert best["shortfall_days_gain"] > 0
    assert best["proven"] is True
    assert best["shortfall_days_after"] == body["shortfall_days"] - best["shortfall_days_gain"]
    if len(body["advice"]) == 2:
        assert body["shortfall_days_with_all"] <= best["shortfall_days_after"]


def test_the_waitlist_is_planned_and_a_what_if_admits_from_it(program: Api) -> None:
    referrals = f"/programs/{PROGRAM}/referrals"
    for referral_id, hours in (("R0001", []), ("R0002", PARENT)):
        created = program.post(referrals, json=new_referral(referral_id, commitments=hours))
        assert created.status_code == 201, created.text
    response = program.get(f"{BASE}?weeks=4&waitlist=true")
    assert response.status_code == 200, response.text
    starts = {a["admission_id"]: a for a in response.json()["admissions"]}
    assert starts["R0001"]["start_week"] == "2026-W49"
    # The parent fits Saturday only: three days a week never fit.
    assert starts["R0002"]["start_week"] is None
    response = program.post(
        f"{BASE}/what-if",
        role="viewer",
        json={"weeks": 4, "changes": [{"kind": "admit_waitlist", "count": 1}]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["before"]["admissions"] == []
    assert [a["admission_id"] for a in body["after"]["admissions"]] == ["R0001"]
    assert body["weeks"][0]["census_after"] == body["weeks"][0]["census_before"] + 1


def test_advice_opens_on_the_programs_own_days_unless_told_other_days(program: Api) -> None:
    # The sample meets Monday to Saturday; its best gain on the whole week is a Sunday group.
    usual = program.post(f"{BASE}/advice", json={"weeks": 4, "count": 3}).json()
    assert usual["advice"]
    assert "SUN" not in {advice["weekday"] for advice in usual["advice"]}
    asked = program.post(f"{BASE}/advice", json={"weeks": 4, "count": 1, "days": ["SUN"]})
    assert asked.status_code == 200, asked.text
    assert [advice["weekday"] for advice in asked.json()["advice"]] == ["SUN"]
    refused = program.post(f"{BASE}/advice", json={"weeks": 4, "days": ["SUNDAY"]})
    assert refused.status_code == 422
    assert "days" in refused.text


def test_a_commitment_that_ends_counts_only_in_its_own_weeks(program: Api) -> None:
    before = program.get(f"{BASE}?weeks=3").json()["weeks"]
    # P0001 is away all day until the end of the second week (a job that ends, say).
    away = {
        "kind": "work",
        "days": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"],
        "start": "06:00",
        "end": "23:00",
        "until": "2026-12-13",
    }
    changed = program.call(
        "coordinator",
        "PUT",
        f"/programs/{PROGRAM}/patients/P0001/commitments",
        json={"commitments": [away]},
    )
    assert changed.status_code == 200, changed.text
    after = program.get(f"{BASE}?weeks=3").json()["weeks"]
    short = [a["shortfall_days"] - b["shortfall_days"] for a, b in zip(after, before, strict=True)]
    assert short[0] > 0
    assert short[1] > 0
    assert short[2] <= 0  # free again from the third week
