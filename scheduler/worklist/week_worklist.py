"""The week's worklist: each item is something a coordinator fixes on another page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from events.calendar import week_monday
from events.errors import NotFoundError
from scheduler.queries import attendance_flags, program_sessions, program_timezone
from scheduler.roster_pins import roster_pins
from scheduler.roster_queries import patient_names, roster_document
from scheduler.service import Stepdown
from scheduler.week_view import natural
from scheduler.worklist.roster_changes import DraftChanges, draft_changes
from scheduler.worklist.short_of_days import (
    Shortfall,
    cancelled_meetings,
    short_of_days,
    week_requirements,
)


@dataclass(frozen=True)
class UnfilledMakeUp:
    """A missed meeting for which no make-up could be booked (the policy said why)."""

    patient_id: str
    name: str
    session_id: str
    session_name: str
    missed_on: date
    reason: str
    # The meeting itself was called off (the patient did not miss it): worded so on the page.
    cancelled: bool = False


@dataclass(frozen=True)
class OpenFlag:
    """An attendance flag still open: outreach or clinical review."""

    patient_id: str
    name: str
    flag: str  # outreach | clinical_review
    raised_on: date
    reason: str


@dataclass(frozen=True)
class StalePin:
    """A pin that no longer does anything: its day has passed, or the last generate dropped it."""

    patient_id: str
    name: str
    session_id: str
    session_name: str
    day: date
    why: str


@dataclass(frozen=True)
class Worklist:
    program_id: str
    week: str
    today: date
    unfilled_make_ups: tuple[UnfilledMakeUp, ...]
    flags: tuple[OpenFlag, ...]
    short: tuple[Shortfall, ...]  # the same list as the week page's
    stale_pins: tuple[StalePin, ...]
    draft: DraftChanges | None  # None: no draft waits to be published

    @property
    def patient_ids(self) -> set[str]:
        """Everyone the worklist names (what reading it discloses)."""
        named = {item.patient_id for item in self.unfilled_make_ups}
        named |= {item.patient_id for item in self.flags}
        named |= {item.patient_id for item in self.short}
        named |= {item.patient_id for item in self.stale_pins}
        if self.draft is not None:
            named |= {item.patient_id for item in self.draft.patients}
        return named

    @property
    def empty(self) -> bool:
        return not (
            self.unfilled_make_ups
            or self.flags
            or self.short
            or self.stale_pins
            or (self.draft is not None and self.draft.patients)
        )


def week_worklist(stepdown: Stepdown, program_id: str, week: str) -> Worklist:
    week_monday(week)
    today = stepdown.today(program_timezone(stepdown, program_id))
    names = patient_names(stepdown, program_id)
    sessions = {s["id"]: s["name"] for s in program_sessions(stepdown, program_id)}
    try:
        roster: dict[str, Any] | None = roster_document(stepdown, program_id, week)
    except NotFoundError:
        roster = None
    return Worklist(
        program_id=program_id,
        week=week,
        today=today,
        unfilled_make_ups=_unfilled_make_ups(stepdown, program_id, week, names, sessions),
        flags=_open_flags(stepdown, program_id, names),
        short=_short(stepdown, program_id, week, roster, names),
        stale_pins=_stale_pins(stepdown, program_id, week, today, roster, names, sessions),
        draft=draft_changes(stepdown, program_id, week),
    )


def _unfilled_make_ups(
    stepdown: Stepdown,
    program_id: str,
    week: str,
    names: dict[str, str],
    sessions: dict[str, str],
) -> tuple[UnfilledMakeUp, ...]:
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT patient_id, missed_session_id, missed_date, reason FROM view_compliance_unmade "
            "WHERE program_id = ? AND week = ? ORDER BY missed_date, patient_id",
            (program_id, week),
        )
        cancelled = cancelled_meetings(cursor, program_id)
    return tuple(
        UnfilledMakeUp(
            row["patient_id"],
            _shown(names, row["patient_id"]),
            row["missed_session_id"],
            _shown(sessions, row["missed_session_id"]),
            date.fromisoformat(row["missed_date"]),
            row["reason"],
            cancelled=(row["missed_session_id"], row["missed_date"]) in cancelled,
        )
        for row in rows
    )


def _open_flags(stepdown: Stepdown, program_id: str, names: dict[str, str]) -> tuple[OpenFlag, ...]:
    return tuple(
        OpenFlag(
            row["patient_id"],
            _shown(names, row["patient_id"]),
            row["flag"],
            date.fromisoformat(row["raised_on"]),
            row["reason"],
        )
        for row in attendance_flags(stepdown, program_id)
    )


def _short(
    stepdown: Stepdown,
    program_id: str,
    week: str,
    roster: dict[str, Any] | None,
    names: dict[str, str],
) -> tuple[Shortfall, ...]:
    with stepdown.views.transaction(commit=False) as cursor:
        requirements = week_requirements(cursor, program_id, week, roster)
    short = short_of_days(requirements, names)
    return tuple(sorted(short, key=lambda s: (natural(s.name), s.patient_id)))


def _stale_pins(
    stepdown: Stepdown,
    program_id: str,
    week: str,
    today: date,
    roster: dict[str, Any] | None,
    names: dict[str, str],
    sessions: dict[str, str],
) -> tuple[StalePin, ...]:
    """Dropped pins first keep their reason; a pin on a day already gone says so."""
    stale: dict[tuple[str, str, str], str] = {
        (
            p["patient_id"],
            p["session_id"],
            p["date"],
        ): f"dropped at the last generate: {p['reason']}"
        for p in (roster or {}).get("dropped_pins", [])
    }
    for pin in roster_pins(stepdown, program_id, week):
        key = (pin["patient_id"], pin["session_id"], pin["date"])
        if key not in stale and date.fromisoformat(pin["date"]) < today:
            stale[key] = "its day has passed"
    pins = (
        StalePin(
            patient_id,
            names.get(patient_id, patient_id),
            session_id,
            sessions.get(session_id, session_id),
            date.fromisoformat(day),
            why,
        )
        for (patient_id, session_id, day), why in stale.items()
    )
    return tuple(sorted(pins, key=lambda p: (p.day, p.name, p.session_id)))


def _shown(words: dict[str, str], key: str) -> str:
    """A patient's name or a session's name; the id itself when it has none (erased, retired)."""
    return words.get(key, key)
