"""iCalendar feeds (the `icalendar` package): local times in the program's timezone.

Titles reveal nothing clinical: a feed may be shown on a phone's lock screen, so an event is an
"Appointment" at a time, never a group's name, track or the program's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

NEUTRAL_TITLE = "Appointment"
PRODUCT = "-//Stepdown//Schedules//EN"


def calendar_feed(
    name: str,
    timezone: str,
    meetings: Sequence[tuple[str, date, time, time]],
    stamp: datetime,
) -> bytes:
    """One VEVENT per (uid, date, start, end), with the VTIMEZONE the times refer to."""
    zone = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    for uid, day, start, end in meetings:
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("summary", NEUTRAL_TITLE)
        event.add("dtstart", datetime.combine(day, start, tzinfo=zone))
        event.add("dtend", datetime.combine(day, end, tzinfo=zone))
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    feed: bytes = calendar.to_ical()
    return feed
