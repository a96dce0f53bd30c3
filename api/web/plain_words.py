"""Dates and durations as people say them on the page: "Mon 30 Nov", "3 weeks"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

# Under two weeks a wait is counted in days, under about two months in weeks, then in months:
# the precision a coordinator uses when they say how long someone has waited.
DAYS_UNTIL = 14
WEEKS_UNTIL = 60


def day_text(day: date, today: date) -> str:
    """ "Mon 30 Nov"; the year only when it is not this year's."""
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def waited(days: int) -> str:
    if days <= 0:
        return "under a day"
    if days < DAYS_UNTIL:
        return _count(days, "day")
    if days < WEEKS_UNTIL:
        return _count(days // 7, "week")
    return _count(days // 30, "month")


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def days_text(days: list[int]) -> str:
    """Weekday numbers (Monday 0) as "Mon–Fri" for a run of three or more, else "Mon, Wed"."""
    ordered = sorted(set(days))
    names = [_WEEKDAYS[day] for day in ordered]
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


_WEEKDAY_CODES = re.compile(r"\b(MON|TUE|WED|THU|FRI|SAT|SUN)\b")


def reason_text(reason: str, session_ids: Iterable[str]) -> str:
    """A planning reason for people: weekdays as words ("Mon–Fri", not "MON–FRI") and without
    the session ids written after each session's name (its day, time and name say which)."""
    for session_id in session_ids:
        reason = reason.replace(f" ({session_id})", "")
    return _WEEKDAY_CODES.sub(lambda found: found.group(1).capitalize(), reason)
