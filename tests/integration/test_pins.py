"""Pins keep the rules: refused with the reason when they break one, dropped with a note when a
later change breaks them, never failing a generate; listed and removed. Every backend."""

import json
from datetime import date, time

import pytest

from events.errors import InvalidRequestError, NotFoundError
from events.values import CommitmentKind, Weekday
from scheduler.enrollments import pause, step_down
from scheduler.importing import import_program
from scheduler.makeups import cancel_session
from scheduler.patients import change_commitments
from scheduler.program_file import CommitmentIn, SessionIn
from scheduler.programs import add_closure, change_session, retire_session
from scheduler.roster_pins import roster_pins
from scheduler.roster_queries import roster_document, roster_versions
from scheduler.rosters import generate_roster, pin_assignment
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import fixed_clock

PROGRAM, WEEK = "standard-101", "2026-W49"
MONDAY, TUESDAY, WEDNESDAY = date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)


@pytest.fixture
def program(stepdown: Stepdown, sample_text: str) -> Stepdown:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    return stepdown


def pin(
    stepdown: Stepdown, patient_id: str, session_id: str, day: date, *, week: str = WEEK
) -> None:
    pin_assignment(
        stepdown,
        PROGRAM,
        week,
        patient_id=patient_id,
        session_id=session_id,
        session_date=day,
        actor="coordinator",
    )
    stepdown.catch_up()


def generate(stepdown: Stepdown) -> None:
    generate_roster(
        stepdown, PROGRAM, WEEK, actor="coordinator", time_limit_s=60, seed=3, deterministic=True
    )
    stepdown.catch_up()


def seats(stepdown: Stepdown, patient_id: str) -> list[dict[str, str]]:
    document = roster_document(stepdown, PROGRAM, WEEK)
    patient = next(p for p in document["patients"] if p["patient_id"] == patient_id)
    seated: list[dict[str, str]] = patient["session_ids"]
    return seated


def test_a_pin_for_a_patient_not_enrolled_that_week_is_refused(program: Stepdown) -> None:
    # P0001 starts on Wed 2026-11-11: their 12-week plan ends on Sunday 2027-01-31.
    with pytest.raises(InvalidRequestError, match="P0001's plan ends on 2027-01-31"):
        pin(program, "P0001", "mon-evening-1", date(2027, 2, 22), week="2027-W08")
    generate(program)  # and the week still generates


def test_a_pin_before_the_patients_start_date_is_refused(program: Stepdown) -> None:
    with pytest.raises(
        InvalidRequestError,
        match=r"pin P0009 → tue-evening-1 2026-12-01: P0009 starts on 2026-12-02",
    ):
        pin(program, "P0009", "tue-evening-1", TUESDAY)


def test_a_pin_across_a_commitment_is_refused_with_the_commitment(program: Stepdown) -> None:
    with pytest.raises(
        InvalidRequestError,
        match=r"P0001 → mon-day-1 2026-11-30: conflicts with P0001's work MON–FRI 08:00–16:30",
    ):
        pin(program, "P0001", "mon-day-1", MONDAY)
    assert roster_pins(program, PROGRAM, WEEK) == []


def test_a_pin_the_morning_after_a_night_shift_is_refused(program: Stepdown) -> None:
    night = CommitmentIn(
        kind=CommitmentKind.WORK, days=[Weekday.MON], start=time(22, 0), end=time(8, 45)
    )
    change_commitments(program, PROGRAM, "P0007", [night], actor="coordinator")
    program.catch_up()
    # Monday 22:00 to Tuesday 08:45, then 20 travel minutes: the 09:00 group is out of reach.
    with pytest.raises(InvalidRequestError, match=r"P0007's work MON 22:00–08:45"):
        pin(program, "P0007", "tue-day-1", TUESDAY)


def test_a_pin_for_a_paused_patient_is_refused(program: Stepdown) -> None:
    pause(program, PROGRAM, "P0007", reason="hospital stay", actor="coordinator")
    program.catch_up()
    with pytest.raises(InvalidRequestError, match="P0007 is paused"):
        pin(program, "P0007", "mon-evening-1", MONDAY)


def test_a_pin_on_a_closure_or_a_cancelled_meeting_is_refused(program: Stepdown) -> None:
    add_closure(program, PROGRAM, TUESDAY, "staff training", actor="coordinator")
    cancel_session(
        program, PROGRAM, "wed-evening-1", WEDNESDAY, reason="facilitator ill", actor="c"
    )
    program.catch_up()
    with pytest.raises(InvalidRequestError, match=r"closed on 2026-12-01 \(staff training\)"):
        pin(program, "P0007", "tue-evening-1", TUESDAY)
    with pytest.raises(InvalidRequestError, match=r"cancelled \(facilitator ill\)"):
        pin(program, "P0007", "wed-evening-1", WEDNESDAY)


