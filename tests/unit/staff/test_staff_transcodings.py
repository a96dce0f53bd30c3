"""Staffing values survive the event store: nested windows, tuples and the modality enum."""

from __future__ import annotations

from datetime import time

from eventsourcing.persistence import JSONTranscoder

from events.staff.values import (
    AvailabilityWindow,
    Modality,
    Room,
    SessionStaffing,
    StaffingPolicy,
    StaffMember,
)
from events.transcodings import register_transcodings
from events.values import Weekday


def round_trip(value: object) -> object:
    transcoder = JSONTranscoder()
    register_transcodings(transcoder)
    return transcoder.decode(transcoder.encode({"value": value}))["value"]


def test_a_staff_member_comes_back_with_its_windows_as_tuples() -> None:
    member = StaffMember(
        "s-ana",
        "Ana Ruiz",
        "licensed counsellor",
        ("licensed_counsellor",),
        (
            AvailabilityWindow(Weekday.MON, time(8, 30), time(13)),
            AvailabilityWindow(Weekday.TUE, time(8, 30), time(13)),
        ),
        25,
        24,
    )
    decoded = round_trip(member)
    assert decoded == member
    assert isinstance(decoded, StaffMember)
    assert isinstance(decoded.availability, tuple)
    assert isinstance(decoded.availability[0], AvailabilityWindow)


def test_rooms_session_staffing_and_policy_come_back_equal() -> None:
    for value in (
        Room("room-a", 14),
        SessionStaffing("g1", Modality.HYBRID, "room-b", ("s-eli", "s-cara"), ("peer",)),
        SessionStaffing("g2", Modality.VIRTUAL, None, (), ()),
        StaffingPolicy(12, 1, 4),
        StaffingPolicy(),
    ):
        assert round_trip(value) == value
