"""Latency from recording a miss to its make-up being visible in the roster read model.

On the 400-patient scenario with a generated, published roster, records 200 misses one after
another (each: the attendance use case, then the embedded catch-up that runs the make-up policy
and the projections) on SQLite and on PostgreSQL. Writes bench/results/makeup.md.
Usage: .venv/bin/python bench/makeup.py [--misses 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from events.persistence import database_from_url
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.importing import import_program
from scheduler.rosters import generate_roster, publish_roster
from scheduler.service import open_stepdown

ROOT = Path(__file__).resolve().parent.parent
PROGRAM, WEEK, MONDAY = "multi-303", "2026-W49", date(2026, 11, 30)
# Tuesday 08:00 in Chicago: Monday's misses are being recorded; make-ups from 10:00 on.
NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get(
    "STEPDOWN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def run(url: str, misses: int) -> tuple[list[float], int]:
    stepdown = open_stepdown(database_from_url(url), clock=lambda: NOW)
    try:
        import_program(stepdown, (ROOT / "scenarios" / "multi-400.json").read_text(), actor="bench")
        stepdown.catch_up()
        generate_roster(stepdown, PROGRAM, WEEK, actor="bench", time_limit_s=60)
        publish_roster(stepdown, PROGRAM, WEEK, actor="bench")
        stepdown.catch_up()
        roster = stepdown.app.find_roster(PROGRAM, WEEK)
        assert roster is not None
        # Monday's seats, then Tuesday's (today) that have started, until there are enough misses.
        program = stepdown.app.get_program(PROGRAM)
        begun = {
            a
            for a in roster.assignments
            if datetime.combine(
                a.session_date, program.sessions[a.session_id].start, ZoneInfo(program.timezone)
            )
            <= NOW
        }
        seats = sorted(
            (a for a in begun if a.session_date <= MONDAY + timedelta(days=1)),
            key=lambda a: (a.session_date, a.patient_id),
        )[:misses]
        latencies, made_up = [], 0
        for seat in seats:
            started = time.perf_counter()
            record_attendance(
                stepdown,
                program_id=PROGRAM,
                patient_id=seat.patient_id,
                session_id=seat.session_id,
                session_date=seat.session_date,
                status=AttendanceStatus.MISSED,
                actor="bench",
            )
            stepdown.catch_up()
            with stepdown.views.transaction(commit=False) as cursor:
                rows = cursor.query(
                    "SELECT COUNT(*) AS n FROM view_roster_assignments a JOIN view_rosters r "
                    "ON r.roster_id = a.roster_id WHERE r.week = ? AND a.patient_id = ? "
                    "AND a.session_date > ?",
                    (WEEK, seat.patient_id, seat.session_date.isoformat()),
                )
            latencies.append(time.perf_counter() - started)
            made_up += int(rows[0]["n"]) > 0
        return latencies, made_up
    finally:
        stepdown.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", type=int, default=200)
    misses = parser.parse_args().misses
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = run(f"sqlite:///{folder}/bench.db", misses)
    schema = f"bench_{uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        results["PostgreSQL"] = run(f"{POSTGRES_URL}?schema={schema}", misses)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")
    lines = [
        "# Make-up latency: miss recorded → make-up visible in the roster read model",
        "",
        f"`.venv/bin/python bench/makeup.py --misses {misses}` on {os.cpu_count()} cores: the",
        "400-patient scenario, its roster for 2026-W49 generated and published, then Monday's",
        "(and if needed Tuesday's) seats missed one after another. Each latency is the attendance use case plus the",
        "embedded catch-up (make-up policy, then every projection) plus the read-model query.",
        "Targets: p95 under 150 ms on SQLite, under 250 ms on PostgreSQL.",
        "",
        "| backend | misses | made up | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    for backend, (latencies, made_up) in results.items():
        ordered = sorted(latencies)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        lines.append(
            f"| {backend} | {len(latencies)} | {made_up} | {statistics.median(latencies) * 1000:.0f} | "
            f"{p95 * 1000:.0f} | {max(latencies) * 1000:.0f} |"
        )
    out = ROOT / "bench" / "results" / "makeup.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
