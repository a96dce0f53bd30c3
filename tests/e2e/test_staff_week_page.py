"""The staff week page in a real Chromium: reached from the nav, each member's meetings, hours and
absences; axe-core finds no WCAG 2.2 AA violation on a desktop and on a phone, and a phone never
scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from api.web.plain_words import day_text
from tests.conftest import SCENARIOS
from tests.e2e.conftest import Server, start_server
from tests.e2e.test_coordinator_page import (  # noqa: F401 (fixtures shared with the week's tests)
    browser,
    screenshots,
    signed_in,
)
from tests.e2e.test_waitlist_page import PHONE, accessibility_violations, sideways_overflow

PROGRAM = "staffed-201"


@pytest.fixture(scope="module")
def staffed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server holding the staffed program, Ana away on this week's Tuesday."""
    for server in start_server(tmp_path_factory.mktemp("server"), import_program=False):
        auth = {"Authorization": f"Bearer {server.tokens['coordinator']}"}
        imported = httpx.post(
            f"{server.base_url}/programs",
            content=(SCENARIOS / "staffed.json").read_text(encoding="utf-8"),
            headers={**auth, "Content-Type": "application/json"},
            timeout=120,
        )
        imported.raise_for_status()
        absent = httpx.post(
            f"{server.base_url}/programs/{PROGRAM}/staff/s-ana/absences",
            json={"first_day": tuesday().isoformat(), "reason": "training"},
            headers=auth,
            timeout=60,
        )
        absent.raise_for_status()
        yield server


def tuesday() -> date:
    today = date.today()
    return today - timedelta(days=today.weekday()) + timedelta(days=1)


def test_the_staff_week_on_a_desktop(
    browser: Browser,  # noqa: F811
    staffed_server: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    page = signed_in(browser, staffed_server, "coordinator")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.get_by_role("link", name="Staff", exact=True).click()
    monday = date.today() - timedelta(days=date.today().weekday())
    expect(page.locator("h1")).to_contain_text(f"staff, week of {day_text(monday, date.today())}")
    ana = page.locator("section#staff-s-ana")
    expect(ana.get_by_role("heading", name="Ana Ruiz")).to_be_visible()
    expect(ana).to_contain_text(f"Away: {day_text(tuesday(), date.today())} (training)")
    expect(ana.locator("tr.needs-cover")).to_have_count(1)
    ben = page.locator("section#staff-s-ben")
    expect(ben.locator("tbody tr").first).to_contain_text("In person, room room-a")
    expect(ben.locator("tbody tr").first).to_contain_text("Cara Lind")
    assert accessibility_violations(page) == ""
    page.screenshot(path=screenshots / "staff-week.png", full_page=True)
    page.get_by_role("link", name="Week of", exact=False).last.click()
    expect(page.locator("h1")).to_contain_text(
        f"staff, week of {day_text(monday + timedelta(days=7), date.today())}"
    )


def test_the_staff_week_on_a_phone(
    browser: Browser,  # noqa: F811
    staffed_server: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    page = signed_in(browser, staffed_server, "viewer")
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Staff", exact=True).click()
    expect(page.locator("section#staff-s-eli")).to_contain_text("Hybrid, room room-b")
    assert sideways_overflow(page) == 0
    assert accessibility_violations(page) == ""
    page.screenshot(path=screenshots / "staff-week-phone.png", full_page=True)
