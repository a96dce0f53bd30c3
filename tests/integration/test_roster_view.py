from datetime import date

from events.roster import Roster
from events.values import Assignment, SolveStatistics
from scheduler.service import Stepdown
from tests.integration.helpers import dump_views

MONDAY = date(2026, 11, 30)


def test_the_roster_read_model_holds_the_latest_version_and_its_pins(stepdown: Stepdown) -> None:
    roster = Roster(program_id="iop-1", week="2026-W49", recorded_by="c", effective_on=MONDAY)
    first = Assignment("P1", "mon-day", MONDAY)
    second = Assignment("P2", "mon-day", MONDAY)
    stats = SolveStatistics("FEASIBLE", 12.0, 11.5, 0.0417, 1.25)
    roster.pin(first, recorded_by="c", effective_on=MONDAY)
    roster.record_generated((first, second), stats, recorded_by="c", effective_on=MONDAY)
    roster.record_generated((first,), stats, recorded_by="c", effective_on=MONDAY)
    roster.publish(recorded_by="c", effective_on=MONDAY)
    stepdown.app.save(roster)
    stepdown.catch_up()
    with stepdown.views.transaction(commit=False) as cursor:
        [row] = cursor.query("SELECT * FROM view_rosters WHERE program_id = ?", ("iop-1",))
        assignments = cursor.query("SELECT patient_id FROM view_roster_assignments")
        pins = cursor.query("SELECT patient_id FROM view_roster_pins")
    assert (row["week"], row["version"], row["status"]) == ("2026-W49", 2, "published")
    assert (row["solver_status"], row["gap"]) == ("FEASIBLE", 0.0417)
    assert [a["patient_id"] for a in assignments] == ["P1"]
    assert [p["patient_id"] for p in pins] == ["P1"]
    runner = stepdown.runner("roster")
    incremental = dump_views(stepdown, runner)
    runner.rebuild()
    assert dump_views(stepdown, runner) == incremental
