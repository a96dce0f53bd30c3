"""Input hygiene at every entry point (API bodies and parameters, the import file, the CLI):
control characters, lone surrogates, case-variant ids, weeks and dates outside 2000–2100 and
offsets on local dates and times are refused naming the field and value; nothing is stored."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from events.persistence import Database
from tests.api.conftest import PROGRAM, Api
from tests.conftest import NOW, SCENARIOS

SAMPLE: dict[str, Any] = json.loads((SCENARIOS / "sample.json").read_text(encoding="utf-8"))
ENROL = {
    "id": "N0001",
    "name": "Jane Roe",
    "start_date": "2026-11-30",
    "planned_weeks": 8,
    "initial_days_per_week": 3,
}
SESSION = {
    "id": "thu-late-1",
    "name": "Late group",
    "weekday": "THU",
    "start": "18:00",
    "end": "21:00",
    "capacity": 10,
    "min_size": 3,
    "track": "evening",
}


def head(api: Api) -> int:
    return api.app.state.stepdown.app.recorder.max_notification_id() or 0


def raw(body: dict[str, Any]) -> str:
    # json.dumps writes a lone surrogate as the escape \ud800, as a client would send it.
    return json.dumps(body)


BODIES = [
    ("patients", {**ENROL, "name": "Jane\x00Roe"}, "name", "U+0000"),
    ("patients", {**ENROL, "name": "Jane\ud800Roe"}, "name", "lone surrogate"),
    ("patients", {**ENROL, "name": "Jane\u202eRoe"}, "name", "U+202E"),
    ("patients", {**ENROL, "name": "Jane\nRoe"}, "name", "line break"),
    ("patients", {**ENROL, "start_date": "9999-12-31"}, "start_date", "2100-12-31"),
    ("patients", {**ENROL, "start_date": "2026-11-30T00:00:00+05:00"}, "start_date", "offset"),
    ("sessions", {**SESSION, "start": "18:00+05:00"}, "start", "offset"),
    ("sessions", {**SESSION, "name": "Late\x07group"}, "name", "U+0007"),
    ("closures", {"date": "2026-12-24T00:00:00Z", "reason": "x"}, "date", "offset"),
    ("closures", {"date": "9999-12-31", "reason": "x"}, "date", "2100-12-31"),
    ("sessions/mon-day-1/cancellations", {"date": "2026-11-30", "reason": "ill\x00"}, "reason", ""),
    ("sessions/mon-day-1/cancellations", {"date": "2026-11-30", "reason": "\udc80"}, "reason", ""),
    ("patients/P0001/pause", {"reason": "away\x1b[31m"}, "reason", "U+001B"),
    ("patients/P0001/discharge", {"reason": "moved", "date": "0001-01-01"}, "date", "2000"),
    ("patients/P0001/progress", {"rating": "on_track", "date": "2026-11-25T09:00"}, "date", ""),
    (
        "attendance",
        {
            "patient_id": "P0001",
            "session_id": "mon-evening-1",
            "date": "2026-11-23",
            "status": "missed",
            "reason": "flu\x00",
        },
        "reason",
        "U+0000",
    ),
]


@pytest.mark.parametrize(("path", "body", "field", "says"), BODIES)
def test_a_hostile_field_is_a_422_naming_it_and_stores_nothing(
    program: Api, path: str, body: dict[str, Any], field: str, says: str
) -> None:
    before = head(program)
    response = program.post(
        f"/programs/{PROGRAM}/{path}",
        content=raw(body),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    problem = response.json()["detail"][0]
    assert problem["loc"][-1] == field
    assert says in problem["msg"]
    assert head(program) == before


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (f"/programs/{PROGRAM}/rosters/9999-W52", "week"),
        (f"/programs/{PROGRAM}/rosters/2026-W54", "week"),
        (f"/programs/{PROGRAM}/rosters/2026-W00/roster.csv", "week"),
        (f"/programs/{PROGRAM}/patients?as_of=9999-12-31", "as_of"),
        (f"/programs/{PROGRAM}/patients/P0001/schedule?start=2026-11-30T00:00:00%2B05:00", "start"),
        (f"/programs/{PROGRAM}/rosters/2026-W49/sessions/mon-day-1/9999-12-31/sign-in", "date"),
    ],
)
def test_a_week_or_date_out_of_range_in_the_url_is_a_422_naming_it(
    program: Api, path: str, where: str
) -> None:
    response = program.get(path)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][-1] == where


def test_ids_are_unique_ignoring_case_when_enrolling_and_adding_a_session(program: Api) -> None:
    before = head(program)
    enrolled = program.post(f"/programs/{PROGRAM}/patients", json={**ENROL, "id": "p0001"})
    assert enrolled.status_code == 409, enrolled.text
    assert "'p0001' differs only in case from patient 'P0001'" in enrolled.json()["detail"]
    added = program.post(f"/programs/{PROGRAM}/sessions", json={**SESSION, "id": "MON-DAY-1"})
    assert added.status_code == 409, added.text
    assert "'MON-DAY-1' differs only in case from session 'mon-day-1'" in added.json()["detail"]
    assert head(program) == before


def _import(api: Api, document: dict[str, Any]) -> Any:
    response = api.post(
        "/programs", content=raw(document), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    return response.json()["detail"]


def _changed(change: Any) -> dict[str, Any]:
    document = copy.deepcopy(SAMPLE)
    change(document)
    return document


FILES = [
    (lambda d: d["patients"][2].update(name="Jane\x00Roe"), "patients[2].name", "U+0000"),
    (lambda d: d["patients"][2].update(name="Jane\ud83dRoe"), "patients[2].name", "surrogate"),
    (lambda d: d["patients"][3].update(id="p0001"), "patients[3].id", "differs only in case"),
    (lambda d: d["sessions"][1].update(id="MON-DAY-1"), "sessions[1].id", "only in case"),
    (lambda d: d["sessions"][0].update(start="09:00-06:00"), "sessions[0].start", "offset"),
    (lambda d: d["patients"][0].update(start_date="2026-11-11T00:00"), "start_date", "YYYY"),
    (lambda d: d["program"].update(closures=["9999-12-31"]), "program.closures[0]", "2100"),
    (lambda d: d["program"].update(name="Standard\x85"), "program.name", "U+0085"),
]


@pytest.mark.parametrize(("change", "field", "says"), FILES)
def test_a_hostile_import_file_is_refused_whole_naming_the_record(
    api: Api, change: Any, field: str, says: str
) -> None:
    problems = _import(api, _changed(change))
    assert any(field in p["loc"][-1] and says in p["msg"] for p in problems), problems
    assert head(api) == 0


def test_a_file_repeating_a_recorded_id_in_another_case_is_refused(program: Api) -> None:
    before = head(program)
    problems = _import(program, _changed(lambda d: d["patients"][0].update(id="p0001")))
    assert problems[0]["loc"][-1] == "patients[0].id"
    assert "'p0001' differs only in case from patient 'P0001'" in problems[0]["msg"]
    renamed = _changed(lambda d: d["program"].update(id="Standard-101"))
    problems = _import(program, renamed)
    assert "differs only in case from program 'standard-101'" in problems[0]["msg"]
    assert head(program) == before


# --- the command line ----------------------------------------------------------------------


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    monkeypatch.setattr(sys, "argv", ["stepdown", *args])
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (
            ["session", "cancel", "--date", "9999-11-30", "--reason", "ill"],
            "'--date': dates are between 2000-01-01 and 2100-12-31 (got '9999-11-30')",
        ),
        (
            ["session", "cancel", "--date", "2026-11-30", "--reason", "ill\x07"],
            "'--reason': a control character (U+0007) is not allowed here (got 'ill\\x07')",
        ),
        (
            ["session", "cancel", "--date", "2026-11-30", "--reason", "ill\udcff"],
            "'--reason': a lone surrogate (U+DCFF) is not text",
        ),
        (
            ["session", "cancel", "--date", "2026-11-30T10:00+01:00", "--reason", "ill"],
            "'--date': expected a date written YYYY-MM-DD, without a time or an offset",
        ),
    ],
)
def test_the_cli_refuses_hostile_options_naming_them_and_stores_nothing(
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    named: str,
) -> None:
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", database.url)
    monkeypatch.setenv("STEPDOWN_NOW", NOW.isoformat())
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))[0] == 0
    code, err = run(
        monkeypatch, capsys, *args[:2], "--program", PROGRAM, "--session", "mon-day-1", *args[2:]
    )
    assert code == 2
    assert named in err
    code, _ = run(
        monkeypatch,
        capsys,
        "session",
        "cancel",
        "--program",
        PROGRAM,
        "--session",
        "mon-day-1",
        "--date",
        "2026-11-30",
        "--reason",
        "ill",
    )
    assert code == 0  # the same meeting was not cancelled by the refused command


def test_the_cli_refuses_a_file_with_a_nul_naming_the_record(
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", database.url)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_changed(lambda d: d["patients"][4].update(name="A\x00B"))))
    code, err = run(monkeypatch, capsys, "import", str(bad))
    assert code == 1
    assert "patients[4].name" in err
    assert "U+0000" in err
