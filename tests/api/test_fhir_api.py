"""The FHIR R4 export of a program-week: every resource valid, seat statuses from attendance and
cancellations, no patient name anywhere, a disclosure of every patient in it (§ privacy)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from scheduler.roster_queries import patient_names
from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, Api, api_settings, make_api

ROSTERS = f"/programs/{PROGRAM}/rosters"
FHIR = f"/programs/{PROGRAM}/fhir/weeks"
THIS_WEEK, MONDAY = "2026-W48", "2026-11-23"  # the clock is Wednesday 25 November, 18:00 UTC
SYSTEM = f"urn:stepdown:{PROGRAM}"


def named(number: re.Match[str]) -> str:
    """A name no id, code or word of the export could contain by chance."""
    return f'"name": "Ysolde Quarrington-{chr(65 + int(number[1]) % 26)}vane"'


@pytest.fixture
def program(stepdown: Stepdown, sample_text: str) -> Iterator[Api]:
    """The sample program with names that cannot hide in the bundle's other text."""
    text = re.sub(r'"name": "Patient (\d+)"', named, sample_text)
    for api in make_api(stepdown, api_settings()):
        response = api.post("/programs", content=text, headers={"Content-Type": "application/json"})
        assert response.status_code == 200, response.text
        yield api


@pytest.fixture
def published(program: Api) -> Api:
    assert program.post(f"{ROSTERS}/{THIS_WEEK}/generate", json={}).status_code == 201
    assert program.post(f"{ROSTERS}/{THIS_WEEK}/publish").status_code == 200
    return program


