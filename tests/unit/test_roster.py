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
