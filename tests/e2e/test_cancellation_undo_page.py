"""Cancel a meeting on the week page in a real Chromium, read who moved where and whom to call,
then undo it from the notice: the meeting is back with its patients. The notice (role=status)
has no WCAG 2.2 AA violation, its Undo button is a 24 × 24 px target, and at 390 px wide the
page does not scroll sideways."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from events.calendar import iso_week
from tests.e2e.conftest import PROGRAM, Server, start_server
from tests.e2e.test_attendance_marks_page import too_small, violations_in
from tests.e2e.test_coordinator_page import (  # noqa: F401 (fixtures shared with the week's tests)
    browser,
    notice,
    screenshots,
    signed_in,
)
from tests.e2e.test_waitlist_page import PHONE, sideways_overflow

NEXT_WEEK = iso_week(date.today() + timedelta(days=7))  # no meeting in it has started


@pytest.fixture(scope="module")
def next_week_published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The sample program with next week's roster published (none of its meetings started)."""
    for server in start_server(tmp_path_factory.mktemp("server"), import_program=True):
        auth = {"Authorization": f"Bearer {server.tokens['coordinator']}"}
        with httpx.Client(base_url=server.base_url, headers=auth, timeout=120) as http:
            rosters = f"/programs/{PROGRAM}/rosters/{NEXT_WEEK}"
            http.post(f"{rosters}/generate", json={}).raise_for_status()
            http.post(f"{rosters}/publish").raise_for_status()
        yield server


def next_week_roster(server: Server) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {server.tokens['coordinator']}"}
    with httpx.Client(base_url=server.base_url, headers=auth, timeout=60) as http:
        roster: dict[str, Any] = http.get(f"/programs/{PROGRAM}/rosters/{NEXT_WEEK}").json()
    return roster


def fullest_meeting(server: Server) -> dict[str, Any]:
    roster = next_week_roster(server)
    return max(roster["sessions"], key=lambda s: (len(s["patient_ids"]), s["date"]))


def test_cancel_then_undo_from_the_notice(
    browser: Browser,  # noqa: F811
    next_week_published: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    meeting = fullest_meeting(next_week_published)
    page = signed_in(browser, next_week_published, "coordinator")
    page.set_viewport_size(PHONE)
    week = f"{next_week_published.base_url}/ui/programs/{PROGRAM}/weeks/{NEXT_WEEK}"
    page.goto(f"{week}?day={meeting['date']}")  # the meeting's day alone, its meetings open
    region = f".day[data-date='{meeting['date']}'] article[data-session='{meeting['session_id']}']"
    article = page.locator(region)
    inline = article.locator("details.cancel")
    if inline.count() == 0:  # many seats shown: the meeting's forms are one link away
        article.locator("a.alone", has_text="Cancel…").click()
        article = page.locator(region)
    cancel = article.locator("details.cancel")
    cancel.locator("summary").click()
    cancel.get_by_label("Reason").fill("facilitator ill")
    cancel.get_by_role("button", name="Cancel this meeting").click()

    status = page.get_by_role("status")
    expect(status).to_contain_text("moved to a make-up")
    text = notice(page)
    moved = status.locator("ul.moved li").count()
    to_call = status.locator("ul.to-call li").count()
    assert moved + to_call == len(meeting["patient_ids"]), text
    assert f"{moved} moved to a make-up, {to_call} to call" in text
    expect(page.locator(region)).to_have_class(re.compile(r"\bcancelled\b"))
    undo = status.get_by_role("button", name="Undo the cancellation of")
    assert too_small(undo) == []
    assert violations_in(page, "[role=status]") == ""
    assert sideways_overflow(page) == 0
    page.screenshot(path=screenshots / "cancellation-notice.png", full_page=True)

    undo.click()
    expect(page.get_by_role("status")).to_contain_text("will be held after all")
    assert f"{len(meeting['patient_ids'])} patients in it" in notice(page)
    back = page.locator(region)
    expect(back).not_to_have_class(re.compile(r"\bcancelled\b"))
    expect(back.locator("ul.seats > li")).to_have_count(len(meeting["patient_ids"]))
    assert violations_in(page, "[role=status]") == ""
