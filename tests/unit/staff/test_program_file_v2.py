"""The `stepdown/program@2` file: one test per rule of its staff, rooms and session staffing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from events.staff.values import Modality, StaffingPolicy
from scheduler.importing import ImportFileError, parse_program_file
from scheduler.program_file import policy_of
from scheduler.staff.file_records import staff_member_of, staffing_policy_of
from scheduler.staff.importing import session_staffing_of

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"


def staffed() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SCENARIOS / "staffed.json").read_text())
    return document


def problems(document: dict[str, Any]) -> str:
    with pytest.raises(ImportFileError) as caught:
        parse_program_file(json.dumps(document))
    return str(caught.value)


def test_the_staffed_scenario_is_valid() -> None:
    file = parse_program_file(json.dumps(staffed()))
    assert (len(file.staff), len(file.rooms), file.has_staffing) == (6, 3, True)


def test_the_staffing_policy_is_kept_apart_from_the_scheduling_policy() -> None:
    policy = parse_program_file(json.dumps(staffed())).program.policy
    assert staffing_policy_of(policy) == StaffingPolicy(12, 1, 4)
    assert policy_of(policy).min_weekly_hours == 9


def test_a_staff_record_becomes_a_staff_member_with_its_windows() -> None:
    member = staff_member_of(parse_program_file(json.dumps(staffed())).staff[3])
    assert member.staff_id == "s-dev"
    assert [w.weekday.name for w in member.availability] == ["TUE", "THU", "SAT"]
    assert member.credentials == ("psychiatric_provider", "licensed_counsellor")


def test_a_session_without_staffing_fields_is_in_person_with_no_one_yet() -> None:
    document = staffed()
    for name in ("modality", "room", "facilitators", "credentials"):
        document["sessions"][0].pop(name)
    staffing = session_staffing_of(parse_program_file(json.dumps(document)).sessions[0])
    assert (staffing.modality, staffing.room_id, staffing.facilitator_ids) == (
        Modality.IN_PERSON,
        None,
        (),
    )


def test_a_lead_facilitator_without_the_credential_is_named() -> None:
    document = staffed()
    document["sessions"][5]["facilitators"] = ["s-cara"]
    assert problems(document) == (
        "sessions[5].facilitators[0]: 's-cara' lacks the credential licensed_counsellor "
        "session mon-evening-1 needs of its lead facilitator"
    )


def test_a_co_facilitator_needs_no_credential() -> None:
    document = staffed()
    document["sessions"][5]["facilitators"] = ["s-ben", "s-cara"]
    parse_program_file(json.dumps(document))


def test_overlapping_availability_windows_are_named() -> None:
    document = staffed()
    document["staff"][0]["availability"].append(
        {"weekday": "MON", "start": "12:00", "end": "14:00"}
    )
    assert problems(document) == (
        "staff[0].availability[5]: MON 12:00-14:00 overlaps availability[0] 08:30-13:00 of s-ana"
    )


def test_a_window_ending_before_it_starts_is_named() -> None:
    document = staffed()
    document["staff"][3]["availability"][0]["end"] = "07:00"
    assert "staff[3].availability[0].end: 07:00 is not after start 08:00" in problems(document)


def test_an_unknown_room_is_named() -> None:
    document = staffed()
    document["sessions"][2]["room"] = "room-z"
    assert problems(document) == "sessions[2].room: 'room-z' is not a room of the file"


def test_a_virtual_session_with_a_room_is_named() -> None:
    document = staffed()
    document["sessions"][0]["modality"] = "virtual"
    assert problems(document) == (
        "sessions[0].room: 'room-a' given for a virtual session (no room)"
    )


def test_a_room_smaller_than_an_in_person_group_is_named() -> None:
    document = staffed()
    document["rooms"][0]["capacity"] = 8
    assert "sessions[0].room: 'room-a' holds 8, fewer than the session's capacity 12" in problems(
        document
    )


def test_an_unknown_facilitator_is_named() -> None:
    document = staffed()
    document["sessions"][1]["facilitators"] = ["s-zed"]
    assert problems(document) == (
        "sessions[1].facilitators[0]: 's-zed' is not a staff member of the file"
    )


def test_a_facilitator_outside_their_hours_is_named() -> None:
    document = staffed()
    document["sessions"][0]["facilitators"] = ["s-ben"]  # evenings only
    assert problems(document) == (
        "sessions[0].facilitators[0]: 's-ben' is not available MON 09:00-12:00"
    )


def test_a_repeated_staff_id_is_named() -> None:
    document = staffed()
    document["staff"].append({**document["staff"][0], "id": "S-ANA"})
    assert "staff[6].id: 'S-ANA' appears more than once" in problems(document)


def test_an_unknown_modality_is_named() -> None:
    document = staffed()
    document["sessions"][0]["modality"] = "telepathic"
    assert "sessions[0].modality:" in problems(document)


def test_staff_in_a_format_1_file_is_refused() -> None:
    document = staffed()
    document["format"] = "stepdown/program@1"
    found = problems(document)
    assert "staff: needs format 'stepdown/program@2'" in found
    assert "sessions[0].room: needs format 'stepdown/program@2'" in found
    assert "program.policy.family_session_every_weeks: needs format" in found


def test_a_facilitator_in_two_sessions_at_once_is_named() -> None:
    document = staffed()
    document["sessions"][-1]["facilitators"] = ["s-dev"]  # sat-weekend-3, beside sat-weekend-1
    assert problems(document) == (
        "sessions[17].facilitators: 's-dev' also facilitates sat-weekend-1 (sessions[15]) "
        "at the same time"
    )


def test_a_room_holding_two_sessions_at_once_is_named() -> None:
    document = staffed()
    document["sessions"][-1]["room"] = "room-a"
    assert problems(document) == (
        "sessions[17].room: 'room-a' also holds sat-weekend-1 (sessions[15]) at the same time"
    )
