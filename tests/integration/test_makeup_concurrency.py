"""Two misses made up at the same moment never overfill a session (optimistic concurrency)."""

import json
import threading
from datetime import date, time
from typing import Any

from events.roster import Roster
from events.values import Assignment, RosterSession, SolveStatistics
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.importing import import_program
from scheduler.makeups import MakeUpOutcome, make_up_for_miss
from scheduler.service import Stepdown
from tests.conftest import NOW

MONDAY, WEDNESDAY = date(2026, 11, 23), date(2026, 11, 25)


def _program() -> str:
    session = {
        "name": "Evening group",
        "start": "18:00",
        "end": "21:00",
        "min_size": 1,
        "track": "evening",
    }
    return json.dumps(
        {
            "format": "stepdown/program@1",
            "program": {
                "id": "tiny",
                "name": "Tiny IOP",
                "timezone": "America/Chicago",
                "holidays": {"country": "US"},
            },
            "sessions": [
                {**session, "id": "mon-eve", "weekday": "MON", "capacity": 10},
                {**session, "id": "wed-eve", "weekday": "WED", "capacity": 3},
            ],
            "patients": [
                {
                    "id": f"P{i}",
                    "name": f"Patient {i}",
                    "start_date": "2026-11-02",
                    "planned_weeks": 8,
                    "initial_days_per_week": 3,
                }
                for i in range(1, 5)
            ],
        }
    )


def test_two_make_ups_racing_for_the_last_seat_never_overfill_it(stepdown: Stepdown) -> None:
    import_program(stepdown, _program(), actor="coordinator")
    roster = Roster(program_id="tiny", week="2026-W48", recorded_by="c", effective_on=MONDAY)
    seats = [Assignment("P1", "mon-eve", MONDAY), Assignment("P2", "mon-eve", MONDAY)]
    seats += [Assignment("P3", "wed-eve", WEDNESDAY), Assignment("P4", "wed-eve", WEDNESDAY)]
    runs = (
        RosterSession("mon-eve", MONDAY, time(18), time(21), "evening"),
        RosterSession("wed-eve", WEDNESDAY, time(18), time(21), "evening"),
    )
    roster.record_generated(
        tuple(seats),
        SolveStatistics("OPTIMAL", 0, 0, 0, 0.1),
        sessions=runs,
        recorded_by="c",
        effective_on=MONDAY,
    )
    roster.publish(recorded_by="c", effective_on=MONDAY)
    stepdown.app.save(roster)
    for patient_id in ("P1", "P2"):
        record_attendance(
            stepdown,
            program_id="tiny",
            patient_id=patient_id,
            session_id="mon-eve",
            session_date=MONDAY,
            status=AttendanceStatus.MISSED,
            actor="nurse",
        )

    original = stepdown.app.find_roster
    both_read = threading.Barrier(2)
    first_read: set[int] = set()

    def read_then_wait(*args: Any) -> Roster | None:
        found = original(*args)
        if threading.get_ident() not in first_read:
            first_read.add(threading.get_ident())
            both_read.wait(timeout=10)  # both now hold the same roster version
        return found

    stepdown.app.find_roster = read_then_wait  # type: ignore[method-assign,assignment]
    outcomes: dict[str, MakeUpOutcome] = {}

    def make_up(patient_id: str) -> None:
        outcomes[patient_id] = make_up_for_miss(
            stepdown, "tiny", patient_id, "mon-eve", MONDAY, recorded_at=NOW, actor="policy"
        )

    threads = [threading.Thread(target=make_up, args=(p,)) for p in ("P1", "P2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stepdown.app.find_roster = original  # type: ignore[method-assign]

    after = stepdown.app.find_roster("tiny", "2026-W48")
    assert after is not None
    wednesday = [
        a for a in after.assignments if (a.session_id, a.session_date) == ("wed-eve", WEDNESDAY)
    ]
    assert len(wednesday) == 3  # the last seat, taken once
    made_up = sorted(p for p, o in outcomes.items() if o.session_id == "wed-eve")
    refused = [o for o in outcomes.values() if o.session_id is None]
    assert len(made_up) == 1
    assert len(refused) == 1
    assert refused[0].reason is not None
    assert refused[0].reason.startswith("capacity")
