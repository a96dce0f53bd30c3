"""Path and query parameters, constrained so a malformed id is a 422, not a lookup."""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from eventsourcing.persistence import PersistenceError
from fastapi import Path

from api.dependencies import ServiceDep, SettingsDep
from scheduler.hygiene.fields import ID_PATTERN, IsoDate, IsoWeek

log = logging.getLogger("stepdown.api")

ProgramId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
PatientId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
SessionId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
StaffId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
WeekPath = Annotated[IsoWeek, Path()]
DatePath = Annotated[IsoDate, Path()]
FlagPath = Annotated[
    Literal["outreach", "clinical_review"],
    Path(description="outreach (3 misses in a row without contact) or clinical_review"),
]


def settle(
    stepdown: ServiceDep, settings: SettingsDep, *, answer_from: tuple[str, ...] = ()
) -> None:
    """Read your writes: the answer to a write is built from read models that include it.

    Embedded mode brings the read models and the make-up policy up to date here. With a
    `stepdown worker`, wait for the worker's projections to pass this write (briefly; when the
    worker lags, apply what is missing here: tracking keeps that exactly-once). Only the read
    models the answer comes from (`answer_from`) are waited for.
    """
    if settings.inline_catch_up:
        stepdown.refresh_after_write()
    elif answer_from:
        try:
            stepdown.wait_for_projections(
                answer_from, timeout_s=settings.read_your_writes_timeout_s
            )
        except PersistenceError as error:
            # The write is stored: failing its answer would make the client think otherwise.
            log.warning(
                "read models not brought up to date after a write: %s", type(error).__name__
            )
