"""`stepdown staff ...`: list, show, absent, assign, week; bad input exits 1, naming it."""

from __future__ import annotations

import json
import re

import pytest

from tests.api.test_cli import cli_env, run  # noqa: F401  (the fixture)
from tests.conftest import SCENARIOS

PROGRAM = ("--program", "staffed-201")


@pytest.mark.usefixtures("cli_env")
def test_staff_from_an_import_to_an_absence_on_the_week(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "import", str(SCENARIOS / "staffed.json"))
    assert code == 0
    assert "staff: 6 added, 0 changed; rooms: 3 added, 0 changed; 18 sessions staffed" in out
    code, out, _ = run(monkeypatch, capsys, "staff", "list", *PROGRAM)
    assert code == 0
    # Every patient the file admits has a primary counsellor at once.
    assert re.fullmatch(
        r"s-ana Ana Ruiz: licensed counsellor; licensed_counsellor; up to 25 h/week; "
        r"caseload \d+/24",
        out.splitlines()[0],
    )
    caseloads = [int(n) for n in re.findall(r"caseload (\d+)/", out)]
    assert sum(caseloads) == 30
    code, out, _ = run(
        monkeypatch, capsys, "staff", "absent", *PROGRAM, "--staff", "s-eli",
        "--from", "2026-12-01", "--until", "2026-12-02", "--reason", "training",
    )  # fmt: skip
    assert (code, out) == (0, "s-eli: absent 2026-12-01 to 2026-12-02\n")
    code, out, _ = run(
        monkeypatch, capsys, "staff", "show", *PROGRAM, "--staff", "s-eli", "--format", "json"
    )
    counsels = json.loads(out)["counsels"]
    before = len(counsels)
    patient = next(
        p["id"]
        for p in json.loads((SCENARIOS / "staffed.json").read_text())["patients"]
        if p["id"] not in counsels
    )
    code, out, _ = run(
        monkeypatch, capsys, "staff", "assign", *PROGRAM, "--staff", "s-eli", "--patient", patient
    )
    assert code == 0
    code, out, _ = run(monkeypatch, capsys, "staff", "show", *PROGRAM, "--staff", "s-eli")
    assert "absent: 2026-12-01 to 2026-12-02 (training)" in out
    assert f"caseload: {before + 1}/24" in out
    code, out, _ = run(
        monkeypatch, capsys, "staff", "week", *PROGRAM, "--week", "2026-W49", "--format", "json"
    )
    eli = next(w for w in json.loads(out) if w["staff_id"] == "s-eli")
    assert [m["facilitator_absent"] for m in eli["meetings"]] == [False, True, True, False, False]
    assert eli["max_hours_per_week"] == 24
    code, out, _ = run(monkeypatch, capsys, "staff", "week", *PROGRAM, "--week", "2026-W49")
    lines = out.splitlines()
    eli_at = lines.index("s-eli Eli Brooks (licensed counsellor): 9 h of at most 24 h")
    assert lines[eli_at + 2] == (
        "  2026-12-01 18:00-21:00 tue-evening-2 Hybrid room-b  ABSENT: needs cover"
    )


@pytest.mark.usefixtures("cli_env")
def test_an_absence_for_an_unknown_member_exits_1_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "staffed.json"))[0] == 0
    code, _, err = run(
        monkeypatch, capsys, "staff", "absent", *PROGRAM, "--staff", "s-zed", "--from", "2026-12-01"
    )
    assert code == 1
    assert "staff: 's-zed' is not a staff member of program staffed-201" in err


@pytest.mark.usefixtures("cli_env")
def test_a_member_leading_groups_is_not_removed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "staffed.json"))[0] == 0
    code, _, err = run(monkeypatch, capsys, "staff", "remove", *PROGRAM, "--staff", "s-dev")
    assert code == 1
    assert "'s-dev' still facilitates sat-weekend-1" in err
