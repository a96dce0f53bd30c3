"""Events stored before their version 2 (SessionMissed without contact_made, SessionAttended
without walk_in) still read back, and so do events stored before a field was added with a
default (MakeUpWithdrawn without miss_corrected)."""

import json
from dataclasses import replace
from datetime import date

from events.enrollment import Enrollment
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.importing import import_program
from scheduler.service import Stepdown


def test_a_version_1_miss_reads_as_no_contact_made(stepdown: Stepdown, sample_text: str) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    enrollment = stepdown.app.get_enrollment("standard-101", "P0002")
    enrollment.record_miss(
        "mon-evening-1",
        date(2026, 11, 16),
        scheduled_minutes=180,
        excused=False,
        reason="flu",
        contact_made=True,
        recorded_by="nurse",
    )
    [event] = enrollment.collect_events()
    stored = stepdown.app.mapper.to_stored_event(event)
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2
    del state["contact_made"]  # how version 1 wrote it
    stepdown.app.recorder.insert_events([replace(stored, state=json.dumps(state).encode())])

    upcast = stepdown.app.get_enrollment("standard-101", "P0002")
    assert upcast.attendance[("mon-evening-1", date(2026, 11, 16))] == (
        "missed",
        False,
        "flu",
        False,
    )
    stepdown.catch_up()
    # and the projections read the old event too
    record_attendance(
        stepdown,
        program_id="standard-101",
        patient_id="P0002",
        session_id="tue-evening-1",
        session_date=date(2026, 11, 17),
        status=AttendanceStatus.ATTENDED,
        walk_in=True,
        actor="nurse",
    )
    assert stepdown.catch_up() > 0


def test_a_version_1_attendance_reads_as_a_scheduled_seat(
    stepdown: Stepdown, sample_text: str
) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    enrollment = stepdown.app.get_enrollment("standard-101", "P0002")
    enrollment.record_attendance(
        "mon-evening-1",
        date(2026, 11, 16),
        scheduled_minutes=180,
        minutes_present=180,
        recorded_by="nurse",
    )
    [event] = enrollment.collect_events()
    stored = stepdown.app.mapper.to_stored_event(event)
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2
    del state["walk_in"]  # how version 1 wrote it
    stepdown.app.recorder.insert_events([replace(stored, state=json.dumps(state).encode())])

    [upcast] = [
        e
        for e in stepdown.app.repository.event_store.get(enrollment.id)
        if isinstance(e, Enrollment.SessionAttended)
    ]
    assert upcast.walk_in is False
    assert stepdown.catch_up() > 0


def test_a_make_up_withdrawn_before_corrections_were_told_apart_answers_the_miss(
    stepdown: Stepdown, sample_text: str
) -> None:
    """`MakeUpWithdrawn` stored before `miss_corrected` existed reads as a withdrawal for good
    (a field added with a default: `SeatsWithdrawn.reopened` is read the same way)."""
    import_program(stepdown, sample_text, actor="coordinator")
    monday = date(2026, 11, 16)
    enrollment = stepdown.app.get_enrollment("standard-101", "P0002")
    enrollment.record_make_up(
        "mon-evening-1", monday, "wed-evening-1", date(2026, 11, 18), recorded_by="p"
    )
    enrollment.withdraw_make_up("mon-evening-1", monday, "paused", recorded_by="p")
    scheduled, withdrawn = enrollment.collect_events()
    stepdown.app.recorder.insert_events([stepdown.app.mapper.to_stored_event(scheduled)])
    stored = stepdown.app.mapper.to_stored_event(withdrawn)
    state = json.loads(stored.state)
    del state["miss_corrected"]  # how it was written before
    stepdown.app.recorder.insert_events([replace(stored, state=json.dumps(state).encode())])

    upcast = stepdown.app.get_enrollment("standard-101", "P0002")
    assert upcast.make_ups[("mon-evening-1", monday)] == "withdrawn: paused"
    assert not upcast.awaits_make_up("mon-evening-1", monday)
    assert stepdown.catch_up() > 0
