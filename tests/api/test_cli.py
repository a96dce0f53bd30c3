"""The `stepdown` command line, run in-process against a SQLite file and PostgreSQL."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from events.persistence import Database
from tests.conftest import NOW, SCENARIOS


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["stepdown", *args])
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def cli_env(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", database.url)
    monkeypatch.setenv("STEPDOWN_ACTOR", "test-coordinator")
    monkeypatch.setenv("STEPDOWN_NOW", NOW.isoformat())


@pytest.mark.usefixtures("cli_env")
def test_import_then_census(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    assert code == 0
    assert "30 patients enrolled" in out
    code, out, _ = run(monkeypatch, capsys, "census", "--as-of", "2026-11-30", "--format", "json")
    assert code == 0
    rows: list[dict[str, Any]] = json.loads(out)
    assert len(rows) == 30
    assert {"patient_id", "program_week", "weekly_target", "status"} <= set(rows[0])


@pytest.mark.usefixtures("cli_env")
def test_a_bad_file_exits_1_naming_the_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = json.loads((SCENARIOS / "sample.json").read_text())
    document["patients"][12]["commitments"][0]["end"] = "late"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    code, _, err = run(monkeypatch, capsys, "import", str(bad))
    assert code == 1
    assert err.startswith("error: patients[12].commitments[0].end:")
    code, _, err = run(monkeypatch, capsys, "census")
    assert code == 2
    assert "no program imported yet" in err


@pytest.mark.usefixtures("cli_env")
def test_usage_errors_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    code, _, err = run(
        monkeypatch,
        capsys,
        "attendance",
        "record",
        "--program",
        "standard-101",
        "--patient",
        "P0002",
        "--session",
        "mon-evening-1",
        "--date",
        "2026-11-16",
        "--status",
        "present",
    )
    assert code == 2
    assert "--status" in err


@pytest.mark.usefixtures("cli_env")
def test_attendance_record_and_domain_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    base = ["attendance", "record", "--program", "standard-101", "--patient", "P0002"]
    code, out, _ = run(
        monkeypatch,
        capsys,
        *base,
        "--session",
        "mon-evening-1",
        "--date",
        "2026-11-16",
        "--status",
        "attended",
        "--minutes",
        "170",
        "--walk-in",
    )
    assert code == 0
    assert "attended (walk-in) mon-evening-1 on 2026-11-16: recorded" in out
    code, _, err = run(
        monkeypatch,
        capsys,
        *base,
        "--session",
        "no-such-group",
        "--date",
        "2026-11-16",
        "--status",
        "missed",
    )
    assert code == 1
    assert "session: 'no-such-group'" in err
    code, out, _ = run(
        monkeypatch, capsys, "attendance", "show", "--patient", "P0002", "--format", "json"
    )
    [week] = json.loads(out)
    assert week["attended_hours"] == pytest.approx(170 / 60)


@pytest.mark.usefixtures("cli_env")
def test_progress_patient_course_export_and_rebuild(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    ids = ["--program", "standard-101", "--patient", "P0002"]
    code, _, _ = run(
        monkeypatch,
        capsys,
        "progress",
        "record",
        *ids,
        "--rating",
        "needs_support",
        "--screen",
        "negative",
    )
    assert code == 0
    code, _, _ = run(monkeypatch, capsys, "patient", "discharge", *ids, "--reason", "moved away")
    assert code == 0
    code, _, err = run(monkeypatch, capsys, "patient", "pause", *ids, "--reason", "again")
    assert code == 1
    assert "discharged" in err
    out_file = tmp_path / "export.json"
    code, _, _ = run(monkeypatch, capsys, "export", "-o", str(out_file))
    assert code == 0
    exported = json.loads(out_file.read_text())
    assert "P0002" not in {p["id"] for p in exported["patients"]}
    assert len(exported["patients"]) == 29
    code, out, _ = run(monkeypatch, capsys, "projections", "rebuild")
    assert code == 0
    assert "census: rebuilt from" in out


@pytest.mark.usefixtures("cli_env")
def test_roster_generate_show_pin_publish(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    week = ["--week", "2026-W49"]
    code, out, _ = run(monkeypatch, capsys, "roster", "generate", *week, "--time-limit", "20")
    assert code == 0
    assert "version 1:" in out
    code, out, _ = run(monkeypatch, capsys, "roster", "show", *week, "--format", "json")
    document = json.loads(out)
    assert set(document) >= {
        "program_id",
        "week",
        "version",
        "status",
        "sessions",
        "patients",
        "solver",
    }
    code, out, _ = run(monkeypatch, capsys, "roster", "show", *week, "--format", "csv")
    assert out.splitlines()[0] == (
        "date,start,end,session_id,track,patient_id,patient_name,modality,room,facilitators"
    )
    code, _, err = run(
        monkeypatch,
        capsys,
        "roster",
        "pin",
        *week,
        "--patient",
        "P0001",
        "--session",
        "mon-evening-1",
        "--date",
        "2026-12-01",
    )
    assert code == 1
    assert "meets on MON" in err
    code, out, _ = run(monkeypatch, capsys, "roster", "publish", *week)
    assert (code, out.strip()) == (0, "standard-101 2026-W49: version 1 published")
    run(monkeypatch, capsys, "roster", "generate", *week, "--time-limit", "20")
    for edition, expected in (("published", (1, "published")), ("draft", (2, "draft"))):
        code, out, _ = run(
            monkeypatch, capsys, "roster", "show", *week, "--version", edition, "--format", "json"
        )
        assert (json.loads(out)["version"], json.loads(out)["status"]) == expected
    code, _, err = run(
        monkeypatch,
        capsys,
        "attendance",
        "record",
        "--program",
        "standard-101",
        "--patient",
        "P0002",
        "--session",
        "mon-evening-1",
        "--date",
        "2026-11-16",
        "--status",
        "missed",
    )
    assert code == 1
    assert "no published roster for week 2026-W47" in err
    code, _, err = run(monkeypatch, capsys, "roster", "show", "--week", "2026-W60")
    assert code == 2
    assert "week: '2026-W60'" in err


@pytest.mark.usefixtures("cli_env")
def test_roster_pins_are_listed_refused_with_the_reason_dropped_with_a_note_and_removed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEPDOWN_NOW", "2026-11-25T12:00:00-06:00")
    run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    week = ["--week", "2026-W49"]
    seat = ["--patient", "P0007", "--session", "mon-evening-1", "--date", "2026-11-30"]
    code, out, _ = run(monkeypatch, capsys, "roster", "pin", *week, *seat)
    assert (code, out.strip()) == (0, "P0007 pinned to mon-evening-1 on 2026-11-30")
    code, out, _ = run(monkeypatch, capsys, "roster", "pins", *week)
    assert code == 0
    assert out.startswith("P0007 mon-evening-1 2026-11-30 pinned by test-coordinator at 2026-11-")
    across_work = ["--patient", "P0001", "--session", "mon-day-1", "--date", "2026-11-30"]
    code, _, err = run(monkeypatch, capsys, "roster", "pin", *week, *across_work)
    assert code == 1
    assert "conflicts with P0001's work MON–FRI 08:00–16:30" in err
    pause = ["--program", "standard-101", "--patient", "P0007", "--reason", "travel"]
    assert run(monkeypatch, capsys, "patient", "pause", *pause)[0] == 0
    code, out, _ = run(monkeypatch, capsys, "roster", "generate", *week, "--time-limit", "20")
    assert code == 0
    assert (
        "Pins dropped, no longer possible (1):\n  P0007 mon-evening-1 2026-11-30: P0007 is paused"
        in out
    )
    code, out, _ = run(monkeypatch, capsys, "roster", "pins", *week)
    assert (code, out.strip()) == (0, "standard-101 2026-W49: no pins")
    code, _, err = run(monkeypatch, capsys, "roster", "unpin", *week, *seat)
    assert code == 1
    assert "not pinned" in err
    day_seat = ["--patient", "P0019", "--session", "tue-day-1", "--date", "2026-12-01"]
    assert run(monkeypatch, capsys, "roster", "pin", *week, *day_seat)[0] == 0
    code, out, _ = run(monkeypatch, capsys, "roster", "unpin", *week, *day_seat)
    assert (code, out.strip()) == (0, "P0019 unpinned from tue-day-1 on 2026-12-01")


@pytest.mark.usefixtures("cli_env")
def test_tokens_are_created_listed_and_revoked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        monkeypatch, capsys, "token", "create", "--subject", "nurse-1", "--role", "clinician",
        "--all-programs",
    )  # fmt: skip
    assert code == 0
    assert out.startswith("sd_")
    assert len(out.strip()) > 40
    code, out, _ = run(monkeypatch, capsys, "token", "list")
    assert "nurse-1" in out
    assert "clinician" in out
    assert "sd_" not in out
    code, out, _ = run(monkeypatch, capsys, "token", "revoke", "--subject", "nurse-1")
    assert (code, out.strip()) == (0, "nurse-1: 1 token(s) and session(s) revoked")
    code, _, err = run(monkeypatch, capsys, "token", "revoke", "--subject", "nurse-1")
    assert (code, err.strip()) == (1, "error: subject: 'nurse-1' has no live token")
    code, _, err = run(monkeypatch, capsys, "token", "create", "--subject", "x", "--role", "admin")
    assert code == 2


@pytest.mark.usefixtures("cli_env")
def test_a_discharge_shows_in_patient_show_and_a_reimport_names_what_it_refuses(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sample = SCENARIOS / "sample.json"
    run(monkeypatch, capsys, "import", str(sample))
    ids = ["--program", "standard-101", "--patient", "P0024"]
    code, _, _ = run(monkeypatch, capsys, "patient", "discharge", *ids, "--reason", "moved")
    assert code == 0
    code, out, _ = run(monkeypatch, capsys, "patient", "show", *ids)
    assert code == 0
    assert out.splitlines()[-1] == "discharged on 2026-11-25: moved"
    code, out, _ = run(monkeypatch, capsys, "import", str(sample))
    assert (code, "0 events" in out, "not applied" in out) == (0, True, False)
    document = json.loads(sample.read_text())
    document["patients"][23]["commitments"] = []
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    code, out, _ = run(monkeypatch, capsys, "import", str(changed))
    assert code == 0
    assert out.splitlines()[-1] == (
        "not applied: patients[23].commitments: P0024 is discharged; commitments not changed"
    )


@pytest.mark.usefixtures("cli_env")
def test_generating_a_week_nobody_plans_for_names_it_and_records_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    for week in ("9999-W52", "2026-W54"):
        code, _, err = run(monkeypatch, capsys, "roster", "generate", "--week", week)
        assert code == 2
        assert week in err
    code, out, _ = run(monkeypatch, capsys, "census", "--format", "json")
    assert {row["status"] for row in json.loads(out)} == {"active"}


def test_roster_generate_uses_the_servers_solver_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Found running twelve weeks through the CLI: two fresh stores, same settings and file,
    # gave different rosters because the CLI ignored the deterministic solver settings.
    monkeypatch.setenv("STEPDOWN_NOW", NOW.isoformat())
    monkeypatch.setenv("STEPDOWN_SOLVER_WORKERS", "1")
    monkeypatch.setenv("STEPDOWN_SOLVER_DETERMINISTIC", "true")
    rosters = []
    for store in ("first", "second"):
        monkeypatch.setenv("STEPDOWN_DATABASE_URL", f"sqlite:///{tmp_path / store}.db")
        run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
        assert run(monkeypatch, capsys, "roster", "generate", "--week", "2026-W47")[0] == 0
        _, out, _ = run(
            monkeypatch, capsys, "roster", "show", "--week", "2026-W47", "--format", "csv"
        )
        rosters.append(out)
    assert rosters[0] == rosters[1]


@pytest.mark.usefixtures("cli_env")
def test_resume_names_the_published_weeks_that_hold_no_seat_for_the_patient(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found running twelve weeks through the CLI: a resumed patient had no seat all week and
    # nothing told the coordinator to regenerate.
    week = ("--week", "2026-W49")
    run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    run(monkeypatch, capsys, "roster", "generate", *week, "--time-limit", "20")
    run(monkeypatch, capsys, "roster", "publish", *week)
    patient = ("--program", "standard-101", "--patient", "P0002")
    assert run(monkeypatch, capsys, "patient", "pause", *patient, "--reason", "hospital")[0] == 0
    code, out, _ = run(monkeypatch, capsys, "patient", "resume", *patient)
    assert code == 0
    assert "P0002 has no seat in the published 2026-W49 from 2026-11-25; regenerate" in out


@pytest.mark.usefixtures("cli_env")
def test_attendance_correction_and_its_history(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    mark = [
        *("attendance", "record", "--program", "standard-101", "--patient", "P0002"),
        *("--session", "mon-evening-1", "--date", "2026-11-16"),
    ]
    code, out, _ = run(monkeypatch, capsys, *mark, "--status", "attended", "--walk-in")
    assert code == 0
    code, out, err = run(
        monkeypatch,
        capsys,
        *mark,
        "--status",
        "excused",
        "--reason",
        "left ill",
        "--contact-made",
    )
    assert code == 0, err
    assert "P0002 excused mon-evening-1 on 2026-11-16: corrected from attended" in out
    code, out, _ = run(monkeypatch, capsys, "attendance", "history", "--patient", "P0002")
    assert code == 0
    first, correction = out.splitlines()
    assert first.startswith("P0002 mon-evening-1 2026-11-16: attended by ")
    assert "attended → excused" in correction
    assert "(reason: left ill; contact made)" in correction
    code, out, _ = run(
        monkeypatch,
        capsys,
        *("attendance", "history", "--corrections-only", "--format", "json"),
    )
    [row] = json.loads(out)
    assert (row["from_status"], row["to_status"]) == ("attended", "excused")
