"""Dates and waits on the page as people say them."""

from datetime import date

import pytest

from api.web.plain_words import day_text, days_text, reason_text, waited

TODAY = date(2026, 11, 25)


def test_a_day_names_the_year_only_when_it_is_not_this_year() -> None:
    assert day_text(date(2026, 11, 30), TODAY) == "Mon 30 Nov"
    assert day_text(date(2027, 2, 1), TODAY) == "Mon 1 Feb 2027"


@pytest.mark.parametrize(
    ("days", "said"),
    [
        (0, "under a day"),
        (1, "1 day"),
        (13, "13 days"),
        (14, "2 weeks"),
        (21, "3 weeks"),
        (59, "8 weeks"),
        (60, "2 months"),
        (400, "13 months"),
    ],
)
def test_a_wait_in_days_then_weeks_then_months(days: int, said: str) -> None:
    assert waited(days) == said


def test_weekdays_as_a_run_or_a_list() -> None:
    assert days_text([0, 1, 2, 3, 4]) == "Mon–Fri"
    assert days_text([5]) == "Sat"
    assert days_text([2, 0]) == "Mon, Wed"


def test_a_reason_without_session_ids_and_with_weekdays_as_words() -> None:
    reason = "needs 3 days, 1 left: Tue 18:00 evening (tue-evening-1) full; work MON–FRI 08:00"
    assert reason_text(reason, ["tue-evening-1", "mon-day-1"]) == (
        "needs 3 days, 1 left: Tue 18:00 evening full; work Mon–Fri 08:00"
    )
