"""Acknowledging a flag over HTTP: a clinician or coordinator closes an open flag with a note;
an unknown flag, a flag that is not open, an empty note and a viewer are refused, nothing
recorded; the flags list shows it closed."""

from __future__ import annotations

import pytest

from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, Api
from tests.integration.helpers import event_count, publish_seats
from tests.integration.test_worklist import EVENINGS_47, miss

FLAGS = f"/programs/{PROGRAM}/flags"
OUTREACH = f"/programs/{PROGRAM}/patients/P0002/flags/outreach/acknowledgement"


@pytest.fixture
def flagged(program: Api, stepdown: Stepdown) -> Api:
    """P0002 missed three evening groups in a row without contact: outreach is open."""
    publish_seats(stepdown, PROGRAM, "2026-W47", [("P0002", s, d) for s, d in EVENINGS_47])
    for session_id, day in EVENINGS_47:
        miss(stepdown, session_id, day)
    stepdown.catch_up()
    return program


def test_a_clinician_acknowledges_outreach_and_the_flag_closes(flagged: Api) -> None:
    response = flagged.post(OUTREACH, role="clinician", json={"note": "Reached by phone"})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "patient_id": "P0002",
        "flag": "outreach",
        "acknowledged_on": "2026-11-25",
        "acknowledged_by": "clinician-1",
        "note": "Reached by phone",
    }
    assert flagged.get(FLAGS).json() == []
    [closed] = flagged.get(FLAGS, params={"include_closed": True}).json()
    assert (closed["flag"], closed["open"]) == ("outreach", False)
    # Who closed it and when; the note stays with the patient's record (sealed).
    assert (closed["acknowledged_on"], closed["acknowledged_by"]) == ("2026-11-25", "clinician-1")
    assert "note" not in closed


def test_an_unknown_flag_is_422_naming_the_path_field(flagged: Api, stepdown: Stepdown) -> None:
    before = event_count(stepdown)
    unknown = OUTREACH.replace("outreach", "relapse")
    response = flagged.post(unknown, role="clinician", json={"note": "x"})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["path", "flag"]
    assert event_count(stepdown) == before


def test_a_flag_that_is_not_open_is_409_naming_patient_and_flag(
    flagged: Api, stepdown: Stepdown
) -> None:
    review = OUTREACH.replace("outreach", "clinical_review")
    before = event_count(stepdown)
    response = flagged.post(review, role="clinician", json={"note": "reviewed"})
    assert response.status_code == 409, response.text
    assert "P0002 has no open clinical review flag" in response.json()["detail"]
    assert event_count(stepdown) == before
    assert flagged.post(OUTREACH, json={"note": "contact made"}).status_code == 200
    again = flagged.post(OUTREACH, json={"note": "contact made"})
    assert again.status_code == 409
    assert "last acknowledged on 2026-11-25 by coordinator-1" in again.json()["detail"]


@pytest.mark.parametrize("note", ["", "   "])
def test_an_empty_note_is_422_naming_the_note(flagged: Api, stepdown: Stepdown, note: str) -> None:
    before = event_count(stepdown)
    response = flagged.post(OUTREACH, role="clinician", json={"note": note})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "note"]
    assert event_count(stepdown) == before
    assert [f["flag"] for f in flagged.get(FLAGS).json()] == ["outreach"]


def test_a_viewer_may_not_acknowledge_a_flag(flagged: Api, stepdown: Stepdown) -> None:
    before = event_count(stepdown)
    response = flagged.post(OUTREACH, role="viewer", json={"note": "contact made"})
    assert response.status_code == 403, response.text
    assert event_count(stepdown) == before
    assert [f["flag"] for f in flagged.get(FLAGS).json()] == ["outreach"]
