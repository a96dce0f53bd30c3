"""The week per group: each group's meetings across the week, with who is seated in each."""

from __future__ import annotations

from datetime import date, timedelta

from api.web.printouts.groups import GroupDay, groups_of
from scheduler.week_view import Day, Meeting, Seat, WeekView, in_time_order

MONDAY = date(2026, 11, 23)


def meeting(session_id: str, *patients: str, cancelled: bool = False) -> Meeting:
    seats = [Seat(p, f"Patient {p}", None) for p in patients]
    return Meeting(
        session_id, "Evening group", "evening", "18:00", "21:00", 12, 3, seats, cancelled
    )


def week(*days: list[Meeting], closed: dict[int, str] | None = None) -> WeekView:
    shown = [
        in_time_order(Day(MONDAY + timedelta(days=n), (closed or {}).get(n), meetings))
        for n, meetings in enumerate(days)
    ]
    return WeekView("p", "P", "2026-W48", MONDAY, 1, "published", "OPTIMAL", shown, [], [])


def test_alike_groups_of_a_day_are_told_apart_by_number_and_a_lone_one_is_the_first() -> None:
    view = week(
        [meeting("mon-evening-1", "1", "2"), meeting("mon-evening-2", "3")],
        [meeting("tue-evening-1", "2", "4")],
    )
    first, second = groups_of(view)
    assert (first.name, second.name) == ("Evening group 1", "Evening group 2")
    assert [(row.name, row.seated) for row in first.rows] == [
        ("Patient 1", (True, False)),
        ("Patient 2", (True, True)),
        ("Patient 4", (False, True)),
    ]
    assert [(row.name, row.seated) for row in second.rows] == [("Patient 3", (True,))]


def test_a_cancelled_meeting_seats_nobody_and_says_why() -> None:
    view = week(
        [meeting("mon-evening-1", "1", cancelled=True)],
        [meeting("tue-evening-1", "2")],
        [meeting("wed-evening-1")],
    )
    (group,) = groups_of(view)
    assert group.days == [
        GroupDay(MONDAY, 0, "Cancelled"),
        GroupDay(MONDAY + timedelta(days=1), 1, None),
        GroupDay(MONDAY + timedelta(days=2), 0, "Does not run"),
    ]
    assert [row.name for row in group.rows] == ["Patient 2"]


def test_a_group_nobody_sits_in_all_week_is_left_off() -> None:
    assert groups_of(week([meeting("mon-evening-1")], [meeting("tue-evening-1")])) == []
