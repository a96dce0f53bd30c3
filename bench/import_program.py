"""Time `stepdown import` of the 400-patient scenario on SQLite (and PostgreSQL when reachable).

Runs the real console script in a fresh directory, several times, and writes the medians to
bench/results/import.md. Usage: .venv/bin/python bench/import_program.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from uuid import uuid4

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "multi-400.json"
STEPDOWN = Path(sys.executable).parent / "stepdown"
POSTGRES_URL = os.environ.get(
    "STEPDOWN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def time_import(database_url: str, workdir: Path) -> float:
    env = {**os.environ, "STEPDOWN_DATABASE_URL": database_url}
    started = time.perf_counter()
    subprocess.run(
        [str(STEPDOWN), "import", str(SCENARIO)],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def sqlite_runs(runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        workdir = Path(tempfile.mkdtemp())
        timings.append(time_import("sqlite:///./stepdown.db", workdir))
        shutil.rmtree(workdir)
    return timings


def postgres_runs(runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        schema = f"bench_{uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {schema}")
        try:
            timings.append(
                time_import(f"{POSTGRES_URL}?schema={schema}", Path(tempfile.gettempdir()))
            )
        finally:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
                connection.execute(f"DROP SCHEMA {schema} CASCADE")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    results = {"SQLite (embedded file)": sqlite_runs(runs)}
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
        results["PostgreSQL"] = postgres_runs(runs)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL skipped: {error}", file=sys.stderr)
    lines = [
        "# `stepdown import` of multi-400.json (400 patients, 161 sessions, 562 events)",
        "",
        "Whole command wall time: process start, validation, one-transaction save, and catch-up of",
        "all five read models. Target: under 10 s on SQLite.",
        "",
        f"Measured with `.venv/bin/python bench/import_program.py --runs {runs}` on "
        f"{os.cpu_count()} cores.",
        "",
        "| backend | runs | median s | min s | max s |",
        "|---|---|---|---|---|",
    ]
    for backend, timings in results.items():
        lines.append(
            f"| {backend} | {len(timings)} | {statistics.median(timings):.2f} | "
            f"{min(timings):.2f} | {max(timings):.2f} |"
        )
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "import.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
