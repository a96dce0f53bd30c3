"""The week page's filters: read from the URL, refused by name, kept on every form's way back;
and the meetings of a day in time order with labels of their own."""

from __future__ import annotations

from datetime import date

from api.web.week.filters import WeekFilters, kept_query, meeting_anchor, read_filters
from api.web.week.layout import INLINE_FORMS_UP_TO, week_page
from scheduler.week_view import Day, Meeting, Seat, WeekView, in_time_order

MONDAY = date(2026, 11, 23)
WEDNESDAY = date(2026, 11, 25)
TRACKS = ("day", "evening")


def test_the_page_opens_on_today_within_the_week_and_on_monday_otherwise() -> None:
    assert read_filters({}, MONDAY, WEDNESDAY, TRACKS) == (WeekFilters(day=WEDNESDAY), [])
    assert read_filters({}, MONDAY, date(2026, 12, 9), TRACKS)[0].day == MONDAY
    assert read_filters({"view": "patients"}, MONDAY, WEDNESDAY, TRACKS)[0].day is None


def test_each_refused_filter_is_named_with_its_value_and_left_out() -> None:
    query = {"day": "2026-12-25", "track": "night", "short": "maybe", "view": "grid"}
    filters, problems = read_filters(query, MONDAY, WEDNESDAY, TRACKS)
    assert filters == WeekFilters(day=WEDNESDAY)
    assert problems == [
        "view: 'grid' is not one of sessions, patients",
        "day: 2026-12-25 is not a day of the week of 23 Nov 2026",
        "track: 'night' is not a track of this program (day, evening)",
        "short: 'maybe' is not yes (1) or no (0)",
    ]


def test_the_filters_chosen_come_back_as_the_same_query() -> None:
    query = {"view": "patients", "day": "all", "track": "evening", "short": "1", "flagged": "on"}
    filters, problems = read_filters(query, MONDAY, WEDNESDAY, TRACKS)
    assert problems == []
    assert filters.query() == "?view=patients&day=all&track=evening&short=1&flagged=1"
    assert kept_query(query, MONDAY) == filters.query()
    assert kept_query({"day": "1999-01-01", "track": "<b>"}, MONDAY) == ""


def test_one_meeting_chosen_is_its_day_too() -> None:
    filters, _ = read_filters({"meeting": "mon-day-1|2026-11-23"}, MONDAY, WEDNESDAY, TRACKS)
    assert (filters.meeting, filters.day) == (("mon-day-1", MONDAY), MONDAY)
    assert filters.query() == "?day=2026-11-23&meeting=mon-day-1%7C2026-11-23"
    assert meeting_anchor("mon-day-1", MONDAY) == "m-mon-day-1-2026-11-23"


def meeting(session_id: str, start: str, name: str, seats: int = 0) -> Meeting:
    return Meeting(
        session_id, name, "evening", start, "21:00", 15, 3,
        seats=[Seat(f"P{n:04}", f"Patient {n}", None) for n in range(seats)],
    )  # fmt: skip


def test_a_days_meetings_arein_time_order_and_alike_groups_numbered() -> None:
    day = Day(MONDAY, None, [
        meeting("mon-evening-10", "18:00", "Evening group"),
        meeting("mon-day-1", "09:00", "Day group"),
        meeting("mon-evening-9", "18:00", "Evening group"),
    ])  # fmt: skip
    labels = [m.label for m in in_time_order(day).meetings]
    assert labels == ["09:00 Day group", "18:00 Evening group 1", "18:00 Evening group 2"]
    assert day.meetings[2].session_id == "mon-evening-10"


def view_of(seats: int) -> WeekView:
    days = [Day(MONDAY, None, [meeting("mon-evening-1", "18:00", "Evening group", seats)])]
    return WeekView("p", "P", "2026-W48", WEDNESDAY, 1, "published", "OPTIMAL", days, [], [])


def test_mark_forms_sit_beside_the_seats_only_while_few_seats_are_shown() -> None:
    monday = WeekFilters(day=MONDAY, day_chosen=True)
    assert week_page(view_of(INLINE_FORMS_UP_TO), monday, []).forms_inline
    assert not week_page(view_of(INLINE_FORMS_UP_TO + 1), monday, []).forms_inline
    alone = WeekFilters(day=MONDAY, day_chosen=True, meeting=("mon-evening-1", MONDAY))
    assert week_page(view_of(INLINE_FORMS_UP_TO + 1), alone, []).forms_inline
