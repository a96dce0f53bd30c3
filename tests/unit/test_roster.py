from datetime import date

import pytest

from events.errors import InvalidRequestError
from events.roster import Roster
from events.values import Assignment, RosterStatus, SolveStatistics

MONDAY = date(2026, 11, 30)
PIN = Assignment("P1", "mon-day", MONDAY)
STATS = SolveStatistics("OPTIMAL", 10.0, 10.0, 0.0, 0.4)


def a_roster() -> Roster:
    return Roster(program_id="iop-1", week="2026-W49", recorded_by="c", effective_on=MONDAY)


def test_nothing_to_publish_before_a_roster_is_generated() -> None:
    with pytest.raises(InvalidRequestError, match="nothing generated yet"):
        a_roster().publish(recorded_by="c", effective_on=MONDAY)


def test_generating_again_makes_a_new_draft_version() -> None:
    roster = a_roster()
    roster.record_generated((PIN,), STATS, recorded_by="c", effective_on=MONDAY)
    roster.publish(recorded_by="c", effective_on=MONDAY)
    assert roster.status is RosterStatus.PUBLISHED
    roster.record_generated((), STATS, recorded_by="c", effective_on=MONDAY)
    assert (roster.roster_version, roster.status) == (2, RosterStatus.DRAFT)


def test_a_generated_roster_must_keep_every_pin() -> None:
    roster = a_roster()
    roster.pin(PIN, recorded_by="c", effective_on=MONDAY)
    with pytest.raises(InvalidRequestError, match="pinned P1"):
        roster.record_generated((), STATS, recorded_by="c", effective_on=MONDAY)
    roster.unpin(PIN, recorded_by="c", effective_on=MONDAY)
    roster.record_generated((), STATS, recorded_by="c", effective_on=MONDAY)


TUESDAY_SEAT = Assignment("P1", "tue-day", date(2026, 12, 1))
OTHER_SEAT = Assignment("P2", "tue-day", date(2026, 12, 1))


def a_published_roster() -> Roster:
    roster = a_roster()
    roster.record_generated((PIN, TUESDAY_SEAT), STATS, recorded_by="c", effective_on=MONDAY)
    roster.publish(recorded_by="c", effective_on=MONDAY)
    return roster


def test_a_new_draft_leaves_the_published_seats_in_force() -> None:
    roster = a_published_roster()
    roster.record_generated((OTHER_SEAT,), STATS, recorded_by="c", effective_on=MONDAY)
    assert roster.seats_in_force == (PIN, TUESDAY_SEAT)
    assert roster.published_version == 1
    assert roster.assignments == (OTHER_SEAT,)


def test_withdrawn_seats_leave_the_published_version_and_the_draft_once() -> None:
    roster = a_published_roster()
    roster.record_generated(
        (PIN, TUESDAY_SEAT, OTHER_SEAT), STATS, recorded_by="c", effective_on=MONDAY
    )
    roster.pin(TUESDAY_SEAT, recorded_by="c", effective_on=MONDAY)
    taken = roster.withdraw_seats(
        (TUESDAY_SEAT,), "P1 paused from 2026-12-01", recorded_by="policy", effective_on=MONDAY
    )
    assert taken == (TUESDAY_SEAT,)
    assert roster.published_assignments == (PIN,)
    assert roster.assignments == (PIN, OTHER_SEAT)
    assert (roster.roster_version, roster.published_version) == (3, 3)
    assert TUESDAY_SEAT not in roster.pins
    assert (
        roster.withdraw_seats((TUESDAY_SEAT,), "again", recorded_by="p", effective_on=MONDAY) == ()
    )
    assert roster.roster_version == 3


def test_a_make_up_joins_the_published_version_and_the_waiting_draft() -> None:
    roster = a_published_roster()
    roster.record_generated((PIN, OTHER_SEAT), STATS, recorded_by="c", effective_on=MONDAY)
    make_up = Assignment("P2", "tue-evening", date(2026, 12, 1))
    roster.add_make_up(
        PIN, Assignment("P1", "wed-day", date(2026, 12, 2)), recorded_by="p", effective_on=MONDAY
    )
    roster.add_make_up(OTHER_SEAT, make_up, recorded_by="p", effective_on=MONDAY)
    assert Assignment("P1", "wed-day", date(2026, 12, 2)) in roster.published_assignments
    # one session per patient per day: the make-up replaces the draft's seat that day
    assert OTHER_SEAT not in roster.assignments
    assert make_up in roster.assignments


def test_a_dropped_pin_leaves_with_its_reason_and_the_generate_stands() -> None:
    roster = a_roster()
    roster.pin(PIN, recorded_by="c", effective_on=MONDAY)
    roster.drop_pin(PIN, "P1 is paused", recorded_by="c", effective_on=MONDAY)
    roster.record_generated((), STATS, recorded_by="c", effective_on=MONDAY)
    assert roster.pins == set()
    dropped = [e for e in roster.collect_events() if type(e).__name__ == "PinDropped"]
    assert [(e.assignment, e.reason, e.roster_version) for e in dropped] == [  # type: ignore[attr-defined]
        (PIN, "P1 is paused", 1)
    ]


def test_a_cancellation_empties_the_meeting_in_a_waiting_draft_the_published_version_left_empty() -> (
    None
):
    # Found by the program-life machine (worker mode): a draft solved from a read model that had
    # not seen the cancellation yet seated patients in the cancelled meeting.
    roster = a_roster()
    roster.record_generated((PIN,), STATS, recorded_by="c", effective_on=MONDAY)
    roster.publish(recorded_by="c", effective_on=MONDAY)
    friday = Assignment("P2", "fri-day", date(2026, 12, 4))
    roster.record_generated((PIN, friday), STATS, recorded_by="c", effective_on=MONDAY)
    roster.cancel_session(
        ("fri-day", friday.session_date), (), (), recorded_by="p", effective_on=MONDAY
    )
    assert friday not in roster.assignments
    assert PIN in roster.published_assignments
