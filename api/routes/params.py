"""Path and query parameters, constrained so a malformed id is a 422, not a lookup."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path

from api.dependencies import ServiceDep, SettingsDep

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"

ProgramId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
PatientId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
SessionId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
WeekPath = Annotated[
    str, Path(pattern=r"^[0-9]{4}-W[0-9]{2}$", description="ISO week", examples=["2026-W49"])
]
DatePath = Annotated[date, Path(description="YYYY-MM-DD")]


def settle(stepdown: ServiceDep, settings: SettingsDep) -> None:
    """Embedded mode: bring read models and the make-up policy up to date before answering."""
    if settings.inline_catch_up:
        stepdown.catch_up()
