"""CSV a spreadsheet opens safely (issue 14): formulas neutralised, a byte-order mark on
downloads and files (none on stdout), flags as plain words, a header row always. Each export is
read back with the stdlib csv module."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

import pytest

from api.cli import main
from api.spreadsheets.cells import write_table
from events.persistence import Database
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.importing import import_program
from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, WEEK, Api
from tests.conftest import NOW
from tests.integration.helpers import publish_seats

BOM = b"\xef\xbb\xbf"
HOSTILE_NAMES = {
    "P0001": '=HYPERLINK("https://evil.example","click")',
    "P0002": "+1+1",
    "P0003": "@SUM(A1:A9)",
    "P0004": "-2+3",
    "P0005": "José Müller-Łukasz",
}


def _hostile_sample(sample_text: str) -> str:
    document = json.loads(sample_text)
    for patient in document["patients"]:
        patient["name"] = HOSTILE_NAMES.get(patient["id"], patient["name"])
    return json.dumps(document, ensure_ascii=False)


def _assert_neutralised(names_by_id: dict[str, str]) -> None:
    for patient_id, name in names_by_id.items():
        original = HOSTILE_NAMES.get(patient_id)
        if original is None:
            continue
        if original[0] in "=+-@":
            assert name == "'" + original, (patient_id, name)
        else:
            assert name == original, (patient_id, name)


def test_the_roster_download_has_a_bom_a_header_and_no_live_formula(
    api: Api, sample_text: str
) -> None:
    headers = {"Content-Type": "application/json"}
    imported = api.post("/programs", content=_hostile_sample(sample_text), headers=headers)
    assert imported.status_code == 200, imported.text
    assert api.post(f"/programs/{PROGRAM}/rosters/{WEEK}/generate", json={}).status_code == 201
    response = api.get(f"/programs/{PROGRAM}/rosters/{WEEK}/roster.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "date",
        "start",
        "end",
        "session_id",
        "track",
        "patient_id",
        "patient_name",
        "modality",
        "room",
        "facilitators",
    ]
    names = {row["patient_id"]: row["patient_name"] for row in rows}
    assert set(HOSTILE_NAMES) <= set(names)
    _assert_neutralised(names)
    assert names["P0005"] == "José Müller-Łukasz"


def test_tab_and_carriage_return_cells_are_neutralised_and_numbers_are_kept() -> None:
    out = io.StringIO()
    write_table(
        out,
        ["text", "number", "flags"],
        [["\tcmd", -1.5, ("outreach", "clinical-review")], ["\r=1+1", "-12", ()], ["|x", 3, None]],
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["text", "number", "flags"],
        ["'\tcmd", "-1.5", "outreach clinical-review"],
        ["'\r=1+1", "-12", ""],
        ["'\\|x", "3", ""],
    ]


def test_an_empty_table_still_has_its_header() -> None:
    out = io.StringIO()
    write_table(out, ["patient_id", "week"], [])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["patient_id", "week"]]


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["stepdown", *args])
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, capsys.readouterr().out


@pytest.fixture
def outreach(
    stepdown: Stepdown, database: Database, sample_text: str, monkeypatch: pytest.MonkeyPatch
) -> Stepdown:
    """The hostile names imported, and P0002 flagged for outreach after three misses."""
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", database.url)
    monkeypatch.setenv("STEPDOWN_ACTOR", "test-coordinator")
    monkeypatch.setenv("STEPDOWN_NOW", NOW.isoformat())
    import_program(stepdown, _hostile_sample(sample_text), actor="coordinator")
    days = (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16))
    for week, day in zip(("2026-W45", "2026-W46", "2026-W47"), days, strict=True):
        publish_seats(stepdown, PROGRAM, week, [("P0002", "mon-evening-1", day)])
        record_attendance(
            stepdown,
            program_id=PROGRAM,
            patient_id="P0002",
            session_id="mon-evening-1",
            session_date=day,
            status=AttendanceStatus.MISSED,
            actor="nurse",
        )
    stepdown.catch_up()
    return stepdown


@pytest.mark.usefixtures("outreach")
def test_the_census_file_has_a_bom_plain_flags_and_no_live_formula(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "census.csv"
    code, _ = _run(monkeypatch, capsys, "census", "--format", "csv", "-o", str(target))
    assert code == 0
    raw = target.read_bytes()
    assert raw.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    by_id = {row["patient_id"]: row for row in rows}
    assert by_id["P0002"]["flags"] == "outreach"
    assert all("(" not in row["flags"] for row in rows)
    _assert_neutralised({patient_id: row["name"] for patient_id, row in by_id.items()})
    assert by_id["P0005"]["name"] == "José Müller-Łukasz"


@pytest.mark.usefixtures("outreach")
def test_csv_on_stdout_has_no_bom(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(monkeypatch, capsys, "census", "--format", "csv")
    assert code == 0
    assert out.startswith("patient_id,name,status,")
    assert "'=HYPERLINK" in out


@pytest.mark.usefixtures("outreach")
def test_an_empty_attendance_export_still_has_its_header(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "attendance.csv"
    args = ("attendance", "show", "--patient", "P0009", "--format", "csv", "-o", str(target))
    assert _run(monkeypatch, capsys, *args)[0] == 0
    raw = target.read_bytes()
    assert raw.startswith(BOM)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1
    assert rows[0][:2] == ["patient_id", "week"]
    assert rows[0][-2:] == ["billable_days", "meets_weekly_floor"]
