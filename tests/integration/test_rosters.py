"""Generate, pin, regenerate and publish the sample program's roster on every backend."""

from datetime import date

import pytest

from events.errors import InvalidRequestError
from scheduler.importing import import_program
from scheduler.roster_queries import roster_document
from scheduler.rosters import generate_roster, pin_assignment, publish_roster
from scheduler.service import Stepdown
from solver import RosterSolution

PROGRAM, WEEK = "standard-101", "2026-W49"


def _generate(stepdown: Stepdown) -> RosterSolution:
    solution = generate_roster(
        stepdown, PROGRAM, WEEK, actor="coordinator", time_limit_s=60, seed=3, deterministic=True
    )
    stepdown.catch_up()
    return solution


@pytest.fixture
def program(stepdown: Stepdown, sample_text: str) -> Stepdown:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    return stepdown


def test_a_generated_roster_follows_the_contract(program: Stepdown) -> None:
    solution = _generate(program)
    document = roster_document(program, PROGRAM, WEEK)
    assert (document["week"], document["version"], document["status"]) == (WEEK, 1, "draft")
    assert set(document["solver"]) == {
        "status",
        "objective",
        "best_bound",
        "gap",
        "wall_time_s",
        "tiers",
    }
    assert document["solver"]["status"] == solution.stats.status == "OPTIMAL"
    tiers = document["solver"]["tiers"]
    assert [t["name"] for t in tiers] == ["coverage", "stability", "tracks", "comfort"]
    assert all(t["status"] == "OPTIMAL" and t["gap"] == 0 for t in tiers)
    assert [t["objective"] for t in tiers] == [t.objective for t in solution.stats.tiers]
    placed = sum(len(s["patient_ids"]) for s in document["sessions"])
    assert placed == len(solution.placements) > 0
    for patient in document["patients"]:
        assert patient["scheduled_days"] == len(patient["session_ids"])
        if patient["scheduled_days"] < patient["required_days"]:
            assert patient["unmet_reason"]


def test_a_pinned_assignment_survives_regeneration(program: Stepdown) -> None:
    first = _generate(program)
    # pin someone free on Friday evenings (no commitments) where the solver did not put them
    friday = date(2026, 12, 4)
    taken = {(p.patient_id, p.session_id, p.day) for p in first.placements}
    patient_id = next(p for p in ("P0019", "P0007") if (p, "fri-evening-1", friday) not in taken)
    pin_assignment(
        program,
        PROGRAM,
        WEEK,
        patient_id=patient_id,
        session_id="fri-evening-1",
        session_date=friday,
        actor="coordinator",
    )
    program.catch_up()
    second = _generate(program)
    assert any(
        (p.patient_id, p.session_id, p.day) == (patient_id, "fri-evening-1", friday)
        for p in second.placements
    )
    assert roster_document(program, PROGRAM, WEEK)["version"] == 2


def test_regenerating_an_unchanged_week_changes_nothing(program: Stepdown) -> None:
    first = _generate(program)
    second = _generate(program)
    assert set(second.placements) == set(first.placements)


def test_publish_marks_the_latest_version(program: Stepdown) -> None:
    _generate(program)
    assert publish_roster(program, PROGRAM, WEEK, actor="coordinator") == 1
    program.catch_up()
    assert roster_document(program, PROGRAM, WEEK)["status"] == "published"


def test_a_pin_on_the_wrong_weekday_is_refused(program: Stepdown) -> None:
    with pytest.raises(InvalidRequestError, match="meets on FRI"):
        pin_assignment(
            program,
            PROGRAM,
            WEEK,
            patient_id="P0001",
            session_id="fri-evening-1",
            session_date=date(2026, 12, 3),
            actor="coordinator",
        )


def test_a_pin_on_a_public_holiday_is_refused(program: Stepdown) -> None:
    with pytest.raises(InvalidRequestError, match=r"closed on 2026-11-26 \(Thanksgiving"):
        pin_assignment(
            program,
            PROGRAM,
            "2026-W48",
            patient_id="P0001",
            session_id="thu-evening-1",
            session_date=date(2026, 11, 26),
            actor="coordinator",
        )


def test_a_published_roster_counts_as_scheduled_hours(program: Stepdown) -> None:
    from scheduler import queries

    _generate(program)
    before = {w.patient_id for w in queries.attendance_weeks(program, PROGRAM) if w.week == WEEK}
    assert before == set()  # a draft schedules nobody
    publish_roster(program, PROGRAM, WEEK, actor="coordinator")
    program.catch_up()
    document = roster_document(program, PROGRAM, WEEK)
    planned = {
        p["patient_id"]: 3.0 * len(p["session_ids"])
        for p in document["patients"]
        if p["session_ids"]
    }
    weeks = {w.patient_id: w for w in queries.attendance_weeks(program, PROGRAM) if w.week == WEEK}
    assert {p: w.scheduled_hours for p, w in weeks.items()} == planned
    assert all(w.attended_hours == 0 for w in weeks.values())
