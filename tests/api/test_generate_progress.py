"""A roster job's progress over HTTP: GET /jobs/{id} while it runs, and the week page's generate,
which submits the job, shows a status panel with its progress (polled as JSON under /ui), and
then the notice of what it did."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from api.jobs import Jobs
from scheduler.jobs.progress import PREPARING
from scheduler.jobs.tasks import ROSTER, roster_params
from scheduler.service import Stepdown
from solver.rules import TIERS
from tests.api.conftest import PROGRAM, WEEK, Api, api_settings, csrf_form, make_api, sign_in
from tests.held_jobs import HeldJob, running_table

PAGE = f"/ui/programs/{PROGRAM}/weeks/{WEEK}"


@pytest.fixture
def program(stepdown: Stepdown, sample_text: str) -> Iterator[Api]:
    for api in make_api(stepdown, api_settings(roster_time_limit_s=20)):
        imported = api.post(
            "/programs", content=sample_text, headers={"Content-Type": "application/json"}
        )
        assert imported.status_code == 200, imported.text
        yield api


def jobs_of(api: Api) -> Jobs:
    jobs: Jobs = api.app.state.jobs
    return jobs


def test_a_running_jobs_progress_is_in_its_answer(program: Api) -> None:
    held = HeldJob(running_table(jobs_of(program)), lambda p: p.tier in TIERS)
    job = jobs_of(program).submit(ROSTER, PROGRAM, WEEK, "coordinator-1", roster_params(20, None))
    try:
        held.wait()
        running = program.get(f"/jobs/{job.job_id}").json()
    finally:
        held.release()
    assert running["status"] == "running"
    assert running["started_at"] is not None
    progress = running["progress"]
    assert progress["tier"] in TIERS
    assert progress["stage"] != progress["tier"]  # in words
    assert progress["solutions"] >= 0
    assert progress["time_limit_s"] == 20
    assert 0 <= progress["elapsed_s"] <= 20
    assert set(progress) >= {"objective", "best_bound", "gap"}
    jobs_of(program).drain()
    done = program.get(f"/jobs/{job.job_id}").json()
    assert done["status"] == "succeeded"
    assert done["result"]["version"] == 1
    assert done["progress"]["tier"] in TIERS


def test_the_generate_form_shows_the_jobs_progress_then_what_it_did(program: Api) -> None:
    sign_in(program, "coordinator")
    held = HeldJob(running_table(jobs_of(program)), lambda p: p.tier == PREPARING)
    filters = "?view=patients&track=evening"
    posted = program.client.post(
        f"{PAGE}/generate{filters}", data=csrf_form(program), follow_redirects=False
    )
    assert posted.status_code == 303, posted.text
    location = posted.headers["location"]
    assert location.startswith(f"{PAGE}?view=patients&track=evening&job=")
    assert location.endswith("#generating")
    job_id = parse_qs(urlsplit(location).query)["job"][0]
    try:
        held.wait()
        page = program.client.get(location).text
        panel = re.search(r'<section id="generating"[^>]*role="status".*?</section>', page, re.S)
        assert panel is not None
        assert "Generating the roster…" in panel.group(0)
        assert "<progress" in panel.group(0)
        assert "Reading the week." in panel.group(0)
        assert 'src="/static/web/generating.js"' in page
        polled = program.client.get(f"{PAGE}/jobs/{job_id}{filters}").json()
        assert (polled["finished"], polled["next"]) == (False, None)
        assert polled["words"] == "Reading the week."
        assert polled["time_limit_s"] == 20
        # Asked again while it runs: the same job, not a second solve.
        again = program.client.post(
            f"{PAGE}/generate", data=csrf_form(program), follow_redirects=False
        )
        assert f"job={job_id}" in again.headers["location"]
    finally:
        held.release()
    jobs_of(program).drain()

    finished = program.client.get(f"{PAGE}/jobs/{job_id}{filters}").json()
    assert finished["finished"] is True
    assert finished["next"].startswith(f"{PAGE}?view=patients&track=evening&notice=")
    assert finished["next"].endswith("#roster-state")
    week = program.client.get(finished["next"]).text
    assert re.search(r'role="status">Roster generated: solved, [^<]*required day', week)
    assert 'id="generating"' not in week
    assert "Roster version 1" in week
    # Without the script, "Check again" shows the same notice.
    checked = program.client.get(f"{PAGE}?job={job_id}").text
    assert re.search(r'role="status">Roster generated: solved, ', checked)


def test_only_this_weeks_roster_jobs_are_shown_on_its_page(program: Api) -> None:
    sign_in(program, "viewer")
    other_week = jobs_of(program).submit(
        ROSTER, PROGRAM, "2026-W50", "coordinator-1", roster_params(20, None)
    )
    answer = program.client.get(f"{PAGE}/jobs/{other_week.job_id}")
    assert answer.status_code == 404
    jobs_of(program).drain()


def test_a_generate_that_fails_says_why(program: Api) -> None:
    sign_in(program, "coordinator")
    refused = jobs_of(program).submit(
        ROSTER, PROGRAM, WEEK, "coordinator-1", roster_params(20, frozenset({3}))
    )
    jobs_of(program).drain()
    page = program.client.get(f"{PAGE}?job={refused.job_id}").text
    assert re.search(
        r'class="notice error" role="status">Roster not generated: [^<]*If-Match', page
    )


def test_a_viewer_may_not_generate(program: Api) -> None:
    sign_in(program, "viewer")
    answer = program.client.post(f"{PAGE}/generate", data=csrf_form(program))
    assert "Your role (viewer) may not do this." in answer.text
    assert jobs_of(program).table.unfinished(ROSTER, PROGRAM, WEEK) is None
