"""Referrals over HTTP: the waitlist, admission, withdrawal and the earliest start."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import PROGRAM, Api

REFERRALS = f"/programs/{PROGRAM}/referrals"
# The parents: childcare before and after school leaves only Saturday in the sample.
PARENT = [
    {
        "kind": "childcare",
        "days": ["MON", "TUE", "WED", "THU", "FRI"],
        "start": "07:00",
        "end": "09:00",
    },
    {
        "kind": "childcare",
        "days": ["MON", "TUE", "WED", "THU", "FRI"],
        "start": "15:00",
        "end": "19:00",
    },
]


def new_referral(referral_id: str = "R0001", **changes: Any) -> dict[str, Any]:
    return {
        "id": referral_id,
        "name": "Robin Referred",
        "planned_weeks": 8,
        "initial_days_per_week": 3,
        "earliest_start": "2026-11-30",
        "priority": 2,
        **changes,
    }


def test_refer_admit_and_the_waitlist(program: Api) -> None:
    created = program.post(REFERRALS, json=new_referral())
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == f"{REFERRALS}/R0001"
    assert created.json()["status"] == "waiting"
    assert program.post(REFERRALS, json=new_referral()).status_code == 409
    assert [r["referral_id"] for r in program.get(REFERRALS).json()] == ["R0001"]

    earliest = program.get(f"{REFERRALS}/R0001/earliest-start")
    assert earliest.status_code == 200, earliest.text
    assert earliest.json()["start_date"] == "2026-11-30"

    admitted = program.post(f"{REFERRALS}/R0001/admit", json={"start_date": "2026-11-30"})
    assert admitted.status_code == 200, admitted.text
    assert admitted.json()["status"] == "admitted"
    patient = program.get(f"/programs/{PROGRAM}/patients/R0001")
    assert patient.json()["start_date"] == "2026-11-30"
    assert program.get(f"{REFERRALS}/R0001").json()["status"] == "admitted"
    shown = program.get(f"/programs/{PROGRAM}/patients/R0001/disclosures", "coordinator").json()
    assert {entry["what"] for entry in shown} >= {"referral-record", "patient-record"}
    assert program.get(REFERRALS).json() == []


def test_when_no_date_fits_the_reason_names_the_commitments(program: Api) -> None:
    program.post(REFERRALS, json=new_referral("R0002", commitments=PARENT))
    answer = program.get(f"{REFERRALS}/R0002/earliest-start", params={"horizon_weeks": 2}).json()
    assert answer["start_date"] is None
    assert "on 1 day(s) (Sat); the course needs 3" in answer["reason"]
    assert "childcare MON–FRI 07:00–09:00" in answer["reason"]


def test_bad_input_is_refused_and_nothing_is_stored(program: Api) -> None:
    assert program.post(REFERRALS, json=new_referral(planned_weeks=20)).status_code == 422
    assert program.post(REFERRALS, json=new_referral(name="Robin\u0000")).status_code == 422
    assert program.post(REFERRALS, json=new_referral(note="a\u0007bell")).status_code == 422
    assert (
        program.post(REFERRALS, json=new_referral(earliest_start="2029-01-01")).status_code == 422
    )
    bad_day = new_referral(commitments=[{**PARENT[0], "days": ["XYZ"]}])
    assert program.post(REFERRALS, json=bad_day).status_code == 422
    assert program.post("/programs/nope/referrals", json=new_referral()).status_code == 404
    assert program.get(REFERRALS, params={"status": "all"}).json() == []
    assert (
        program.post(f"{REFERRALS}/R9/admit", json={"start_date": "2026-12-07"}).status_code == 404
    )
    program.post(REFERRALS, json=new_referral())
    far = program.post(f"{REFERRALS}/R0001/admit", json={"start_date": "2027-06-07"})
    assert far.status_code == 422
    assert "beyond the 12-week planning horizon" in far.json()["detail"][0]["msg"]
    assert (
        program.get(f"{REFERRALS}/R0001/earliest-start", params={"horizon_weeks": 99}).status_code
        == 422
    )
    assert program.post(f"{REFERRALS}/R0001/withdraw", json={"reason": ""}).status_code == 422
    assert program.get(f"{REFERRALS}/R0001").json()["status"] == "waiting"
    assert program.post(REFERRALS, json=new_referral("R0003"), role="viewer").status_code == 403


def test_withdrawal_keeps_the_referral_with_its_reason(program: Api) -> None:
    program.post(REFERRALS, json=new_referral())
    response = program.post(f"{REFERRALS}/R0001/withdraw", json={"reason": "chose another program"})
    assert response.status_code == 200, response.text
    listed = program.get(REFERRALS, params={"status": "withdrawn"}).json()
    assert [(r["referral_id"], r["close_reason"]) for r in listed] == [
        ("R0001", "chose another program")
    ]
    # The sample keeps records six years: erasure is refused until then, naming the date.
    refused = program.post(f"{REFERRALS}/R0001/erase", json={"reason": "their request"})
    assert refused.status_code == 409
    assert "erasure is possible from 2032-11-25" in refused.json()["detail"]
