"""What publishing the waiting draft would change: the seats each patient gains or loses
against the published version of the week (every seat is new when nothing is published yet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from events.errors import NotFoundError
from scheduler.queries import program_sessions
from scheduler.roster_queries import patient_names, roster_document
from scheduler.service import Stepdown


@dataclass(frozen=True, order=True)
class SeatShown:
    """One meeting a patient sits in, with what a person needs to recognise it."""

    day: date
    start: str
    session_id: str
    session_name: str


@dataclass(frozen=True)
class PatientChanges:
    patient_id: str
    name: str
    added: tuple[SeatShown, ...]
    removed: tuple[SeatShown, ...]


@dataclass(frozen=True)
class DraftChanges:
    program_id: str
    week: str
    draft_version: int
    published_version: int | None  # None: nothing published for the week yet
    patients: tuple[PatientChanges, ...]  # only those whose seats change, by name

    @property
    def seats_added(self) -> int:
        return sum(len(p.added) for p in self.patients)

    @property
    def seats_removed(self) -> int:
        return sum(len(p.removed) for p in self.patients)


def draft_changes(stepdown: Stepdown, program_id: str, week: str) -> DraftChanges | None:
    """The waiting draft against the published version; None when no draft waits."""
    try:
        draft = roster_document(stepdown, program_id, week, version="draft")
    except NotFoundError:
        return None
    try:
        published: dict[str, Any] | None = roster_document(
            stepdown, program_id, week, version="published"
        )
    except NotFoundError:
        published = None
    names = patient_names(stepdown, program_id)
    session_names = {s["id"]: s["name"] for s in program_sessions(stepdown, program_id)}
    before = _seats(published, session_names) if published is not None else {}
    after = _seats(draft, session_names)
    patients = []
    for patient_id in sorted(before.keys() | after.keys()):
        had, has = before.get(patient_id, set()), after.get(patient_id, set())
        if had != has:
            patients.append(
                PatientChanges(
                    patient_id,
                    names.get(patient_id, patient_id),
                    tuple(sorted(has - had)),
                    tuple(sorted(had - has)),
                )
            )
    return DraftChanges(
        program_id=program_id,
        week=week,
        draft_version=int(draft["version"]),
        published_version=None if published is None else int(published["version"]),
        patients=tuple(sorted(patients, key=lambda p: (p.name, p.patient_id))),
    )


def _seats(document: dict[str, Any], session_names: dict[str, str]) -> dict[str, set[SeatShown]]:
    seats: dict[str, set[SeatShown]] = {}
    for session in document["sessions"]:
        shown = SeatShown(
            date.fromisoformat(session["date"]),
            session["start"],
            session["session_id"],
            session_names.get(session["session_id"], session["session_id"]),
        )
        for patient_id in session["patient_ids"]:
            seats.setdefault(patient_id, set()).add(shown)
    return seats
