"""Times and credentials as a coordinator reads them in a reason."""

from __future__ import annotations

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def clock(minute: int) -> str:
    within = minute % MINUTES_PER_DAY
    return f"{within // 60:02d}:{within % 60:02d}"


def when(start: int, end: int) -> str:
    """'Wednesday 17:00–20:00'."""
    return f"{WEEKDAYS[(start // MINUTES_PER_DAY) % 7]} {clock(start)}–{clock(end)}"


def credential_words(credentials: tuple[str, ...]) -> str:
    """('licensed_counsellor',) → 'licensed counsellor'; none → 'staff member'."""
    if not credentials:
        return "staff member"
    return " and ".join(c.replace("_", " ").replace("-", " ") for c in credentials)


def names(people: list[str]) -> str:
    return ", ".join(people)
