"""The forecast in a coordinator's words: "Week of 30 Nov", "4 fewer days short", "Open a Thu
18:00–21:00 evening group for 12"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from solver.planning.inputs import WEEKDAY_NAMES

STATUS_WORDS = {
    "OPTIMAL": "Solved: best possible",
    "FEASIBLE": "Solved: the best found in the time allowed (may not be the best possible)",
}
SHORTFALL_KINDS = {
    "availability": "no group fits their hours on enough days",
    "capacity": "the groups that fit their hours are full",
}


def week_label(monday: date, today: date) -> str:
    """ "Week of 30 Nov"; the year only when it is not this year's."""
    text = f"Week of {monday.day} {monday:%b}"
    return text if monday.year == today.year else f"{text} {monday.year}"


def counted(number: int, unit: str) -> str:
    """ "1 day", "3 days"."""
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def status_text(status: str) -> str:
    return STATUS_WORDS.get(status, f"Solved ({status.lower()})")


def weekday_text(weekday: str | int) -> str:
    """ "Thu" from "THU" or from 3 (Monday 0)."""
    code = WEEKDAY_NAMES[weekday] if isinstance(weekday, int) else weekday
    return code.capitalize()


def group_text(weekday: str | int, start: str, end: str, track: str) -> str:
    """ "a Thu 18:00–21:00 evening group"."""
    return f"a {weekday_text(weekday)} {start}–{end} {track} group"


def difference(before: int, after: int, unit: str) -> str:
    """How a number of `unit`s changes: "64 → 40 days short (24 fewer)", or "no change (64)"."""
    if before == after:
        return f"no change ({counted(before, unit)})"
    change = f"{after - before} more" if after > before else f"{before - after} fewer"
    return f"{before} → {counted(after, unit)} ({change})"


def what_if_summary(
    short_before: int, short_after: int, waited_before: int, waited_after: int
) -> str:
    """One sentence: what the change does to unmet required days and to the waitlist's wait."""
    if short_after == short_before:
        short = f"leaves the days short as they are ({short_before})"
    elif short_after < short_before:
        short = f"meets {counted(short_before - short_after, 'more required day')}"
        short = f"{short} ({short_after} short instead of {short_before})"
    else:
        short = f"leaves {counted(short_after - short_before, 'more required day')} unmet"
        short = f"{short} ({short_after} short instead of {short_before})"
    if waited_after == waited_before:
        wait = f"; planned admissions wait {counted(waited_before, 'week')} as before"
    elif waited_after < waited_before:
        wait = f"; planned admissions wait {counted(waited_before - waited_after, 'week')} less"
    else:
        wait = f"; planned admissions wait {counted(waited_after - waited_before, 'week')} more"
    # Without planned admissions nobody waits: nothing to say about waiting.
    return f"This change {short}{wait if waited_before or waited_after else ''}."


def advice_gain(shortfall_gain: int, waiting_gain: int) -> str:
    """ "meets 102 more required days and shortens waiting by 3 weeks"."""
    parts = []
    if shortfall_gain:
        parts.append(f"meets {counted(shortfall_gain, 'more required day')}")
    if waiting_gain:
        parts.append(f"shortens waiting by {counted(waiting_gain, 'week')}")
    return " and ".join(parts) if parts else "changes nothing"


def moves_text(earlier: int, later: int) -> str:
    """The taper steps the plan moves, or "" when it moves none."""
    if not earlier + later:
        return ""
    parts = []
    if earlier:
        parts.append(f"{earlier} a week early, where seats are short")
    if later:
        parts.append(f"{later} a week later, to give back a missed day")
    return f"{counted(earlier + later, 'taper step')} moved: {' and '.join(parts)}."


_WEEK_DETAIL = re.compile(r" against \d+ required| \(closed [^)]*\)$")
_DAYS_COUNTED = re.compile(r"\b1 day\(s\)")
_DAYS_RUN_TOGETHER = re.compile(r",(?=(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b)")


def short_reason(reason: str) -> str:
    """A shortfall's reason (already in plain words) without what changes week to week (the days
    required that week, a holiday), so the same hours read as one reason over the weeks; with a
    capital, "1 day", not "1 day(s)", and "Mon, Tue", not "Mon,Tue"."""
    text = _WEEK_DETAIL.sub("", reason)
    text = _DAYS_COUNTED.sub("1 day", text).replace("day(s)", "days")
    text = _DAYS_RUN_TOGETHER.sub(", ", text)
    return text[:1].upper() + text[1:]


# Alternatives named with an advised group; more would bury the advice itself.
ALTERNATIVES_NAMED = 3


def alternatives_text(labels: Sequence[str]) -> str:
    """Other groups that gain as much ("WED 10:30–13:30 day" as the solver labels them):
    "Wed 10:30–13:30 day or Wed 11:00–14:00 day", the first few and how many more."""
    named = [
        " ".join([code.capitalize(), *rest])
        for code, *rest in (label.split() for label in labels[:ALTERNATIVES_NAMED])
    ]
    more = len(labels) - len(named)
    if more:
        named.append(counted(more, "other"))
    return ", ".join(named[:-1]) + (" or " if len(named) > 1 else "") + named[-1] if named else ""