def test_a_second_pin_for_the_same_patient_and_day_is_refused(program: Stepdown) -> None:
    pin(program, "P0007", "mon-evening-1", MONDAY)
    with pytest.raises(InvalidRequestError, match="already pinned to mon-evening-1 on 2026-11-30"):
        pin(program, "P0007", "mon-day-1", MONDAY)


def test_a_pin_into_a_session_already_pinned_to_capacity_is_refused(program: Stepdown) -> None:
    small = SessionIn(
        id="sat-weekend-1",
        name="Weekend group",
        weekday=Weekday.SAT,
        start=time(9, 30),
        end=time(12, 30),
        capacity=1,
        min_size=1,
        track="weekend",
    )
    change_session(program, PROGRAM, small, actor="coordinator")
    program.catch_up()
    saturday = date(2026, 12, 5)
    pin(program, "P0007", "sat-weekend-1", saturday)
    with pytest.raises(InvalidRequestError, match="already pinned to its capacity of 1"):
        pin(program, "P0019", "sat-weekend-1", saturday)


def test_a_pin_left_stale_by_a_pause_is_dropped_with_a_note_and_generate_succeeds(
    program: Stepdown,
) -> None:
    pin(program, "P0007", "mon-evening-1", MONDAY)
    pin(program, "P0019", "tue-day-1", TUESDAY)
    pause(program, PROGRAM, "P0007", reason="hospital stay", actor="coordinator")
    program.catch_up()
    generate(program)
    document = roster_document(program, PROGRAM, WEEK)
    assert document["dropped_pins"] == [
        {
            "patient_id": "P0007",
            "session_id": "mon-evening-1",
            "date": "2026-11-30",
            "reason": "P0007 is paused",
        }
    ]
    assert [(p["patient_id"], p["session_id"]) for p in roster_pins(program, PROGRAM, WEEK)] == [
        ("P0019", "tue-day-1")
    ]
    assert {"session_id": "tue-day-1", "date": "2026-12-01"} in seats(program, "P0019")
    # The note stays in the roster's history; the next generate has nothing more to drop.
    generate(program)
    assert roster_document(program, PROGRAM, WEEK)["dropped_pins"] == []
    history = roster_versions(program, PROGRAM, WEEK)
    assert [len(v["dropped_pins"]) for v in history] == [1, 0]


def test_a_pin_left_stale_by_new_commitments_is_dropped_with_the_commitment(
    program: Stepdown,
) -> None:
    pin(program, "P0007", "mon-evening-1", MONDAY)
    evenings = CommitmentIn(
        kind=CommitmentKind.WORK, days=[Weekday.MON], start=time(17, 0), end=time(23, 0)
    )
    change_commitments(program, PROGRAM, "P0007", [evenings], actor="coordinator")
    program.catch_up()
    generate(program)
    [dropped] = roster_document(program, PROGRAM, WEEK)["dropped_pins"]
    assert dropped["reason"] == (
        "conflicts with P0007's work MON 17:00–23:00 (closer than their 20 travel minutes)"
    )
    assert {"session_id": "mon-evening-1", "date": "2026-11-30"} not in seats(program, "P0007")


def test_pins_left_stale_by_a_closure_and_a_retired_session_are_dropped(
    program: Stepdown,
) -> None:
    pin(program, "P0007", "mon-evening-1", MONDAY)
    pin(program, "P0007", "tue-evening-1", TUESDAY)
    add_closure(program, PROGRAM, MONDAY, "burst pipe", actor="coordinator")
    retire_session(program, PROGRAM, "tue-evening-1", actor="coordinator")
    program.catch_up()
    generate(program)
    reasons = [p["reason"] for p in roster_document(program, PROGRAM, WEEK)["dropped_pins"]]
    assert reasons == [
        "the program is closed on 2026-11-30 (burst pipe)",
        "tue-evening-1 is retired",
    ]
    assert roster_pins(program, PROGRAM, WEEK) == []


def test_pins_left_stale_by_a_step_down_and_a_cancelled_meeting_are_dropped(
    program: Stepdown,
) -> None:
    pin(program, "P0007", "mon-evening-1", MONDAY)
    pin(program, "P0019", "wed-day-1", WEDNESDAY)
    step_down(program, PROGRAM, "P0007", summary="goals met", actor="clinician")
    cancel_session(program, PROGRAM, "wed-day-1", WEDNESDAY, reason="burst pipe", actor="c")
    program.catch_up()
    generate(program)
    reasons = [p["reason"] for p in roster_document(program, PROGRAM, WEEK)["dropped_pins"]]
    assert reasons == [
        "P0007 is stepped down",
        "the wed-day-1 meeting on 2026-12-02 is cancelled (burst pipe)",
    ]


