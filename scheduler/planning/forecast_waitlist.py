"""The waitlist as the forecast's planned admissions: each waiting referral, most urgent first,
from its earliest start (or the forecast's first week, when that is later)."""

from __future__ import annotations

from datetime import timedelta

from events.calendar import iso_week
from scheduler import queries
from scheduler.planning.forecast_input import PlannedAdmission
from scheduler.planning.forecast_problem import DEFAULT_WEEKS, first_monday
from scheduler.planning.referrals import get_referral
from scheduler.planning.waitlist import waitlist
from scheduler.program_file import commitment_document
from scheduler.service import Stepdown


def waitlist_admissions(
    stepdown: Stepdown,
    program_id: str,
    *,
    first_week: str | None = None,
    weeks: int = DEFAULT_WEEKS,
    count: int | None = None,
) -> tuple[PlannedAdmission, ...]:
    """The first `count` waiting referrals (all by default) that may start within the weeks;
    a referral whose earliest start is later is not planned for."""
    first = first_monday(stepdown, queries.program_timezone(stepdown, program_id), first_week)
    last = first + timedelta(weeks=weeks, days=-1)
    planned: list[PlannedAdmission] = []
    for entry in waitlist(stepdown, program_id):
        if count is not None and len(planned) == count:
            break
        if entry.earliest_start > last:
            continue
        # Their hours live on the referral itself (the waitlist read model keeps no PHI beyond
        # the name): one aggregate read each, as the earliest-start answer does.
        referral = get_referral(stepdown, program_id, entry.referral_id)
        planned.append(
            PlannedAdmission(
                admission_id=entry.referral_id,
                start_week=iso_week(max(first, entry.earliest_start)),
                planned_weeks=entry.planned_weeks,
                initial_days=entry.initial_days_per_week,
                commitments=tuple(commitment_document(c) for c in referral.commitments),
                travel_minutes=referral.travel_minutes,
            )
        )
    return tuple(planned)


def with_waitlist(
    stepdown: Stepdown,
    program_id: str,
    admissions: tuple[PlannedAdmission, ...],
    *,
    waitlist_too: bool,
    first_week: str | None = None,
    weeks: int = DEFAULT_WEEKS,
) -> tuple[PlannedAdmission, ...]:
    """The admissions given, and the waiting referrals after them when asked for."""
    if not waitlist_too:
        return admissions
    return (
        *admissions,
        *waitlist_admissions(stepdown, program_id, first_week=first_week, weeks=weeks),
    )
