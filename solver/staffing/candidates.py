"""Where an appointment may go: the starts at which a patient and their counsellor are both free,
before any other appointment or meeting is placed (those are the model's no-overlap)."""

from __future__ import annotations

from solver.staffing.problem import (
    START_GRID_MINUTES,
    AppointmentRequest,
    Clinician,
    Interval,
)
from solver.staffing.words import MINUTES_PER_DAY


def appointment_starts(
    request: AppointmentRequest, counsellor: Clinician, monday_offsets: set[int]
) -> dict[int, bool]:
    """Start minute → whether it sits right next to one of the patient's groups (one trip).

    `monday_offsets` are the day indexes (0 = Monday) the patient may come. A start on the half
    hour inside the counsellor's hours, clear of the patient's commitments (travel included)
    and groups, or one ending as a group starts or starting as one ends."""
    minutes = request.minutes
    starts: dict[int, bool] = {}
    for group_start, group_end in request.groups:
        for start in (group_end, group_start - minutes):
            if _fits(request, counsellor, monday_offsets, start, start + minutes):
                starts[start] = True
    for window_start, window_end in counsellor.windows:
        first = -(-window_start // START_GRID_MINUTES) * START_GRID_MINUTES
        for start in range(first, window_end - minutes + 1, START_GRID_MINUTES):
            if start not in starts and _fits(
                request, counsellor, monday_offsets, start, start + minutes
            ):
                starts[start] = False
    return starts


def _fits(
    request: AppointmentRequest,
    counsellor: Clinician,
    monday_offsets: set[int],
    start: int,
    end: int,
) -> bool:
    if start // MINUTES_PER_DAY not in monday_offsets or (end - 1) // MINUTES_PER_DAY != (
        start // MINUTES_PER_DAY
    ):
        return False
    if not counsellor.covers(start, end):
        return False
    return not _overlaps(start, end, request.busy) and not _overlaps(start, end, request.groups)


def _overlaps(start: int, end: int, intervals: tuple[Interval, ...]) -> bool:
    return any(other_start < end and start < other_end for other_start, other_end in intervals)
