"""The package as a user installs it: the wheel built from this tree, installed (not editable) in
a fresh virtual environment from requirements.lock alone, then its command line, API and pages
run from there. An editable install reads templates and static files from the source tree, so
only this test sees a wheel that left them out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from events.calendar import iso_week
from tests.conftest import SCENARIOS
from tests.e2e.conftest import PROGRAM, Server, start_server

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("events", "solver", "scheduler", "api")
LOCK = ROOT / "requirements.lock"
# Building writes build/ and *.egg-info next to the sources: it happens in a copy, so the work
# tree stays as it was.
BUILD_INPUTS = (*PACKAGES, "pyproject.toml", "README.md")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")


@dataclass(frozen=True)
class Installation:
    wheel: Path
    bin: Path
    site_packages: Path

    def run(self, *args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "stepdown"), *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )


def run(*command: str | Path, cwd: Path) -> None:
    subprocess.run([str(part) for part in command], cwd=cwd, check=True, timeout=900)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=SKIPPED)
        else:
            shutil.copy2(ROOT / name, source / name)
    # The build backend is the one pinned in the lock (no download of an isolated build env).
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--wheel-dir", work / "dist", source, cwd=work)  # fmt: skip
    (wheel,) = (work / "dist").glob("stepdown-*.whl")
    environment = work / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--require-hashes", "-r", LOCK, cwd=work)
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", wheel, cwd=work)
    # Every dependency the wheel declares came from the lock.
    run(python, "-m", "pip", "check", cwd=work)
    (site_packages,) = (environment / "lib").glob("python3.*/site-packages")
    return Installation(wheel, environment / "bin", site_packages)


@pytest.fixture
def user_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of a user's shell: nothing that points Python at this source tree."""
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.setenv("STEPDOWN_SOLVER_WORKERS", "1")
    monkeypatch.setenv("STEPDOWN_SOLVER_DETERMINISTIC", "true")
    return dict(os.environ)


def test_the_wheel_carries_every_file_of_the_packages(installed: Installation) -> None:
    in_tree = {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    with zipfile.ZipFile(installed.wheel) as wheel:
        in_wheel = set(wheel.namelist())
    assert in_tree - in_wheel == set()
    assert {"api/templates/web/week.html", "api/static/sheet.css"} <= in_wheel


def test_the_command_line_runs_from_the_installed_package(
    installed: Installation, user_env: dict[str, str], tmp_path: Path
) -> None:
    located = subprocess.run(
        [str(installed.bin / "python"), "-c", "import api; print(api.__file__)"],
        cwd=tmp_path,
        env=user_env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(located.stdout.strip()).is_relative_to(installed.site_packages)
    assert "serve" in installed.run("--help", cwd=tmp_path, env=user_env).stdout
    shutil.copy2(SCENARIOS / "sample.json", tmp_path / "sample.json")
    imported = installed.run("import", "sample.json", cwd=tmp_path, env=user_env)
    assert "30 patients enrolled" in imported.stdout
    roster = installed.run("roster", "generate", cwd=tmp_path, env=user_env)
    assert roster.stdout.startswith(f"{PROGRAM} "), roster.stdout
    assert " version 1: " in roster.stdout, roster.stdout


@pytest.fixture
def installed_server(
    installed: Installation, user_env: dict[str, str], tmp_path: Path
) -> Iterator[Server]:
    yield from start_server(tmp_path, import_program=True, stepdown=installed.bin / "stepdown")


def test_the_api_and_pages_answer_from_the_installed_package(installed_server: Server) -> None:
    auth = {"Authorization": f"Bearer {installed_server.tokens['coordinator']}"}
    with httpx.Client(base_url=installed_server.base_url, timeout=120) as http:
        assert http.get("/health").json() == {"status": "ok", "database": "ok"}
        sign_in_page = http.get("/ui/sign-in")
        assert sign_in_page.status_code == 200, sign_in_page.text
        assert "Sign in" in sign_in_page.text
        assert "@media print" in http.get("/static/sheet.css").text
        assert http.get("/static/web/base.css").status_code == 200

        signed_in = http.post("/ui/sign-in", data={"token": installed_server.tokens["coordinator"]})
        assert signed_in.status_code == 303, signed_in.text
        week = iso_week(date.today() + timedelta(days=7))
        generated = http.post(f"/programs/{PROGRAM}/rosters/{week}/generate", json={}, headers=auth)
        assert generated.status_code == 201, generated.text
        week_page = http.get(f"/ui/programs/{PROGRAM}/weeks/{week}")
        assert week_page.status_code == 200, week_page.text
        assert week in week_page.text

        roster = http.get(f"/programs/{PROGRAM}/rosters/{week}", headers=auth).json()
        meeting = next(s for s in roster["sessions"] if s["patient_ids"])
        sheet = http.get(
            f"/programs/{PROGRAM}/rosters/{week}/sessions/{meeting['session_id']}"
            f"/{meeting['date']}/sign-in",
            headers=auth,
        )
        assert sheet.status_code == 200, sheet.text
        assert f"Patient {int(meeting['patient_ids'][0][1:])}<" in sheet.text
