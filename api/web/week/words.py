"""The week page in a coordinator's words: "Week of 23 Nov 2026", "Solved: best possible"."""

from __future__ import annotations

from datetime import date

SOLVER_WORDS = {
    "OPTIMAL": "Solved: best possible",
    "FEASIBLE": "Solved: good, not proven best",
}
FLAG_WORDS = {"outreach": "Outreach", "clinical_review": "Clinical review"}


def week_heading(monday: date) -> str:
    """ "Week of 23 Nov 2026": the heading names the year, whatever year it is."""
    return f"Week of {monday.day} {monday:%b %Y}"


def week_link(monday: date, today: date) -> str:
    """ "Week of 16 Nov"; the year only when it is not this year's."""
    text = f"Week of {monday.day} {monday:%b}"
    return text if monday.year == today.year else f"{text} {monday.year}"


def solver_text(status: str | None) -> str:
    if status is None:
        return ""
    return SOLVER_WORDS.get(status, f"Solver: {status.lower()}")


def flag_text(flag: str) -> str:
    return FLAG_WORDS.get(flag, flag.replace("_", " ").capitalize())
