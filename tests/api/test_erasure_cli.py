"""`stepdown patient erase` and the store's key refusal, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from events.persistence import new_cipher_key
from tests.api.test_cli import cli_env, run  # noqa: F401 (cli_env is a fixture)
from tests.conftest import SCENARIOS

IDS = ["--program", "standard-101", "--patient", "P0024"]


def program_file(tmp_path: Path, retention_days: int) -> str:
    document = json.loads((SCENARIOS / "sample.json").read_text())
    document["program"]["policy"]["retention_days"] = retention_days
    path = tmp_path / "program.json"
    path.write_text(json.dumps(document))
    return str(path)


@pytest.mark.usefixtures("cli_env")
def test_erase_waits_for_the_retention_period_then_shows_the_patient_as_erased(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(monkeypatch, capsys, "import", program_file(tmp_path, 10))
    run(monkeypatch, capsys, "patient", "discharge", *IDS, "--reason", "moved")
    erase = ["patient", "erase", "standard-101", "P0024", "--reason", "patient request"]

    code, _, err = run(monkeypatch, capsys, *erase)
    assert (code, err.strip()) == (
        1,
        "error: patient P0024: the program keeps records for 10 days after they left on "
        "2026-11-25; erasure is possible from 2026-12-05",
    )

    monkeypatch.setenv("STEPDOWN_NOW", "2026-12-05T18:00:00+00:00")
    code, out, _ = run(monkeypatch, capsys, *erase)
    assert (code, out.strip()) == (0, "P0024: erased on 2026-12-05 by test-coordinator")
    code, out, _ = run(monkeypatch, capsys, "patient", "show", *IDS)
    assert out.splitlines()[0].startswith("P0024 (erased): discharged")
    assert "moved" not in out


@pytest.mark.usefixtures("cli_env")
def test_a_process_without_the_stores_key_is_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEPDOWN_CIPHER_KEY", new_cipher_key())
    code, _, _ = run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    assert code == 0
    monkeypatch.delenv("STEPDOWN_CIPHER_KEY")
    code, _, err = run(monkeypatch, capsys, "census")
    assert (code, err.strip()) == (
        1,
        "error: this store is encrypted: set STEPDOWN_CIPHER_KEY to the key it was created with",
    )
    monkeypatch.setenv("STEPDOWN_CIPHER_KEY", new_cipher_key())
    code, _, err = run(monkeypatch, capsys, "census")
    assert (code, err.strip()) == (
        1,
        "error: STEPDOWN_CIPHER_KEY is not the key this store was created with",
    )


@pytest.mark.usefixtures("cli_env")
def test_serve_refuses_a_key_that_does_not_fit_before_starting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    started: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.append(args))
    run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))
    monkeypatch.setenv("STEPDOWN_CIPHER_KEY", new_cipher_key())
    code, _, err = run(monkeypatch, capsys, "serve")
    assert (code, started) == (1, [])
    assert err.startswith("error: STEPDOWN_CIPHER_KEY is set, but this store was created without")
    monkeypatch.delenv("STEPDOWN_CIPHER_KEY")
    assert run(monkeypatch, capsys, "serve")[0] == 0
    assert len(started) == 1


@pytest.mark.usefixtures("cli_env")
def test_an_erased_patients_consents_list_as_erased_and_no_new_one_is_taken(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(monkeypatch, capsys, "import", program_file(tmp_path, 0))
    give = [
        "patient", "consent", "give", "standard-101", "P0024",
        "--recipient", "Harbor Sober Living", "--purpose", "housing",
        "--information", "schedule", "--expires", "2026-12-31",
        "--signed-by", "Mary Roe (mother)", "--signed-on", "2026-11-20",
    ]  # fmt: skip
    code, out, _ = run(monkeypatch, capsys, *give)
    consent_id = out.strip()
    run(monkeypatch, capsys, "patient", "discharge", *IDS, "--reason", "moved")
    erase = ["patient", "erase", "standard-101", "P0024", "--reason", "patient request"]
    assert run(monkeypatch, capsys, *erase)[0] == 0

    code, out, _ = run(monkeypatch, capsys, "patient", "consent", "list", "standard-101", "P0024")
    assert (code, out.strip()) == (
        0,
        f"{consent_id}  erased 2026-11-25  to '(erased)' for '(erased)': '(erased)'; "
        "signed by '(erased)' on 2026-11-20, expires 2026-12-31",
    )
    code, _, err = run(monkeypatch, capsys, *give)
    assert (code, err.strip()) == (
        1,
        "error: patient P0024 was erased on 2026-11-25: a consent cannot be recorded for them",
    )