def bundle_of(api: Api, week: str = THIS_WEEK, **params: str) -> dict[str, Any]:
    response = api.get(f"{FHIR}/{week}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/fhir+json"
    found: dict[str, Any] = response.json()
    return found


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def seat_status(bundle: dict[str, Any], session_id: str, day: str, patient_id: str) -> str:
    [found] = [
        a
        for a in resources(bundle, "Appointment")
        if a["identifier"][0]["value"] == f"{session_id} {day} {patient_id}"
    ]
    status: str = found["status"]
    return status


def a_meeting(api: Api, day: str, at_least: int) -> dict[str, Any]:
    roster = api.get(f"{ROSTERS}/{THIS_WEEK}").json()
    return next(
        s for s in roster["sessions"] if s["date"] == day and len(s["patient_ids"]) >= at_least
    )


def test_every_resource_is_valid_fhir_and_each_seat_an_appointment(published: Api) -> None:
    bundle = bundle_of(published)
    validated = Bundle.model_validate(bundle)  # the searchset itself, entries included
    assert validated.type == "searchset"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"].endswith(f"/fhir/{resource['resourceType']}/{resource['id']}")
    roster = published.get(f"{ROSTERS}/{THIS_WEEK}").json()
    seats = {(s["session_id"], s["date"], p) for s in roster["sessions"] for p in s["patient_ids"]}
    appointments = resources(bundle, "Appointment")
    assert {tuple(a["identifier"][0]["value"].split(" ")) for a in appointments} == seats
    assert {a["status"] for a in appointments} == {"booked"}
    assert bundle["total"] == len(bundle["entry"])
    assert {s["identifier"][0]["value"] for s in resources(bundle, "Schedule")} == {
        s["session_id"] for s in roster["sessions"]
    }
    # Each meeting with patients has its Group, whose members are its seats' patients.
    for meeting in roster["sessions"]:
        groups = [
            g
            for g in resources(bundle, "Group")
            if g["identifier"][0]["value"] == f"{meeting['session_id']} {meeting['date']}"
        ]
        members = [m["entity"]["identifier"]["value"] for g in groups for m in g["member"]]
        assert members == sorted(meeting["patient_ids"])
    slot_ids = {s["id"] for s in resources(bundle, "Slot")}
    assert all(a["slot"][0]["reference"].removeprefix("Slot/") in slot_ids for a in appointments)


def test_statuses_follow_attendance_and_cancellations(published: Api) -> None:
    monday = a_meeting(published, MONDAY, at_least=3)
    came, missed, excused = monday["patient_ids"][:3]
    found = {}
    for patient_id, status in ((came, "attended"), (missed, "missed"), (excused, "excused")):
        mark = {
            "patient_id": patient_id,
            "session_id": monday["session_id"],
            "date": MONDAY,
            "status": status,
            **({} if status == "attended" else {"reason": "flu"}),
        }
        response = published.post(f"/programs/{PROGRAM}/attendance", role="clinician", json=mark)
        assert response.status_code == 200, response.text
        found[status] = response.json()["make_up"]
    assert found["missed"]["session_id"] is not None  # the miss's make-up is a seat too
    made_up = [m for m in found.values() if m is not None and m["session_id"] is not None]
    later = next(
        s
        for s in published.get(f"{ROSTERS}/{THIS_WEEK}").json()["sessions"]
        if s["date"] > "2026-11-25" and s["patient_ids"]
    )
    cancelled = published.post(
        f"/programs/{PROGRAM}/sessions/{later['session_id']}/cancellations",
        json={"date": later["date"], "reason": "facilitator ill"},
    )
    assert cancelled.status_code == 200, cancelled.text

    bundle = bundle_of(published)
    Bundle.model_validate(bundle)
    assert seat_status(bundle, monday["session_id"], MONDAY, came) == "fulfilled"
    assert seat_status(bundle, monday["session_id"], MONDAY, missed) == "noshow"
    assert seat_status(bundle, monday["session_id"], MONDAY, excused) == "cancelled"
    for patient_id in later["patient_ids"]:
        assert seat_status(bundle, later["session_id"], later["date"], patient_id) == "cancelled"
    [slot] = [
        s
        for s in resources(bundle, "Slot")
        if s["identifier"][0]["value"] == f"{later['session_id']} {later['date']}"
    ]
    assert slot["status"] == "busy-unavailable"
    others = [
        a
        for a in resources(bundle, "Appointment")
        if not a["identifier"][0]["value"].startswith(
            (f"{monday['session_id']} {MONDAY}", f"{later['session_id']} {later['date']}")
        )
    ]
    assert {a["status"] for a in others} == {"booked"}
    make_ups = {
        a["identifier"][0]["value"]: a["appointmentType"]
        for a in resources(bundle, "Appointment")
        if a["appointmentType"]["coding"][0]["code"] == "FOLLOWUP"
    }
    moved = [m for m in cancelled.json() if m["session_id"] is not None]
    expected = {
        f"{m['session_id']} {m['date']} {m['patient_id']}": f"make-up for {m['missed_session_id']} "
        f"{m['missed_date']}"
        for m in [*made_up, *moved]
    }
    assert {seat: kind["text"] for seat, kind in make_ups.items()} == expected


def test_no_patient_name_anywhere_in_the_bundle(published: Api, stepdown: Stepdown) -> None:
    text = published.get(f"{FHIR}/{THIS_WEEK}").text
    names = patient_names(stepdown, PROGRAM)
    assert names  # the sample program's patients all have names
    assert all(name.startswith("Ysolde Quarrington-") for name in names.values())
    assert "Ysolde" not in text
    assert "Quarrington" not in text
    assert not any(name.split("-")[1] in text for name in names.values())
    bundle = bundle_of(published)
    assert '"Patient"' not in {e["resource"]["resourceType"] for e in bundle["entry"]}
    for appointment in resources(bundle, "Appointment"):
        patient = appointment["participant"][0]["actor"]
        assert set(patient) == {"type", "identifier"}
        assert patient["identifier"]["system"] == f"{SYSTEM}:patient"


def test_the_export_is_a_disclosure_of_every_patient_in_it(published: Api) -> None:
    bundle = bundle_of(published)
    patients = {
        a["participant"][0]["actor"]["identifier"]["value"]
        for a in resources(bundle, "Appointment")
    }
    assert patients
    for patient_id in patients:
        entries = published.get(
            f"/programs/{PROGRAM}/patients/{patient_id}/disclosures", role="coordinator"
        ).json()
        assert [(e["what"], e["detail"], e["actor"]) for e in entries][-1] == (
            "fhir-bundle",
            f"{THIS_WEEK} v1",
            "viewer-1",
        )


def test_to_a_recipient_it_needs_every_patients_consent(published: Api) -> None:
    recipient = {"recipient": "Harbor Sober Living"}
    refused = published.get(f"{FHIR}/{THIS_WEEK}", params=recipient)
    assert refused.status_code == 403, refused.text
    assert "has no consent naming recipient 'Harbor Sober Living'" in refused.json()["detail"]
    bundle = bundle_of(published)
    seated = sorted(
        {
            a["participant"][0]["actor"]["identifier"]["value"]
            for a in resources(bundle, "Appointment")
        }
    )
    for patient_id in seated:
        entries = published.get(
            f"/programs/{PROGRAM}/patients/{patient_id}/disclosures", role="coordinator"
        ).json()
        assert all(e["recipient"] is None for e in entries)  # the refusal disclosed nothing
    consent = {
        "recipient": "Harbor Sober Living",
        "purpose": "housing coordination",
        "information": "session schedule and attendance",
        "expires_on": "2026-12-31",
        "signed_by": "the patient",
        "signed_on": "2026-11-20",
    }
    for patient_id in seated:
        response = published.post(
            f"/programs/{PROGRAM}/patients/{patient_id}/consents", json=consent
        )
        assert response.status_code == 201, response.text
    assert published.get(f"{FHIR}/{THIS_WEEK}", params=recipient).status_code == 200


def test_a_draft_is_proposed_and_a_week_without_a_published_roster_is_404(program: Api) -> None:
    assert program.post(f"{ROSTERS}/{THIS_WEEK}/generate", json={}).status_code == 201
    missing = program.get(f"{FHIR}/{THIS_WEEK}")
    assert missing.status_code == 404
    assert "has no published version" in missing.json()["detail"]
    draft = bundle_of(program, version="draft")
    Bundle.model_validate(draft)
    assert {a["status"] for a in resources(draft, "Appointment")} == {"proposed"}


def test_readers_may_read_and_a_bad_week_is_refused(published: Api) -> None:
    assert published.get(f"{FHIR}/{THIS_WEEK}", role="").status_code == 401
    assert published.get(f"{FHIR}/{THIS_WEEK}", role="viewer").status_code == 200
    bad = published.get(f"{FHIR}/2026-W99")
    assert bad.status_code == 422  # like every route with a week in its path
    assert "2026-W99" in bad.text
