"""Erasing a patient destroys their key: the events stay, their name and notes cannot be read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest

from events.errors import ConflictError
from events.persistence import Database
from events.privacy import sealing_mapper
from events.privacy.sealing_mapper import ERASED
from scheduler import enrollments, queries
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.history import enrollment_history
from scheduler.importing import import_program
from scheduler.privacy.erasure import erase_patient
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import fixed_clock
from tests.integration.helpers import after_retention, publish_seats
from tests.integration.stored_text import raw_text

PROGRAM = "standard-101"
NAME = re.compile(r"Patient 2(?!\d)")  # not Patient 20-29
NOTES = ("panic attack", "moved to Leeds")
# The sample's patients are discharged on the fixed clock's day (2026-11-25); 30 days later.
FIRST_ERASABLE = date(2026, 12, 25)


@pytest.fixture
def discharged(erasable_store: Database, retention_program_text: str) -> Iterator[Stepdown]:
    """P0002 missed a session (with a reason) and was discharged today."""
    service = open_stepdown(erasable_store, clock=fixed_clock)
    try:
        import_program(service, retention_program_text, actor="coordinator")
        publish_seats(
            service, PROGRAM, "2026-W48", [("P0002", "mon-evening-1", date(2026, 11, 23))]
        )
        record_attendance(
            service,
            program_id=PROGRAM,
            patient_id="P0002",
            session_id="mon-evening-1",
            session_date=date(2026, 11, 23),
            status=AttendanceStatus.MISSED,
            reason="panic attack",
            actor="nurse",
        )
        enrollments.discharge(service, PROGRAM, "P0002", reason="moved to Leeds", actor="c")
        service.catch_up()
        yield service
    finally:
        service.close()


@pytest.fixture
def later(erasable_store: Database, discharged: Stepdown) -> Iterator[Stepdown]:
    service = open_stepdown(erasable_store, clock=after_retention)
    try:
        yield service
    finally:
        service.close()


def test_names_and_notes_are_never_stored_in_clear(
    discharged: Stepdown, erasable_store: Database
) -> None:
    stored = raw_text(erasable_store)
    assert not NAME.search(stored)
    for note in NOTES:
        assert note not in stored
    assert queries.census_entry(discharged, PROGRAM, "P0002").name == "Patient 2"
    assert queries.census_entry(discharged, PROGRAM, "P0002").end_note == "moved to Leeds"


def test_erasure_before_the_retention_period_is_refused_naming_the_date(
    discharged: Stepdown, erasable_store: Database
) -> None:
    with pytest.raises(ConflictError, match=f"erasure is possible from {FIRST_ERASABLE}"):
        erase_patient(discharged, PROGRAM, "P0002", reason="patient request", actor="c")
    assert queries.census_entry(discharged, PROGRAM, "P0002").name == "Patient 2"


def test_a_patient_in_treatment_cannot_be_erased(later: Stepdown) -> None:
    with pytest.raises(ConflictError, match="P0003 is active"):
        erase_patient(later, PROGRAM, "P0003", reason="patient request", actor="c")


def test_erasure_leaves_the_events_unreadable_and_the_counts(
    later: Stepdown, erasable_store: Database
) -> None:
    weeks_before = queries.attendance_weeks(later, PROGRAM, patient_id="P0002")
    assert [week.misses for week in weeks_before] == [1]

    erasure = erase_patient(later, PROGRAM, "P0002", reason="patient request", actor="dpo")

    assert erasure.erased_on == date(2026, 12, 26)
    entry = queries.census_entry(later, PROGRAM, "P0002")
    assert (entry.name, entry.end_note, entry.status) == (ERASED, None, "discharged")
    assert queries.attendance_weeks(later, PROGRAM, patient_id="P0002") == weeks_before
    stored = raw_text(erasable_store)
    assert not NAME.search(stored)
    # A process that never saw the key reads the events as erased, and so does a rebuild.
    fresh = open_stepdown(erasable_store, clock=after_retention)
    try:
        assert fresh.app.get_enrollment(PROGRAM, "P0002").name == ERASED
        history = enrollment_history(fresh, PROGRAM, "P0002")
        assert history[0].details["name"] == ERASED
        assert [h.details["reason"] for h in history if h.event == "SessionMissed"] == [ERASED]
        erased = history[-1]
        assert (erased.event, erased.recorded_by) == ("PatientErased", "dpo")
        assert erased.details == {"reason": "patient request"}
        for runner in fresh.runners:
            runner.rebuild()
        assert fresh.stopped_projections() == {}
        assert queries.census_entry(fresh, PROGRAM, "P0002").name == ERASED
        assert queries.attendance_weeks(fresh, PROGRAM, patient_id="P0002") == weeks_before
        assert queries.census_entry(fresh, PROGRAM, "P0003").name == "Patient 3"
    finally:
        fresh.close()
    assert not NAME.search(raw_text(erasable_store))


def test_erasing_again_changes_nothing(later: Stepdown) -> None:
    first = erase_patient(later, PROGRAM, "P0002", reason="patient request", actor="dpo")
    events = later.app.recorder.max_notification_id()
    again = erase_patient(later, PROGRAM, "P0002", reason="patient request", actor="dpo")
    assert again.erased_on == first.erased_on
    assert later.app.recorder.max_notification_id() == events


def test_events_recorded_before_patient_keys_still_read_and_refuse_erasure(
    erasable_store: Database, retention_program_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as before_keys:
        before_keys.setattr(sealing_mapper, "PERSONAL_FIELDS", {})
        service = open_stepdown(erasable_store, clock=fixed_clock)
        import_program(service, retention_program_text, actor="coordinator")
        enrollments.discharge(service, PROGRAM, "P0002", reason="moved to Leeds", actor="c")
        service.close()
    service = open_stepdown(erasable_store, clock=after_retention)
    try:
        service.catch_up()
        assert service.app.get_enrollment(PROGRAM, "P0002").name == "Patient 2"
        assert queries.census_entry(service, PROGRAM, "P0002").end_note == "moved to Leeds"
        with pytest.raises(ConflictError, match="enrolled before per-patient keys"):
            erase_patient(service, PROGRAM, "P0002", reason="patient request", actor="dpo")
    finally:
        service.close()


def test_a_process_that_cached_the_key_stops_reading_the_name_once_it_sees_the_erasure(
    later: Stepdown, erasable_store: Database
) -> None:
    other = open_stepdown(erasable_store, clock=after_retention)
    try:
        assert enrollment_history(other, PROGRAM, "P0002")[0].details["name"] == "Patient 2"
        erase_patient(later, PROGRAM, "P0002", reason="patient request", actor="dpo")
        other.catch_up()
        assert enrollment_history(other, PROGRAM, "P0002")[0].details["name"] == ERASED
        assert queries.census_entry(other, PROGRAM, "P0002").name == ERASED
    finally:
        other.close()
