"""Acknowledge a flag from the worklist in a real Chromium: a patient who missed three meetings
in a row has outreach open; a clinician writes what was done and acknowledges it; the flag
leaves the worklist (a role=status notice says so, back at the flags) and the patient's page
shows it acknowledged with the note. axe-core finds no WCAG 2.2 AA violation on either page at
1440 and 390 px wide, and the phone never scrolls sideways."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from events.calendar import iso_week
from tests.e2e.conftest import PROGRAM, Server, start_server
from tests.e2e.test_coordinator_page import (  # noqa: F401 (fixtures shared with the week's tests)
    browser,
    notice,
    screenshots,
    signed_in,
)
from tests.e2e.test_navigation_pages import DESKTOP, api, program_today
from tests.e2e.test_waitlist_page import PHONE, accessibility_violations, sideways_overflow


@pytest.fixture(scope="module")
def flagged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """Last week published; one patient missed three of their seats without contact."""
    last_week = iso_week(program_today() - timedelta(days=7))
    for server in start_server(tmp_path_factory.mktemp("server"), import_program=True):
        with api(server) as http:
            roster = f"/programs/{PROGRAM}/rosters/{last_week}"
            http.post(f"{roster}/generate", json={}).raise_for_status()
            http.post(f"{roster}/publish").raise_for_status()
            document = http.get(roster).json()
            patient = next(p for p in document["patients"] if len(p["session_ids"]) >= 3)
            for seat in patient["session_ids"][:3]:
                http.post(
                    f"/programs/{PROGRAM}/attendance",
                    json={
                        "patient_id": patient["patient_id"],
                        "session_id": seat["session_id"],
                        "date": seat["date"],
                        "status": "missed",
                    },
                ).raise_for_status()
        yield server, patient["patient_id"]


def checked_at_both_sizes(page: Page, folder: Path, name: str) -> None:
    for size, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
        page.set_viewport_size(size)
        assert sideways_overflow(page) == 0, f"{name}{suffix} scrolls sideways"
        assert accessibility_violations(page) == "", f"{name}{suffix}"
        page.screenshot(path=folder / f"{name}{suffix}.png", full_page=True)


def test_acknowledge_outreach_from_the_worklist_then_read_it_on_the_patient_page(
    browser: Browser,  # noqa: F811
    flagged: tuple[Server, str],
    screenshots: Path,  # noqa: F811
) -> None:
    server, patient_id = flagged
    page = signed_in(browser, server, "clinician")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Worklist").click()
    flag = page.locator(f"#open-flags li[data-patient='{patient_id}'][data-flag='outreach']")
    expect(flag).to_contain_text("Outreach since")
    name = flag.get_by_role("link").first.inner_text()
    checked_at_both_sizes(page, screenshots, "worklist-flag")

    flag.get_by_label(f"Note on the outreach for {name}").fill("Reached by phone; back Monday")
    flag.get_by_role("button", name=f"Acknowledge outreach for {name}").click()

    expect(page.locator(".notice[role=status]")).to_contain_text(
        f"Outreach for {name} acknowledged"
    )
    assert page.url.endswith("#open-flags")
    expect(page.locator(f"#open-flags li[data-patient='{patient_id}']")).to_have_count(0)
    checked_at_both_sizes(page, screenshots, "worklist-acknowledged")

    page.set_viewport_size(DESKTOP)
    page.goto(f"{server.base_url}/ui/programs/{PROGRAM}/patients/{patient_id}")
    entry = page.locator("#flag-history li[data-flag='outreach']")
    expect(entry).to_have_attribute("data-state", "acknowledged")
    expect(entry).to_contain_text(re.compile(r"Acknowledged .* by clinician-e2e"))
    expect(entry).to_contain_text("Reached by phone; back Monday")
    checked_at_both_sizes(page, screenshots, "patient-flag-history")
