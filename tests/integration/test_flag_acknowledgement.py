"""Acknowledging a flag through the use case, on every backend: the flag leaves the worklist,
the patient's flag history shows who closed it, when and with what note (sealed in the view),
and a rebuild from the log gives the same rows."""

from __future__ import annotations

from datetime import date

import pytest

from events.errors import ConflictError
from events.persistence import Database
from events.privacy.sealing_mapper import ERASED
from scheduler import enrollments
from scheduler.flags.acknowledgement import acknowledge_flag
from scheduler.flags.history import Acknowledgement, flag_history
from scheduler.importing import import_program
from scheduler.privacy.erasure import erase_patient
from scheduler.service import Stepdown, open_stepdown
from scheduler.worklist.week_worklist import week_worklist
from tests.conftest import fixed_clock
from tests.integration.helpers import after_retention, dump_views, event_count, publish_seats
from tests.integration.stored_text import raw_text
from tests.integration.test_worklist import EVENINGS_47, PROGRAM, miss

TODAY = date(2026, 11, 25)  # the fixed clock's day in Chicago


@pytest.fixture
def flagged(stepdown: Stepdown, sample_text: str) -> Stepdown:
    """P0002 missed three evening groups in a row without contact: outreach is open."""
    import_program(stepdown, sample_text, actor="coordinator")
    publish_seats(stepdown, PROGRAM, "2026-W47", [("P0002", s, d) for s, d in EVENINGS_47])
    for session_id, day in EVENINGS_47:
        miss(stepdown, session_id, day)
    stepdown.catch_up()
    return stepdown


def test_an_acknowledged_flag_leaves_the_worklist_and_shows_in_the_history(
    flagged: Stepdown,
) -> None:
    assert [f.flag for f in week_worklist(flagged, PROGRAM, "2026-W48").flags] == ["outreach"]

    done = acknowledge_flag(
        flagged, PROGRAM, "P0002", "outreach", note="Reached by phone; back Monday", actor="nurse"
    )
    flagged.catch_up()

    assert (done.acknowledged_on, done.acknowledged_by) == (TODAY, "nurse")
    assert week_worklist(flagged, PROGRAM, "2026-W48").flags == ()
    [entry] = flag_history(flagged, PROGRAM, "P0002")
    assert (entry.flag, entry.raised_on, entry.open) == ("outreach", EVENINGS_47[-1][1], False)
    assert entry.acknowledgement == Acknowledgement(TODAY, "nurse", "Reached by phone; back Monday")


def test_the_note_is_sealed_in_the_read_model_and_a_rebuild_gives_the_same_rows(
    flagged: Stepdown,
) -> None:
    acknowledge_flag(flagged, PROGRAM, "P0002", "outreach", note="Reached by phone", actor="nurse")
    flagged.catch_up()
    with flagged.views.transaction(commit=False) as cursor:
        [row] = cursor.query("SELECT note FROM view_attendance_flag_acknowledgements")
    assert "Reached by phone" not in row["note"]  # under the patient's key
    [runner] = [r for r in flagged.runners if r.name == "attendance"]
    built = dump_views(flagged, runner)
    runner.rebuild()
    assert dump_views(flagged, runner) == built


def test_acknowledging_a_flag_that_is_no_longer_open_records_nothing(flagged: Stepdown) -> None:
    acknowledge_flag(flagged, PROGRAM, "P0002", "outreach", note="contact made", actor="nurse")
    before = event_count(flagged)
    with pytest.raises(ConflictError, match="P0002 has no open outreach flag"):
        acknowledge_flag(flagged, PROGRAM, "P0002", "outreach", note="again", actor="nurse")
    assert event_count(flagged) == before


def test_the_note_is_never_stored_in_clear_and_erasing_the_patient_erases_it(
    erasable_store: Database, retention_program_text: str
) -> None:
    service = open_stepdown(erasable_store, clock=fixed_clock)
    try:
        import_program(service, retention_program_text, actor="coordinator")
        publish_seats(service, PROGRAM, "2026-W47", [("P0002", s, d) for s, d in EVENINGS_47])
        for session_id, day in EVENINGS_47:
            miss(service, session_id, day)
        acknowledge_flag(
            service, PROGRAM, "P0002", "outreach", note="relapsed, in detox", actor="n"
        )
        enrollments.discharge(service, PROGRAM, "P0002", reason="moved away", actor="c")
        service.catch_up()
        assert "relapsed, in detox" not in raw_text(erasable_store)
    finally:
        service.close()
    later = open_stepdown(erasable_store, clock=after_retention)
    try:
        erase_patient(later, PROGRAM, "P0002", reason="patient request", actor="c")
        later.catch_up()
        [entry] = flag_history(later, PROGRAM, "P0002")
        assert entry.acknowledgement is not None
        assert entry.acknowledgement.note in ("", ERASED)
    finally:
        later.close()
