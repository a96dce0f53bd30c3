"""The staff week page: per member, their meetings (day, time, group, where, with whom), hours
against their maximum and absences, in plain words; a program without staff says so. The fixed
clock's today is Wed 25 Nov 2026."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import PROGRAM as UNSTAFFED
from tests.api.conftest import Api, sign_in
from tests.conftest import SCENARIOS

PROGRAM = "staffed-201"
PAGE = f"/ui/programs/{PROGRAM}/staff/2026-W49"


@pytest.fixture
def staffed(api: Api) -> Api:
    text = (SCENARIOS / "staffed.json").read_text(encoding="utf-8")
    answer = api.post("/programs", content=text, headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    sign_in(api, "viewer")
    return api


def section(html: str, staff_id: str) -> str:
    found = re.search(rf'<section class="member" id="staff-{staff_id}".*?</section>', html, re.S)
    assert found, staff_id
    return found.group(0)


def cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows[1:]
    ]


def test_each_member_has_their_meetings_hours_and_co_facilitators(staffed: Api) -> None:
    answer = staffed.client.get(PAGE)
    assert answer.status_code == 200, answer.text
    assert "staff, week of Mon 30 Nov" in answer.text
    ben = section(answer.text, "s-ben")
    assert "Ben Okafor" in ben
    assert "Works 15 h of at most 25 h this week." in ben
    assert cells(ben)[0] == [
        "Mon 30 Nov", "18:00–21:00", "Evening group", "In person, room room-a", "Cara Lind",
    ]  # fmt: skip
    cara = section(answer.text, "s-cara")
    assert ["Fri 4 Dec", "18:00–21:00", "Evening group", "Virtual", "Alone"] in cells(cara)
    eli = section(answer.text, "s-eli")
    assert cells(eli)[0][3] == "Hybrid, room room-b"
    assert 'href="/ui/programs/staffed-201/staff/2026-W48" rel="prev">← Week of Mon 23 Nov<' in (
        answer.text
    )
    assert f'href="/ui/programs/{PROGRAM}/staff/2026-W48">Staff</a>' in answer.text  # the nav


def test_an_absence_shows_and_its_meetings_need_cover(staffed: Api) -> None:
    absent = staffed.post(
        f"/programs/{PROGRAM}/staff/s-ana/absences",
        json={"first_day": "2026-12-01", "last_day": "2026-12-02", "reason": "ill"},
    )
    assert absent.status_code == 201, absent.text
    ana = section(staffed.client.get(PAGE).text, "s-ana")
    assert "Away: Tue 1 Dec to Wed 2 Dec (ill)" in ana
    assert ana.count("away: needs cover") == 2
    assert "Works 9 h of at most 25 h this week." in ana


def test_a_program_without_staff_says_so_and_an_unknown_one_is_404(staffed: Api) -> None:
    sample = (SCENARIOS / "sample.json").read_text(encoding="utf-8")
    assert staffed.post(
        "/programs", content=sample, headers={"Content-Type": "application/json"}
    ).is_success
    answer = staffed.client.get(f"/ui/programs/{UNSTAFFED}/staff/2026-W49")
    assert answer.status_code == 200
    assert "No staff are recorded for this program." in answer.text
    assert staffed.client.get("/ui/programs/nope/staff/2026-W49").status_code == 404
    assert staffed.client.get(f"/ui/programs/{PROGRAM}/staff/2026-W99").status_code == 422
