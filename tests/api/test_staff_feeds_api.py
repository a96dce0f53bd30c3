"""A staff member's secret calendar feed: the meetings they lead, week after week, with their
absence days, closed days and cancelled meetings left out; created, rotated and revoked like a
patient's (coordinators only), the URL shown once."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.test_feeds_api import CLINICAL_WORDS, NOT_FOUND, dates, feed_path, read
from tests.conftest import SCENARIOS

PROGRAM = "staffed-201"
ELI = f"/programs/{PROGRAM}/staff/s-eli"


@pytest.fixture
def staffed(api: Api) -> Api:
    text = (SCENARIOS / "staffed.json").read_text(encoding="utf-8")
    answer = api.post("/programs", content=text, headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    return api


def test_a_staff_feed_lists_the_meetings_they_lead_without_their_absence_days(
    staffed: Api,
) -> None:
    absent = staffed.post(
        f"{ELI}/absences",
        json={"first_day": "2026-12-01", "last_day": "2026-12-02", "reason": "training"},
    )
    assert absent.status_code == 201, absent.text
    answer = staffed.post(f"{ELI}/feed")
    assert answer.json()["feed"] == "staff"
    assert answer.headers["location"] == f"{ELI}/feed"
    feed = read(staffed, feed_path(answer))
    assert feed.status_code == 200
    # Eli leads the hybrid evening groups MON–THU and a Saturday group; 26 Nov is Thanksgiving,
    # 1–2 Dec Eli is away, 18 Jan is Martin Luther King Jr. Day.
    shown = dates(feed.content)
    assert shown[:8] == [
        "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-28",
        "2026-11-30", "2026-12-03", "2026-12-05", "2026-12-07",
    ]  # fmt: skip
    assert "2027-01-18" not in shown
    assert len(shown) == 12 * 5 - 4
    for revealing in ("s-eli", "Eli Brooks", "evening", PROGRAM, *CLINICAL_WORDS):
        assert revealing.lower() not in feed.text.lower(), revealing


def test_a_cancelled_meeting_leaves_the_staff_feed(staffed: Api) -> None:
    path = feed_path(staffed.post(f"{ELI}/feed"))
    assert "2026-11-28" in dates(read(staffed, path).content)
    cancelled = staffed.post(
        f"/programs/{PROGRAM}/sessions/sat-weekend-2/cancellations",
        json={"date": "2026-11-28", "reason": "heating broken"},
    )
    assert cancelled.is_success, cancelled.text
    assert "2026-11-28" not in dates(read(staffed, path).content)


def test_a_staff_feed_rotates_and_revokes_like_a_patients(staffed: Api) -> None:
    first = feed_path(staffed.post(f"{ELI}/feed"))
    assert staffed.post(f"{ELI}/feed").status_code == 409
    rotated = staffed.post(f"{ELI}/feed/rotate")
    assert rotated.json()["replaced"] is True
    second = feed_path(rotated)
    assert read(staffed, first).json() == NOT_FOUND
    assert read(staffed, second).status_code == 200
    assert staffed.call("coordinator", "DELETE", f"{ELI}/feed").status_code == 204
    assert read(staffed, second).json() == NOT_FOUND
    assert staffed.call("coordinator", "DELETE", f"{ELI}/feed").status_code == 404


def test_only_coordinators_make_staff_feeds_and_only_for_current_staff(staffed: Api) -> None:
    for role in ("viewer", "clinician"):
        assert staffed.post(f"{ELI}/feed", role=role).status_code == 403
    unknown = staffed.post(f"/programs/{PROGRAM}/staff/s-zed/feed")
    assert unknown.status_code == 404
    assert "s-zed" in unknown.text
