"""What must hold after load and crashes: the store holds every acknowledged write exactly once,
every read model equals a rebuild from the log, and no miss has two make-ups."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from events.ids import enrollment_uuid, roster_uuid
from scheduler.service import Stepdown
from tests.reliability.cluster import LOAD_PROGRAM, SMALL_PROGRAM


@dataclass
class Stored:
    marks: Counter[tuple[str, ...]] = field(default_factory=Counter)
    check_ins: Counter[tuple[str, ...]] = field(default_factory=Counter)
    rosters_generated: int = 0
    make_ups: Counter[tuple[Any, ...]] = field(default_factory=Counter)


def stored_writes(stepdown: Stepdown, patients: int, next_week: str) -> Stored:
    """Read the whole log once and sort the events the load wrote."""
    patient_of = {
        enrollment_uuid(LOAD_PROGRAM, f"L{n:05d}"): f"L{n:05d}" for n in range(1, patients + 1)
    }
    small_roster = roster_uuid(SMALL_PROGRAM, next_week)
    stored = Stored()
    position = 0
    while True:
        notifications = stepdown.app.recorder.select_notifications(
            start=position, limit=1000, inclusive_of_start=False
        )
        if not notifications:
            return stored
        position = notifications[-1].id
        for notification in notifications:
            event: Any = stepdown.app.mapper.to_domain_event(notification)
            name = type(event).__qualname__
            patient = patient_of.get(event.originator_id)
            if patient is not None and name in (
                "Enrollment.SessionAttended",
                "Enrollment.SessionMissed",
            ):
                status = "attended" if name.endswith("Attended") else "missed"
                key = (patient, event.session_id, event.session_date.isoformat(), status)
                stored.marks[key] += 1
            elif patient is not None and name == "Enrollment.ProgressRecorded":
                stored.check_ins[(patient, event.effective_on.isoformat())] += 1
            elif name in ("Enrollment.MakeUpScheduled", "Enrollment.MakeUpUnavailable"):
                stored.make_ups[
                    (event.originator_id, event.missed_session_id, event.missed_date)
                ] += 1
            elif name == "Roster.RosterGenerated" and event.originator_id == small_roster:
                stored.rosters_generated += 1


def views_equal_rebuild(stepdown: Stepdown) -> dict[str, bool]:
    """For each read model: its rows now, compared with its rows rebuilt from the whole log."""
    results = {}
    for runner in stepdown.runners:
        before = _dump(stepdown, runner.projection.tables)
        runner.rebuild()
        after = _dump(stepdown, runner.projection.tables)
        results[runner.name] = before == after
        for table in before:
            if before[table] != after[table]:  # say what differs, for the failure message
                only_before = sorted(set(before[table]) - set(after[table]))[:3]
                only_after = sorted(set(after[table]) - set(before[table]))[:3]
                print(f"{runner.name}.{table}: kept {only_before} rebuilt {only_after}")
    return results


def _dump(stepdown: Stepdown, tables: tuple[str, ...]) -> dict[str, list[str]]:
    """Each table's rows, sealed values compared opened (each sealing draws a fresh nonce)."""
    with stepdown.views.transaction(commit=False) as cursor:
        return {
            table: sorted(
                repr(
                    sorted(
                        (key, cursor.unseal(value) if isinstance(value, str) else value)
                        for key, value in row.items()
                    )
                )
                for row in cursor.query(f"SELECT * FROM {table}")
            )
            for table in tables
        }
