"""Undoing a cancellation on the aggregates: the Program, the Roster and the Enrollment."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from events.errors import ConflictError, InvalidRequestError
from events.roster import Roster
from events.values import Assignment, RosterSession, SolveStatistics
from tests.unit.factories import a_program, an_enrollment

MONDAY = date(2026, 11, 30)
WEDNESDAY = date(2026, 12, 2)
# Monday 08:59 and 09:00 in Chicago (UTC-6): the meeting starts at 09:00.
BEFORE_START = datetime(2026, 11, 30, 14, 59, tzinfo=UTC)
AT_START = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
STATS = SolveStatistics("OPTIMAL", 0.0, 0.0, 0.0, 0.1)
MEETING = ("mon-day", MONDAY)
SEAT = Assignment("P1", "mon-day", MONDAY)
MAKE_UP = Assignment("P1", "wed-day", WEDNESDAY)


def test_an_undone_cancellation_reinstates_the_meeting() -> None:
    program = a_program()
    program.cancel_session("mon-day", MONDAY, "flood", recorded_by="c")
    program.undo_cancellation("mon-day", MONDAY, now=BEFORE_START, recorded_by="c")
    assert MEETING not in program.cancellations
    kinds = [type(e).__qualname__ for e in program.collect_events()]
    assert kinds[-1] == "Program.SessionCancellationUndone"


def test_undoing_twice_is_refused_and_names_the_meeting() -> None:
    program = a_program()
    program.cancel_session("mon-day", MONDAY, "flood", recorded_by="c")
    program.undo_cancellation("mon-day", MONDAY, now=BEFORE_START, recorded_by="c")
    with pytest.raises(ConflictError, match=r"mon-day on 2026-11-30 is not cancelled"):
        program.undo_cancellation("mon-day", MONDAY, now=BEFORE_START, recorded_by="c")


def test_a_meeting_that_has_started_cannot_be_reinstated() -> None:
    program = a_program()
    program.cancel_session("mon-day", MONDAY, "flood", recorded_by="c")
    with pytest.raises(InvalidRequestError, match=r"mon-day on 2026-11-30 started at 09:00"):
        program.undo_cancellation("mon-day", MONDAY, now=AT_START, recorded_by="c")
    assert MEETING in program.cancellations


def test_a_meeting_cancelled_again_after_an_undo_is_cancelled() -> None:
    program = a_program()
    program.cancel_session("mon-day", MONDAY, "flood", recorded_by="c")
    program.undo_cancellation("mon-day", MONDAY, now=BEFORE_START, recorded_by="c")
    program.cancel_session("mon-day", MONDAY, "flood again", recorded_by="c")
    assert MEETING in program.cancellations


def _cancelled_roster() -> Roster:
    """P1 sat in Monday's meeting; its cancellation moved P1 to Wednesday."""
    roster = Roster(program_id="iop-1", week="2026-W49", recorded_by="c", effective_on=MONDAY)
    sessions = (
        RosterSession("mon-day", MONDAY, time(9), time(12), "day"),
        RosterSession("wed-day", WEDNESDAY, time(9), time(12), "day"),
    )
    roster.record_generated((SEAT,), STATS, sessions=sessions, recorded_by="c", effective_on=MONDAY)
    roster.publish(recorded_by="c", effective_on=MONDAY)
    roster.cancel_session(MEETING, (SEAT,), (MAKE_UP,), recorded_by="c", effective_on=MONDAY)
    return roster


def test_reinstating_withdraws_the_make_up_and_seats_the_patient_again() -> None:
    roster = _cancelled_roster()
    version = roster.roster_version
    roster.reinstate_meeting(
        MEETING, (MAKE_UP,), (SEAT,), (SEAT,), recorded_by="c", effective_on=MONDAY
    )
    assert roster.published_assignments == (SEAT,)
    assert roster.assignments == (SEAT,)
    assert roster.roster_version == roster.published_version == version + 1
    # Cancelled again later, the patient is moved again.
    assert SEAT not in roster.made_up


def test_a_reinstatement_with_no_seat_to_change_is_still_a_version() -> None:
    roster = _cancelled_roster()
    version = roster.roster_version
    roster.reinstate_meeting(MEETING, (), (), (), recorded_by="c", effective_on=MONDAY)
    assert roster.roster_version == version + 1
    assert roster.published_assignments == (MAKE_UP,)


def test_only_the_meetings_own_seats_can_be_restored() -> None:
    roster = _cancelled_roster()
    with pytest.raises(InvalidRequestError, match="is not in mon-day on 2026-11-30"):
        roster.reinstate_meeting(MEETING, (), (MAKE_UP,), (), recorded_by="c", effective_on=MONDAY)


def test_a_patient_back_in_the_meeting_is_answered_afresh_if_it_is_cancelled_again() -> None:
    enrollment = an_enrollment()
    enrollment.record_make_up("mon-day", MONDAY, "wed-day", WEDNESDAY, recorded_by="policy")
    assert not enrollment.awaits_make_up("mon-day", MONDAY)
    assert enrollment.return_to_reinstated_meeting("mon-day", MONDAY, recorded_by="c")
    assert enrollment.awaits_make_up("mon-day", MONDAY)
    assert not enrollment.return_to_reinstated_meeting("mon-day", MONDAY, recorded_by="c")
