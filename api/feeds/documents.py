"""What a feed secret reads: the iCalendar document of its one feed, saying nothing clinical.

Every event is titled "Appointment" (api.ical), with no description or location: the program
records no site or room, and its id, a group's name or track may name the treatment. Event ids
are digests seeded by the secret's digest, so they carry no program, patient or session id.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from api.feeds.store import FeedKind, OpenedFeed
from api.ical import calendar_feed
from scheduler.queries import program_timezone
from scheduler.schedules import patient_schedule, session_meetings
from scheduler.service import Stepdown
from scheduler.staff.calendar import staff_meetings

CALENDAR_NAME = "Appointments"
# A session's or staff member's feed looks this far ahead, like the bearer route's default.
SESSION_WEEKS_AHEAD = 12


def read_feed(stepdown: Stepdown, opened: OpenedFeed) -> bytes:
    """The one place a feed is read through its secret (a disclosure of the patient's schedule)."""
    feed = opened.feed
    timezone = program_timezone(stepdown, feed.program_id)
    if feed.kind is FeedKind.PATIENT:
        seats = patient_schedule(stepdown, feed.program_id, feed.feed_of, published_only=True)
        times = [(s.session_id, s.session_date, s.start, s.end) for s in seats]
    else:
        today = stepdown.today(timezone)
        monday = today - timedelta(days=today.weekday())
        meets = staff_meetings if feed.kind is FeedKind.STAFF else session_meetings
        found = meets(
            stepdown, feed.program_id, feed.feed_of, start=monday, weeks=SESSION_WEEKS_AHEAD
        )
        times = [(m.session_id, m.session_date, m.start, m.end) for m in found]
    meetings = [
        (_event_id(opened.secret_digest, session_id, day), day, start, end)
        for session_id, day, start, end in times
    ]
    return calendar_feed(CALENDAR_NAME, timezone, meetings, stamp=stepdown.clock())


def _event_id(seed: str, session_id: str, day: date) -> str:
    # The same meeting keeps its id from fetch to fetch, so a calendar updates it in place.
    return hashlib.sha256(f"{seed}/{session_id}/{day}".encode()).hexdigest()[:32] + "@stepdown"
