"""The page's referral form as the referral document every entry point reads (one set of checks:
scheduler.planning.referral_file), so a field the form gets wrong is named as the API names it."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from events.values import CommitmentKind, Weekday

# Rows of commitments the form offers; a referral with more comes through the API or the CLI.
COMMITMENT_ROWS = 3
WEEKDAYS = tuple(Weekday.__members__)
COMMITMENT_KINDS = tuple(kind.value for kind in CommitmentKind)
NUMBERS = ("planned_weeks", "initial_days_per_week", "priority")
TEXTS = ("id", "name", "note", "earliest_start")


def referral_document(form: FormData) -> dict[str, Any]:
    """Empty fields are left out (the document's defaults apply); a number that is not one stays
    text, so the check names the field and what was typed."""
    document: dict[str, Any] = {}
    for field in TEXTS:
        value = _text(form, field)
        if value:
            document[field] = value
    for field in NUMBERS:
        value = _text(form, field)
        if value:
            document[field] = int(value) if value.isdecimal() and len(value) < 4 else value
    document["commitments"] = [
        row for number in range(1, COMMITMENT_ROWS + 1) if (row := _commitment(form, number))
    ]
    return document


def _commitment(form: FormData, number: int) -> dict[str, Any] | None:
    """A row with nothing chosen is no commitment; a row half filled is checked (and refused)."""
    days = [str(day) for day in form.getlist(f"commitment_{number}_days")]
    start = _text(form, f"commitment_{number}_start")
    end = _text(form, f"commitment_{number}_end")
    if not (days or start or end):
        return None
    return {
        "kind": _text(form, f"commitment_{number}_kind") or "other",
        "days": days,
        "start": start,
        "end": end,
    }


def _text(form: FormData, field: str) -> str:
    value = form.get(field)
    return value.strip() if isinstance(value, str) else ""


def form_values(form: FormData) -> dict[str, Any]:
    """What was typed, to show the refused form again as it was (days as lists)."""
    values: dict[str, Any] = {field: _text(form, field) for field in (*TEXTS, *NUMBERS)}
    for number in range(1, COMMITMENT_ROWS + 1):
        prefix = f"commitment_{number}_"
        values[prefix + "days"] = [str(day) for day in form.getlist(prefix + "days")]
        for part in ("kind", "start", "end"):
            values[prefix + part] = _text(form, prefix + part)
    return values
