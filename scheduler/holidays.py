"""Public holidays from the `holidays` package, for the program's country and subdivision."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

from events.values import HolidayRegion


@lru_cache(maxsize=64)
def _calendar(region: HolidayRegion, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(region.country, subdiv=region.subdivision, years=year)


def public_holiday(region: HolidayRegion, day: date) -> str | None:
    """The holiday's name, or None on an ordinary day."""
    name = _calendar(region, day.year).get(day)
    return None if name is None else str(name)
