"""The coordinator's pages with 400 patients loaded (scenarios/multi-400.json, this week's roster
published, one patient's attendance and progress, a referral waiting), in a real Chromium on a
desktop and on a phone: axe-core finds no WCAG 2.2 AA violation, the page never scrolls
sideways, the taper chart's text is drawn at 12 px or more, keyboard focus is ringed at 3:1 or
better, and a notice is announced. The week page has its own tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.conftest import SCENARIOS
from tests.e2e.conftest import Server, start_server
from tests.e2e.test_coordinator_page import (  # noqa: F401 (the shared browser fixture)
    browser,
    notice,
)
from tests.e2e.test_waitlist_page import PHONE, accessibility_violations

PROGRAM_400 = "multi-303"  # the program in multi-400.json
# A Thursday where the program is: this week's Monday to Wednesday meetings have happened.
NOW = "2026-12-03T10:00:00-06:00"
TODAY = date(2026, 12, 3)
WEEK = "2026-W49"
DESKTOP: ViewportSize = {"width": 1440, "height": 900}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@dataclass(frozen=True)
class Program400:
    server: Server
    patient_id: str  # seated this week, with attendance and a check-in recorded
    sheet: str  # the path of a printable sign-in sheet for one of their meetings


@pytest.fixture(scope="module")
def program_400(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Program400]:
    """One server for the module: 400 patients, this week's roster solved once and published."""
    settings = {
        "STEPDOWN_NOW": NOW,
        # Solve inside the request (no job queue to wait on); one short solve is enough here.
        "STEPDOWN_INLINE_ROSTER_PATIENTS": "1000",
    }
    for server in start_server(
        tmp_path_factory.mktemp("program-400"), import_program=False, settings=settings
    ):
        yield load_the_program(server)


def load_the_program(server: Server) -> Program400:
    auth = {"Authorization": f"Bearer {server.tokens['coordinator']}"}
    with httpx.Client(base_url=server.base_url, headers=auth, timeout=120) as http:
        http.post(
            "/programs",
            content=(SCENARIOS / "multi-400.json").read_bytes(),
            headers={"Content-Type": "application/json"},
        ).raise_for_status()
        roster = f"/programs/{PROGRAM_400}/rosters/{WEEK}"
        http.post(f"{roster}/generate", json={"time_limit_s": 3}).raise_for_status()
        http.post(f"{roster}/publish").raise_for_status()
        meetings = http.get(roster).json()["sessions"]
        patient_id = next(m["patient_ids"][0] for m in meetings if m["patient_ids"])
        held = [
            m
            for m in meetings
            if patient_id in m["patient_ids"] and date.fromisoformat(m["date"]) < TODAY
        ]
        for meeting, status in zip(held, ["attended", "missed", "excused"], strict=False):
            mark = {
                "patient_id": patient_id,
                "session_id": meeting["session_id"],
                "date": meeting["date"],
                "status": status,
                "reason": "" if status == "attended" else "bus strike",
            }
            http.post(f"/programs/{PROGRAM_400}/attendance", json=mark).raise_for_status()
        http.post(
            f"/programs/{PROGRAM_400}/patients/{patient_id}/progress",
            json={"rating": "needs_support", "screen": "negative"},
        ).raise_for_status()
        http.post(
            f"/programs/{PROGRAM_400}/referrals",
            json={
                "id": "R0001",
                "name": "Robin Lee",
                "planned_weeks": 8,
                "initial_days_per_week": 3,
                "earliest_start": "2026-12-07",
            },
        ).raise_for_status()
    first = held[0]
    sheet = f"{UI}/weeks/{WEEK}/sessions/{first['session_id']}/{first['date']}/sign-in"
    return Program400(server, patient_id, sheet)


UI = f"/ui/programs/{PROGRAM_400}"
PAGES = {
    "census": f"{UI}/census",
    "patient": f"{UI}/patients/{{patient}}",
    "sign-in": "/ui/sign-in",
    "sign-in sheet": "{sheet}",  # printable, for one meeting
    "week per group": f"{UI}/weeks/{WEEK}/print",  # printable, a group to a page
    "worklist": f"{UI}/worklist",
    "patient search": f"{UI}/patients?q=Patient+1",
    "staff week": f"{UI}/staff/{WEEK}",
    "waitlist": f"{UI}/waitlist",
    "referral": f"{UI}/referrals/R0001",
    "forecast": f"{UI}/forecast",
}


class Pages:
    """The pages as their readers see them: signed out (sign-in) or signed in as a coordinator
    (the rest). A page only looked at is loaded once per screen size and shared by the module's
    tests."""

    def __init__(self, chromium: Browser, program: Program400) -> None:
        self.program = program
        self.signed_out = chromium.new_context()
        self.signed_in = chromium.new_context()
        page = self.signed_in.new_page()
        page.goto(f"{program.server.base_url}/ui/sign-in")
        page.get_by_label("Token").fill(program.server.tokens["coordinator"])
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_contain_text("Week of")
        page.close()
        self.shown: dict[tuple[str, int], Page] = {}

    def open(self, name: str, viewport: ViewportSize) -> Page:
        """A fresh tab showing the page `name`, for a test that acts on it."""
        page = (self.signed_out if name == "sign-in" else self.signed_in).new_page()
        page.set_viewport_size(viewport)
        path = PAGES[name].format(patient=self.program.patient_id, sheet=self.program.sheet)
        response = page.goto(f"{self.program.server.base_url}{path}")
        assert response is not None, f"{name}: {path}"
        assert response.ok, f"{name}: {path} answered {response.status}"
        return page

    def look_at(self, name: str, viewport: ViewportSize) -> Page:
        """The page `name` at this size, loaded once for every test that only looks."""
        key = (name, viewport["width"])
        if key not in self.shown:
            self.shown[key] = self.open(name, viewport)
        return self.shown[key]

    def close(self) -> None:
        for context in (self.signed_out, self.signed_in):
            context.close()


