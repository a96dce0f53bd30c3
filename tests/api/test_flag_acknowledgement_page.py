"""Acknowledging a flag from the worklist: each open flag has a labelled note and a button;
the form returns to the worklist's flags with a notice; the patient page shows the flag's
history. A viewer gets no form (and a refusal if they post); an empty note is refused."""

from __future__ import annotations

import re

import pytest
from httpx import Response

from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, Api, csrf_form, sign_in
from tests.integration.helpers import event_count, publish_seats
from tests.integration.test_worklist import EVENINGS_47, miss

UI = f"/ui/programs/{PROGRAM}"
THIS_WEEK = "2026-W48"
ACKNOWLEDGE = f"{UI}/worklist/flags/acknowledge?week={THIS_WEEK}"


@pytest.fixture
def flagged(program: Api, stepdown: Stepdown) -> Api:
    """P0002 missed three evening groups in a row without contact: outreach is open."""
    publish_seats(stepdown, PROGRAM, "2026-W47", [("P0002", s, d) for s, d in EVENINGS_47])
    for session_id, day in EVENINGS_47:
        miss(stepdown, session_id, day)
    stepdown.catch_up()
    return program


def _post(api: Api, **fields: str) -> Response:
    form = csrf_form(api, patient_id="P0002", flag="outreach", **fields)
    response: Response = api.client.post(ACKNOWLEDGE, data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response


def _notice(api: Api, response: Response) -> str:
    location = response.headers["location"]
    assert location.startswith(f"{UI}/worklist?week={THIS_WEEK}&notice=")
    assert location.endswith("#open-flags")
    found = re.search(
        r'<div class="notice[^"]*" role="status">(.*?)</div>',
        api.client.get(location).text,
        re.DOTALL,
    )
    assert found is not None
    return found.group(1)


def test_a_clinician_acknowledges_a_flag_from_the_worklist(flagged: Api) -> None:
    sign_in(flagged, "clinician")
    page = flagged.client.get(f"{UI}/worklist", params={"week": THIS_WEEK}).text
    assert '<label for="note-P0002-outreach">Note on the outreach' in page
    assert 'Acknowledge<span class="visually-hidden"> outreach for Patient 2</span>' in page

    notice = _notice(flagged, _post(flagged, note="Reached by phone; back Monday"))

    assert (
        notice == "Outreach for Patient 2 acknowledged; it is shown on their page with your note."
    )
    page = flagged.client.get(f"{UI}/worklist", params={"week": THIS_WEEK}).text
    assert 'data-flag="outreach"' not in page
    patient = flagged.client.get(f"{UI}/patients/P0002").text
    history = re.search(r'<ul id="flag-history".*?</ul>', patient, re.DOTALL)
    assert history is not None
    assert 'data-state="acknowledged"' in history.group(0)
    assert 'by clinician-1: <q class="note">Reached by phone; back Monday</q>' in history.group(0)


def test_an_empty_note_is_refused_and_the_flag_stays_open(flagged: Api, stepdown: Stepdown) -> None:
    sign_in(flagged, "clinician")
    before = event_count(stepdown)
    notice = _notice(flagged, _post(flagged, note="  "))
    assert notice.startswith("Not done: note: acknowledging P0002&#39;s outreach flag needs a note")
    assert event_count(stepdown) == before


def test_a_flag_the_form_does_not_know_comes_back_to_the_flags(flagged: Api) -> None:
    sign_in(flagged, "clinician")
    form = csrf_form(flagged, patient_id="P0002", flag="relapse", note="x")
    response = flagged.client.post(ACKNOWLEDGE, data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert "Not done: flag: " in _notice(flagged, response)


def test_a_viewer_sees_no_form_and_is_refused_if_they_post(
    flagged: Api, stepdown: Stepdown
) -> None:
    sign_in(flagged, "viewer")
    page = flagged.client.get(f"{UI}/worklist", params={"week": THIS_WEEK}).text
    assert 'data-flag="outreach"' in page
    assert "flags/acknowledge" not in page
    before = event_count(stepdown)
    notice = _notice(flagged, _post(flagged, note="contact made"))
    assert notice == "Your role (viewer) may not acknowledge flags."
    assert event_count(stepdown) == before
