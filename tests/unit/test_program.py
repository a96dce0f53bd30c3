from dataclasses import replace
from datetime import date, time

import pytest

from events.errors import ConflictError, NotFoundError
from events.values import minutes_between
from tests.unit.factories import MONDAY_DAY_GROUP, START, a_program


def test_a_session_id_is_added_once() -> None:
    program = a_program()
    with pytest.raises(ConflictError, match="mon-day"):
        program.add_session(MONDAY_DAY_GROUP, recorded_by="c", effective_on=START)


def test_a_retired_session_is_no_longer_bookable() -> None:
    program = a_program()
    program.retire_session("mon-day", recorded_by="c", effective_on=START)
    with pytest.raises(NotFoundError, match="mon-day"):
        program.session("mon-day")


def test_a_changed_session_replaces_the_old_times() -> None:
    program = a_program()
    later = replace(MONDAY_DAY_GROUP, start=time(10), end=time(13))
    program.change_session(later, recorded_by="c", effective_on=START)
    assert program.session("mon-day").start == time(10)


def test_a_closure_is_recorded_once() -> None:
    program = a_program()
    program.add_closure(date(2026, 12, 24), "staff training", recorded_by="c")
    program.add_closure(date(2026, 12, 24), "staff training", recorded_by="c")
    closures = [e for e in program.collect_events() if "ClosureAdded" in type(e).__qualname__]
    assert len(closures) == 1


def test_an_interval_ending_before_it_starts_runs_past_midnight() -> None:
    assert minutes_between(time(22), time(6, 30)) == 510
    assert minutes_between(time(16), time(0)) == 480
