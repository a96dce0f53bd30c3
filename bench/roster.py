"""Issue 12's roster targets side by side in one run, with the first-fit greedy baseline beside.

Each row (a kind of program at one size) runs in its own Python process, so its peak memory is
its own. Row kinds:
  tiers     a program's week; per-tier statistics; splits and triples against reference models
  scale     the same at 5,000 and 10,000 patients (time and peak memory)
  anytime   1,500 patients with a 1 s limit: a roster must still come back
  stable    the same program next week with no change at all: moves counted (0 expected)
  turnover  next week with 10 % turnover: moves of patients whose own data did not change
  pins      1,500 patients, 20 pins taken from a greedy roster
  lengths   1,500 patients, sessions of 2.5–3.5 h
  cli       the real `stepdown` script on a temporary SQLite store: import, roster generate
  staffed   the same with 25 staff, rooms and weekly individual sessions; then an absence

Usage: .venv/bin/python bench/roster.py [--runs 3] [--rows tiers scale ...] [--sizes 400 ...]
       .venv/bin/python bench/roster.py --quick        # sizes 30 and 120, short limits
Writes bench/results/roster.md and roster.json (--quick: roster-quick.md / .json).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from program_generator import generate_week, same_week_later, with_pins
from roster_metrics import (
    forced_shortfall,
    moves,
    roster_figures,
    tier_rows,
    unchanged_patients,
)
from roster_reference import fewest_splits, fewest_triples
from roster_report import write_report
from staffed_rows import staffed_row
from week_program import program_document

from solver import Placement, RosterProblem, RosterSolution, solve
from solver.greedy import greedy_roster

ROOT = Path(__file__).resolve().parent.parent
STEPDOWN = Path(sys.executable).parent / "stepdown"
MONDAY = date(2026, 11, 30)  # ISO 2026-W49, the scenario files' roster week
KINDS = ("tiers", "scale", "anytime", "stable", "turnover", "pins", "lengths", "cli", "staffed")
FULL_ROWS: tuple[tuple[str, int, float], ...] = (  # kind, patients, time limit s
    ("tiers", 400, 10),
    ("tiers", 1500, 30),
    ("scale", 5000, 30),
    ("scale", 10000, 30),
    ("anytime", 1500, 1),
    ("stable", 400, 10),
    ("stable", 1500, 30),
    ("turnover", 400, 10),
    ("turnover", 1500, 30),
    ("pins", 1500, 30),
    ("lengths", 1500, 30),
    ("cli", 400, 10),
    ("cli", 1500, 30),
    ("staffed", 400, 30),
)
QUICK_SIZES = (30, 120)
PINS = 20
SESSION_MINUTES = (150, 210)
WITH_REFERENCE = {"tiers", "pins", "lengths"}
Result = dict[str, Any]


@dataclass(frozen=True)
class RowSpec:
    kind: str
    patients: int
    time_limit_s: float
    seed: int
    reference_limit_s: float

    @property
    def pins(self) -> int:
        return min(PINS, max(1, self.patients // 6))

    @property
    def label(self) -> str:
        if self.kind == "pins":
            return f"{self.patients:,} + {self.pins} pins"
        if self.kind == "lengths":
            return f"{self.patients:,}, sessions 2.5–3.5 h"
        return f"{self.patients:,}"


# --- one row, in its own process ----------------------------------------------------------


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def with_last_week(problem: RosterProblem, last_week: RosterSolution) -> RosterProblem:
    sessions_by_patient: dict[str, set[str]] = {}
    for p in last_week.placements:
        sessions_by_patient.setdefault(p.patient_id, set()).add(p.session_id)
    return replace(
        problem,
        patients=tuple(
            replace(p, previous_session_ids=frozenset(sessions_by_patient.get(p.patient_id, set())))
            for p in problem.patients
        ),
    )


def timed_solve(problem: RosterProblem, spec: RowSpec) -> tuple[RosterSolution, float]:
    started = time.perf_counter()
    solution = solve(problem, time_limit_s=spec.time_limit_s, seed=spec.seed)
    return solution, time.perf_counter() - started


def solver_result(
    problem: RosterProblem, solution: RosterSolution, wall_s: float, rss_before: float
) -> Result:
    stats = solution.stats
    return {
        "status": stats.status,
        "returned": bool(solution.placements) or stats.status in ("OPTIMAL", "FEASIBLE"),
        "wall_s": wall_s,
        "first_s": stats.first_solution_s if stats.first_solution_s is not None else float("nan"),
        "objective": stats.objective,
        "bound": stats.best_bound,
        "gap": stats.gap,
        "stepped_early": sum(o.stepped_early for o in solution.outcomes),
        "rss_before_mb": rss_before,
        "peak_mb": peak_rss_mb(),
        "forced": forced_shortfall(problem),
        "tiers": tier_rows(solution),
        **roster_figures(problem, solution.placements),
    }


def greedy_result(problem: RosterProblem) -> Result:
    greedy = greedy_roster(problem)
    figures = roster_figures(problem, greedy.placements)
    return {"greedy_s": greedy.stats.wall_time_s} | {f"greedy_{k}": v for k, v in figures.items()}


def reference_result(
    problem: RosterProblem, placements: tuple[Placement, ...], limit: float
) -> Result:
    splits = fewest_splits(problem, placements, time_limit_s=limit)
    triples = fewest_triples(problem, placements, time_limit_s=limit)
    return {f"ref_splits_{k}": v for k, v in asdict(splits).items()} | {
        f"ref_triples_{k}": v for k, v in asdict(triples).items()
    }


def one_week(spec: RowSpec) -> Result:
    """tiers, scale, anytime, pins, lengths: one week solved from nothing."""
    lengths = SESSION_MINUTES if spec.kind == "lengths" else None
    problem = generate_week(spec.patients, MONDAY, spec.seed, session_minutes=lengths)
    if spec.kind == "pins":
        problem = with_pins(problem, spec.pins, spec.seed)
    rss_before = peak_rss_mb()
    solution, wall = timed_solve(problem, spec)
    result = solver_result(problem, solution, wall, rss_before)
    kept = set(solution.placements)
    result["pins_kept"] = sum(pin in kept for pin in problem.pins)
    result |= greedy_result(problem)
    if spec.kind in WITH_REFERENCE:
        result |= reference_result(problem, solution.placements, spec.reference_limit_s)
    return result


def two_weeks(spec: RowSpec) -> Result:
    """stable, turnover: week 1 solved, then week 2 with week 1's groups to keep."""
    week1 = generate_week(spec.patients, MONDAY, spec.seed)
    if spec.kind == "stable":
        week2 = same_week_later(week1)
    else:
        week2 = generate_week(
            spec.patients, MONDAY + timedelta(days=7), spec.seed + 1, previous=week1
        )
    rss_before = peak_rss_mb()
    solved1, _ = timed_solve(week1, spec)
    problem2 = with_last_week(week2, solved1)
    solved2, wall = timed_solve(problem2, spec)
    result = solver_result(problem2, solved2, wall, rss_before)
    compared = unchanged_patients(week1, week2)
    counted = moves(week1, solved1.placements, week2, solved2.placements, compared)
    result |= {f"moves_{k}": v for k, v in asdict(counted).items()} | {"moves_total": counted.total}
    greedy1, greedy2 = greedy_roster(week1), greedy_roster(week2)
    greedy_moves = moves(week1, greedy1.placements, week2, greedy2.placements, compared)
    result |= greedy_result(week2) | {"greedy_moves_total": greedy_moves.total}
    return result


