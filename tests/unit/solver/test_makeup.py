"""Make-ups: a later seat in the same week, every roster rule kept, nobody else moved."""

from datetime import timedelta

from solver import ClosedDay
from solver.makeup import MakeUpRequest, OccupiedSession, find_make_up
from tests.unit.solver.builders import DAY, MONDAY, patient, session, works

MISSED = session("mon-eve", 0)
TUESDAY_NOON = 1 * DAY + 12 * 60


def _week(
    *sessions: tuple[str, int, int, int, str], **patients: frozenset[str]
) -> tuple[OccupiedSession, ...]:
    return tuple(
        OccupiedSession(
            session(sid, day, hour, capacity=capacity, track=track),
            patients.get(sid, frozenset({"X1", "X2", "X3"})),
        )
        for sid, day, hour, capacity, track in sessions
    )


def _request(
    sessions: tuple[OccupiedSession, ...], not_before: int = TUESDAY_NOON, **changes: object
) -> MakeUpRequest:
    return MakeUpRequest(
        week_monday=MONDAY,
        patient=patient("P1", 3, **changes),
        missed=MISSED,
        not_before=not_before,
        sessions=sessions,
    )


def test_a_make_up_is_found_on_a_later_day() -> None:
    week = _week(("wed-eve", 2, 18, 10, "evening"))
    result = find_make_up(_request(week))
    assert result.session is not None
    assert result.session.session_id == "wed-eve"


def test_nothing_is_offered_before_the_notice_period() -> None:
    week = _week(("tue-eve", 1, 18, 10, "evening"), ("thu-eve", 3, 18, 10, "evening"))
    # recorded Tuesday 16:30 with two hours' notice: Tuesday's 18:00 group is too soon
    result = find_make_up(_request(week, not_before=1 * DAY + 18 * 60 + 30))
    assert result.session is not None
    assert result.session.session_id == "thu-eve"


def test_no_make_up_breaks_a_commitment() -> None:
    week = _week(("wed-day", 2, 9, 10, "day"))
    result = find_make_up(
        _request(week, busy=works(range(5), 8, 17), hours_text="work MON–FRI 08:00–17:00")
    )
    assert result.session is None
    assert result.reason is not None
    assert result.reason.kind == "availability"
    assert "work MON–FRI 08:00–17:00" in result.reason.text


def test_no_make_up_fills_a_session_over_capacity() -> None:
    full = frozenset({"A", "B"})
    week = _week(("wed-eve", 2, 18, 2, "evening"), **{"wed-eve": full})
    result = find_make_up(_request(week))
    assert result.session is None
    assert result.reason is not None
    assert result.reason.kind == "capacity"


def test_the_same_track_beats_an_earlier_day() -> None:
    week = _week(("wed-day", 2, 9, 10, "day"), ("thu-eve", 3, 18, 10, "evening"))
    result = find_make_up(_request(week))
    assert result.session is not None
    assert result.session.session_id == "thu-eve"


def test_no_make_up_on_a_day_already_scheduled_or_closed() -> None:
    week = _week(
        ("wed-eve", 2, 18, 10, "evening"),
        ("thu-eve", 3, 18, 10, "evening"),
        ("fri-eve", 4, 18, 10, "evening"),
    )
    scheduled = OccupiedSession(
        session("wed-day", 2, 9, track="day"), frozenset({"P1", "X1", "X2"})
    )
    request = MakeUpRequest(
        week_monday=MONDAY,
        patient=patient("P1", 3),
        missed=MISSED,
        not_before=TUESDAY_NOON,
        sessions=(*week, scheduled),
        closed_days=(ClosedDay(MONDAY + timedelta(days=3), "Thanksgiving Day"),),
    )
    result = find_make_up(request)
    assert result.session is not None
    assert result.session.session_id == "fri-eve"


def test_a_group_that_does_not_run_is_not_opened_for_one_patient() -> None:
    empty = OccupiedSession(session("wed-eve", 2, 18, min_size=3), frozenset())
    assert find_make_up(_request((empty,))).session is None


def test_a_make_up_needs_a_free_seat_in_a_waiting_draft_too() -> None:
    # The published Wednesday group has room, but the regenerated draft waiting to be published
    # fills it: the make-up joins both versions, so it goes to Thursday.
    three = frozenset({"X1", "X2", "X3"})
    wednesday = OccupiedSession(session("wed-eve", 2, 18, capacity=4), three, three | {"X4"})
    thursday = OccupiedSession(session("thu-eve", 3, 18, capacity=4), three, three)
    result = find_make_up(_request((wednesday, thursday)))
    assert result.session is not None
    assert result.session.session_id == "thu-eve"
