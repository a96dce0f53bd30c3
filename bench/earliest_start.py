""" "When can they start?" at 400 patients: one referral's earliest start, end to end.

Imports the 400-patient scenario into a fresh SQLite store, refers referrals whose commitments
are copied from the scenario's own patients (plus one whose hours fit no week, so every
candidate start is tried), and times `earliest_start` for each (12-week horizon; each call
builds its future weeks afresh, as a request does). Target: ≤ 2 s per referral.
Writes bench/results/earliest_start.md.
Usage: .venv/bin/python bench/earliest_start.py [--referrals 20]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from events.persistence import database_from_url
from scheduler.importing import import_program
from scheduler.planning import referrals
from scheduler.planning.earliest_start import earliest_start
from scheduler.planning.referral_file import parse_referral
from scheduler.planning.seats import committed_seats
from scheduler.service import open_stepdown

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "multi-400.json"
NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
TARGET_S = 2.0
NO_WEEK_FITS = [
    {
        "kind": "work",
        "days": ["MON", "TUE", "WED", "THU", "FRI", "SAT"],
        "start": "06:00",
        "end": "23:00",
    }
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrals", type=int, default=20)
    args = parser.parse_args()
    document = json.loads(SCENARIO.read_text())
    program_id = document["program"]["id"]
    rng = random.Random(15)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        stepdown = open_stepdown(database_from_url(f"sqlite:///{folder}/b.db"), clock=lambda: NOW)
        try:
            import_program(stepdown, SCENARIO.read_text(), actor="bench")
            stepdown.catch_up()
            for index in range(args.referrals + 1):
                last = index == args.referrals
                source = rng.choice(document["patients"])
                referral = parse_referral(
                    {
                        "id": f"BENCH{index:03d}",
                        "name": f"Bench referral {index}",
                        "planned_weeks": source["planned_weeks"],
                        "initial_days_per_week": source["initial_days_per_week"],
                        "earliest_start": "2026-11-30",
                        "commitments": NO_WEEK_FITS if last else source["commitments"],
                    }
                )
                referrals.refer(stepdown, program_id, referral, actor="bench")
                stepdown.catch_up()
                started = time.perf_counter()
                answer = earliest_start(stepdown, program_id, referral.id)
                seconds = time.perf_counter() - started
                rows.append((referral.id, answer.start_date, len(answer.refusals), seconds))
            # The most any answer can build: every week of a 12-week horizon and a 12-week course.
            mondays = [date(2026, 11, 30) + timedelta(weeks=w) for w in range(24)]
            started = time.perf_counter()
            seats = committed_seats(stepdown, program_id, mondays)
            every_week_s = time.perf_counter() - started
        finally:
            stepdown.close()
    times = [row[3] for row in rows]
    lines = [
        "# When can they start? — 400 patients (bench/earliest_start.py)",
        "",
        f"Scenario `multi-400.json` ({len(document['patients'])} patients, "
        f"{len(document['sessions'])} sessions), SQLite, 12-week horizon, clock {NOW:%Y-%m-%d}.",
        f"Target ≤ {TARGET_S:.0f} s per referral. Median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s: {'met' if max(times) <= TARGET_S else 'NOT met'}.",
        f"Every week an answer can need (24 weeks built, the enrolled seated by max flow, "
        f"`committed_seats`): {every_week_s:.2f} s ({sum(seats.values())} seats).",
        "",
        "| referral | earliest start | candidates refused | seconds |",
        "|---|---|---|---|",
        *(f"| {r[0]} | {r[1] or 'none in horizon'} | {r[2]} | {r[3]:.2f} |" for r in rows),
        "",
    ]
    (ROOT / "bench" / "results" / "earliest_start.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
