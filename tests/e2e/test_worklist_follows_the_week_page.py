"""The worklist follows what is done on the week page, in a real Chromium: a meeting cancelled
there puts the patients it left without a make-up on the worklist's short list (whose link
opens the week's pin form with the patient chosen), and its Undo takes them off again; a patient's "Pin…" link in the patients grid opens the pin form with them
chosen and the focus on the session list, and the pin made is listed. The worklist and the grid
with the pin form filled in have no WCAG 2.2 AA violation on a desktop or a phone, and the
phone does not scroll sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PROGRAM, Server
from tests.e2e.test_attendance_marks_page import too_small
from tests.e2e.test_cancellation_undo_page import (  # noqa: F401 (the fixture is shared)
    NEXT_WEEK,
    next_week_published,
    next_week_roster,
)
from tests.e2e.test_coordinator_page import (  # noqa: F401 (fixtures shared with the week's tests)
    browser,
    notice,
    screenshots,
    signed_in,
)
from tests.e2e.test_waitlist_page import PHONE, accessibility_violations, sideways_overflow
from tests.e2e.test_week_page_at_400 import DESKTOP

WEEK_PAGE = f"/ui/programs/{PROGRAM}/weeks/{NEXT_WEEK}"
WORKLIST = f"/ui/programs/{PROGRAM}/worklist?week={NEXT_WEEK}"


def last_meeting_of_the_week(server: Server) -> dict[str, Any]:
    """The week's last meeting with patients in it: nothing comes after it to make it up."""
    roster = next_week_roster(server)
    seated = [s for s in roster["sessions"] if s["patient_ids"]]
    return max(seated, key=lambda s: (s["date"], s["start"], len(s["patient_ids"])))


def passes_axe_on_a_desktop_and_a_phone(page: Page) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert accessibility_violations(page) == "", (page.url, size)
    assert sideways_overflow(page) == 0, page.url
    page.set_viewport_size(DESKTOP)


def short_on_the_worklist(worklist: Page, name: str) -> Any:
    return worklist.locator("#short li").filter(has_text=f"{name}:")


def test_a_cancellation_and_its_undo_show_on_the_worklist(
    browser: Browser,  # noqa: F811
    next_week_published: Server,  # noqa: F811
    screenshots: Path,  # noqa: F811
) -> None:
    meeting = last_meeting_of_the_week(next_week_published)
    page = signed_in(browser, next_week_published, "coordinator")
    page.goto(f"{next_week_published.base_url}{WEEK_PAGE}?day={meeting['date']}")
    region = f".day[data-date='{meeting['date']}'] article[data-session='{meeting['session_id']}']"
    article = page.locator(region)
    if article.locator("details.cancel").count() == 0:  # many seats: the forms are a link away
        article.locator("a.alone", has_text="Cancel…").click()
        article = page.locator(region)
    cancel = article.locator("details.cancel")
    cancel.locator("summary").click()
    cancel.get_by_label("Reason").fill("heating broken")
    cancel.get_by_role("button", name="Cancel this meeting").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("to call")
    to_call = [line.split(":")[0] for line in status.locator("ul.to-call li").all_inner_texts()]
    assert to_call, notice(page)

    # The coordinator opens the worklist in another window, the notice and its Undo kept here.
    worklist = signed_in(browser, next_week_published, "coordinator")
    worklist.set_viewport_size(DESKTOP)
    worklist.goto(f"{next_week_published.base_url}{WORKLIST}")
    for name in to_call:
        expect(short_on_the_worklist(worklist, name)).to_contain_text("cancelled, no make-up")
    passes_axe_on_a_desktop_and_a_phone(worklist)
    worklist.screenshot(path=screenshots / "worklist-after-cancellation.png", full_page=True)
    # Its "Pin a seat" opens the week's pin form with the patient chosen.
    short_on_the_worklist(worklist, to_call[0]).get_by_role("link", name="Pin a seat").click()
    expect(worklist.locator("#pin-patient-hint")).to_contain_text(f"{to_call[0]}: choose")
    expect(worklist.get_by_label("Session", exact=True)).to_be_focused()

    status.get_by_role("button", name="Undo the cancellation of").click()
    expect(page.get_by_role("status")).to_contain_text("will be held after all")
    worklist.goto(f"{next_week_published.base_url}{WORKLIST}")
    expect(worklist.locator("#short li").filter(has_text="cancelled")).to_have_count(0)
    expect(worklist.locator("#unfilled-make-ups li")).to_have_count(0)


def test_a_pin_made_from_a_patients_grid_row_is_listed(
    browser: Browser,  # noqa: F811
    next_week_published: Server,  # noqa: F811
    screenshots: Path,  # noqa: F811
) -> None:
    page = signed_in(browser, next_week_published, "coordinator")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{next_week_published.base_url}{WEEK_PAGE}?view=patients")
    pin_links = page.locator("#patients-grid a[href*='pin=']")
    expect(pin_links).to_have_count(page.locator("#patients-grid tbody tr").count())
    assert too_small(pin_links) == []
    # Patient 7 has no commitments: any meeting keeps every rule.
    page.locator("#patients-grid tr[data-patient='P0007']").get_by_role("link", name="Pin…").click()
    assert page.url.endswith("?view=patients&pin=P0007")
    expect(page.get_by_label("Patient", exact=True)).to_have_value("P0007")
    session = page.get_by_label("Session", exact=True)
    expect(session).to_be_focused()
    expect(page.locator("#pin-patient-hint")).to_contain_text("Patient 7")
    passes_axe_on_a_desktop_and_a_phone(page)
    page.screenshot(path=screenshots / "pin-from-grid-row.png", full_page=True)

    chosen = session.locator("option").last
    label = chosen.inner_text()
    session.select_option(chosen.get_attribute("value"))
    page.get_by_role("button", name="Pin", exact=True).click()
    assert notice(page).startswith("P0007 pinned to ")
    assert "view=patients" in page.url
    expect(page.locator("#pins li[data-patient='P0007']")).to_contain_text("Patient 7 — ")
    expect(page.locator("#pins li[data-patient='P0007']")).to_contain_text(label)
