"""How a meeting's staffing reads in documents and on the page: the roster CSV's appended columns,
the text roster's staffing line, hours as people say them."""

from __future__ import annotations

import io

from api.exports import write_roster_csv
from api.roster_cli import staffing_line
from api.web.staff.pages import hours_text

SESSION = {
    "date": "2026-11-30",
    "start": "18:00",
    "end": "21:00",
    "session_id": "mon-evening-1",
    "track": "evening",
    "patient_ids": ["P1"],
}


def test_the_csv_appends_staffing_in_plain_words_after_the_first_seven_columns() -> None:
    staffed = {
        **SESSION,
        "modality": "hybrid",
        "room_id": "room-b",
        "facilitators": [{"staff_id": "s-1", "name": "A B"}, {"staff_id": "s-2", "name": "C D"}],
    }
    out = io.StringIO()
    write_roster_csv({"sessions": [staffed]}, {"P1": "Pat One"}, out)
    header, row = out.getvalue().splitlines()
    assert header == (
        "date,start,end,session_id,track,patient_id,patient_name,modality,room,facilitators"
    )
    assert row == "2026-11-30,18:00,21:00,mon-evening-1,evening,P1,Pat One,Hybrid,room-b,A B; C D"


def test_a_meeting_without_staff_data_leaves_the_staff_columns_empty() -> None:
    unstaffed = {**SESSION, "modality": None, "room_id": None, "facilitators": []}
    out = io.StringIO()
    write_roster_csv({"sessions": [unstaffed]}, {}, out)
    assert out.getvalue().splitlines()[1].endswith(",P1,,,,")


def test_the_text_roster_says_how_where_and_who_or_nothing() -> None:
    virtual = {"modality": "virtual", "room_id": None, "facilitators": [{"name": "A B"}]}
    assert staffing_line(virtual) == "Virtual · led by A B"
    nobody = {"modality": "in_person", "room_id": "r1", "facilitators": []}
    assert staffing_line(nobody) == "In person · room r1 · no facilitator"
    assert staffing_line({"modality": None}) == ""


def test_hours_read_as_people_say_them() -> None:
    assert [hours_text(m) for m in (0, 45, 180, 450)] == ["0 h", "45 min", "3 h", "7 h 30 min"]
