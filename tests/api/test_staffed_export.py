"""`stepdown export` of a staffed program writes `stepdown/program@2` with its staff, rooms,
staffing policy and session staffing, and that file imports into an empty store as the same
program; a program without staff still exports `@1`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_cli import cli_env, run  # noqa: F401  (the fixture)
from tests.conftest import SCENARIOS

STAFFED = ("--program", "staffed-201")


def _export(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> dict[str, Any]:
    code, out, err = run(monkeypatch, capsys, "export", *args)
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


@pytest.mark.usefixtures("cli_env")
def test_a_staffed_export_imports_into_an_empty_store_as_the_same_program(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    original = json.loads((SCENARIOS / "staffed.json").read_text(encoding="utf-8"))
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "staffed.json"))[0] == 0
    exported = _export(monkeypatch, capsys, *STAFFED)
    assert exported["format"] == "stepdown/program@2"
    assert exported["staff"] == sorted(original["staff"], key=lambda s: s["id"])
    assert exported["rooms"] == original["rooms"]
    assert exported["program"]["policy"] == original["program"]["policy"]
    staffing_fields = ("id", "modality", "room", "facilitators", "credentials")
    assert [{k: s.get(k) for k in staffing_fields} for s in exported["sessions"]] == [
        {k: s.get(k) for k in staffing_fields} for s in original["sessions"]
    ]

    exported_file = tmp_path / "exported.json"
    exported_file.write_text(json.dumps(exported), encoding="utf-8")
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", f"sqlite:///{tmp_path}/second.db")
    code, out, err = run(monkeypatch, capsys, "import", str(exported_file))
    assert code == 0, err
    assert "staff: 6 added, 0 changed; rooms: 3 added, 0 changed; 18 sessions staffed" in out
    assert _export(monkeypatch, capsys, *STAFFED) == exported


@pytest.mark.usefixtures("cli_env")
def test_a_member_who_left_is_not_in_the_export(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = json.loads((SCENARIOS / "staffed.json").read_text(encoding="utf-8"))
    # A peer specialist who leads no group, so may leave.
    document["staff"].append(
        {"id": "s-gus", "name": "Gus Hale", "role": "peer specialist", "max_hours_per_week": 10}
    )
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "import", str(changed))
    assert code == 0, err
    code, _, err = run(monkeypatch, capsys, "staff", "remove", *STAFFED, "--staff", "s-gus")
    assert code == 0, err
    exported = _export(monkeypatch, capsys, *STAFFED)
    assert [member["id"] for member in exported["staff"]] == [
        "s-ana", "s-ben", "s-cara", "s-dev", "s-eli", "s-fay",
    ]  # fmt: skip
    exported_file = tmp_path / "exported.json"
    exported_file.write_text(json.dumps(exported), encoding="utf-8")
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", f"sqlite:///{tmp_path}/second.db")
    assert run(monkeypatch, capsys, "import", str(exported_file))[0] == 0


@pytest.mark.usefixtures("cli_env")
def test_a_program_without_staff_exports_the_first_format(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))[0] == 0
    exported = _export(monkeypatch, capsys)
    assert exported["format"] == "stepdown/program@1"
    assert "staff" not in exported
    assert "rooms" not in exported
    assert all("facilitators" not in session for session in exported["sessions"])
