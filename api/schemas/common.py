"""Field types shared by the API's models: strict where a lax parse would mislead."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from events.errors import InvalidRequestError


def _iso_text(value: Any) -> Any:
    # A number is not a date or a time here (pydantic would read it as a Unix timestamp).
    if isinstance(value, int | float):
        raise ValueError("expected an ISO string, not a number")
    return value


def _printable(value: str) -> str:
    if any(not ch.isprintable() and ch not in "\n\t" for ch in value):
        raise ValueError("control characters are not allowed")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_text), Field(examples=["2026-11-30"])]
ClockTime = Annotated[
    time, BeforeValidator(_iso_text), Field(examples=["09:00"], description="Local HH:MM")
]
Identifier = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
Week = Annotated[str, Field(pattern=r"^[0-9]{4}-W[0-9]{2}$", examples=["2026-W49"])]
Text = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_printable)]
Note = Annotated[str, Field(max_length=1000), AfterValidator(_printable)]


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
        raise InvalidRequestError(f"{field}: {first['msg']}") from None


WeekdayName = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
