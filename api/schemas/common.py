"""Field types shared by the API's models: strict where a lax parse would mislead."""

from __future__ import annotations

from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from events.errors import InvalidRequestError
from scheduler.hygiene.fields import ClockTime, Identifier, IsoDate, Note, Text
from scheduler.hygiene.text import shown

# One set of field types for the import file, the API and the page (scheduler.hygiene.fields).
__all__ = ["Body", "ClockTime", "Identifier", "IsoDate", "Note", "Text", "WeekdayName"]


class Body(BaseModel):
    """Every request body: a misspelt field is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


M = TypeVar("M", bound=BaseModel)


def as_file_model(body: BaseModel, model: type[M]) -> M:
    """The same record in the import file's model, so both paths share one set of checks."""
    try:
        return model.model_validate_json(body.model_dump_json(by_alias=True, exclude_none=True))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        got = first.get("input")
        value = f" (got {shown(got)})" if isinstance(got, str) else ""
        raise InvalidRequestError(f"{field}: {first['msg']}{value}") from None


WeekdayName = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
