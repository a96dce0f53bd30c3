import json
from pathlib import Path
from typing import Any

import pytest

from scheduler.importing import ImportFileError, parse_program_file

SAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "sample.json"


def _sample() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SAMPLE.read_text())
    return document


def _problems(document: dict[str, Any]) -> str:
    with pytest.raises(ImportFileError) as caught:
        parse_program_file(json.dumps(document))
    return str(caught.value)


def test_the_sample_file_is_valid() -> None:
    assert len(parse_program_file(SAMPLE.read_text()).patients) == 30


def test_a_bad_time_names_the_record_and_field() -> None:
    document = _sample()
    document["patients"][12]["commitments"][0]["end"] = "25:00"
    assert "patients[12].commitments[0].end:" in _problems(document)


def test_midnight_may_be_written_24_00() -> None:
    document = _sample()
    document["patients"][0]["commitments"][0]["end"] = "24:00"
    assert parse_program_file(json.dumps(document)).patients[0].commitments[0].end.hour == 0


def test_duplicate_patient_ids_are_named() -> None:
    document = _sample()
    document["patients"][3]["id"] = document["patients"][2]["id"]
    assert "patients[3].id: 'P0003' appears more than once" in _problems(document)


def test_an_unknown_preferred_track_is_named() -> None:
    document = _sample()
    document["patients"][1]["preferred_track"] = "weekend-brunch"
    assert "patients[1].preferred_track: 'weekend-brunch' is not a track" in _problems(document)


def test_a_misspelt_field_is_refused_not_ignored() -> None:
    document = _sample()
    document["sessions"][0]["capcity"] = 12
    assert "sessions[0].capcity:" in _problems(document)


def test_group_capacity_never_above_fifteen() -> None:
    document = _sample()
    document["sessions"][4]["capacity"] = 40
    assert "sessions[4].capacity:" in _problems(document)


def test_an_unknown_time_zone_is_named() -> None:
    document = _sample()
    document["program"]["timezone"] = "Mars/Olympus"
    assert "program.timezone:" in _problems(document)


def test_a_session_ending_before_it_starts_is_named() -> None:
    document = _sample()
    document["sessions"][1]["end"] = "08:00"
    assert "sessions[1].end: 08:00 is not after start 09:00" in _problems(document)


def test_a_date_given_as_a_number_is_refused() -> None:
    document = _sample()
    document["patients"][0]["start_date"] = 20261111
    assert "patients[0].start_date:" in _problems(document)


def test_planned_weeks_outside_the_policy_are_named() -> None:
    document = _sample()
    document["patients"][5]["planned_weeks"] = 20
    assert "patients[5].planned_weeks:" in _problems(document)


def test_the_make_up_notice_is_policy_and_written_back_only_when_not_the_default() -> None:
    from scheduler.program_file import policy_document, policy_of

    document = _sample()
    assert "makeup_notice_minutes" not in policy_document(
        policy_of(parse_program_file(json.dumps(document)).program.policy)
    )
    document["program"]["policy"]["makeup_notice_minutes"] = 240
    policy = policy_of(parse_program_file(json.dumps(document)).program.policy)
    assert policy.makeup_notice_minutes == 240
    assert policy_document(policy)["makeup_notice_minutes"] == 240
