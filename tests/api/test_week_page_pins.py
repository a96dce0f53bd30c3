"""The week page lists the week's pins with a remove button each, and the pins a generate dropped."""

from __future__ import annotations

import re

import pytest

from api.guards.csrf import FIELD, token_for_session
from api.web.session import COOKIE
from tests.api.conftest import PROGRAM, WEEK, Api, generate_on_page, sign_in

PAGE = f"/ui/programs/{PROGRAM}/weeks/{WEEK}"


@pytest.fixture
def signed_in(program: Api) -> Api:
    sign_in(program, "coordinator")
    return program


def page(program: Api) -> str:
    response = program.client.get(PAGE)
    assert response.status_code == 200, response.text
    text: str = response.text
    return text


def form(program: Api, action: str, **fields: str) -> str:
    csrf = token_for_session(program.client.cookies[COOKIE])
    response = program.client.post(f"{PAGE}/{action}", data={**fields, FIELD: csrf})
    assert response.status_code == 200, response.text  # followed the redirect back to the week
    notice = re.search(r'class="notice[^"]*"[^>]*>([^<]*)<', response.text)
    return notice.group(1) if notice else response.text


def test_pins_are_listed_and_removed_on_the_week_page(signed_in: Api) -> None:
    program = signed_in
    assert "P0007 pinned to mon-evening-1" in form(
        program, "pins", patient_id="P0007", meeting="mon-evening-1|2026-11-30"
    )
    text = page(program)
    assert "Pins (1)" in text
    assert "Remove pin: Patient 7, Mon 30 Nov 18:00 Evening group 1" in text
    assert "Pin removed" in form(
        program,
        "pins/remove",
        patient_id="P0007",
        session_id="mon-evening-1",
        session_date="2026-11-30",
    )
    assert "Pins (" not in page(program)


def test_a_refused_pin_and_a_dropped_pin_are_explained_on_the_week_page(signed_in: Api) -> None:
    program = signed_in
    refused = form(program, "pins", patient_id="P0001", meeting="mon-day-1|2026-11-30")
    assert "conflicts with P0001&#39;s work MON–FRI 08:00–16:30" in refused
    form(program, "pins", patient_id="P0007", meeting="mon-evening-1|2026-11-30")
    paused = program.post(
        f"/programs/{PROGRAM}/patients/P0007/pause", json={"reason": "hospital stay"}
    )
    assert paused.status_code == 200, paused.text
    notice = generate_on_page(program, PAGE)
    assert "Pin dropped: Patient 7, Mon 30 Nov 18:00 Evening group 1 (P0007 is paused)" in notice
    text = page(program)
    assert "Dropped at the last generate" in text
    assert "P0007 is paused" in text


def test_a_pin_link_beside_each_patient_fills_the_pin_form_in(signed_in: Api) -> None:
    grid = signed_in.client.get(f"{PAGE}?view=patients").text
    assert '<a href="?view=patients&amp;pin=P0007">Pin…</a>' in grid
    assert grid.count('">Pin…</a>') == grid.count("<tr data-patient=")

    chosen = signed_in.client.get(f"{PAGE}?view=patients&pin=P0007").text
    assert 'id="pin-patient" name="patient_id"' in chosen
    assert re.search(r'<input id="pin-patient"[^>]* value="P0007">', chosen)
    assert "Patient 7: choose the session to pin them to." in chosen
    assert '<select id="pin-meeting" name="meeting" required autofocus>' in chosen
    # The filters ride on the pin form as on every other; the chosen patient does not.
    assert f'action="{PAGE}/pins?view=patients"' in chosen


def test_a_pin_link_naming_nobody_on_the_week_leaves_the_form_empty_and_says_why(
    signed_in: Api,
) -> None:
    text = signed_in.client.get(f"{PAGE}?pin=%3Cscript%3E").text
    assert "Pin form left empty: pin: &#39;&lt;script&gt;&#39; is not a patient" in text
    assert "autofocus" not in text
    assert not re.search(r'<input id="pin-patient"[^>]* value=', text)


def test_only_a_coordinator_gets_pin_links(program: Api) -> None:
    sign_in(program, "clinician")
    grid = program.client.get(f"{PAGE}?view=patients").text
    assert "<tr data-patient=" in grid
    assert "pin=" not in grid
