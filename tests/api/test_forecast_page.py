"""The forecast page: the next 12 weeks of seats, weeks short said in words, a what-if beside
it, and the groups worth opening; a refused what-if names its field and nothing is recorded.
The fixed clock's today is Wed 25 Nov 2026, so the forecast starts the week of 30 Nov."""

from __future__ import annotations

import re

import httpx
import pytest

from api.auth import Role, Scope, TokenStore
from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, Api, csrf_form, sign_in
from tests.api.test_waitlist_page import notice, refer

FORECAST = f"/ui/programs/{PROGRAM}/forecast"


@pytest.fixture
def viewer(program: Api) -> Api:
    sign_in(program, "viewer")
    return program


def rows(page: str) -> list[str]:
    table = page.split('<table id="forecast"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr(?: class=\"short\")?>\s*<th scope=\"row\"[^>]*>([^<]*)</th>", table)


def try_change(program: Api, **fields: str) -> httpx.Response:
    answer: httpx.Response = program.client.post(
        f"{FORECAST}/what-if", data=csrf_form(program, waitlist="on", **fields)
    )
    return answer


def stored_events(program: Api) -> int:
    stepdown: Stepdown = program.app.state.stepdown
    return stepdown.app.recorder.max_notification_id() or 0


def test_the_forecast_shows_twelve_weeks_of_seats_in_plain_words(viewer: Api) -> None:
    page = viewer.client.get(FORECAST)
    assert page.status_code == 200, page.text
    text = page.text
    assert rows(text)[:2] == ["Week of 30 Nov", "Week of 7 Dec"]
    assert len(rows(text)) == 12
    assert rows(text)[-1] == "Week of 15 Feb 2027"  # the year only when it is not this year's
    # The sample program's first week: 30 patients, 100 of 250 seats taken, 12 required days
    # short (its parents with childcare fit only Saturday).
    first = text.split('data-label="Week">Week of 30 Nov</th>', 1)[1].split("</tr>", 1)[0]
    assert '<td data-label="Patients">30</td>' in first
    assert '<td data-label="Seats committed">100</td>' in first
    assert '<td data-label="Capacity">250</td>' in first
    assert '<td data-label="Free">150</td>' in first
    assert 'aria-label="Week of 30 Nov: 40% of seats taken"' in first
    assert 'class="short-mark">Short: 12 days</strong>, 6 patients' in first
    assert '<tr class="short">' in text
    assert "64 required days short, in 9 weeks." in text
    assert "Solved: best possible." in text
    assert (
        "no group fits their hours on enough days. Childcare Mon–Fri 07:00–09:00; childcare Mon–Fri 15:00–19:00; sessions fit them on 1 day a week (Sat)."
        in text
    )
    assert ">2026-W49<" not in text
    assert "OPTIMAL" not in text
    assert f'<a href="{FORECAST}">Forecast</a>' in text  # the nav links the page


def test_planned_admissions_from_the_waitlist_are_counted_in_their_week(program: Api) -> None:
    sign_in(program, "coordinator")
    refer(program, id="R0001", earliest_start="2026-12-07")
    with_waitlist = program.client.get(FORECAST).text
    week = with_waitlist.split("Week of 7 Dec</th>", 1)[1].split("</tr>", 1)[0]
    assert '<td data-label="Admissions planned">1</td>' in week
    assert "Waiting referrals planned: 1, waiting 0 weeks in all." in with_waitlist
    enrolled_only = program.client.get(f"{FORECAST}?waitlist=false").text
    week = enrolled_only.split("Week of 7 Dec</th>", 1)[1].split("</tr>", 1)[0]
    assert '<td data-label="Admissions planned">0</td>' in week
    assert 'aria-current="page">Enrolled patients only<' in enrolled_only


def test_opening_a_group_parents_can_reach_shows_the_difference_and_records_nothing(
    viewer: Api,
) -> None:
    # The sample's parents with childcare 07:00–09:00 and 15:00–19:00 fit only Saturday today.
    events = stored_events(viewer)
    answer = try_change(
        viewer,
        kind="open_group",
        weekday="TUE",
        start="10:00",
        end="13:00",
        track="day",
        capacity="12",
    )
    assert answer.status_code == 200, answer.text
    said = notice(answer)
    assert said.startswith("What if: Open a Tue 10:00–13:00 day group for 12 seats. This ")
    assert said.endswith("Nothing was recorded.")
    found = re.search(
        r"This change meets (\d+) more required days \((\d+) short instead of 64\)", said
    )
    assert found, said
    assert int(found[1]) + int(found[2]) == 64
    assert '<h2 id="what-if-heading">What if: Open a Tue 10:00–13:00 day group' in answer.text
    assert re.search(r'data-label="Days short">12 → \d+</td>', answer.text)
    assert 'value="13:00"' in answer.text  # the form keeps what was tried
    assert stored_events(viewer) == events


def test_adding_referrals_shows_more_patients(viewer: Api) -> None:
    answer = try_change(
        viewer,
        kind="add_referrals",
        count="5",
        start_week="2026-W50",
        planned_weeks="8",
        initial_days_per_week="3",
    )
    assert answer.status_code == 200, answer.text
    assert "What if: Add 5 referrals (8 weeks, 3 days a week at first)." in notice(answer)
    assert re.search(r'data-label="Patients">27 → 32</td>', answer.text)


def test_a_closure_leaves_more_days_short(viewer: Api) -> None:
    answer = try_change(viewer, kind="close_day", date="2026-12-09", reason="staff training")
    assert answer.status_code == 200, answer.text
    assert "What if: Close on Wed 9 Dec (staff training)." in notice(answer)
    assert "more required day" in notice(answer)


@pytest.mark.parametrize(
    ("fields", "field", "said"),
    [
        (
            {"capacity": "40"},
            "capacity",
            "Not tried: Seats: Input should be less than or equal to 15 (got &#39;40&#39;)",
        ),
        ({"end": "12:00"}, "end", "Not tried: Ends: 12:00 is not after 13:00"),
        ({"weekday": "Fun day!"}, "weekday", "Not tried: Day: Input should be"),
        ({"start": "noon?"}, "start", "Not tried: Starts: Input should be"),
        ({"capacity": ""}, "capacity", "Not tried: Seats: a whole number is needed"),
        ({"capacity": "many"}, "capacity", "Not tried: Seats: Input should be a valid integer"),
    ],
)
def test_a_refused_group_names_the_field_and_records_nothing(
    viewer: Api, fields: dict[str, str], field: str, said: str
) -> None:
    events = stored_events(viewer)
    group = {"weekday": "SAT", "start": "13:00", "end": "16:00", "track": "weekend"}
    answer = try_change(viewer, kind="open_group", **{"capacity": "12", **group, **fields})
    assert answer.status_code == 422
    assert notice(answer).startswith(said)
    assert f'aria-describedby="open_group-{field}-error"' in answer.text
    assert f'id="open_group-{field}-error">' in answer.text
    assert 'id="what-if-result"' not in answer.text
    assert len(rows(answer.text)) == 12  # the forecast is still there
    assert stored_events(viewer) == events


def test_referrals_outside_the_programs_policy_are_refused_by_field(viewer: Api) -> None:
    answer = try_change(
        viewer,
        kind="add_referrals",
        count="3",
        start_week="2026-W50",
        planned_weeks="6",
        initial_days_per_week="3",
    )
    assert answer.status_code == 422
    assert notice(answer) == ("Not tried: Planned weeks: 6 is outside the program&#39;s 8–12 weeks")
    assert 'aria-describedby="add_referrals-planned_weeks-error"' in answer.text
    too_many = try_change(
        viewer,
        kind="add_referrals",
        count="500",
        start_week="2026-W50",
        planned_weeks="8",
        initial_days_per_week="3",
    )
    assert notice(too_many) == "Not tried: How many: &#39;500&#39; is not 1–50"
    late = try_change(viewer, kind="close_day", date="2027-06-01")
    assert notice(late).startswith("Not tried: Date: 2027-06-01 is outside the forecast")
    unknown = try_change(viewer, kind="demolish")
    assert unknown.status_code == 422
    assert (
        notice(unknown) == "Not tried: Change: &#39;demolish&#39; is not a change this page can try"
    )


def test_advice_ranks_groups_to_open_in_plain_words(viewer: Api) -> None:
    events = stored_events(viewer)
    answer = viewer.client.post(
        f"{FORECAST}/advice", data=csrf_form(viewer, count="2", waitlist="on")
    )
    assert answer.status_code == 200, answer.text
    assert notice(answer) == "Advice: 2 groups worth opening. Nothing was recorded."
    advised = re.findall(
        r"<li><strong>Open a (\w{3}) (\d\d:\d\d)–(\d\d:\d\d) (\w+) group for 12 seats</strong>: "
        r"meets (\d+) more required days",
        answer.text,
    )
    assert len(advised) == 2, answer.text
    gains = [int(a[4]) for a in advised]
    assert gains == sorted(gains, reverse=True)
    assert "Checked by solving the forecast again with it." in answer.text
    assert "All 2 opened together:" in answer.text
    assert stored_events(viewer) == events


def test_a_bad_advice_count_goes_back_to_the_page_with_the_reason(viewer: Api) -> None:
    answer = viewer.client.post(f"{FORECAST}/advice", data=csrf_form(viewer, count="50"))
    assert str(answer.url).startswith(f"http://testserver{FORECAST}?notice=")
    assert notice(answer).startswith("Not done: count: Input should be less than or equal to 5")


def test_the_page_needs_sign_in_and_a_form_from_this_session(program: Api) -> None:
    signed_out = program.client.get(FORECAST, follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/ui/sign-in"
    sign_in(program, "viewer")
    forged = program.client.post(f"{FORECAST}/what-if", data={"kind": "close_day"})
    assert forged.status_code == 403
    assert program.client.get("/ui/programs/elsewhere-1/forecast").status_code == 404


def test_a_token_for_another_program_may_not_see_this_ones_forecast(program: Api) -> None:
    stepdown: Stepdown = program.app.state.stepdown
    token = TokenStore(stepdown).create("elsewhere", Role.VIEWER, Scope.of(["other-program"]))
    signed_in = program.client.post("/ui/sign-in", data={"token": token}, follow_redirects=False)
    assert signed_in.status_code == 303
    assert program.client.get(FORECAST).status_code == 403
    refused = program.client.post(f"{FORECAST}/advice", data=csrf_form(program, count="1"))
    assert refused.status_code == 403