def run_measured(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """(wall s, peak RSS MB, stdout) of one whole process, its peak from wait4 (its own)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            message = err.read()[-2000:]
            raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {message}")
        return wall, usage.ru_maxrss / 1024, out.read()


def through_cli(spec: RowSpec) -> Result:
    """Import a generated program, then `roster generate` and `roster show --format json`."""
    problem = generate_week(spec.patients, MONDAY, spec.seed)
    week = f"{MONDAY.isocalendar().year}-W{MONDAY.isocalendar().week:02d}"
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        (folder / "program.json").write_text(json.dumps(program_document(problem)))
        env = {k: v for k, v in os.environ.items() if not k.startswith("STEPDOWN_")} | {
            "STEPDOWN_DATABASE_URL": f"sqlite:///{folder / 'stepdown.db'}",
            "STEPDOWN_NOW": f"{MONDAY - timedelta(days=7)}T08:00:00-06:00",
            "STEPDOWN_ACTOR": "bench",
        }
        import_s, import_mb, _ = run_measured(
            [str(STEPDOWN), "import", "program.json"], env, folder
        )
        limit = f"{spec.time_limit_s:g}"
        generate = [str(STEPDOWN), "roster", "generate", "--week", week, "--time-limit", limit]
        generate_s, generate_mb, _ = run_measured(generate, env, folder)
        show = [str(STEPDOWN), "roster", "show", "--week", week, "--format", "json"]
        _, _, shown = run_measured(show, env, folder)
    document = json.loads(shown)
    placements = tuple(
        Placement(p["patient_id"], seat["session_id"], date.fromisoformat(seat["date"]))
        for p in document["patients"]
        for seat in p["session_ids"]
    )
    solver = document["solver"]
    return {
        "status": solver["status"],
        "returned": bool(placements),
        "wall_s": generate_s,
        "import_s": import_s,
        "import_peak_mb": import_mb,
        "peak_mb": generate_mb,
        "solver_wall_s": solver["wall_time_s"],
        "objective": solver["objective"],
        "bound": solver["best_bound"],
        "gap": solver["gap"],
        "forced": forced_shortfall(problem),
        "tiers": list(solver.get("tiers", [])),
        **roster_figures(problem, placements),
    }


def staffed(spec: RowSpec) -> Result:
    return staffed_row(spec, MONDAY, run_measured, STEPDOWN)


RUNNERS: dict[str, Callable[[RowSpec], Result]] = {
    "tiers": one_week,
    "scale": one_week,
    "anytime": one_week,
    "pins": one_week,
    "lengths": one_week,
    "stable": two_weeks,
    "turnover": two_weeks,
    "cli": through_cli,
    "staffed": staffed,
}


# --- the run: one process per row and run ------------------------------------------------


def run_row(spec: RowSpec) -> Result:
    command = [sys.executable, __file__, "--row", json.dumps(asdict(spec))]
    budget = 4 * spec.time_limit_s + 2 * spec.reference_limit_s + 600
    done = subprocess.run(command, capture_output=True, text=True, timeout=budget, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?"}
    result: Result = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def row_specs(args: argparse.Namespace) -> list[RowSpec]:
    kinds = args.rows or list(KINDS)
    if args.quick or args.sizes:
        sizes = args.sizes or list(QUICK_SIZES)
        table = [(k, n, default_limit(k, n, args.quick)) for k in kinds for n in sizes]
    else:
        table = [row for row in FULL_ROWS if row[0] in kinds]
    reference_limit = args.reference_limit or (10.0 if args.quick else 60.0)
    return [
        RowSpec(kind, n, args.time_limit or limit, 100 + run, reference_limit)
        for kind, n, limit in table
        for run in range(args.runs)
    ]


def default_limit(kind: str, patients: int, quick: bool) -> float:
    if kind == "anytime":
        return 1.0
    if quick:
        return 5.0
    return 10.0 if patients <= 400 else 30.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows", nargs="+", choices=KINDS, help="row kinds (default: all)")
    parser.add_argument("--sizes", type=int, nargs="+", help="every selected kind at these sizes")
    parser.add_argument("--runs", type=int, default=1, help="runs (seeds) per row; medians")
    parser.add_argument("--quick", action="store_true", help="sizes 30 and 120, 5 s limits")
    parser.add_argument("--time-limit", type=float, help="one solver limit for every row")
    parser.add_argument(
        "--reference-limit", type=float, help="reference models' limit (60 s; quick 10 s)"
    )
    parser.add_argument("--out", type=Path, help="report path (default bench/results/roster.md)")
    parser.add_argument("--row", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.row:
        spec = RowSpec(**json.loads(args.row))
        print(json.dumps(RUNNERS[spec.kind](spec)))
        return
    started = time.perf_counter()
    results: list[tuple[RowSpec, Result]] = []
    for spec in row_specs(args):
        result = run_row(spec)
        results.append((spec, result))
        print(progress_line(spec, result), flush=True)
    out = args.out or ROOT / "bench" / "results" / (
        "roster-quick.md" if args.quick else "roster.md"
    )
    write_report(out, results, args, time.perf_counter() - started)


def progress_line(spec: RowSpec, result: Result) -> str:
    if "error" in result:
        return f"{spec.kind:9} {spec.label:>24} seed {spec.seed}: ERROR {result['error']}"
    tiers = " ".join(f"{t['name']}={t['status']}/{t['gap']:.1%}" for t in result.get("tiers", []))
    return (
        f"{spec.kind:9} {spec.label:>24} seed {spec.seed}: {result['status']} "
        f"{result['wall_s']:.1f} s, {result['peak_mb']:.0f} MB, shortfall {result['shortfall']} "
        f"(forced {result['forced']}), splits {result['splits']}, triples {result['triples']}, "
        f"crowded {result['crowded']}"
        + (f", moves {result['moves_total']}" if "moves_total" in result else "")
        + (f"; tiers {tiers}" if tiers else "")
    )


if __name__ == "__main__":
    main()
