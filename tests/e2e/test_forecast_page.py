"""The forecast page in a real Chromium: the 12 weeks ahead, a what-if, a refused what-if and the
advice, by a viewer (the forecast records nothing, so any reader may use it); axe-core finds no
WCAG 2.2 AA violation, on a desktop and on a phone, and a phone never scrolls sideways."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PROGRAM, Server
from tests.e2e.test_coordinator_page import (  # noqa: F401 (fixtures shared with the week's tests)
    browser,
    notice,
    screenshots,
    signed_in,
)
from tests.e2e.test_waitlist_page import PHONE, accessibility_violations, sideways_overflow

# Advice over every start on the sample program's days, at one solver worker.
ADVICE_TIMEOUT_MS = 120_000


def open_group(page: Page, weekday: str, start: str, end: str, track: str) -> None:
    form = page.locator("form", has=page.get_by_role("heading", name="Open a group"))
    form.get_by_label("Day", exact=True).select_option(weekday)
    form.get_by_label("Starts", exact=True).fill(start)
    form.get_by_label("Ends", exact=True).fill(end)
    form.get_by_label("Track", exact=True).select_option(track)
    form.get_by_role("button", name="Try this group").click()


def test_the_forecast_and_a_what_if_on_a_desktop(
    browser: Browser,  # noqa: F811
    program_server: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    page = signed_in(browser, program_server, "viewer")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.get_by_role("link", name="Forecast", exact=True).click()
    expect(page.locator("h1")).to_contain_text("forecast")
    expect(page.locator("table#forecast tbody tr")).to_have_count(12)
    expect(page.locator("table#forecast tbody th").first).to_contain_text("Week of ")
    # Weeks short say so in words, not by colour alone.
    expect(page.locator("table#forecast tr.short").first).to_contain_text("Short: ")
    expect(page.locator("#why-short")).to_contain_text("no group fits their hours")
    assert accessibility_violations(page) == ""
    page.screenshot(path=screenshots / "forecast.png", full_page=True)

    # The sample's parents (childcare 07:00–09:00 and 15:00–19:00) fit a mid-morning group.
    open_group(page, "TUE", "10:00", "13:00", "day")
    assert notice(page).startswith("What if: Open a Tue 10:00–13:00 day group for 12 seats.")
    assert notice(page).endswith("Nothing was recorded.")
    result = page.locator("#what-if-result")
    expect(result).to_contain_text("This change meets")
    expect(result.locator("tbody tr")).to_have_count(12)
    assert accessibility_violations(page) == ""
    page.screenshot(path=screenshots / "forecast-what-if.png", full_page=True)


def test_the_forecast_on_a_phone_with_a_refusal_and_advice(
    browser: Browser,  # noqa: F811
    program_server: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    page = signed_in(browser, program_server, "viewer")
    page.set_viewport_size(PHONE)
    page.goto(f"{program_server.base_url}/ui/programs/{PROGRAM}/forecast")
    expect(page.locator("table#forecast tbody tr")).to_have_count(12)
    assert sideways_overflow(page) == 0
    assert accessibility_violations(page) == ""
    page.screenshot(path=screenshots / "forecast-phone.png", full_page=True)

    open_group(page, "WED", "13:00", "12:00", "evening")
    expect(page.get_by_role("status")).to_have_text("Not tried: Ends: 12:00 is not after 13:00")
    ends = page.get_by_label("Ends", exact=True)
    expect(ends).to_have_attribute("aria-invalid", "true")
    expect(ends).to_have_value("12:00")  # the form comes back as it was typed
    expect(page.locator("#what-if-result")).to_have_count(0)
    assert sideways_overflow(page) == 0
    assert accessibility_violations(page) == ""

    page.get_by_label("Groups to suggest").select_option("2")
    page.get_by_role("button", name="Suggest groups to open").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("worth opening", timeout=ADVICE_TIMEOUT_MS)
    expect(page.locator("#advice-result")).to_be_visible()
    assert sideways_overflow(page) == 0
    assert accessibility_violations(page) == ""
    page.screenshot(path=screenshots / "forecast-advice-phone.png", full_page=True)
