"""The week page's words for a roster being generated and for what the generate did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api.web.week.generating import generating_panel, outcome_notice, progress_words
from scheduler.jobs.progress import JobProgress
from scheduler.jobs.records import Job

STARTED = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def job(status: str, **fields: Any) -> Job:
    values: dict[str, Any] = {
        "job_id": "a" * 32,
        "kind": "roster",
        "program_id": "standard-101",
        "week": "2026-W49",
        "params": {"time_limit_s": 10},
        "status": status,
        "requested_by": "coordinator-1",
        "created_at": STARTED.isoformat(),
        "finished_at": None,
        "result": None,
        "error": None,
        "attempts": 1,
        "started_at": STARTED.isoformat(),
        **fields,
    }
    return Job(**values)


def test_a_running_solve_says_its_stage_what_it_found_and_how_close_to_the_best() -> None:
    progress = JobProgress("coverage", 3, 50.0, 49.0, 4.0, 10.0)
    assert progress_words(job("running", progress=progress)) == (
        "Finding seats for everyone's days: 3 rosters found so far, best possible within 2%."
    )
    proven = JobProgress("comfort", 1, 7.0, 7.0, 9.0, 10.0)
    assert progress_words(job("running", progress=proven)) == (
        "Spreading days and balancing groups: 1 roster found so far, best possible."
    )
    assert progress_words(job("running")) == "Reading the week."
    assert progress_words(job("queued")) == "Waiting for the solver to start."


def test_the_panels_time_runs_from_the_jobs_start_up_to_the_time_limit() -> None:
    running = job("running")
    assert generating_panel(running, STARTED + timedelta(seconds=4), 30).elapsed_s == 4
    assert generating_panel(running, STARTED + timedelta(seconds=40), 30).elapsed_s == 10
    assert generating_panel(job("queued"), STARTED + timedelta(seconds=4), 30).elapsed_s == 0
    unlimited = job("running", params={"time_limit_s": None})
    assert generating_panel(unlimited, STARTED, 30).time_limit_s == 30


def test_the_notice_names_the_outcome_and_each_dropped_pin_by_patient_and_meeting() -> None:
    result = {
        "version": 2,
        "solver": {"status": "OPTIMAL"},
        "unmet_days": 2,
        "dropped_pins": [
            {
                "patient_id": "P0007",
                "session_id": "mon-evening-1",
                "date": "2026-11-30",
                "reason": "P0007 is paused",
            }
        ],
    }
    notice = outcome_notice(
        job("succeeded", result=result),
        {"P0007": "Patient 7"},
        lambda session_id, day: {
            ("mon-evening-1", "2026-11-30"): "Mon 30 Nov 18:00 Evening group 1"
        }[(session_id, day)],
    )
    assert (notice.text, notice.kind) == (
        "Roster generated: solved, best possible; 2 required days unmet. Pin dropped: Patient 7, "
        "Mon 30 Nov 18:00 Evening group 1 (P0007 is paused).",
        "ok",
    )
    good = {"solver": {"status": "FEASIBLE"}, "unmet_days": 1, "dropped_pins": []}
    assert outcome_notice(job("succeeded", result=good), {}, str.__add__).text == (
        "Roster generated: solved, good but not proven best; 1 required day unmet."
    )


def test_a_failed_job_says_why_in_its_notice() -> None:
    failed = job("failed", error="roster standard-101 2026-W49: no roster keeps every rule.")
    notice = outcome_notice(failed, {}, str.__add__)
    assert (notice.text, notice.kind) == (
        "Roster not generated: roster standard-101 2026-W49: no roster keeps every rule.",
        "error",
    )


def test_a_finished_job_says_so_and_its_time_stops_at_the_end() -> None:
    ended = (STARTED + timedelta(seconds=4)).isoformat()
    done = job(
        "succeeded", finished_at=ended, progress=JobProgress("comfort", 5, 7.0, 6.0, 4.0, 10)
    )
    later = STARTED + timedelta(seconds=30)
    panel = generating_panel(done, later, 10)
    assert (panel.words, panel.elapsed_s) == ("Finished.", 4.0)
    failed = job("failed", finished_at=ended, error="no sessions")
    assert progress_words(failed) == "Stopped: the roster was not generated."
