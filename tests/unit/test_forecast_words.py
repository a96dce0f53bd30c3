"""The forecast page's words: weeks, differences, what-if sentences and advice as people say them."""

from __future__ import annotations

from datetime import date

from api.web.forecast.words import (
    advice_gain,
    alternatives_text,
    counted,
    difference,
    group_text,
    moves_text,
    short_reason,
    status_text,
    week_label,
    what_if_summary,
)

TODAY = date(2026, 11, 25)


def test_a_week_is_named_by_its_monday_with_the_year_only_when_another() -> None:
    assert week_label(date(2026, 11, 30), TODAY) == "Week of 30 Nov"
    assert week_label(date(2027, 1, 4), TODAY) == "Week of 4 Jan 2027"


def test_counts_are_singular_for_one() -> None:
    assert counted(1, "day") == "1 day"
    assert counted(0, "day") == "0 days"
    assert counted(3, "more required day") == "3 more required days"


def test_solver_statuses_are_plain_words() -> None:
    assert status_text("OPTIMAL") == "Solved: best possible"
    assert status_text("FEASIBLE").startswith("Solved: the best found in the time allowed")
    assert status_text("UNKNOWN") == "Solved (unknown)"


def test_a_group_is_named_by_day_hours_and_track() -> None:
    assert group_text("THU", "18:00", "21:00", "evening") == "a Thu 18:00–21:00 evening group"
    assert group_text(1, "10:00", "13:00", "day") == "a Tue 10:00–13:00 day group"


def test_a_difference_says_which_way_and_how_much() -> None:
    assert difference(64, 40, "day") == "64 → 40 days (24 fewer)"
    assert difference(2, 5, "week") == "2 → 5 weeks (3 more)"
    assert difference(1, 1, "day") == "no change (1 day)"


def test_a_what_if_says_what_it_does_to_days_short() -> None:
    assert what_if_summary(64, 40, 0, 0) == (
        "This change meets 24 more required days (40 short instead of 64)."
    )
    assert what_if_summary(10, 13, 0, 0) == (
        "This change leaves 3 more required days unmet (13 short instead of 10)."
    )
    assert what_if_summary(5, 5, 0, 0) == "This change leaves the days short as they are (5)."


def test_a_what_if_speaks_of_waiting_only_when_someone_is_planned_to_wait() -> None:
    assert what_if_summary(5, 5, 4, 1).endswith("; planned admissions wait 3 weeks less.")
    assert what_if_summary(5, 5, 1, 2).endswith("; planned admissions wait 1 week more.")
    assert what_if_summary(5, 5, 2, 2).endswith("; planned admissions wait 2 weeks as before.")


def test_an_advised_group_says_what_it_gains() -> None:
    assert advice_gain(102, 0) == "meets 102 more required days"
    assert advice_gain(1, 3) == "meets 1 more required day and shortens waiting by 3 weeks"
    assert advice_gain(0, 1) == "shortens waiting by 1 week"
    assert advice_gain(0, 0) == "changes nothing"


def test_taper_moves_are_counted_by_direction() -> None:
    assert moves_text(0, 0) == ""
    assert moves_text(4, 1) == (
        "5 taper steps moved: 4 a week early, where seats are short and 1 a week later, "
        "to give back a missed day."
    )
    assert moves_text(1, 0) == "1 taper step moved: 1 a week early, where seats are short."


def test_a_shortfall_reason_reads_the_same_over_the_weeks() -> None:
    weekly = (
        "work Mon–Fri 09:00–18:00; sessions fit them on 1 day(s) a week (Sat) against 4 "
        "required (closed Fri: Christmas Day)"
    )
    assert short_reason(weekly) == (
        "Work Mon–Fri 09:00–18:00; sessions fit them on 1 day a week (Sat)"
    )
    assert short_reason("sessions fit them on 2 day(s) a week (Wed, Sat) against 3 required") == (
        "Sessions fit them on 2 days a week (Wed, Sat)"
    )
    assert short_reason("work Mon,Tue,Fri 09:00–18:00") == "Work Mon, Tue, Fri 09:00–18:00"


def test_alternatives_to_an_advised_group_name_the_first_few() -> None:
    assert alternatives_text([]) == ""
    assert alternatives_text(["WED 10:30–13:30 day"]) == "Wed 10:30–13:30 day"
    assert alternatives_text(["WED 10:30–13:30 day", "WED 11:00–14:00 day"]) == (
        "Wed 10:30–13:30 day or Wed 11:00–14:00 day"
    )
    many = [f"TUE {hour}:00–{hour + 3}:00 day" for hour in range(10, 16)]
    assert alternatives_text(many) == (
        "Tue 10:00–13:00 day, Tue 11:00–14:00 day, Tue 12:00–15:00 day or 3 others"
    )
