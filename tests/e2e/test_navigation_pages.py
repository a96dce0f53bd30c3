"""Getting around in a real Chromium: switch program, find a patient, the worklist, the check
before publishing, and the printouts opened with the page's sign-in; axe-core finds no WCAG 2.2
AA violation on the new pages at desktop and phone sizes (also with 400 patients), and a phone
never scrolls sideways."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from api.web.week.words import week_heading
from events.calendar import iso_week, week_monday
from tests.conftest import SCENARIOS
from tests.e2e.conftest import PROGRAM, Server, program_starting_recently, start_server
from tests.e2e.test_coordinator_page import (  # noqa: F401 (fixtures shared with the week's tests)
    browser,
    generated,
    notice,
    screenshots,
    signed_in,
)
from tests.e2e.test_waitlist_page import PHONE, accessibility_violations, sideways_overflow

DESKTOP: ViewportSize = {"width": 1440, "height": 900}
SECOND = "west-202"  # sorts after standard-101: sign-in opens the sample program
BIG = "multi-303"


def api(server: Server, role: str = "coordinator") -> httpx.Client:
    auth = {"Authorization": f"Bearer {server.tokens[role]}"}
    return httpx.Client(base_url=server.base_url, headers=auth, timeout=300)


def import_program(server: Server, document: str) -> None:
    with api(server) as http:
        response = http.post("/programs", content=document, headers=_json())
        response.raise_for_status()


def _json() -> dict[str, str]:
    return {"Content-Type": "application/json"}


def program_today() -> date:
    """Today where the sample program is (Chicago)."""
    return datetime.now(ZoneInfo("America/Chicago")).date()


def checked_on_desktop_and_phone(page: Page, folder: Path, name: str) -> None:
    for size, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
        page.set_viewport_size(size)
        assert sideways_overflow(page) == 0, f"{name}{suffix} scrolls sideways"
        assert accessibility_violations(page) == "", f"{name}{suffix}"
        page.screenshot(path=folder / f"{name}{suffix}.png", full_page=True)


@pytest.fixture(scope="module")
def two_programs(program_server: Server) -> Server:
    """The sample program, and a copy named West IOP 202."""
    document = json.loads(program_starting_recently(date.today()))
    document["program"].update(id=SECOND, name="West IOP 202")
    import_program(program_server, json.dumps(document))
    return program_server


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server holding scenarios/multi-400.json (400 patients), started two weeks ago."""
    for server in start_server(tmp_path_factory.mktemp("big"), import_program=False):
        document = json.loads((SCENARIOS / "multi-400.json").read_text(encoding="utf-8"))
        for patient in document["patients"]:
            patient["start_date"] = (date.today() - timedelta(days=14)).isoformat()
        import_program(server, json.dumps(document))
        yield server


def test_switch_program_from_the_header(
    browser: Browser,  # noqa: F811
    two_programs: Server,
) -> None:
    page = signed_in(browser, two_programs, "viewer")
    expect(page.locator("h1")).to_contain_text("Standard IOP 101")
    switcher = page.get_by_role("navigation", name="Programs")
    switcher.get_by_text("Program: Standard IOP 101").click()
    expect(switcher.get_by_role("link", name="Standard IOP 101")).to_have_attribute(
        "aria-current", "true"
    )
    switcher.get_by_role("link", name="West IOP 202").click()
    expect(page.locator("h1")).to_contain_text("West IOP 202")
    expect(page).to_have_url(re.compile(rf"/ui/programs/{SECOND}/weeks/\d{{4}}-W\d\d$"))
    switcher = page.get_by_role("navigation", name="Programs")
    switcher.get_by_text("Program: West IOP 202").click()
    expect(switcher.get_by_role("link", name="West IOP 202")).to_have_attribute(
        "aria-current", "true"
    )


