"""iCalendar feeds parse with `icalendar`, keep local times across DST, and reveal nothing clinical."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.api.conftest import PROGRAM, WEEK, Api

CHICAGO = ZoneInfo("America/Chicago")


def events(feed: bytes) -> list[tuple[datetime, datetime, str]]:
    calendar = Calendar.from_ical(feed)
    return [
        (event.decoded("dtstart"), event.decoded("dtend"), str(event["summary"]))
        for event in calendar.walk("VEVENT")
    ]


def test_a_session_feed_keeps_its_local_time_across_daylight_saving(program: Api) -> None:
    response = program.get(f"/programs/{PROGRAM}/sessions/mon-evening-1/calendar.ics?weeks=20")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VTIMEZONE" in response.content
    found = events(response.content)
    # 20 Mondays from 2026-11-23 reach past the change to daylight time on 2027-03-14.
    assert found[0][0].date() == date(2026, 11, 23)
    assert found[-1][0].date() > date(2027, 3, 14)
    for start, end, _ in found:
        assert start.tzinfo is not None
        local = start.astimezone(CHICAGO)
        assert (local.time(), end.astimezone(CHICAGO).time()) == (time(18, 0), time(21, 0))
    offsets = {start.utcoffset() for start, _, _ in found}
    assert len(offsets) == 2  # CST and CDT: the same wall-clock time, two UTC offsets


def test_a_session_feed_leaves_out_holidays_closures_and_cancellations(program: Api) -> None:
    program.post(f"/programs/{PROGRAM}/closures", json={"date": "2026-12-03", "reason": "training"})
    program.post(
        f"/programs/{PROGRAM}/sessions/thu-day-1/cancellations",
        json={"date": "2026-12-10", "reason": "facilitator ill"},
    )
    feed = program.get(f"/programs/{PROGRAM}/sessions/thu-day-1/calendar.ics?weeks=4").content
    days = [start.date() for start, _, _ in events(feed)]
    # Thursdays 26 Nov (Thanksgiving), 3 Dec (closure) and 10 Dec (cancelled) do not meet.
    assert days == [date(2026, 12, 17)]


def test_a_patient_feed_has_their_published_seats_under_a_neutral_title(program: Api) -> None:
    program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/generate", json={})
    roster = program.get(f"/programs/{PROGRAM}/rosters/{WEEK}").json()
    patient = next(p for p in roster["patients"] if p["session_ids"])
    path = f"/programs/{PROGRAM}/patients/{patient['patient_id']}/calendar.ics"
    assert events(program.get(path).content) == []  # a draft is not on anyone's phone
    program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/publish")
    feed = program.get(path).content
    found = events(feed)
    assert sorted(start.date().isoformat() for start, _, _ in found) == sorted(
        seat["date"] for seat in patient["session_ids"]
    )
    assert {summary for _, _, summary in found} == {"Appointment"}
    text = feed.decode()
    for revealing in ("evening", "day-1", "IOP", "Standard", "Patient"):
        assert revealing not in text
