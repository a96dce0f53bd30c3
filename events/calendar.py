"""ISO weeks and program weeks: program week 1 is the Monday–Sunday week holding the start date."""

from __future__ import annotations

import re
from datetime import date, timedelta

from events.errors import InvalidRequestError

ISO_WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
# Rosters are planned within these years; a week outside them is a typo, not a plan.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> date:
    """The Monday of an ISO week written `YYYY-Www`."""
    match = ISO_WEEK_PATTERN.match(week)
    if match is None:
        raise InvalidRequestError(f"week: {week!r} is not an ISO week like 2026-W49")
    if not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise InvalidRequestError(
            f"week: {week!r} is outside the years {FIRST_YEAR}–{LAST_YEAR} rosters are planned for"
        )
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise InvalidRequestError(f"week: {week!r} does not exist") from None


def program_week(start_date: date, day: date) -> int:
    """1 for the week holding the start date; 0 or less before it."""
    return (monday_of(day) - monday_of(start_date)).days // 7 + 1


def plan_last_day(start_date: date, plan_weeks: int) -> date:
    """The Sunday that ends program week `plan_weeks`."""
    return monday_of(start_date) + timedelta(weeks=plan_weeks, days=-1)
