"""The roster documents of a staffed program name each meeting's modality, room and facilitators:
the JSON roster, the CSV (staff columns appended), the text print and the sign-in sheet; a
program without staff keeps them empty."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.api.conftest import PROGRAM as UNSTAFFED
from tests.api.conftest import Api
from tests.api.test_cli import cli_env, run  # noqa: F401  (the fixture)
from tests.conftest import SCENARIOS

STAFFED = "staffed-201"
WEEK = "2026-W49"
ROSTER = f"/programs/{STAFFED}/rosters/{WEEK}"


@pytest.fixture
def rostered(api: Api) -> Api:
    text = (SCENARIOS / "staffed.json").read_text(encoding="utf-8")
    imported = api.post("/programs", content=text, headers={"Content-Type": "application/json"})
    assert imported.status_code == 200, imported.text
    generated = api.post(f"{ROSTER}/generate", json={})
    assert generated.status_code == 201, generated.text
    return api


def _meeting(roster: dict[str, Any], session_id: str, day: str) -> dict[str, Any]:
    sessions: list[dict[str, Any]] = roster["sessions"]
    return next(s for s in sessions if s["session_id"] == session_id and s["date"] == day)


def test_each_meeting_names_its_modality_room_and_facilitators(rostered: Api) -> None:
    roster = rostered.get(ROSTER).json()
    evening = _meeting(roster, "mon-evening-1", "2026-11-30")
    assert (evening["modality"], evening["room_id"]) == ("in_person", "room-a")
    assert evening["facilitators"] == [
        {"staff_id": "s-ben", "name": "Ben Okafor"},
        {"staff_id": "s-cara", "name": "Cara Lind"},
    ]
    virtual = _meeting(roster, "fri-evening-2", "2026-12-04")
    assert (virtual["modality"], virtual["room_id"]) == ("virtual", None)
    assert [f["staff_id"] for f in virtual["facilitators"]] == ["s-cara"]


def test_the_csv_appends_modality_room_and_facilitators_in_plain_words(rostered: Api) -> None:
    response = rostered.get(f"{ROSTER}/roster.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0])[:7] == [
        "date", "start", "end", "session_id", "track", "patient_id", "patient_name",
    ]  # fmt: skip
    assert rows, "the staffed week seats somebody"
    roster = rostered.get(ROSTER).json()
    words = {"in_person": "In person", "virtual": "Virtual", "hybrid": "Hybrid"}
    for row in rows:
        meeting = _meeting(roster, row["session_id"], row["date"])
        assert row["modality"] == words[str(meeting["modality"])]
        assert row["room"] == (meeting["room_id"] or "")
        assert row["facilitators"] == "; ".join(f["name"] for f in meeting["facilitators"])
    seated = {row["session_id"]: row for row in rows}
    assert seated["mon-evening-1"]["facilitators"] == "Ben Okafor; Cara Lind"


def test_the_sign_in_sheet_names_the_facilitators_and_room(rostered: Api) -> None:
    roster = rostered.get(ROSTER).json()
    meeting = next(s for s in roster["sessions"] if s["room_id"] and s["patient_ids"])
    sheet = rostered.get(f"{ROSTER}/sessions/{meeting['session_id']}/{meeting['date']}/sign-in")
    assert sheet.status_code == 200
    names = ", ".join(f["name"] for f in meeting["facilitators"])
    words = {"in_person": "In person", "hybrid": "Hybrid"}[meeting["modality"]]
    assert f"{words} · room {meeting['room_id']}" in sheet.text
    assert f"facilitator: {names}</footer>" in sheet.text


def test_a_program_without_staff_has_empty_staffing(program: Api) -> None:
    week = f"/programs/{UNSTAFFED}/rosters/2026-W48"
    generated = program.post(f"{week}/generate", json={})
    assert generated.status_code == 201, generated.text
    for session in generated.json()["sessions"]:
        assert (session["modality"], session["room_id"], session["facilitators"]) == (
            None,
            None,
            [],
        )
    rows = list(
        csv.DictReader(io.StringIO(program.get(f"{week}/roster.csv").content.decode("utf-8-sig")))
    )
    assert {(r["modality"], r["room"], r["facilitators"]) for r in rows} == {("", "", "")}
    meeting = next(s for s in generated.json()["sessions"] if s["patient_ids"])
    sheet = program.get(f"{week}/sessions/{meeting['session_id']}/{meeting['date']}/sign-in")
    assert "facilitator: ______________________</footer>" in sheet.text


@pytest.mark.usefixtures("cli_env")
def test_the_text_roster_prints_each_meetings_staffing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "staffed.json"))[0] == 0
    week = ("--program", STAFFED, "--week", WEEK)
    assert run(monkeypatch, capsys, "roster", "generate", *week)[0] == 0
    code, out, _ = run(monkeypatch, capsys, "roster", "show", *week)
    assert code == 0
    lines = out.splitlines()
    monday_evening = next(i for i, line in enumerate(lines) if "2026-11-30" in line and
                          "mon-evening-1" in line)  # fmt: skip
    assert (
        lines[monday_evening + 1].strip()
        == "In person · room room-a · led by Ben Okafor, Cara Lind"
    )
    virtual = next(i for i, line in enumerate(lines) if "fri-evening-2" in line)
    assert lines[virtual + 1].strip() == "Virtual · led by Cara Lind"
