"""The week page's filters, read from the URL's query: which view, which day, which track, and
only the patients short of their days or flagged. The same filters ride on every form's action,
so a form returns to the page as it was (see `kept_query`)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal
from urllib.parse import urlencode

from scheduler.hygiene.fields import ID_PATTERN
from scheduler.hygiene.text import shown

View = Literal["sessions", "patients"]
VIEWS: tuple[View, ...] = ("sessions", "patients")
ALL_DAYS = "all"
YES = frozenset({"1", "true", "on", "yes"})
NO = frozenset({"", "0", "false", "off", "no"})
NAMES = ("view", "day", "track", "short", "flagged", "meeting")


@dataclass(frozen=True)
class WeekFilters:
    view: View = "sessions"
    day: date | None = None  # None: every day of the week
    track: str | None = None
    short: bool = False  # only patients short of their required days
    flagged: bool = False  # only patients with an open outreach or clinical-review flag
    meeting: tuple[str, date] | None = None  # one meeting: its session and date
    day_chosen: bool = False  # the day came from the URL (else the default: today or Monday)

    @property
    def patients_only(self) -> bool:
        """Whether a filter keeps some patients out (short or flagged)."""
        return self.short or self.flagged

    def query(self, **changes: object) -> str:
        """The URL query of these filters (with `changes`), "" when every one is its default;
        a default day is left out so that it stays "today" tomorrow."""
        filters = replace(self, **changes) if changes else self  # type: ignore[arg-type]
        pairs: list[tuple[str, str]] = []
        if filters.view != "sessions":
            pairs.append(("view", filters.view))
        if filters.day_chosen:
            pairs.append(("day", ALL_DAYS if filters.day is None else filters.day.isoformat()))
        if filters.track:
            pairs.append(("track", filters.track))
        if filters.short:
            pairs.append(("short", "1"))
        if filters.flagged:
            pairs.append(("flagged", "1"))
        if filters.meeting:
            pairs.append(("meeting", meeting_value(*filters.meeting)))
        return "?" + urlencode(pairs) if pairs else ""

    def on_day(self, day: date | None) -> str:
        """The query for one day of the same view (None: every day), any one meeting let go."""
        return self.query(day=day, day_chosen=True, meeting=None)


def meeting_value(session_id: str, day: date) -> str:
    return f"{session_id}|{day.isoformat()}"


def meeting_anchor(session_id: str, day: date | str) -> str:
    """The id of a meeting's group on the page: where a form about it returns to."""
    return f"m-{session_id}-{day if isinstance(day, str) else day.isoformat()}"


def read_filters(
    query: Mapping[str, str], monday: date, today: date, tracks: Collection[str]
) -> tuple[WeekFilters, list[str]]:
    """The filters the URL asks for, and a problem for each one refused (it is then left out)."""
    problems: list[str] = []
    view = query.get("view", "sessions")
    if view not in VIEWS:
        problems.append(f"view: {shown(view)} is not one of {', '.join(VIEWS)}")
        view = "sessions"
    filters = WeekFilters(view="patients" if view == "patients" else "sessions")
    day_text = query.get("day")
    if day_text is not None:
        chosen, problem = _week_day(day_text, monday, "day")
        if problem:
            problems.append(problem)
        else:
            filters = replace(filters, day=chosen, day_chosen=True)
    if not filters.day_chosen and filters.view == "sessions":
        in_week = monday <= today <= monday + timedelta(days=6)
        filters = replace(filters, day=today if in_week else monday)
    track = query.get("track", "")
    if track and track not in tracks:
        named = ", ".join(sorted(tracks)) or "none"
        problems.append(f"track: {shown(track)} is not a track of this program ({named})")
    elif track:
        filters = replace(filters, track=track)
    for name in ("short", "flagged"):
        value = query.get(name, "").lower()
        if value not in YES | NO:
            problems.append(f"{name}: {shown(value)} is not yes (1) or no (0)")
        elif value in YES:
            filters = replace(filters, **{name: True})  # type: ignore[arg-type]
    meeting = query.get("meeting")
    if meeting:
        session_id, _, day_part = meeting.partition("|")
        day, problem = _week_day(day_part, monday, "meeting")
        if not re.match(ID_PATTERN, session_id) or len(session_id) > 64:
            problem = f"meeting: {shown(meeting)} is not a session and a date"
        if problem or day is None:
            problems.append(problem or f"meeting: {shown(meeting)} is not a session and a date")
        else:
            filters = replace(filters, meeting=(session_id, day), day=day, day_chosen=True)
    return filters, problems


def kept_query(query: Mapping[str, str], monday: date) -> str:
    """The filters a form came from, as the query of the page it returns to; the ones not
    valid are dropped (the page would have refused them anyway)."""
    every_track = {query.get("track", "")} if re.match(ID_PATTERN, query.get("track", "")) else ()
    filters, _ = read_filters(query, monday, monday, every_track)
    return filters.query()


def _week_day(text: str, monday: date, field: str) -> tuple[date | None, str | None]:
    if field == "day" and text == ALL_DAYS:
        return None, None
    try:
        day = date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        day = None
    if day is None:
        return None, f"{field}: {shown(text)} is not a date written YYYY-MM-DD"
    if not monday <= day <= monday + timedelta(days=6):
        return None, f"{field}: {day.isoformat()} is not a day of the week of {monday:%d %b %Y}"
    return day, None
