"""meeting_staffing on every backend: the staffing of each meeting of a week, the one source every
roster document, the staff week and the staff feed read per-meeting staff from."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.importing import import_program
from scheduler.makeups import cancel_session
from scheduler.service import Stepdown
from scheduler.staff.meetings import MeetingStaffing, meeting_staffing
from tests.conftest import SCENARIOS

PROGRAM = "staffed-201"
W48, W49 = date(2026, 11, 23), date(2026, 11, 30)


@pytest.fixture
def staffed(stepdown: Stepdown) -> Stepdown:
    import_program(stepdown, (SCENARIOS / "staffed.json").read_text("utf-8"), actor="c")
    stepdown.refresh_after_write()
    return stepdown


def week_of(stepdown: Stepdown, monday: date) -> dict[tuple[str, date], MeetingStaffing]:
    with stepdown.views.transaction(commit=False) as cursor:
        return meeting_staffing(cursor, PROGRAM, monday)


def test_every_meeting_of_the_week_has_its_modality_room_and_facilitators(
    staffed: Stepdown,
) -> None:
    meetings = week_of(staffed, W49)
    assert len(meetings) == 18  # every session meets once; no holiday that week
    assert meetings[("mon-evening-1", W49)] == MeetingStaffing(
        "mon-evening-1", W49, "in_person", "room-a", ("s-ben", "s-cara")
    )
    assert meetings[("fri-evening-2", date(2026, 12, 4))] == MeetingStaffing(
        "fri-evening-2", date(2026, 12, 4), "virtual", None, ("s-cara",)
    )


def test_closed_days_and_cancelled_meetings_are_not_meetings(staffed: Stepdown) -> None:
    thanksgiving = date(2026, 11, 26)
    assert not [key for key in week_of(staffed, W48) if key[1] == thanksgiving]
    cancel_session(staffed, PROGRAM, "tue-day-1", date(2026, 12, 1), reason="flood", actor="c")
    staffed.refresh_after_write()
    meetings = week_of(staffed, W49)
    assert ("tue-day-1", date(2026, 12, 1)) not in meetings
    assert len(meetings) == 17


def test_a_program_without_staff_has_no_meeting_staffing(stepdown: Stepdown) -> None:
    import_program(stepdown, (SCENARIOS / "sample.json").read_text("utf-8"), actor="c")
    stepdown.refresh_after_write()
    with stepdown.views.transaction(commit=False) as cursor:
        assert meeting_staffing(cursor, "standard-101", W49) == {}
