"""After every action a coordinator takes on the week page (generate, publish, pin, unpin, a mark
of each kind, a correction, a cancellation and its undo) the worklist and the week page name the
same patients short of their days, the same flags and the same misses without a make-up, and
those are what a recount from the aggregates themselves (no read model) finds."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from events.calendar import iso_week
from events.values import EnrollmentStatus
from tests.api.conftest import PROGRAM, Api, csrf_form, generate_on_page, sign_in
from tests.conftest import SCENARIOS

# The clock's week: Wednesday 25 Nov noon in Chicago, so Monday's and Tuesday's meetings have
# been held (they take marks) and Friday's are still to come (they can be cancelled and undone).
WEEK = "2026-W48"
MONDAY, TUESDAY, WEDNESDAY = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)
FRIDAY = date(2026, 11, 27)
WEEK_PAGE = f"/ui/programs/{PROGRAM}/weeks/{WEEK}"
WORKLIST = f"/ui/programs/{PROGRAM}/worklist?week={WEEK}"
PATIENTS = [p["id"] for p in json.loads((SCENARIOS / "sample.json").read_text())["patients"]]


@dataclass(frozen=True)
class Lists:
    short: dict[str, tuple[int, int]]  # patient → (days held, days required)
    flagged: set[str]
    unmade: Counter[str]  # patient → misses (or cancelled meetings) with no make-up


def recount(api: Api) -> Lists:
    """The lists from the event store's aggregates: the roster's latest seats, the program's
    cancellations and each enrolment's marks, make-ups and flags."""
    stepdown = api.app.state.stepdown
    app = stepdown.app
    roster = app.find_roster(PROGRAM, WEEK)
    cancelled = app.get_program(PROGRAM).cancellations
    enrollments = {patient_id: app.get_enrollment(PROGRAM, patient_id) for patient_id in PATIENTS}
    held: dict[str, set[date]] = {}
    for seat in roster.assignments if roster is not None else ():
        mark = enrollments[seat.patient_id].attendance.get((seat.session_id, seat.session_date))
        missed = mark is not None and mark[0] == "missed"
        if (seat.session_id, seat.session_date) not in cancelled and not missed:
            held.setdefault(seat.patient_id, set()).add(seat.session_date)
    short = {
        p.patient_id: (len(held.get(p.patient_id, ())), p.required_days)
        for p in (roster.patients if roster is not None else ())
        if len(held.get(p.patient_id, ())) < p.required_days
        and enrollments[p.patient_id].status is EnrollmentStatus.ACTIVE
    }
    unmade: Counter[str] = Counter()
    for patient_id, enrollment in enrollments.items():
        for meeting, answer in enrollment.make_ups.items():
            mark = enrollment.attendance.get(meeting)
            still_lost = meeting in cancelled or (mark is not None and mark[0] == "missed")
            if iso_week(meeting[1]) == WEEK and isinstance(answer, str) and still_lost:
                unmade[patient_id] += 1
    flagged = {p for p, e in enrollments.items() if e.open_flags}
    return Lists(short, flagged, unmade)


def worklist_lists(api: Api) -> Lists:
    page = api.client.get(WORKLIST)
    assert page.status_code == 200, page.text
    short = {
        patient: (int(held), int(required))
        for patient, held, required in re.findall(
            r'<li data-patient="([^"]+)"><a [^>]*>[^<]*</a>:\s*(\d+) of (\d+) days',
            section(page.text, "short"),
        )
    }
    flagged = set(re.findall(r'data-patient="([^"]+)"', section(page.text, "open-flags")))
    unmade = Counter(re.findall(r'data-patient="([^"]+)"', section(page.text, "unfilled-make-ups")))
    return Lists(short, flagged, unmade)


def week_page_lists(api: Api) -> tuple[dict[str, tuple[int, int]], set[str], int]:
    """The patients grid filtered to those short (with their days) and to those flagged, and
    the count the short list's heading gives."""
    short_page = api.client.get(f"{WEEK_PAGE}?view=patients&short=1").text
    short = {
        patient: (int(held), int(required))
        for patient, held, required in re.findall(
            r'<tr data-patient="([^"]+)">.*?<td class="short">(\d+)/(\d+)', short_page, re.S
        )
    }
    flagged_page = api.client.get(f"{WEEK_PAGE}?view=patients&flagged=1").text
    flagged = set(re.findall(r'<tr data-patient="([^"]+)"', flagged_page))
    heading = re.search(r"Short of their required days \((\d+)\)", short_page)
    assert heading is not None
    return short, flagged, int(heading.group(1))


