"""The coordinator page in a real headless Chromium (Debian's package, driven by Playwright)
against a real `stepdown serve` on loopback."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from api.web.week.words import week_heading
from events.calendar import iso_week, week_monday
from events.values import HolidayRegion
from scheduler.holidays import public_holiday
from tests.e2e.conftest import PROGRAM, Server

CHROMIUM = os.environ.get("STEPDOWN_CHROMIUM", "/usr/bin/chromium")
# Chromium as root in a closed network: no sandbox, no background calls home.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the page's screenshots go: STEPDOWN_SCREENSHOTS to keep them (a folder outside the
    work tree, or one git ignores), else a temporary folder, so a test run changes no tracked file."""
    kept = os.environ.get("STEPDOWN_SCREENSHOTS")
    folder = Path(kept) if kept else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        message = f"Chromium is not installed at {CHROMIUM} (make test installs Debian's package)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def signed_in(browser: Browser, server: Server, role: str) -> Page:
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(f"{server.base_url}/ui")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Token").fill(server.tokens[role])
    page.keyboard.press("Enter")  # the form works from the keyboard
    expect(page.locator("h1")).to_contain_text("Week of")
    return page


def notice(page: Page) -> str:
    return page.get_by_role("status").inner_text()


def generated(page: Page) -> str:
    """The notice of a generate, once its job has ended: the page shows the job's status panel
    until then, and its script goes on to the notice by itself."""
    expect(page.get_by_role("status")).to_contain_text("Roster generated", timeout=120_000)
    return notice(page)


def heading_of(day: date) -> str:
    """The week page's heading for the week holding `day`: "Week of 23 Nov 2026"."""
    return week_heading(week_monday(iso_week(day)))


def a_day_with_marks_to_record(page: Page, week_url: str) -> None:
    """The latest day of the week so far whose meetings have started: the page opens on today,
    whose meetings may not have started yet."""
    monday = week_monday(iso_week(date.today()))
    for back in range((date.today() - monday).days, -1, -1):
        page.goto(f"{week_url}?day={monday + timedelta(days=back)}")
        if page.locator("button[value=missed]").count():
            return


def test_a_coordinators_week(browser: Browser, program_server: Server, screenshots: Path) -> None:
    page = signed_in(browser, program_server, "coordinator")
    expect(page.locator("h1")).to_contain_text(heading_of(date.today()))
    expect(page.locator("#roster-state")).to_contain_text("No roster generated")
    week_url = page.url.split("?")[0]

    page.get_by_role("button", name="Generate roster").click()
    assert generated(page).startswith("Roster generated")
    expect(page.locator("#roster-state")).to_contain_text("Roster version 1, draft")
    page.get_by_role("link", name="Every day", exact=True).click()
    seated = page.locator("ul.seats li")
    assert seated.count() > 30  # 30 patients, 3–5 days each
    page.get_by_role("button", name="Publish version 1").click()
    page.get_by_role("button", name="Publish version 1").click()  # on the check page
    assert notice(page) == "Version 1 published."

    # A miss on a meeting that has already happened: the page says which make-up, or why none.
    a_day_with_marks_to_record(page, week_url)
    miss = page.locator("button[value=missed]").first
    patient = miss.locator("xpath=ancestor::li").get_attribute("data-patient")
    miss.click()
    text = notice(page)
    assert re.search(r"missed .* (Make-up: \S+ on \S+|No make-up: .+)\.$", text), text
    expect(page.locator(f"li[data-patient='{patient}'] .mark.missed")).to_have_count(1)
    made_up = re.search(r"Make-up: (\S+) on (\S+)\.$", text)
    if made_up:
        session_id, day = made_up.groups()
        page.goto(f"{week_url}?day={day}")
        card = page.locator(f".day[data-date='{day}'] article[data-session='{session_id}']")
        expect(card.locator(f"li[data-patient='{patient}']")).to_be_visible()

    page.screenshot(path=screenshots / "week.png", full_page=True)

    # Next week: pin a patient, then cancel a meeting; its patients move to make-ups.
    page.get_by_role("link", name=re.compile(r"→$")).click()
    expect(page.locator("h1")).to_contain_text(heading_of(date.today() + timedelta(days=7)))
    page.get_by_role("button", name="Generate roster").click()
    generated(page)
    # Patient 7 has no commitments, so any open meeting keeps every rule (a pin must).
    page.get_by_label("Patient", exact=True).fill("P0007")
    page.get_by_label("Session", exact=True).select_option(index=0)
    page.get_by_role("button", name="Pin", exact=True).click()
    assert "pinned to" in notice(page)
    expect(page.locator("#pins li[data-patient='P0007']")).to_have_count(1)
    page.get_by_role("button", name=re.compile(r"^Remove pin: Patient 7, ")).click()
    assert notice(page).startswith("Pin removed")
    expect(page.locator("#pins")).to_have_count(0)
    cancel = page.locator("details.cancel").first
    cancel.locator("summary").click()
    cancel.get_by_label("Reason").fill("facilitator ill")
    cancel.get_by_role("button", name="Cancel this meeting").click()
    assert re.search(r"cancelled: \d+ moved to a make-up, \d+ to call", notice(page))
    expect(page.locator("article.cancelled")).to_have_count(1)