def test_pins_are_listed_with_who_pinned_and_removed(program: Stepdown) -> None:
    pin(program, "P0007", "mon-evening-1", MONDAY)
    [listed] = roster_pins(program, PROGRAM, WEEK)
    assert (listed["patient_id"], listed["session_id"], listed["date"]) == (
        "P0007",
        "mon-evening-1",
        "2026-11-30",
    )
    assert listed["pinned_by"] == "coordinator"
    retire_session(program, PROGRAM, "mon-evening-1", actor="coordinator")
    program.catch_up()
    # A pin a later change broke can still be removed by hand.
    pin_assignment(
        program,
        PROGRAM,
        WEEK,
        patient_id="P0007",
        session_id="mon-evening-1",
        session_date=MONDAY,
        actor="coordinator",
        unpin=True,
    )
    program.catch_up()
    assert roster_pins(program, PROGRAM, WEEK) == []
    with pytest.raises(NotFoundError, match="not pinned"):
        pin_assignment(
            program,
            PROGRAM,
            WEEK,
            patient_id="P0007",
            session_id="mon-evening-1",
            session_date=MONDAY,
            actor="coordinator",
            unpin=True,
        )


def test_a_store_whose_pins_did_not_say_who_pinned_is_rebuilt_on_opening(
    program: Stepdown,
) -> None:
    pin(program, "P0007", "mon-evening-1", MONDAY)
    # What a store written by version 2 of the roster read model looks like:
    with program.views.transaction() as cursor:
        cursor.execute("DROP TABLE view_roster_pins")
        cursor.execute(
            "CREATE TABLE view_roster_pins (roster_id TEXT NOT NULL, patient_id TEXT NOT NULL, "
            "session_id TEXT NOT NULL, session_date TEXT NOT NULL, "
            "PRIMARY KEY (roster_id, patient_id, session_id, session_date))"
        )
        cursor.execute("UPDATE view_projection_versions SET version = 2 WHERE name = 'roster'")
    reopened = open_stepdown(program.app.database, clock=fixed_clock)
    try:
        [listed] = roster_pins(reopened, PROGRAM, WEEK)
    finally:
        reopened.close()
    assert (listed["patient_id"], listed["pinned_by"]) == ("P0007", "coordinator")


def _two_groups_one_day() -> str:
    """Monday's day and evening groups (minimum two each) and three patients: P1 cannot come in
    the evening, P2 not in the morning, P3 either, but only once a day."""

    def patient(pid: str, hours: list[dict[str, object]]) -> dict[str, object]:
        return {
            "id": pid,
            "name": f"Patient {pid}",
            "start_date": "2026-11-30",
            "planned_weeks": 8,
            "initial_days_per_week": 3,
            "commitments": hours,
        }

    group = {"weekday": "MON", "capacity": 4, "min_size": 2, "name": "group"}
    return json.dumps(
        {
            "format": "stepdown/program@1",
            "program": {
                "id": "two-groups",
                "name": "Two groups",
                "timezone": "America/Chicago",
                "holidays": {"country": "US"},
            },
            "sessions": [
                {**group, "id": "mon-day", "start": "09:00", "end": "12:00", "track": "day"},
                {**group, "id": "mon-eve", "start": "18:00", "end": "21:00", "track": "evening"},
            ],
            "patients": [
                patient(
                    "P1", [{"kind": "work", "days": ["MON"], "start": "16:00", "end": "23:00"}]
                ),
                patient(
                    "P2", [{"kind": "work", "days": ["MON"], "start": "06:00", "end": "13:00"}]
                ),
                patient("P3", []),
            ],
        }
    )


def test_pins_that_cannot_be_kept_together_give_way_and_the_generate_stands(
    stepdown: Stepdown,
) -> None:
    # Found by the program-life machine: each pin kept every rule on its own, yet together the
    # two groups could not both reach their minimum, and every generate of the week failed.
    import_program(stepdown, _two_groups_one_day(), actor="coordinator")
    stepdown.catch_up()
    for patient_id, session_id in (("P1", "mon-day"), ("P2", "mon-eve")):
        pin_assignment(
            stepdown,
            "two-groups",
            WEEK,
            patient_id=patient_id,
            session_id=session_id,
            session_date=MONDAY,
            actor="coordinator",
        )
    solution = generate_roster(
        stepdown, "two-groups", WEEK, actor="coordinator", time_limit_s=30, deterministic=True
    )
    assert solution.stats.status in ("OPTIMAL", "FEASIBLE")
    stepdown.catch_up()
    roster = stepdown.app.find_roster("two-groups", WEEK)
    assert roster is not None
    assert roster.pins == set()
    dropped = roster_versions(stepdown, "two-groups", WEEK)[-1]["dropped_pins"]
    assert {d["patient_id"] for d in dropped} == {"P1", "P2"}
    assert all("could not all be kept together" in d["reason"] for d in dropped)
