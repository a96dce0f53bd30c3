"""The text and field rules every entry point shares (scheduler.hygiene)."""

from __future__ import annotations

from datetime import date, time

import pytest
from pydantic import TypeAdapter, ValidationError

from scheduler.hygiene.fields import ClockTime, IsoDate, IsoWeek, Note, Text
from scheduler.hygiene.ids import case_variant_of, case_variants_within
from scheduler.hygiene.text import text_problem


@pytest.mark.parametrize(
    "text", ["Jane Roe", "Zoë O'Brien-Łukasz", "名前", "a\u00a0b", "👨\u200d👩\u200d👧", "ক্\u200dষ"]
)
def test_names_in_any_script_with_joiners_are_text(text: str) -> None:
    assert text_problem(text) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Jane\x00Roe", "control character (U+0000)"),
        ("x\x1b[2K", "control character (U+001B)"),
        ("x\x85", "control character (U+0085)"),
        ("a\u202eb", "control character (U+202E)"),
        ("a\u2066b", "control character (U+2066)"),
        ("a\ud800", "lone surrogate (U+D800)"),
        ("a\nb", "line break character (U+000A)"),
        ("a\rb", "line break character (U+000D)"),
        ("a\u2029b", "line break character (U+2029)"),
    ],
)
def test_control_characters_surrogates_and_breaks_are_not_one_line_text(
    text: str, problem: str
) -> None:
    assert problem in (text_problem(text) or "")


def test_free_text_keeps_its_lines_and_stores_a_browsers_crlf_as_lf() -> None:
    assert TypeAdapter(Note).validate_python("first\r\nsecond\tthird") == "first\nsecond\tthird"
    with pytest.raises(ValidationError, match=r"U\+000D"):
        TypeAdapter(Note).validate_python("lone\rreturn")
    with pytest.raises(ValidationError, match=r"U\+000A"):
        TypeAdapter(Text).validate_python("two\nlines")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("9999-12-31", "between 2000-01-01 and 2100-12-31"),
        ("1999-12-31", "between 2000-01-01 and 2100-12-31"),
        ("2026-11-30T00:00:00+05:00", "without a time or an offset"),
        ("2026-11-30T00:00", "without a time or an offset"),
        ("20261130", "YYYY-MM-DD"),
        ("2026-02-30", "not a calendar date"),
        (1764460800, "not a number"),
    ],
)
def test_a_date_is_written_yyyy_mm_dd_within_the_planned_years(value: object, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        TypeAdapter(IsoDate).validate_python(value)
    assert TypeAdapter(IsoDate).validate_python("2100-12-31") == date(2100, 12, 31)


@pytest.mark.parametrize("value", ["09:00+05:00", "09:00Z", "09:00:00-06:00"])
def test_a_local_time_with_an_offset_is_refused_not_dropped(value: str) -> None:
    with pytest.raises(ValidationError, match="without an offset"):
        TypeAdapter(ClockTime).validate_python(value)
    assert TypeAdapter(ClockTime).validate_python("09:00") == time(9, 0)


@pytest.mark.parametrize(
    ("week", "problem"), [("9999-W52", "outside the years"), ("2026-W54", "does not exist")]
)
def test_a_week_nobody_plans_for_is_refused(week: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        TypeAdapter(IsoWeek).validate_python(week)


def test_ids_are_unique_ignoring_case() -> None:
    assert list(case_variants_within("patients", ["P0001", "P0002", "p0001", "P0001"])) == [
        "patients[2].id: 'p0001' differs only in case from 'P0001'; ids are unique ignoring case"
    ]
    assert case_variant_of("n0001", ["N0001", "N0002"]) == "N0001"
    assert case_variant_of("N0001", ["N0001"]) is None  # the same id is the same record
