"""What every record of an import file shares: strict, frozen, no unknown fields; weekdays by
name."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, WithJsonSchema

from events.values import Weekday

# The file names weekdays ("MON"); its published schema says so (the enum's values are numbers).
WeekdayName = Annotated[
    Weekday, WithJsonSchema({"type": "string", "enum": list(Weekday.__members__)})
]


FILE_RECORD = ConfigDict(extra="forbid", frozen=True, strict=True)


def weekday_by_name(value: object) -> object:
    return Weekday[value] if isinstance(value, str) and value in Weekday.__members__ else value
