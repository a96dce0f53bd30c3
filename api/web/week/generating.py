"""A roster being generated, in a coordinator's words: the status panel while the job runs
("Finding seats for everyone's days: 3 rosters found so far, best possible within 2%") and the
notice when it has ended ("Roster generated: solved, best possible; 2 required days unmet.")."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from api.web.notices import Notice
from scheduler.jobs.progress import PREPARING, STAGE_WORDS
from scheduler.jobs.records import FAILED, QUEUED, Job

# What a solver status says of the roster found.
OUTCOME_WORDS = {
    "OPTIMAL": "solved, best possible",
    "FEASIBLE": "solved, good but not proven best",
}


@dataclass(frozen=True)
class GeneratingPanel:
    job_id: str
    words: str
    elapsed_s: float
    time_limit_s: float


def generating_panel(job: Job, now: datetime, default_time_limit_s: float) -> GeneratingPanel:
    """The panel of a job; its time runs from the job's start (wall clock) and stops when it ends."""
    limit = float(job.params.get("time_limit_s") or default_time_limit_s)
    elapsed = 0.0
    if job.status != QUEUED and job.started_at is not None:
        end = datetime.fromisoformat(job.finished_at) if job.finished_at else now
        elapsed = (end - datetime.fromisoformat(job.started_at)).total_seconds()
    return GeneratingPanel(job.job_id, progress_words(job), min(max(0.0, elapsed), limit), limit)


def progress_words(job: Job) -> str:
    if job.status == QUEUED:
        return "Waiting for the solver to start."
    if job.finished:
        return "Finished." if job.status != FAILED else "Stopped: the roster was not generated."
    progress = job.progress
    if progress is None or progress.tier == PREPARING:
        return f"{STAGE_WORDS[PREPARING]}."
    found = "1 roster" if progress.solutions == 1 else f"{progress.solutions} rosters"
    words = f"{progress.stage}: {found} found so far"
    gap = progress.gap
    if gap is not None:
        within = "" if gap == 0 else f" within {max(1, math.ceil(gap * 100))}%"
        words += f", best possible{within}"
    return words + "."


def outcome_notice(job: Job, names: Mapping[str, str], label: Callable[[str, str], str]) -> Notice:
    """What the finished job did, naming each pin it dropped by patient and meeting."""
    if job.status == FAILED or job.result is None:
        reason = (job.error or "the job failed").rstrip(".")
        return Notice(f"Roster not generated: {reason}.", "error")
    result = job.result
    status = str(result["solver"]["status"])
    unmet = int(result.get("unmet_days", 0))
    days = (
        "every required day met" if unmet == 0 else f"{unmet} required day{'s' * (unmet > 1)} unmet"
    )
    text = f"Roster generated: {OUTCOME_WORDS.get(status, status.lower())}; {days}."
    for pin in result.get("dropped_pins", []):
        who = names.get(pin["patient_id"], pin["patient_id"])
        text += f" Pin dropped: {who}, {label(pin['session_id'], pin['date'])} ({pin['reason']})."
    return Notice(text)
