"""The taper across weeks: early steps become part of the plan; a finished plan steps down."""

from datetime import UTC, date, datetime

import pytest

from events.persistence import Database
from events.roster import Roster
from events.values import EnrollmentStatus, RosterPatient, SolveStatistics
from scheduler import queries
from scheduler.importing import import_program
from scheduler.rosters import publish_roster
from scheduler.service import Stepdown, open_stepdown


@pytest.fixture
def program(stepdown: Stepdown, sample_text: str) -> Stepdown:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    return stepdown


def test_patients_past_their_plan_step_down_with_a_summary(
    database: Database, program: Stepdown
) -> None:
    far_future = datetime(2027, 6, 7, 15, 0, tzinfo=UTC)
    later = open_stepdown(database, clock=lambda: far_future)
    try:
        later.catch_up()
        assert queries.census(later, "standard-101") == []
        entry = queries.census_entry(later, "standard-101", "P0001")
    finally:
        later.close()
    assert entry.status == "stepped-down"
    assert entry.end_note is not None
    assert entry.end_note.startswith("Completed the")
    enrollment = program.app.get_enrollment("standard-101", "P0001")
    assert enrollment.status is EnrollmentStatus.STEPPED_DOWN


def test_nobody_in_their_plan_is_stepped_down(program: Stepdown) -> None:
    program.catch_up()
    assert all(
        e.status == "active"
        for e in queries.census(program, "standard-101", as_of=date(2026, 11, 30))
    )


def test_publishing_an_early_step_moves_the_census_target(program: Stepdown) -> None:
    monday = date(2026, 11, 30)
    census = queries.census(program, "standard-101", as_of=monday)

    def at_a_step(entry: queries.CensusEntry) -> bool:
        targets = program.app.get_enrollment("standard-101", entry.patient_id).weekly_targets
        week = entry.program_week
        return 1 <= week < len(targets) and targets[week] < targets[week - 1]

    entry = next(e for e in census if at_a_step(e))
    assert entry.weekly_target is not None
    roster = Roster(
        program_id="standard-101", week="2026-W49", recorded_by="c", effective_on=monday
    )
    stepped = RosterPatient(
        entry.patient_id, entry.program_week, entry.weekly_target - 1, 0, 0, True, None, None
    )
    roster.record_generated(
        (),
        SolveStatistics("OPTIMAL", 0, 0, 0, 0.1),
        patients=(stepped,),
        recorded_by="c",
        effective_on=monday,
    )
    program.app.save(roster)
    publish_roster(program, "standard-101", "2026-W49", actor="coordinator")
    program.catch_up()
    after = {e.patient_id: e for e in queries.census(program, "standard-101", as_of=monday)}
    assert after[entry.patient_id].weekly_target == entry.weekly_target - 1
