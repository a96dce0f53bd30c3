"""Ids are unique ignoring case: `N0001` and `n0001` cannot both name a patient (or a session,
or a program). An id is kept as first written and looked up exactly; a second id that differs
from a recorded one only in case is refused, so a typo's case never makes a second record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scheduler.service import Stepdown


def case_variants_within(where: str, ids: Iterable[str]) -> Iterator[str]:
    """`where[i].id` for each id that repeats an earlier one of the list in another case."""
    first: dict[str, str] = {}
    for index, value in enumerate(ids):
        earlier = first.setdefault(value.casefold(), value)
        if earlier != value:
            yield (
                f"{where}[{index}].id: {value!r} differs only in case from {earlier!r}; "
                "ids are unique ignoring case"
            )


def case_variant_of(value: str, recorded: Iterable[str]) -> str | None:
    """The recorded id that `value` repeats in another case, or None."""
    folded = value.casefold()
    return next((r for r in recorded if r != value and r.casefold() == folded), None)


def recorded_patient_ids(stepdown: Stepdown, program_id: str) -> list[str]:
    """Every patient id the program has enrolled (the directory read model, brought up to date
    first: exactly once under its lock, whether a worker runs it or not)."""
    stepdown.runner("directory").catch_up()
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT patient_id FROM view_directory_patients WHERE program_id = ?", (program_id,)
        )
    return [str(row["patient_id"]) for row in rows]


def recorded_program_ids(stepdown: Stepdown) -> list[str]:
    stepdown.runner("directory").catch_up()
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query("SELECT program_id FROM view_directory_programs")
    return [str(row["program_id"]) for row in rows]


def case_variant_message(field: str, value: str, recorded: str, what: str) -> str:
    return (
        f"{field}: {value!r} differs only in case from {what} {recorded!r}; "
        "ids are unique ignoring case"
    )
