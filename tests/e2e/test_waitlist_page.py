"""The waitlist in a real Chromium: refer, "when can they start?", admit; axe-core finds no
WCAG 2.2 AA violation on its pages, on a desktop and on a phone, and a phone never scrolls
sideways."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, expect

from api.web.plain_words import day_text
from tests.e2e.conftest import PROGRAM, Server
from tests.e2e.test_coordinator_page import (  # noqa: F401 (fixtures shared with the week's tests)
    browser,
    notice,
    screenshots,
    signed_in,
)

# axe-core's rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA (target size included).
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE: ViewportSize = {"width": 390, "height": 844}


def accessibility_violations(page: Page) -> str:
    """axe-core's report of the page's violations; empty when there are none."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return "" if results.violations_count == 0 else str(results.generate_report())


def sideways_overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0: no horizontal scrolling)."""
    width: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return width


def test_refer_then_when_can_they_start_then_admit(
    browser: Browser,  # noqa: F811
    program_server: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    page = signed_in(browser, program_server, "coordinator")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.get_by_role("link", name="Waitlist", exact=True).click()
    expect(page.locator("h1")).to_contain_text("waitlist")
    expect(page.locator("#no-referrals")).to_be_visible()
    assert accessibility_violations(page) == ""

    page.get_by_label("Name").fill("Robin Lee")
    page.get_by_label("Referral id").fill("R0001")
    page.get_by_label("Planned weeks").fill("8")
    page.get_by_label("Days a week at first").fill("3")
    page.get_by_label("Can start from").fill(date.today().isoformat())
    page.get_by_label("Priority").select_option("2")
    commitment = page.get_by_role("group", name=re.compile(r"^Commitment 1"))
    commitment.get_by_label("Kind").select_option("work")
    commitment.get_by_label("Sat").check()
    commitment.get_by_label("From").fill("09:00")
    commitment.get_by_label("Until").fill("13:00")
    page.get_by_role("button", name="Add to the waitlist").click()
    assert notice(page) == "Robin Lee referred (R0001); see below when they can start."

    expect(page.locator("h1")).to_contain_text("Robin Lee")
    expect(page.locator("dl.details")).to_contain_text("Work Sat 09:00–13:00")
    answer = page.locator("#start-answer").inner_text()
    found = re.match(r"(\w{3} \d{1,2} \w{3}(?: \d{4})?): the earliest day", answer)
    assert found, answer
    start = page.get_by_label("Start date").input_value()
    # The admit form defaults to the day the answer gives.
    assert day_text(date.fromisoformat(start), date.today()) == found.group(1)
    assert accessibility_violations(page) == ""
    page.screenshot(path=screenshots / "referral.png", full_page=True)

    page.get_by_role("button", name="Admit").click()
    assert notice(page) == f"Admitted: they start on {found.group(1)} as patient R0001."
    expect(page.locator("#referral-status")).to_contain_text("Admitted, starts")
    page.get_by_role("link", name="Waitlist", exact=True).click()
    page.get_by_role("link", name="Admitted", exact=True).click()
    expect(page.locator("table#waitlist tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="Robin Lee")).to_be_visible()
    page.screenshot(path=screenshots / "waitlist.png", full_page=True)


def test_the_waitlist_on_a_phone(
    browser: Browser,  # noqa: F811
    program_server: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    page = signed_in(browser, program_server, "coordinator")
    page.set_viewport_size(PHONE)
    waitlist = f"{program_server.base_url}/ui/programs/{PROGRAM}/waitlist"
    page.goto(waitlist)
    page.get_by_label("Name").fill("Sam Phone")
    page.get_by_label("Referral id").fill("R0002")
    page.get_by_label("Planned weeks").fill("6")
    page.get_by_label("Days a week at first").fill("2")
    page.get_by_label("Can start from").fill(date.today().isoformat())
    page.get_by_role("button", name="Add to the waitlist").click()
    # Refused (the program's policy is 8–12 weeks at 3–5 days): the form comes back as typed.
    expect(page.get_by_role("status")).to_contain_text(
        "Not done: referral.planned_weeks: 6 is outside the program's 8–12 weeks"
    )
    expect(page.get_by_label("Name")).to_have_value("Sam Phone")
    assert sideways_overflow(page) == 0
    assert accessibility_violations(page) == ""
    page.get_by_label("Planned weeks").fill("8")
    page.get_by_label("Days a week at first").fill("3")
    page.get_by_role("button", name="Add to the waitlist").click()
    expect(page.get_by_role("status")).to_contain_text("Sam Phone referred")
    expect(page.locator("#start-answer")).to_be_visible()  # the referral's page
    assert sideways_overflow(page) == 0
    assert accessibility_violations(page) == ""
    page.screenshot(path=screenshots / "referral-phone.png", full_page=True)
    page.goto(f"{waitlist}?status=all")
    expect(page.get_by_role("link", name="Sam Phone")).to_be_visible()
    assert sideways_overflow(page) == 0
    assert accessibility_violations(page) == ""
    page.screenshot(path=screenshots / "waitlist-phone.png", full_page=True)
