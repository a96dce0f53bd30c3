"""A program's life over HTTP: drafts change nobody, plans end on their date, re-imports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from events.persistence import Database
from scheduler import enrollments
from scheduler.service import Stepdown, open_stepdown
from tests.api.conftest import PROGRAM, Api, api_settings, make_api, sign_in

JSON = {"Content-Type": "application/json"}
# Tuesday 2026-12-08 in Chicago: P0006, P0028 and P0030's 8-week plans ended on Sunday the 6th.
AFTER_PLAN_END = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


@pytest.fixture
def later(database: Database, sample_text: str) -> Iterator[Api]:
    service = open_stepdown(database, clock=lambda: AFTER_PLAN_END)
    try:
        for api in make_api(service, api_settings()):
            assert api.post("/programs", content=sample_text, headers=JSON).status_code == 200
            yield api
    finally:
        service.close()


@pytest.mark.parametrize("week", ["9999-W52", "2026-W54"])
def test_generating_a_week_nobody_plans_for_is_422_naming_it(program: Api, week: str) -> None:
    census = program.get(f"/programs/{PROGRAM}/patients").json()
    response = program.post(f"/programs/{PROGRAM}/rosters/{week}/generate", json={})
    assert response.status_code == 422, response.text
    assert week in response.json()["detail"][0]["msg"]
    assert program.get(f"/programs/{PROGRAM}/patients").json() == census


def test_a_draft_for_a_later_week_steps_nobody_down(program: Api) -> None:
    before = program.get(f"/programs/{PROGRAM}/patients").json()
    response = program.post(f"/programs/{PROGRAM}/rosters/2027-W10/generate", json={})
    assert response.status_code == 201, response.text
    assert program.get(f"/programs/{PROGRAM}/patients").json() == before


def test_a_plan_end_step_down_shows_its_date_and_summary(later: Api) -> None:
    patient = later.get(f"/programs/{PROGRAM}/patients/P0006").json()
    assert patient["status"] == "stepped-down"
    assert patient["ended_on"] == "2026-12-07"
    assert "no published roster or attendance was recorded" in patient["end_note"]
    sign_in(later, "viewer")
    page = later.client.get(f"/ui/programs/{PROGRAM}/patients/P0006")
    assert page.status_code == 200, page.text
    assert "Stepped down on 2026-12-07" in page.text
    assert "no published roster or attendance was recorded" in page.text


def test_reimporting_the_same_file_after_a_discharge_records_nothing(
    program: Api, sample_text: str, stepdown: Stepdown
) -> None:
    enrollments.discharge(stepdown, PROGRAM, "P0024", reason="moved", actor="c")
    again = program.post("/programs", content=sample_text, headers=JSON).json()
    assert (again["events_recorded"], again["refused"]) == (0, [])
