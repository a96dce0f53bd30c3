"""The Staffing aggregate's own rules, without a store."""

from __future__ import annotations

from datetime import date, time

import pytest

from events.errors import ConflictError, NotFoundError
from events.staff.staffing import Staffing
from events.staff.values import (
    AvailabilityWindow,
    Modality,
    Room,
    SessionStaffing,
    StaffingPolicy,
    StaffMember,
)
from events.values import Weekday

TODAY = date(2026, 11, 25)


def member(staff_id: str, caseload_cap: int = 2) -> StaffMember:
    return StaffMember(
        staff_id=staff_id,
        name=staff_id.title(),
        role="licensed counsellor",
        credentials=("licensed_counsellor",),
        availability=(AvailabilityWindow(Weekday.MON, time(9), time(17)),),
        max_hours_per_week=20,
        caseload_cap=caseload_cap,
    )


def staffing() -> Staffing:
    aggregate = Staffing(program_id="p", policy=StaffingPolicy(), recorded_by="c")
    aggregate.add_staff(member("ana"), recorded_by="c", effective_on=TODAY)
    aggregate.add_room(Room("room-a", 10), recorded_by="c")
    return aggregate


def test_a_caseload_stops_at_its_cap() -> None:
    aggregate = staffing()
    aggregate.assign_primary_counsellor("p1", "ana", recorded_by="c", effective_on=TODAY)
    aggregate.assign_primary_counsellor("p2", "ana", recorded_by="c", effective_on=TODAY)
    with pytest.raises(ConflictError, match=r"full caseload \(2 of 2\)"):
        aggregate.assign_primary_counsellor("p3", "ana", recorded_by="c", effective_on=TODAY)


def test_assigning_the_same_counsellor_again_records_nothing() -> None:
    aggregate = staffing()
    aggregate.assign_primary_counsellor("p1", "ana", recorded_by="c", effective_on=TODAY)
    before = len(aggregate.pending_events)
    aggregate.assign_primary_counsellor("p1", "ana", recorded_by="c", effective_on=TODAY)
    assert len(aggregate.pending_events) == before


def test_a_session_is_staffed_only_by_known_staff_in_a_known_room() -> None:
    aggregate = staffing()
    with pytest.raises(NotFoundError, match="staff: 'zed'"):
        aggregate.staff_session(
            SessionStaffing("g1", Modality.IN_PERSON, "room-a", ("zed",), ()), recorded_by="c"
        )
    with pytest.raises(NotFoundError, match="room: 'room-z'"):
        aggregate.staff_session(
            SessionStaffing("g1", Modality.IN_PERSON, "room-z", ("ana",), ()), recorded_by="c"
        )


def test_a_member_leading_a_group_cannot_be_removed() -> None:
    aggregate = staffing()
    aggregate.staff_session(
        SessionStaffing("g1", Modality.VIRTUAL, None, ("ana",), ()), recorded_by="c"
    )
    with pytest.raises(ConflictError, match="still facilitates g1"):
        aggregate.remove_staff("ana", recorded_by="c", effective_on=TODAY)


def test_a_removed_member_cannot_be_added_again() -> None:
    aggregate = staffing()
    aggregate.remove_staff("ana", recorded_by="c", effective_on=TODAY)
    with pytest.raises(ConflictError, match="already exists"):
        aggregate.add_staff(member("ana"), recorded_by="c", effective_on=TODAY)


def test_an_absence_covers_a_range_of_days() -> None:
    aggregate = staffing()
    aggregate.mark_absent("ana", date(2026, 12, 1), date(2026, 12, 4), "leave", recorded_by="c")
    assert aggregate.absences["ana"] == [(date(2026, 12, 1), date(2026, 12, 4))]
