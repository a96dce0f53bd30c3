"""What a note on a flag is for, and where the worklist's forms return to."""

from __future__ import annotations

from api.web.week.words import FLAG_WORDS

__all__ = ["FLAGS_PLACE", "FLAG_WORDS", "NOTE_HINTS", "worklist_place"]
# What a note on each flag is for, shown under its field.
NOTE_HINTS = {
    "outreach": "For example: contact made, back on Monday.",
    "clinical_review": "What was decided, for example: reviewed with Dr Lee, continue.",
}
FLAGS_PLACE = "open-flags"


def worklist_place(program_id: str, week: str | None) -> tuple[str, str, str]:
    """(page, query, anchor): the worklist of the week it showed, at its flags."""
    query = "" if week is None else f"?week={week}"
    return f"/ui/programs/{program_id}/worklist", query, FLAGS_PLACE
