"""The README's main job, run as a user would: the installed `stepdown` script in a fresh directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import SCENARIOS

STEPDOWN = Path(sys.executable).parent / "stepdown"


def test_import_and_census_on_the_embedded_default(tmp_path: Path) -> None:
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    env = {k: v for k, v in os.environ.items() if k != "STEPDOWN_DATABASE_URL"}
    imported = subprocess.run(
        [str(STEPDOWN), "import", "scenarios/sample.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "30 patients enrolled" in imported.stdout
    assert (tmp_path / "stepdown.db").exists()
    census = subprocess.run(
        [str(STEPDOWN), "census"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "patients in treatment in standard-101" in census.stdout
    bad = subprocess.run(
        [str(STEPDOWN), "census", "--program", "nope"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 1
    assert bad.stderr.strip() == "error: program: 'nope' does not exist"
