from datetime import date, time

from eventsourcing.persistence import JSONTranscoder

from events.transcodings import register_transcodings
from events.values import (
    Assignment,
    CheckInRating,
    Commitment,
    CommitmentKind,
    Policy,
    SessionSpec,
    SolveStatistics,
    Weekday,
)


def _round_trip(value: object) -> object:
    transcoder = JSONTranscoder()
    register_transcodings(transcoder)
    return transcoder.decode(transcoder.encode({"value": value}))["value"]


def test_dates_times_and_enums_survive_the_store() -> None:
    assert _round_trip(date(2026, 11, 30)) == date(2026, 11, 30)
    assert _round_trip(time(18, 30)) == time(18, 30)
    assert _round_trip(CheckInRating.READY_TO_STEP_DOWN) is CheckInRating.READY_TO_STEP_DOWN


def test_value_objects_come_back_with_tuples_not_lists() -> None:
    commitment = Commitment(
        CommitmentKind.SCHOOL, (Weekday.MON, Weekday.WED), time(8), time(15), date(2026, 9, 1), None
    )
    decoded = _round_trip(commitment)
    assert decoded == commitment
    assert isinstance(decoded, Commitment)
    assert isinstance(decoded.days, tuple)
    for value in (
        Policy(),
        SessionSpec("s", "Day", Weekday.FRI, time(9), time(12), 12, 3, "day"),
        Assignment("P1", "s", date(2026, 12, 4)),
        SolveStatistics("OPTIMAL", 1.0, 1.0, 0.0, 0.2),
    ):
        assert _round_trip(value) == value
