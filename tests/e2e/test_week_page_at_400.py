"""The week page at 400 patients (scenarios/multi-400.json) in a real Chromium: no WCAG 2.2 AA
violation (target size included) on a desktop and on a phone, no sideways scrolling on the
phone, the filters keep only what they say, a pin made on the page is listed and removed, and
a form returns to the meeting it was about with the page's filters."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.conftest import SCENARIOS
from tests.e2e.conftest import Server, start_server
from tests.e2e.test_coordinator_page import (  # noqa: F401 (fixtures shared with the week's tests)
    browser,
    generated,
    notice,
    screenshots,
    signed_in,
)
from tests.e2e.test_waitlist_page import PHONE, accessibility_violations

PROGRAM = "multi-303"
WEEK = "2026-W48"
# Wednesday noon in Chicago: Monday's, Tuesday's and Wednesday morning's meetings have happened;
# Thursday is Thanksgiving.
NOW = "2026-11-25T12:00:00-06:00"
DESKTOP: ViewportSize = {"width": 1440, "height": 900}
SAID = "Keeping last week's groups: 4 rosters found so far, best possible within 3%."
PAGE = f"/ui/programs/{PROGRAM}/weeks/{WEEK}"


@pytest.fixture(scope="module")
def multi_400(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """The 400-patient program with this week's roster published, and the patient who missed
    three meetings in a row without contact (an outreach flag)."""
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("STEPDOWN_NOW", NOW)
        environment.setenv("STEPDOWN_INLINE_ROSTER_PATIENTS", "1000")
        environment.setenv("STEPDOWN_ROSTER_TIME_LIMIT_S", "5")
        for server in start_server(tmp_path_factory.mktemp("server"), import_program=False):
            auth = {"Authorization": f"Bearer {server.tokens['coordinator']}"}
            with httpx.Client(base_url=server.base_url, headers=auth, timeout=300) as http:
                http.post(
                    "/programs",
                    content=(SCENARIOS / "multi-400.json").read_bytes(),
                    headers={"Content-Type": "application/json"},
                ).raise_for_status()
                rosters = f"/programs/{PROGRAM}/rosters/{WEEK}"
                http.post(f"{rosters}/generate", json={"time_limit_s": 5}).raise_for_status()
                http.post(f"{rosters}/publish").raise_for_status()
                flagged = three_misses_in_a_row(http, http.get(rosters).json())
            yield server, flagged


def three_misses_in_a_row(http: httpx.Client, roster: dict[str, list[dict[str, str]]]) -> str:
    """Misses on Monday, Tuesday and Wednesday morning for one patient seated at all three."""
    seats: dict[str, dict[str, str]] = {}
    for session in roster["sessions"]:
        if session["date"] == "2026-11-25" and session["start"] >= "12:00":
            continue  # not started yet
        for patient_id in session["patient_ids"]:
            seats.setdefault(patient_id, {})[session["date"]] = session["session_id"]
    days = ("2026-11-23", "2026-11-24", "2026-11-25")
    patient_id = next(p for p, seated in sorted(seats.items()) if all(d in seated for d in days))
    for day in days:
        mark = {
            "patient_id": patient_id,
            "session_id": seats[patient_id][day],
            "date": day,
            "status": "missed",
        }
        http.post(f"/programs/{PROGRAM}/attendance", json=mark).raise_for_status()
    return patient_id


def coordinator_on(browser: Browser, server: Server, query: str = "") -> Page:  # noqa: F811
    page = signed_in(browser, server, "coordinator")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{server.base_url}{PAGE}{query}")
    return page


def no_sideways_scroll(page: Page) -> bool:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= PHONE["width"]


def test_the_week_and_the_patients_grid_pass_axe_on_a_desktop_and_a_phone(
    browser: Browser,  # noqa: F811
    multi_400: tuple[Server, str],
    screenshots: Path,  # noqa: F811
) -> None:
    server, _ = multi_400
    page = coordinator_on(browser, server)
    expect(page.locator("h1")).to_contain_text("Week of 23 Nov 2026")
    expect(page.locator("#roster-state")).to_contain_text("Solved: ")
    # Today (Wednesday) in full, in time order; the other days as counts with a link.
    starts = page.locator(".day[data-date='2026-11-25'] .meeting .when").all_inner_texts()
    assert starts
    assert starts == sorted(starts)
    expect(page.locator(".day")).to_have_count(1)
    assert accessibility_violations(page) == ""
    page.screenshot(path=screenshots / "week-400.png", full_page=True)
    for query in ("", "?view=patients", "?day=2026-11-23&track=evening"):
        page.set_viewport_size(PHONE)
        page.goto(f"{server.base_url}{PAGE}{query}")
        assert no_sideways_scroll(page), query
        assert accessibility_violations(page) == "", query
        page.set_viewport_size(DESKTOP)
        page.reload()
        assert accessibility_violations(page) == "", query


def test_the_filters_keep_only_what_they_say(
    browser: Browser,  # noqa: F811
    multi_400: tuple[Server, str],
) -> None:
    server, flagged = multi_400
    page = coordinator_on(browser, server)
    page.get_by_label("Show", exact=True).select_option(label="Patients by day")
    page.get_by_label("Day", exact=True).select_option(label="Every day")
    page.get_by_label("Track", exact=True).select_option("evening")
    page.get_by_role("button", name="Apply").click()
    query = parse_qs(urlsplit(page.url).query)
    assert (query["view"], query["day"], query["track"]) == (["patients"], ["all"], ["evening"])
    rows = page.locator("#patients-grid tbody tr")
    assert 0 < rows.count() < 400
    assert all("Evening" in text for text in rows.all_inner_texts())

    page.get_by_label("Track", exact=True).select_option("")
    page.get_by_role("checkbox", name="Short of their days").check()
    page.get_by_role("button", name="Apply").click()
    short = int(re.findall(r"\d+", page.locator("#short-heading").inner_text())[0])
    expect(rows).to_have_count(short)
    expect(page.locator("#patients-grid tbody td.short")).to_have_count(short)

    page.get_by_role("checkbox", name="Short of their days").uncheck()
    page.get_by_role("checkbox", name="Flagged for outreach or review").check()
    page.get_by_role("button", name="Apply").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-patient", flagged)
    expect(rows.first.locator(".tag.flag")).to_have_text("Outreach")

    page.goto(f"{server.base_url}{PAGE}?day=2026-12-25")
    expect(page.get_by_role("status")).to_contain_text(
        "day: 2026-12-25 is not a day of the week of 23 Nov 2026"
    )


def test_a_pin_made_on_the_page_is_listed_then_removed(
    browser: Browser,  # noqa: F811
    multi_400: tuple[Server, str],
) -> None:
    server, _ = multi_400
    page = coordinator_on(browser, server, "?view=patients&track=weekend")
    # Patient 1 has no commitments: any open meeting keeps every rule (a pin must).
    page.get_by_role("link", name="Pin a patient").click()
    page.get_by_label("Patient", exact=True).fill("P0001")
    session = page.get_by_label("Session", exact=True)
    expect(session.locator("optgroup[label='Fri 27 Nov'] option").first).to_have_text(
        "09:00 Day group 1"
    )
    friday = session.locator(
        "optgroup[label='Fri 27 Nov'] option", has_text="18:00 Evening group 12"
    )
    session.select_option(friday.get_attribute("value"))
    page.get_by_role("button", name="Pin", exact=True).click()
    assert notice(page) == "P0001 pinned to fri-evening-12 on 2026-11-27; generate to apply it."
    assert page.url.endswith("#pins-section")
    assert "view=patients&track=weekend" in page.url
    expect(page.locator("#pins li[data-patient='P0001']")).to_contain_text(
        "Patient 1 — Fri 27 Nov 18:00 Evening group 12"
    )
    page.get_by_role(
        "button", name="Remove pin: Patient 1, Fri 27 Nov 18:00 Evening group 12"
    ).click()
    assert notice(page).startswith("Pin removed: P0001 fri-evening-12 on 2026-11-27")
    expect(page.locator("#pins")).to_have_count(0)


def test_a_mark_returns_to_its_meeting_with_the_filters(
    browser: Browser,  # noqa: F811
    multi_400: tuple[Server, str],
) -> None:
    server, _ = multi_400
    page = coordinator_on(browser, server, "?day=2026-11-23&track=evening")
    meeting = page.locator("article[data-session='mon-evening-5']")
    expect(meeting.locator("form.mark-form")).to_have_count(
        0
    )  # a big day: forms one meeting at a time
    meeting.get_by_role("link", name=re.compile("^Mark attendance")).click()
    anchor = "#m-mon-evening-5-2026-11-23"
    assert page.url.endswith(anchor)
    seat = page.locator(f"{anchor} ul.seats > li:has(form.mark-form)").first
    patient_id = seat.get_attribute("data-patient")
    name = seat.locator(".seat-line a").first.inner_text()  # its name (then "Pin…")
    seat.get_by_role("button", name=f"{name} attended").click()
    assert notice(page).startswith(f"{name} ({patient_id}) attended mon-evening-5 on 2026-11-23")
    assert page.url.endswith(anchor)
    query = parse_qs(urlsplit(page.url).query)
    assert query["day"] == ["2026-11-23"]
    assert query["track"] == ["evening"]
    assert query["meeting"] == ["mon-evening-5|2026-11-23"]
    expect(page.locator(f"{anchor} li[data-patient='{patient_id}'] .mark")).to_have_text("attended")
    assert page.evaluate("window.scrollY") > 0  # at the meeting, not the top of the page


def test_generate_shows_the_jobs_progress_then_what_it_did(
    browser: Browser,  # noqa: F811
    multi_400: tuple[Server, str],
    screenshots: Path,  # noqa: F811
) -> None:
    """Last in this module: it adds a draft version to the week the others read."""
    server, _ = multi_400
    page = coordinator_on(browser, server, "?view=patients&track=evening")
    # The panel's questions go unanswered until it has been checked (the page stays on it).
    polls = f"**{PAGE}/jobs/*"
    page.route(polls, lambda route: route.abort())
    page.get_by_role("button", name="Regenerate").click()
    panel = page.locator("#generating")
    expect(panel).to_have_attribute("role", "status")
    expect(panel.get_by_role("heading")).to_have_text("Generating the roster…")
    expect(panel.locator("progress")).to_have_attribute("max", "5.0")
    expect(panel.get_by_role("link", name="Check again")).to_be_visible()
    assert "view=patients&track=evening&job=" in page.url
    assert accessibility_violations(page) == ""
    page.screenshot(path=screenshots / "week-400-generating.png")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    assert accessibility_violations(page) == ""
    page.set_viewport_size(DESKTOP)
    # The script writes what the job says into the panel (an answer made up for the test).
    page.unroute(polls)
    said = {"finished": False, "words": SAID, "elapsed_s": 2.5, "time_limit_s": 5.0, "next": None}
    page.route(polls, lambda route: route.fulfill(json=said))
    expect(panel.locator("[data-words]")).to_have_text(SAID)
    expect(panel.locator("progress")).to_have_js_property("value", 2.5)

    page.unroute(polls)
    text = generated(page)
    assert re.fullmatch(
        r"Roster generated: solved, [^;]+; (\d+ required days? unmet|every required day met)\.",
        text,
    ), text
    assert page.url.endswith("#roster-state")
    assert "view=patients&track=evening&notice=" in page.url
    expect(page.locator("#generating")).to_have_count(0)
    expect(page.locator("#roster-state")).to_contain_text("Roster version 2, draft")
    assert accessibility_violations(page) == ""
