"""Waitlist queries: referrals by urgency, and how long each has waited (from the one clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from events.errors import NotFoundError
from scheduler import queries
from scheduler.planning.waitlist_view import WAITLIST_TABLE, WaitlistProjection
from scheduler.projections.store import ViewCursor
from scheduler.service import Stepdown


@dataclass(frozen=True)
class WaitlistEntry:
    referral_id: str
    name: str
    note: str
    level_of_care: str
    planned_weeks: int
    initial_days_per_week: int
    earliest_start: date
    priority: int
    referred_on: date
    status: str  # waiting | admitted | withdrawn
    start_date: date | None
    closed_on: date | None
    close_reason: str | None
    waiting_days: int  # until today while waiting; until admitted or withdrawn after


def waitlist(
    stepdown: Stepdown, program_id: str, *, status: str | None = "waiting"
) -> list[WaitlistEntry]:
    """The program's referrals (waiting ones by default): most urgent first, then longest waiting."""
    today = stepdown.today(queries.program_timezone(stepdown, program_id))
    where, params = "program_id = ?", [program_id]
    if status is not None:
        where += " AND status = ?"
        params.append(status)
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            f"SELECT * FROM {WAITLIST_TABLE} WHERE {where} "
            "ORDER BY priority, referred_on, referral_id",
            params,
        )
        return [_entry(cursor, row, today) for row in rows]


def _entry(cursor: ViewCursor, row: Any, today: date) -> WaitlistEntry:
    referred_on = date.fromisoformat(row["referred_on"])
    closed_on = date.fromisoformat(row["closed_on"]) if row["closed_on"] else None
    return WaitlistEntry(
        referral_id=row["referral_id"],
        name=cursor.unseal(row["name"]),
        note=cursor.unseal(row["note"]),
        level_of_care=row["level_of_care"],
        planned_weeks=row["planned_weeks"],
        initial_days_per_week=row["initial_days"],
        earliest_start=date.fromisoformat(row["earliest_start"]),
        priority=row["priority"],
        referred_on=referred_on,
        status=row["status"],
        start_date=date.fromisoformat(row["start_date"]) if row["start_date"] else None,
        closed_on=closed_on,
        close_reason=cursor.unseal(row["close_reason"]) if row["close_reason"] else None,
        waiting_days=max(0, ((closed_on or today) - referred_on).days),
    )


def recorded_referral_ids(stepdown: Stepdown, program_id: str) -> list[str]:
    stepdown.runner(WaitlistProjection.name).catch_up()
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            f"SELECT referral_id FROM {WAITLIST_TABLE} WHERE program_id = ?", (program_id,)
        )
    return [str(row["referral_id"]) for row in rows]


def referral_entry(stepdown: Stepdown, program_id: str, referral_id: str) -> WaitlistEntry:
    """One referral, whatever its status."""
    today = stepdown.today(queries.program_timezone(stepdown, program_id))
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            f"SELECT * FROM {WAITLIST_TABLE} WHERE program_id = ? AND referral_id = ?",
            (program_id, referral_id),
        )
        if not rows:
            raise NotFoundError(
                f"referral: {referral_id!r} is not a referral to program {program_id!r}"
            )
        return _entry(cursor, rows[0], today)