@pytest.fixture(scope="module")
def pages(browser: Browser, program_400: Program400) -> Iterator[Pages]:  # noqa: F811
    shown = Pages(browser, program_400)
    yield shown
    shown.close()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
@pytest.mark.parametrize("name", PAGES)
def test_the_page_passes_axe_and_never_scrolls_sideways(
    name: str, viewport: ViewportSize, pages: Pages
) -> None:
    page = pages.look_at(name, viewport)
    width: int = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{name} is {width} px wide on a {viewport} screen"
    assert accessibility_violations(page) == ""


def test_the_taper_chart_draws_its_text_at_12_px_or_more_on_a_phone(pages: Pages) -> None:
    page = pages.look_at("patient", PHONE)
    expect(page.locator("svg#taper-chart text.marker", has_text="H")).to_have_count(1)
    drawn: list[float] = page.evaluate(
        """() => [...document.querySelectorAll('svg#taper-chart text')].map(text => {
             const scale = text.getScreenCTM();
             return parseFloat(getComputedStyle(text).fontSize) * Math.min(scale.a, scale.d);
           })"""
    )
    assert len(drawn) > 10  # day labels, week labels and the hold marker
    assert min(drawn) >= 12, drawn
    chart = page.locator("svg#taper-chart").bounding_box()
    assert chart is not None
    assert chart["width"] <= PHONE["width"]


# How many lines each column heading's text takes: one top per line box of its words.
HEADING_LINES = """table => [...table.querySelectorAll('thead th')].map(th => {
  const words = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  const tops = new Set();
  while (words.nextNode()) {
    if (words.currentNode.textContent.trim() === '') continue;
    const text = document.createRange();
    text.selectNodeContents(words.currentNode);
    for (const line of text.getClientRects()) tops.add(Math.round(line.top));
  }
  return [th.textContent.trim(), tops.size];
})"""


def test_the_census_headings_fit_two_lines_on_a_phone(pages: Pages) -> None:
    page = pages.look_at("census", PHONE)
    lines: list[tuple[str, int]] = page.locator("table#census").evaluate(HEADING_LINES)
    assert len(lines) == 8
    assert all(count <= 2 for _, count in lines), lines
    # The short heading is explained in words the heading's button is described by.
    floor = page.get_by_role("button", name="Floor met")
    expect(floor).to_have_accessible_description(re.compile("weekly hours floor"))


# What the focus ring is measured against: the colour behind it, found at a point on the ring.
FOCUS_RING = """() => {
  const focused = document.activeElement;
  if (focused === null || focused === document.body) return null;
  const style = getComputedStyle(focused);
  const box = focused.getBoundingClientRect();
  const out = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) / 2;
  const points = [[box.left - out, box.top + box.height / 2], [box.left + box.width / 2, box.top - out]];
  const behind = points.map(([x, y]) => {
    const under = document.elementsFromPoint(Math.max(0, x), Math.max(0, y))
      .filter(element => element !== focused && !focused.contains(element));
    for (const element of under) {
      const colour = getComputedStyle(element).backgroundColor;
      if (!colour.startsWith('rgba') || !colour.endsWith(', 0)')) return colour;
    }
    return 'rgb(255, 255, 255)';
  });
  return {
    element: focused.outerHTML.slice(0, 80),
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    colour: style.outlineColor,
    behind,
  };
}"""


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("name", [name for name in PAGES if name != "sign-in sheet"])
def test_keyboard_focus_is_ringed_at_3_to_1_or_better(name: str, pages: Pages) -> None:
    page = pages.look_at(name, PHONE)
    page.locator("a.skip").focus()  # the first stop, whatever the page focused on load
    ringed = 0
    for _ in range(8):  # the skip link, the header, then the page's own controls
        ring = page.evaluate(FOCUS_RING)
        if ring is None:  # past the page's last control
            break
        assert ring["style"] != "none", ring
        assert ring["width"] >= 2, ring
        for behind in ring["behind"]:
            assert contrast(ring["colour"], behind) >= 3, ring
        ringed += 1
        page.keyboard.press("Tab")
    assert ringed >= 3


def test_a_notice_is_announced_and_the_calendar_link_fits_a_phone(pages: Pages) -> None:
    page = pages.open("patient", PHONE)
    try:
        page.get_by_role("button", name="New calendar link").click()
        assert notice(page) == "New calendar link made; any earlier link no longer works."
        expect(page.get_by_label("Calendar link")).to_be_visible()
        width: int = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        assert accessibility_violations(page) == ""
    finally:
        page.close()
