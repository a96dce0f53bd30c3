"""Field types every entry point shares (import file, API bodies and parameters, page forms).

Each refuses what would otherwise be stored wrong or fail later: control characters, lone
surrogates, dates and weeks outside the years rosters are planned for, and times or dates
carrying a time zone offset where the field is local to the program (an offset would be
silently dropped: 09:00+05:00 stored as 09:00).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from events.calendar import FIRST_YEAR, LAST_YEAR, week_monday
from events.errors import InvalidRequestError
from scheduler.hygiene.text import free_text, one_line

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


def _date_text(value: Any) -> Any:
    # A date is written YYYY-MM-DD: a number would be read as a Unix timestamp, and a datetime
    # (with or without an offset) would lose its time of day without a word.
    if isinstance(value, int | float):
        raise ValueError("expected a date written YYYY-MM-DD, not a number")
    if isinstance(value, str):
        if not ISO_DATE.match(value):
            raise ValueError("expected a date written YYYY-MM-DD, without a time or an offset")
        # Parsed here: a strict model (the import file) takes no text for a date after this.
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("not a calendar date") from None
    return value


def _planned_date(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"dates are between {FIRST_DAY} and {LAST_DAY}")
    return value


def _time_text(value: Any) -> Any:
    if isinstance(value, int | float):
        raise ValueError("expected a local time written HH:MM, not a number")
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            return value  # the time type names what is wrong
    return value


def _local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError(
            "a session or commitment time is local to the program: write HH:MM without an offset"
        )
    return value


def _week(value: str) -> str:
    try:
        week_monday(value)
    except InvalidRequestError as error:
        raise ValueError(str(error).removeprefix("week: ")) from None
    return value


def _text(check: Callable[[str], str]) -> Callable[[Any], Any]:
    # Before the string type: it would refuse a lone surrogate without saying what it is.
    def checked(value: Any) -> Any:
        return check(value) if isinstance(value, str) else value

    return checked


Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
Text = Annotated[str, Field(min_length=1, max_length=200), BeforeValidator(_text(one_line))]
Note = Annotated[str, Field(max_length=1000), BeforeValidator(_text(free_text))]
# A short reason that may be left empty (a closure's).
Remark = Annotated[str, Field(max_length=200), BeforeValidator(_text(one_line))]
IsoDate = Annotated[
    date,
    BeforeValidator(_date_text),
    AfterValidator(_planned_date),
    Field(examples=["2026-11-30"], description="YYYY-MM-DD"),
]
ClockTime = Annotated[
    time,
    BeforeValidator(_time_text),
    AfterValidator(_local_time),
    Field(examples=["09:00"], description="Local HH:MM"),
]
IsoWeek = Annotated[
    str,
    Field(pattern=r"^[0-9]{4}-W[0-9]{2}$", examples=["2026-W49"], description="ISO week"),
    AfterValidator(_week),
]
