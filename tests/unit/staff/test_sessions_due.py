"""When an individual or family session falls due: every N weeks after the last one booked."""

from __future__ import annotations

from datetime import date, timedelta

from scheduler.staff.roster_staffing import due

MONDAY = date(2026, 11, 30)


def test_a_patient_who_never_had_one_is_due_at_once() -> None:
    assert due(4, None, MONDAY)


def test_a_monthly_session_is_not_due_again_for_three_weeks() -> None:
    held = MONDAY - timedelta(weeks=3) + timedelta(days=3)  # Thursday three weeks ago
    assert not due(4, held, MONDAY)
    assert due(4, held, MONDAY + timedelta(weeks=1))


def test_a_weekly_session_is_due_every_week() -> None:
    assert due(1, MONDAY - timedelta(days=3), MONDAY)


def test_a_program_without_the_rule_has_none_due() -> None:
    assert not due(None, None, MONDAY)
