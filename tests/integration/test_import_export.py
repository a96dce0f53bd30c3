import json
from pathlib import Path
from typing import Any

import pytest

from events.errors import StepdownError
from scheduler import queries
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


def test_a_re_import_that_fails_late_changes_nothing(stepdown: Stepdown, sample_text: str) -> None:
    document: dict[str, Any] = json.loads(sample_text)
    first, rest = dict(document), document["patients"]
    first["patients"] = rest[:10]
    import_program(stepdown, json.dumps(first), actor="coordinator")
    before = event_count(stepdown)
    # twenty new patients and a new session, but patient 5's start date contradicts the store
    document["patients"][5]["start_date"] = "2026-01-05"
    document["sessions"].append({**document["sessions"][0], "id": "mon-day-9"})
    with pytest.raises(StepdownError, match=r"patients\[5\]\.start_date"):
        import_program(stepdown, json.dumps(document), actor="coordinator")
    assert event_count(stepdown) == before
    stepdown.catch_up()
    assert len(queries.census(stepdown, "standard-101")) == 10


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
