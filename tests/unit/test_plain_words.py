"""Dates and waits on the page as people say them."""

from datetime import date

import pytest

from api.web.plain_words import day_text, days_text, waited

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