def test_find_a_patient_from_the_header(
    browser: Browser,  # noqa: F811
    program_server: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    page = signed_in(browser, program_server, "viewer")
    page.get_by_label("Find a patient").fill("patient 7")
    page.keyboard.press("Enter")
    expect(page.locator("#search-summary")).to_have_text(re.compile(r"^1 patient matches"))
    checked_on_desktop_and_phone(page, screenshots, "search")
    page.get_by_label("Find a patient").fill("")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#search-summary")).to_contain_text("Type part of a name or a patient id")
    page.get_by_label("Find a patient").fill("P0007")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Patient 7").click()
    expect(page.locator("h1")).to_contain_text("Patient 7")


def test_the_worklist_shows_a_miss_with_no_make_up_and_a_flag(
    browser: Browser,  # noqa: F811
    program_server: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    """Last week's roster published, then three of a patient's seats missed without contact:
    last week has no later meeting for a make-up, and three misses in a row raise outreach."""
    last_week = iso_week(program_today() - timedelta(days=7))
    with api(program_server) as http:
        roster = f"/programs/{PROGRAM}/rosters/{last_week}"
        http.post(f"{roster}/generate", json={}).raise_for_status()
        http.post(f"{roster}/publish").raise_for_status()
        document = http.get(roster).json()
        patient = next(p for p in document["patients"] if len(p["session_ids"]) >= 3)
        for seat in patient["session_ids"][:3]:
            answer = http.post(
                f"/programs/{PROGRAM}/attendance",
                json={
                    "patient_id": patient["patient_id"],
                    "session_id": seat["session_id"],
                    "date": seat["date"],
                    "status": "missed",
                },
            )
            answer.raise_for_status()
            assert answer.json()["make_up"]["session_id"] is None, answer.text
    patient_id = patient["patient_id"]

    page = signed_in(browser, program_server, "coordinator")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Worklist").click()
    expect(page.locator("h1")).to_contain_text("worklist")
    page.get_by_role("link", name="← Week before").click()
    missed = page.locator(f"#unfilled-make-ups li[data-patient='{patient_id}']")
    expect(missed).to_have_count(3)
    expect(missed.first).to_contain_text("No make-up:")
    flag = page.locator(f"#open-flags li[data-patient='{patient_id}'][data-flag='outreach']")
    expect(flag).to_contain_text("Outreach since")
    checked_on_desktop_and_phone(page, screenshots, "worklist")
    page.set_viewport_size(DESKTOP)
    missed.first.get_by_role("link", name=re.compile("^Find them a seat")).click()
    expect(page.locator("h1")).to_contain_text(week_heading(week_monday(last_week)))


def test_publishing_a_regenerated_week_first_lists_what_changes(
    browser: Browser,  # noqa: F811
    program_server: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    week = iso_week(program_today() + timedelta(days=14))
    page = signed_in(browser, program_server, "coordinator")
    page.goto(f"{program_server.base_url}/ui/programs/{PROGRAM}/weeks/{week}")
    page.get_by_role("button", name="Generate roster").click()
    assert generated(page).startswith("Roster generated")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator("#publish-summary")).to_contain_text("Nothing is published")
    page.get_by_role("button", name="Publish version 1").click()
    assert notice(page) == "Version 1 published."

    # Patient 7 (no commitments) pinned to a meeting they are not in: the new draft moves them.
    with api(program_server) as http:
        roster = http.get(f"/programs/{PROGRAM}/rosters/{week}").json()
        meeting = next(
            s for s in roster["sessions"] if s["patient_ids"] and "P0007" not in s["patient_ids"]
        )
        http.post(
            f"/programs/{PROGRAM}/rosters/{week}/pins",
            json={
                "patient_id": "P0007",
                "session_id": meeting["session_id"],
                "date": meeting["date"],
            },
        ).raise_for_status()
    page.reload()
    page.get_by_role("button", name="Regenerate").click()
    assert generated(page).startswith("Roster generated")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.locator("#publish-summary")).to_contain_text("against the published version 1")
    changed = page.locator("#changes li[data-patient='P0007']")
    expect(changed.locator("li.added").first).to_contain_text("Added:")
    checked_on_desktop_and_phone(page, screenshots, "publish-check")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Publish version 2").click()
    assert notice(page) == "Version 2 published."


def test_the_csv_and_a_sign_in_sheet_open_signed_in(
    browser: Browser,  # noqa: F811
    program_server: Server,
) -> None:
    week = iso_week(program_today())
    with api(program_server) as http:
        roster = f"/programs/{PROGRAM}/rosters/{week}"
        if http.get(roster).status_code == 404:
            http.post(f"{roster}/generate", json={}).raise_for_status()
    page = signed_in(browser, program_server, "viewer")
    page.get_by_role("link", name="Print & export").click()
    section = page.locator("#print-export")
    csv_href = section.get_by_role("link", name=re.compile(r"^Download the roster")).first
    answer = page.request.get(f"{program_server.base_url}{csv_href.get_attribute('href')}")
    assert answer.status == 200, answer.text()
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.text().lstrip("\ufeff").startswith("date,start,end,session_id")
    sheet = section.locator("ul.sheets a").first
    with page.expect_navigation() as opened:
        sheet.click()
    response = opened.value
    assert response is not None
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    expect(page.get_by_role("columnheader", name="Signature")).to_be_visible()


def test_the_week_per_group_prints_one_group_to_a_page(
    browser: Browser,  # noqa: F811
    program_server: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    week = iso_week(program_today())
    with api(program_server) as http:
        roster = f"/programs/{PROGRAM}/rosters/{week}"
        if http.get(roster).status_code == 404:
            http.post(f"{roster}/generate", json={}).raise_for_status()
    page = signed_in(browser, program_server, "viewer")
    page.get_by_role("link", name="Print per group").click()
    expect(page.locator("h1")).to_contain_text("per group")
    groups = page.locator("section.group")
    expect(groups.first.get_by_role("columnheader", name="Patient")).to_be_visible()
    count = groups.count()
    assert count >= 2
    checked_on_desktop_and_phone(page, screenshots, "week-per-group")

    page.emulate_media(media="print")
    breaks: list[str] = groups.evaluate_all(
        "sections => sections.map(s => getComputedStyle(s).breakBefore)"
    )
    assert breaks == ["auto"] + ["page"] * (count - 1), breaks
    expect(page.get_by_role("navigation", name="Sections")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= count


def test_census_headings_print(
    browser: Browser,  # noqa: F811
    program_server: Server,
) -> None:
    page = signed_in(browser, program_server, "viewer")
    page.get_by_role("link", name="Census").click()
    page.emulate_media(media="print")
    headings = page.locator("table#census thead th")
    expect(headings.first).to_be_visible()
    expect(headings.get_by_text("Name", exact=True)).to_be_visible()
    expect(page.locator("#print-export")).to_be_hidden()


def test_search_and_worklist_with_400_patients(
    browser: Browser,  # noqa: F811
    big_server: Server,
    screenshots: Path,  # noqa: F811
) -> None:
    page = signed_in(browser, big_server, "coordinator")
    base = f"{big_server.base_url}/ui/programs/{BIG}"
    page.goto(f"{base}/patients?q=patient")
    expect(page.locator("#search-summary")).to_contain_text("400 patients match")
    expect(page.locator("#matches li")).to_have_count(50)
    checked_on_desktop_and_phone(page, screenshots, "search-400")
    page.goto(f"{base}/worklist")
    expect(page.locator("h1")).to_contain_text("worklist")
    checked_on_desktop_and_phone(page, screenshots, "worklist-400")
    page.goto(f"{base}/census")
    expect(page.locator("table#census tbody tr")).to_have_count(400)
