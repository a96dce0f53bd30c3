"""`stepdown token` with scope and expiry, `patient consent`, `patient disclosures`, and the
disclosure log entries the CLI's own reads and exports record."""

from __future__ import annotations

import pytest

from tests.api.test_cli import cli_env, run
from tests.conftest import SCENARIOS

__all__ = ["cli_env"]  # the fixture, imported to be found here

Run = tuple[pytest.MonkeyPatch, pytest.CaptureFixture[str]]


@pytest.fixture
def cli(cli_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))[0] == 0
    return monkeypatch, capsys


def test_a_token_names_its_programs_or_all_of_them(cli: Run) -> None:
    code, _, err = run(*cli, "token", "create", "--subject", "a", "--role", "viewer")
    assert code == 2
    assert "--program ID (one or more) or --all-programs" in err
    code, out, _ = run(
        *cli, "token", "create", "--subject", "a", "--role", "viewer", "--program", "standard-101"
    )
    assert code == 0
    assert out.startswith("sd_")
    code, _, _ = run(
        *cli, "token", "create", "--subject", "b", "--role", "coordinator", "--all-programs",
        "--expires-in-days", "7",
    )  # fmt: skip
    assert code == 0
    code, out, _ = run(*cli, "token", "list")
    lines = out.splitlines()
    assert "expires 2027-02-23" in lines[0]
    assert lines[0].endswith("programs: standard-101")
    assert "expires 2026-12-02" in lines[1]
    assert lines[1].endswith("programs: all programs")
    token_id = lines[0].split()[0]
    code, out, _ = run(*cli, "token", "revoke", "--id", token_id)
    assert (code, out.strip()) == (0, f"{token_id}: 1 token(s) and session(s) revoked")


def test_consents_and_disclosures_from_the_command_line(cli: Run) -> None:
    code, out, _ = run(
        *cli, "patient", "consent", "give", "standard-101", "P0001",
        "--recipient", "Harbor Sober Living", "--purpose", "housing",
        "--information", "schedule", "--expires", "2026-12-31",
        "--signed-by", "Jane Roe", "--signed-on", "2026-11-20",
    )  # fmt: skip
    assert code == 0
    consent_id = out.strip()
    code, out, _ = run(*cli, "patient", "consent", "list", "standard-101", "P0001")
    assert out.startswith(f"{consent_id}  active")
    code, _, err = run(*cli, "export", "--recipient", "Harbor Sober Living")
    assert code == 1  # every patient in the file needs a consent; P0002 has none
    assert "'P0002' has no consent naming recipient 'Harbor Sober Living'" in err
    assert run(*cli, "patient", "show", "--program", "standard-101", "--patient", "P0001")[0] == 0
    code, out, _ = run(*cli, "export", "--purpose", "audit")
    assert code == 0
    code, out, _ = run(*cli, "patient", "disclosures", "standard-101", "P0001")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert "test-coordinator via cli: patient-record for 'treatment'" in lines[0]
    assert "test-coordinator via cli: program-export for 'audit'" in lines[1]
    code, out, _ = run(
        *cli, "patient", "consent", "revoke", "standard-101", "P0001", consent_id,
        "--reason", "patient asked",
    )  # fmt: skip
    assert (code, out.strip()) == (0, f"{consent_id}: revoked")
    code, _, err = run(*cli, "patient", "disclosures", "standard-101", "P9999")
    assert code == 1
    assert "P9999" in err
