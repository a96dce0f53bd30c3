"""Attendance on the week page in a real Chromium: excuse an absence with its reason and
"contact made", correct the mark, read its history; every control of a mark is a 24 × 24 px
target and axe-core finds no WCAG 2.2 AA violation in the meeting's region."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page

from events.calendar import iso_week
from tests.e2e.conftest import PROGRAM, Server, start_server
from tests.e2e.test_coordinator_page import (  # noqa: F401 (fixtures shared with the week's tests)
    browser,
    notice,
    screenshots,
    signed_in,
)
from tests.e2e.test_waitlist_page import PHONE, WCAG_AA, sideways_overflow

LAST_WEEK = iso_week(date.today() - timedelta(days=7))  # every meeting in it has started


@pytest.fixture(scope="module")
def last_week_published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The sample program (started a fortnight ago) with last week's roster published."""
    for server in start_server(tmp_path_factory.mktemp("server"), import_program=True):
        auth = {"Authorization": f"Bearer {server.tokens['coordinator']}"}
        with httpx.Client(base_url=server.base_url, headers=auth, timeout=120) as http:
            rosters = f"/programs/{PROGRAM}/rosters/{LAST_WEEK}"
            http.post(f"{rosters}/generate", json={}).raise_for_status()
            http.post(f"{rosters}/publish").raise_for_status()
        yield server


def violations_in(page: Page, selector: str) -> str:
    """axe-core's report for one region of the page; empty when there are none."""
    results = Axe().run(
        page,
        context={"include": [[selector]]},
        options={"runOnly": {"type": "tag", "values": WCAG_AA}},
    )
    return "" if results.violations_count == 0 else str(results.generate_report())


def too_small(controls: Locator) -> list[str]:
    """Visible controls smaller than 24 × 24 px (WCAG 2.2 target size), by their text."""
    small = []
    for index in range(controls.count()):
        control = controls.nth(index)
        box = control.bounding_box()
        if box is not None and (box["width"] < 24 or box["height"] < 24):
            small.append(f"{control.inner_text()!r} {box['width']:.0f}×{box['height']:.0f}")
    return small


def test_excuse_then_correct_a_mark_and_read_its_history(
    browser: Browser,  # noqa: F811
    last_week_published: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    page = signed_in(browser, last_week_published, "clinician")
    page.goto(f"{last_week_published.base_url}/ui/programs/{PROGRAM}/weeks/{LAST_WEEK}")
    seat = page.locator("ul.seats > li:has(form.mark-form)").first
    patient_id = seat.get_attribute("data-patient")
    name = seat.locator(".seat-line a").first.inner_text()  # its name (then "Pin…")
    meeting = seat.locator("xpath=ancestor::article")
    session_id, day = (
        meeting.get_attribute("data-session"),
        seat.locator("xpath=ancestor::div[@data-date]").get_attribute("data-date"),
    )
    region = f".day[data-date='{day}'] article[data-session='{session_id}']"
    assert too_small(seat.locator("button, summary")) == []

    seat.locator("summary", has_text="Reason").click()
    seat.get_by_label("Reason").fill("bus strike")
    seat.get_by_label("Contact made").check()
    assert too_small(seat.locator("button, summary, input[type=checkbox]")) == []
    assert violations_in(page, region) == ""
    seat.get_by_role("button", name=f"{name} excused").click()

    text = notice(page)
    assert text.startswith(f"{name} ({patient_id}) excused {session_id} on {day}."), text
    seat = page.locator(f"{region} li[data-patient='{patient_id}']")
    assert seat.locator(".mark").inner_text() == "excused"

    # A mis-click: corrected to attended; the make-up (if one was booked) is given back.
    seat.locator("summary", has_text="Correct").click()
    seat.get_by_role("button", name=f"{name} attended").click()
    text = notice(page)
    assert re.match(rf"{re.escape(name)} \({patient_id}\) attended .* \(was excused\)\.", text)
    seat = page.locator(f"{region} li[data-patient='{patient_id}']")
    assert seat.locator(".mark").inner_text() == "attended"

    history = seat.locator("details.history")
    history.locator("summary").click()
    entries = history.locator("ol > li")
    assert entries.count() == 2
    assert re.match(
        r"excused by clinician-e2e, .*“bus strike”; contact made$", entries.nth(0).inner_text()
    )
    assert entries.nth(1).inner_text().startswith("excused → attended by clinician-e2e, ")
    assert too_small(seat.locator("button:visible, summary")) == []
    assert violations_in(page, region) == ""
    assert violations_in(page, "[role=status]") == ""
    page.screenshot(path=screenshots / "attendance-history.png", full_page=True)

    # On a phone the marks' controls wrap within the day; the page never scrolls sideways.
    page.set_viewport_size(PHONE)
    page.reload()
    assert sideways_overflow(page) == 0
    phone_seat = page.locator(f"{region} li[data-patient='{patient_id}']")
    phone_seat.locator("summary", has_text="Correct").click()
    assert too_small(phone_seat.locator("button:visible, summary")) == []
    assert violations_in(page, region) == ""