def section(text: str, section_id: str) -> str:
    start = text.index(f'id="{section_id}"')
    return text[start : text.index("</section>", start)]


def agree(api: Api, after: str) -> Lists:
    """Both pages name what the recount finds; returns it."""
    expected = recount(api)
    assert worklist_lists(api) == expected, after
    short, flagged, count = week_page_lists(api)
    assert (short, flagged, count) == (expected.short, expected.flagged, len(expected.short)), after
    return expected


def act(api: Api, action: str, **fields: str) -> None:
    response = api.client.post(f"{WEEK_PAGE}/{action}", data=csrf_form(api, **fields))
    assert response.status_code == 200, response.text  # back on the week page
    assert "Not done" not in response.text, (action, fields)


def mark(api: Api, patient_id: str, session_id: str, day: date, status: str) -> None:
    fields = {"patient_id": patient_id, "session_id": session_id, "status": status}
    act(api, "attendance", session_date=day.isoformat(), **fields)


def three_in_a_row(api: Api) -> list[tuple[str, str, date]]:
    """The seats on Monday, Tuesday and Wednesday morning (held by now) of one patient."""
    seats: dict[str, dict[date, str]] = {}
    for day in (MONDAY, TUESDAY, WEDNESDAY):
        for patient_id, session_id in seats_on(api, day):
            if day != WEDNESDAY or session_id.startswith("wed-day"):
                seats.setdefault(patient_id, {})[day] = session_id
    patient_id = next(p for p, held in sorted(seats.items()) if len(held) == 3)
    return [(patient_id, session_id, day) for day, session_id in seats[patient_id].items()]


def seats_on(api: Api, day: date) -> list[tuple[str, str]]:
    """(patient, session) of each seat on the day, fullest meeting first."""
    roster = api.get(f"/programs/{PROGRAM}/rosters/{WEEK}").json()
    meetings = sorted(
        (s for s in roster["sessions"] if s["date"] == day.isoformat()),
        key=lambda s: (-len(s["patient_ids"]), s["session_id"]),
    )
    return [(p, s["session_id"]) for s in meetings for p in s["patient_ids"]]


def test_the_worklist_and_the_week_page_follow_every_action(program: Api) -> None:
    api = program
    sign_in(api, "coordinator")
    agree(api, "before anything is generated")

    assert "Roster generated" in generate_on_page(api, WEEK_PAGE)
    agree(api, "generate")
    act(api, "publish")
    agree(api, "publish")

    # Patient 7 has no commitments: any meeting keeps every rule.
    act(api, "pins", patient_id="P0007", meeting=f"fri-evening-1|{FRIDAY}")
    agree(api, "pin")
    act(
        api, "pins/remove", patient_id="P0007", session_id="fri-evening-1", session_date=f"{FRIDAY}"
    )
    agree(api, "unpin")

    monday, tuesday = seats_on(api, MONDAY), seats_on(api, TUESDAY)
    marks = [
        ("attended", *monday[0], MONDAY),
        ("missed", *monday[1], MONDAY),
        ("excused", *tuesday[0], TUESDAY),
        ("missed", *tuesday[1], TUESDAY),
        # Three misses in a row without contact: an outreach flag.
        *(("missed", *seat) for seat in three_in_a_row(api)),
    ]
    for status, patient_id, session_id, day in marks:
        mark(api, patient_id, session_id, day, status)
        agree(api, f"{status} {patient_id} {session_id}")
    # A correction: a miss that had no make-up was a mistake.
    lists = recount(api)
    _, patient_id, session_id, day = next(
        m for m in marks if m[0] != "attended" and lists.unmade[m[1]] == 1
    )
    mark(api, patient_id, session_id, day, "attended")
    assert patient_id not in agree(api, "correction to attended").unmade

    _, friday_meeting = seats_on(api, FRIDAY)[0]
    before_cancelling = recount(api)
    act(api, "cancellations", session_id=friday_meeting, session_date=f"{FRIDAY}", reason="flood")
    cancelled = agree(api, "cancel")
    assert cancelled.short != before_cancelling.short, "the cancellation left someone short"
    unfilled = section(api.client.get(WORKLIST).text, "unfilled-make-ups")
    assert cancelled.unmade != before_cancelling.unmade, "someone got no make-up"
    # Those the cancellation left without a make-up lost the meeting; they did not miss it.
    assert "(cancelled)." in unfilled, unfilled
    act(api, "cancellations/undo", session_id=friday_meeting, session_date=f"{FRIDAY}")
    assert agree(api, "undo") == before_cancelling
    assert before_cancelling.flagged, "the three misses in a row raised a flag"