def record_a_fortnight(server: Server, patient_id: str) -> set[str]:
    """Evening sessions attended since the start (walk-ins: no roster was published for those
    weeks), then a check-in needing support; the weeks in which one was marked."""
    auth = {"Authorization": f"Bearer {server.tokens['clinician']}"}
    # The fortnight before this week where the program is (Chicago): every evening marked has
    # happened whatever the time of day the test runs, and none falls in this week, whose roster
    # another test publishes (a walk-in is refused on a day the patient has a published seat).
    today = datetime.now(ZoneInfo("America/Chicago")).date()
    monday = today - timedelta(days=today.weekday())
    start = date.today() - timedelta(days=14)  # every enrolment's start (program_starting_recently)
    evenings = {0: "mon", 1: "tue", 2: "wed", 3: "thu"}
    weeks: set[str] = set()
    with httpx.Client(base_url=server.base_url, headers=auth, timeout=60) as http:
        days = [start + timedelta(days=n) for n in range(14) if start + timedelta(days=n) < monday]
        for day in days:
            if day.weekday() not in evenings or public_holiday(HolidayRegion("US"), day):
                continue
            mark = {
                "patient_id": patient_id,
                "session_id": f"{evenings[day.weekday()]}-evening-1",
                "date": day.isoformat(),
                "status": "attended",
                "walk_in": True,
            }
            answer = http.post(f"/programs/{PROGRAM}/attendance", json=mark)
            assert answer.is_success, answer.text
            weeks.add(iso_week(day))
        http.post(
            f"/programs/{PROGRAM}/patients/{patient_id}/progress",
            json={"rating": "needs_support"},
        ).raise_for_status()
    return weeks


def test_a_patients_taper_chart(
    browser: Browser, program_server: Server, screenshots: Path
) -> None:
    weeks_attended = record_a_fortnight(program_server, "P0004")
    assert weeks_attended, "no evening of the fortnight before this week was marked"
    page = signed_in(browser, program_server, "coordinator")
    page.goto(f"{program_server.base_url}/ui/programs/{PROGRAM}/patients/P0004")
    expect(page.locator("h1")).to_contain_text("Patient 4")
    chart = page.locator("svg#taper-chart")
    expect(chart).to_be_visible()
    planned = int(page.locator("table#course tbody tr").count())
    expect(chart.locator("g.week-column")).to_have_count(planned)
    expect(chart.locator("path.planned")).to_have_count(1)
    expect(chart.locator("text.marker", has_text="H")).to_have_count(1)  # the hold
    attended = chart.locator("rect.attended")
    # A bar for every week with an evening marked (one or two: the program started 14 days ago).
    bars = sum(float(a.get_attribute("height") or 0) > 0 for a in attended.all())
    assert bars == len(weeks_attended), (bars, sorted(weeks_attended))
    expect(page.locator("table#attendance tbody tr")).not_to_have_count(0)
    page.screenshot(path=screenshots / "patient.png", full_page=True)


def test_the_census_sorts_from_the_keyboard_and_prints_clean(
    browser: Browser, program_server: Server
) -> None:
    page = signed_in(browser, program_server, "viewer")
    page.get_by_role("link", name="Census").click()
    rows = page.locator("table#census tbody tr")
    expect(rows).to_have_count(30)
    page.get_by_role("button", name="Name", exact=True).focus()
    page.keyboard.press("Enter")
    names = rows.locator("td:nth-child(2)").all_inner_texts()
    assert names == sorted(names)
    page.keyboard.press("Enter")
    assert rows.locator("td:nth-child(2)").all_inner_texts() == sorted(names, reverse=True)
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator("table#census")).to_be_visible()


def test_each_role_sees_only_what_it_may_do(browser: Browser, program_server: Server) -> None:
    viewer = signed_in(browser, program_server, "viewer")
    expect(viewer.get_by_role("button", name=re.compile("Generate|Regenerate"))).to_have_count(0)
    expect(viewer.locator("button[value=missed]")).to_have_count(0)
    clinician = signed_in(browser, program_server, "clinician")
    expect(clinician.get_by_role("button", name=re.compile("Generate|Regenerate"))).to_have_count(0)
    # Posted by hand with the session's CSRF token (from the sign-out form every page has).
    csrf = clinician.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    response = clinician.request.post(
        f"{program_server.base_url}/ui/programs/{PROGRAM}/weeks/{iso_week(date.today())}/generate",
        form={"csrf_token": csrf},
    )
    assert "may not do this" in response.text()
