"""The week per group, printed from the page: each group's meetings of the week with who is seated
in each, one section per group, from the version sign-in sheets print (the published one)."""

from __future__ import annotations

import re
from collections import Counter

from scheduler.roster_queries import patient_names
from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, WEEK, Api, sign_in

UI = f"/ui/programs/{PROGRAM}"


def sections(page: str) -> list[str]:
    return re.split(r'<section class="group"', page)[1:]


def ticks_by_name(page: str) -> Counter[str]:
    """How many meetings of the week the page seats each patient in."""
    ticks: Counter[str] = Counter()
    for row in re.finditer(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S):
        ticks[row.group(1)] += row.group(2).count("✓")
    return ticks


def test_each_group_has_its_section_and_seats_everyone_the_published_roster_does(
    program: Api, stepdown: Stepdown
) -> None:
    roster_path = f"/programs/{PROGRAM}/rosters/{WEEK}"
    assert program.post(f"{roster_path}/generate", json={}).status_code == 201
    assert program.post(f"{roster_path}/publish").status_code == 200
    published = program.get(roster_path).json()
    # A newer draft waits: the printout still shows those told to come.
    assert program.post(f"{roster_path}/generate", json={}).status_code == 201
    sign_in(program, "viewer")

    census = program.client.get(f"{UI}/census").text
    link = re.search(r'href="([^"]+/weeks/' + WEEK + r'/print)"', census)
    assert link is not None
    answer = program.client.get(link.group(1))
    assert answer.status_code == 200, answer.text
    page = answer.text

    assert f"Roster version {published['version']} (published)" in page
    names = patient_names(stepdown, PROGRAM)
    seats = Counter(
        names[patient_id]
        for meeting in published["sessions"]
        for patient_id in meeting["patient_ids"]
    )
    assert seats
    assert ticks_by_name(page) == seats
    groups = sections(page)
    assert len(groups) >= 2
    for group in groups:
        heading = re.search(r"<h2 [^>]*>([^<]+)</h2>", group)
        assert heading is not None
        assert re.search(r"group.*, \d\d:\d\d–\d\d:\d\d$", heading.group(1)), heading.group(1)
        assert '<th scope="col">Patient</th>' in group
        days = re.findall(r'<th scope="col" class="day">(\w{3} \d+ \w{3})', group)
        assert days
        assert len(days) == len(set(days)), days  # a group meets once a day


def test_the_week_per_group_is_recorded_as_disclosed_and_wants_a_sign_in(program: Api) -> None:
    roster_path = f"/programs/{PROGRAM}/rosters/{WEEK}"
    assert program.post(f"{roster_path}/generate", json={}).status_code == 201
    seated = next(p for s in program.get(roster_path).json()["sessions"] for p in s["patient_ids"])
    page = f"{UI}/weeks/{WEEK}/print"
    answer = program.client.get(page, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/ui/sign-in")
    sign_in(program, "viewer")
    assert program.client.get(page).status_code == 200
    disclosures = program.get(
        f"/programs/{PROGRAM}/patients/{seated}/disclosures", role="coordinator"
    ).json()
    assert [entry["what"] for entry in disclosures][-1] == "week-per-group"


def test_a_week_with_no_roster_says_so(program: Api) -> None:
    sign_in(program, "viewer")
    page = program.client.get(f"{UI}/weeks/{WEEK}/print").text
    assert "No roster generated for this week yet." in page
    assert "Generate the roster first." in page
    assert '<section class="group"' not in page
