import json
from pathlib import Path
from typing import Any

import pytest

from scheduler import enrollments, queries
from scheduler.importing import ImportFileError, import_program
from scheduler.service import Stepdown
from tests.conftest import SCENARIOS
from tests.integration.helpers import event_count


def test_import_enrols_everyone_and_the_census_shows_them(
    stepdown: Stepdown, sample_text: str
) -> None:
    report = import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    assert report.patients_enrolled == 30
    census = queries.census(stepdown, "standard-101")
    assert len(census) == 30
    assert {entry.status for entry in census} == {"active"}


def test_re_importing_the_same_file_records_nothing(stepdown: Stepdown, sample_text: str) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    before = event_count(stepdown)
    report = import_program(stepdown, sample_text, actor="coordinator")
    assert report.events_recorded == 0
    assert event_count(stepdown) == before


def test_export_round_trips_the_imported_file(stepdown: Stepdown, sample_text: str) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    exported = queries.export_program(stepdown, "standard-101")
    assert exported == json.loads(sample_text)
    # and the export is itself an importable file that changes nothing
    assert import_program(stepdown, json.dumps(exported), actor="c").events_recorded == 0


def test_a_400_patient_program_round_trips(stepdown: Stepdown) -> None:
    text = (SCENARIOS / "multi-400.json").read_text()
    import_program(stepdown, text, actor="coordinator")
    stepdown.catch_up()
    assert queries.export_program(stepdown, "multi-303") == json.loads(text)


def test_a_bad_file_changes_nothing(stepdown: Stepdown, sample_text: str) -> None:
    document: dict[str, Any] = json.loads(sample_text)
    document["patients"][29]["commitments"][0]["start"] = "lunchtime"
    with pytest.raises(ImportFileError, match=r"patients\[29\]\.commitments\[0\]\.start"):
        import_program(stepdown, json.dumps(document), actor="coordinator")
    assert event_count(stepdown) == 0


def test_a_re_import_names_a_contradicted_fact_and_applies_the_rest(
    stepdown: Stepdown, sample_text: str
) -> None:
    document: dict[str, Any] = json.loads(sample_text)
    first, rest = dict(document), document["patients"]
    first["patients"] = rest[:10]
    import_program(stepdown, json.dumps(first), actor="coordinator")
    # twenty new patients and a new session, but patient 5's start date contradicts the store
    document["patients"][5]["start_date"] = "2026-01-05"
    document["sessions"].append({**document["sessions"][0], "id": "mon-day-9"})
    report = import_program(stepdown, json.dumps(document), actor="coordinator")
    assert report.refused == (
        "patients[5].start_date: P0006 is already enrolled with start_date 2026-10-14; "
        "the file says 2026-01-05; not changed by import",
    )
    assert (report.patients_enrolled, report.sessions_added) == (20, 1)
    stepdown.catch_up()
    assert queries.census_entry(stepdown, "standard-101", "P0006").start_date.isoformat() == (
        "2026-10-14"
    )


def test_reimporting_the_same_file_after_a_discharge_records_nothing(
    stepdown: Stepdown, sample_text: str
) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    enrollments.discharge(stepdown, "standard-101", "P0024", reason="moved", actor="c")
    enrollments.step_down(stepdown, "standard-101", "P0001", summary="done", actor="c")
    enrollments.pause(stepdown, "standard-101", "P0002", reason="hospital", actor="c")
    before = event_count(stepdown)
    report = import_program(stepdown, sample_text, actor="coordinator")
    assert (report.events_recorded, report.refused) == (0, ())
    assert event_count(stepdown) == before


def test_a_changed_file_applies_what_is_allowed_and_names_each_refused_change(
    stepdown: Stepdown, sample_text: str
) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    enrollments.discharge(stepdown, "standard-101", "P0024", reason="moved", actor="c")
    document: dict[str, Any] = json.loads(sample_text)
    document["patients"][0]["commitments"] = []
    document["patients"][23]["commitments"] = []
    document["patients"][2]["name"] = "Someone Else"
    report = import_program(stepdown, json.dumps(document), actor="coordinator")
    assert report.commitments_changed == 1
    assert report.refused == (
        "patients[2].name: P0003 is already enrolled under another name; not changed by import",
        "patients[23].commitments: P0024 is discharged; commitments not changed",
    )
    assert stepdown.app.get_enrollment("standard-101", "P0001").commitments == ()


def test_commitments_changed_in_a_re_import_are_recorded(
    stepdown: Stepdown, sample_text: str, tmp_path: Path
) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    document: dict[str, Any] = json.loads(sample_text)
    document["patients"][0]["commitments"] = []
    report = import_program(stepdown, json.dumps(document), actor="coordinator")
    assert report.commitments_changed == 1
    stepdown.catch_up()
    exported = queries.export_program(stepdown, "standard-101")
    assert exported["patients"][0]["commitments"] == []
