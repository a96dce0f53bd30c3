"""The patient's view on the coordinator page makes, replaces and turns off the calendar link."""

from __future__ import annotations

import html
import re

import httpx

from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, Api, csrf_form, sign_in

PATIENT_PAGE = f"/ui/programs/{PROGRAM}/patients/P0001"


def shown_url(answer: httpx.Response) -> str:
    found = re.search(r'id="feed-url" readonly size="80" value="([^"]+)"', answer.text)
    assert found, answer.text
    return html.unescape(found.group(1))


def phone_reads(api: Api, url: str) -> int:
    api.client.cookies.clear()
    answer: httpx.Response = api.client.get(httpx.URL(url).path)
    return answer.status_code


def test_a_coordinator_makes_and_replaces_the_link_from_the_patient_view(program: Api) -> None:
    sign_in(program, "coordinator")
    assert "New calendar link" in program.client.get(PATIENT_PAGE).text
    made = program.client.post(f"{PATIENT_PAGE}/feed", data=csrf_form(program))
    assert made.status_code == 200
    assert made.headers["cache-control"] == "private, no-store"
    first = shown_url(made)
    assert "/feeds/sdf_" in first
    assert "/feeds/" not in str(made.url)  # the secret is in the page, not in its address
    sign_in(program, "coordinator")
    second = shown_url(program.client.post(f"{PATIENT_PAGE}/feed", data=csrf_form(program)))
    assert (phone_reads(program, first), phone_reads(program, second)) == (404, 200)
    sign_in(program, "coordinator")
    off = program.client.post(f"{PATIENT_PAGE}/feed/revoke", data=csrf_form(program))
    assert "Calendar link turned off." in off.text
    assert phone_reads(program, second) == 404


def test_a_viewer_sees_no_button_and_is_refused(program: Api, stepdown: Stepdown) -> None:
    sign_in(program, "viewer")
    assert "New calendar link" not in program.client.get(PATIENT_PAGE).text
    refused = program.client.post(f"{PATIENT_PAGE}/feed", data=csrf_form(program))
    assert refused.status_code == 403
    assert "may not do this" in refused.text
    with stepdown.views.transaction(commit=False) as cursor:
        assert cursor.query("SELECT * FROM feed_tokens") == []
