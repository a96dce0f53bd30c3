"""The independent staffing checker: one hand-made week per rule, each finding its violation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from tests.property.staff_checker import (
    Booked,
    StaffedMeeting,
    StaffedWeek,
    Worker,
    staffing_violations,
)

MONDAY = date(2026, 11, 30)


def worker(staff_id: str, **changes: object) -> Worker:
    base = Worker(
        staff_id=staff_id,
        credentials=frozenset({"licensed_counsellor"}),
        windows=(("MON", time(8), time(22)),),
        max_hours_per_week=20,
        caseload_cap=2,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def meeting(session_id: str, **changes: object) -> StaffedMeeting:
    base = StaffedMeeting(
        session_id=session_id,
        day=MONDAY,
        start=time(9),
        end=time(12),
        modality="in_person",
        room_id="room-a",
        facilitators=("ana",),
        needs=frozenset({"licensed_counsellor"}),
        patients=8,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def week(*meetings: StaffedMeeting, **changes: object) -> StaffedWeek:
    base = StaffedWeek(
        staff={"ana": worker("ana"), "ben": worker("ben", credentials=frozenset())},
        rooms={"room-a": 10, "room-b": 10},
        meetings=meetings,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_well_staffed_week_has_no_violation() -> None:
    assert (
        staffing_violations(week(meeting("g1"), meeting("g2", start=time(18), end=time(21)))) == []
    )


def test_a_facilitator_in_two_places_at_once_is_found() -> None:
    found = staffing_violations(
        week(meeting("g1"), meeting("g2", room_id="room-b", start=time(11), end=time(13)))
    )
    assert found == [f"ana has g1 and g2 at once on {MONDAY}"]


def test_a_room_holding_two_meetings_at_once_is_found() -> None:
    found = staffing_violations(
        week(meeting("g1"), meeting("g2", facilitators=("ben",), needs=frozenset()))
    )
    assert found == [f"room room-a holds g1 and g2 at once on {MONDAY}"]


def test_a_virtual_meeting_takes_no_room_and_books_none() -> None:
    virtual = meeting(
        "g2", facilitators=("ben",), needs=frozenset(), modality="virtual", room_id=None
    )
    assert staffing_violations(week(meeting("g1"), virtual)) == []
    with_room = replace(virtual, room_id="room-a")
    assert staffing_violations(week(with_room)) == [
        f"g2 on {MONDAY} is virtual and holds room room-a"
    ]


def test_a_lead_without_the_credential_is_found() -> None:
    found = staffing_violations(week(meeting("g1", facilitators=("ben", "ana"))))
    assert found == [f"ben leads g1 on {MONDAY} without licensed_counsellor"]


def test_a_large_group_with_one_facilitator_is_found() -> None:
    found = staffing_violations(week(meeting("g1", patients=9), second_facilitator_above=8))
    assert found == [f"g1 on {MONDAY} has 9 patients (above 8) and one facilitator"]
    assert (
        staffing_violations(
            week(meeting("g1", patients=9, facilitators=("ana", "ben")), second_facilitator_above=8)
        )
        == []
    )


def test_a_facilitator_outside_their_hours_or_absent_is_found() -> None:
    evening_only = worker(
        "ana", windows=(("MON", time(17), time(22)),), absent_days=frozenset({MONDAY})
    )
    found = staffing_violations(week(meeting("g1"), staff={"ana": evening_only}))
    assert found == [
        f"ana is absent on {MONDAY} and facilitates g1",
        f"ana is not available for g1 on {MONDAY}",
    ]


def test_hours_above_the_weekly_maximum_are_found() -> None:
    short_week = worker("ana", max_hours_per_week=5)
    found = staffing_violations(
        week(meeting("g1"), meeting("g2", start=time(18), end=time(21)), staff={"ana": short_week})
    )
    assert found == ["ana facilitates 6 h in 2026-W49, above 5 h"]


def test_a_caseload_above_the_cap_is_found() -> None:
    found = staffing_violations(week(primary_counsellors={"p1": "ana", "p2": "ana", "p3": "ana"}))
    assert found == ["ana counsels 3 patients, above the cap 2"]


def test_a_room_too_small_for_the_group_is_found() -> None:
    found = staffing_violations(week(meeting("g1", patients=11)))
    assert found == [f"room room-a holds 10, fewer than the 11 patients of g1 on {MONDAY}"]


def test_an_appointment_during_a_facilitated_group_is_found() -> None:
    found = week(meeting("g1"), appointments=(Booked("p1", "ana", MONDAY, time(10), time(10, 50)),))
    assert any("a session with p1" in v for v in staffing_violations(found))


def test_an_appointment_over_the_patients_group_is_found() -> None:
    found = week(
        appointments=(Booked("p1", "ana", MONDAY, time(13), time(13, 50)),),
        patient_busy={"p1": [(MONDAY, time(13, 30), time(16))]},
    )
    assert any("p1's session with ana" in v for v in staffing_violations(found))
