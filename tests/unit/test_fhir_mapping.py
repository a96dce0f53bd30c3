"""The FHIR mapping on its own: ids Stepdown allows but FHIR does not ('_', 64 characters) still
give valid resources, and each seat's status comes from its mark, its meeting and the version."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from scheduler.interop.fhir import week_bundle
from scheduler.interop.week_seats import WeekMeeting, WeekSeat, WeekSeats

LONG = "p_" + "x" * 62  # a Stepdown id of the longest length, with a character FHIR ids refuse


def seats(status: str = "published") -> WeekSeats:
    meeting = WeekMeeting("mon_am", "2026-11-23", "09:00", "12:00", "php", cancelled=False)
    meeting.seats.extend(
        [
            WeekSeat(LONG, "attended", None, cancelled=False),
            WeekSeat("p_2", "missed", None, cancelled=False),
            WeekSeat("p_3", None, ("tue_am", "2026-11-17"), cancelled=False),
        ]
    )
    called_off = WeekMeeting("wed_am", "2026-11-25", "09:00", "12:00", "php", cancelled=True)
    called_off.seats.append(WeekSeat("p_2", None, None, cancelled=True))
    return WeekSeats("north_iop", "2026-W48", "America/Chicago", 3, status, [meeting, called_off])


def statuses(bundle: dict[str, object]) -> dict[str, str]:
    entries = bundle["entry"]
    assert isinstance(entries, list)
    return {
        e["resource"]["identifier"][0]["value"]: e["resource"]["status"]
        for e in entries
        if e["resource"]["resourceType"] == "Appointment"
    }


@pytest.mark.parametrize(("status", "unmarked"), [("published", "booked"), ("draft", "proposed")])
def test_every_resource_validates_and_statuses_follow_the_facts(status: str, unmarked: str) -> None:
    now = datetime(2026, 11, 25, 18, tzinfo=UTC)
    bundle = week_bundle(seats(status), base_url="https://example.org/fhir/", now=now)
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    assert statuses(bundle) == {
        f"mon_am 2026-11-23 {LONG}": "fulfilled",
        "mon_am 2026-11-23 p_2": "noshow",
        "mon_am 2026-11-23 p_3": unmarked,
        "wed_am 2026-11-25 p_2": "cancelled",
    }
    slots = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Slot"]
    assert [s["status"] for s in slots] == ["busy", "busy-unavailable"]
    assert slots[0]["start"] == "2026-11-23T09:00:00-06:00"  # the program's own time zone


def test_the_same_week_gives_the_same_ids() -> None:
    now = datetime(2026, 11, 25, 18, tzinfo=UTC)
    first = week_bundle(seats(), base_url="https://example.org/fhir/", now=now)
    again = week_bundle(seats(), base_url="https://example.org/fhir/", now=now)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in again["entry"]]
