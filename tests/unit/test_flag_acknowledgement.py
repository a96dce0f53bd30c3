"""Acknowledging an attendance flag: what closes it, what is refused, when it is raised again."""

from datetime import date, timedelta

import pytest

from events.enrollment import Enrollment
from events.errors import ConflictError, InvalidRequestError
from tests.unit.factories import START, an_enrollment

TODAY = START + timedelta(weeks=8)


def _miss(enrollment: Enrollment, day: date, *, contact: bool = False) -> None:
    enrollment.record_miss(
        "mon-day",
        day,
        scheduled_minutes=180,
        excused=False,
        reason="",
        contact_made=contact,
        recorded_by="nurse",
    )


def _misses(enrollment: Enrollment, weeks: range, *, contact: bool = False) -> None:
    for week in weeks:
        _miss(enrollment, START + timedelta(weeks=week), contact=contact)


def _raised(enrollment: Enrollment) -> list[str]:
    return [
        e.flag  # type: ignore[attr-defined]
        for e in enrollment.pending_events
        if type(e).__qualname__ == "Enrollment.AttendanceFlagRaised"
    ]


def _acknowledge(enrollment: Enrollment, flag: str, note: str = "reviewed, continue") -> None:
    enrollment.acknowledge_flag(flag, note=note, recorded_by="dr-lee", effective_on=TODAY)


def test_acknowledging_an_open_flag_closes_it_and_records_who_when_and_the_note() -> None:
    enrollment = an_enrollment()
    _misses(enrollment, range(7), contact=True)
    _acknowledge(enrollment, "clinical_review", "  Reviewed with Dr Lee: continue  ")
    assert enrollment.open_flags == set()
    event = enrollment.pending_events[-1]
    assert type(event).__qualname__ == "Enrollment.AttendanceFlagAcknowledged"
    assert event.flag == "clinical_review"  # type: ignore[attr-defined]
    assert event.note == "Reviewed with Dr Lee: continue"  # type: ignore[attr-defined]
    assert event.recorded_by == "dr-lee"  # type: ignore[attr-defined]
    assert event.effective_on == TODAY  # type: ignore[attr-defined]


def test_an_unknown_flag_is_refused_naming_the_patient_and_the_flag() -> None:
    with pytest.raises(
        InvalidRequestError, match=r"flag: 'relapse' is not an attendance flag of P1"
    ):
        _acknowledge(an_enrollment(), "relapse")


def test_a_flag_that_is_not_open_is_refused_naming_the_patient_and_the_flag() -> None:
    with pytest.raises(ConflictError, match="P1 has no open outreach flag to acknowledge"):
        _acknowledge(an_enrollment(), "outreach", "contact made")


def test_acknowledging_twice_is_refused_and_says_when_it_was_acknowledged() -> None:
    enrollment = an_enrollment()
    _misses(enrollment, range(3))
    _acknowledge(enrollment, "outreach", "contact made")
    count = len(enrollment.pending_events)
    with pytest.raises(ConflictError, match=f"last acknowledged on {TODAY} by dr-lee"):
        _acknowledge(enrollment, "outreach", "contact made")
    assert len(enrollment.pending_events) == count


@pytest.mark.parametrize("note", ["", "   \n  "])
def test_an_empty_note_is_refused(note: str) -> None:
    enrollment = an_enrollment()
    _misses(enrollment, range(3))
    with pytest.raises(InvalidRequestError, match="note: acknowledging P1's outreach flag needs"):
        _acknowledge(enrollment, "outreach", note)
    assert enrollment.open_flags == {"outreach"}


def test_a_note_over_a_thousand_characters_is_refused() -> None:
    enrollment = an_enrollment()
    _misses(enrollment, range(3))
    with pytest.raises(InvalidRequestError, match="note: 1001 characters"):
        _acknowledge(enrollment, "outreach", "x" * 1001)


def test_an_erased_patients_flag_cannot_be_acknowledged() -> None:
    enrollment = an_enrollment()
    _misses(enrollment, range(3))
    enrollment.discharge("moved away", recorded_by="coordinator", effective_on=TODAY)
    enrollment.erase("retention passed", recorded_by="coordinator", effective_on=TODAY)
    with pytest.raises(ConflictError, match="P1 was erased"):
        _acknowledge(enrollment, "outreach", "contact made")


def test_a_discharged_patients_open_flag_can_still_be_acknowledged() -> None:
    enrollment = an_enrollment()
    _misses(enrollment, range(3))
    enrollment.discharge("moved away", recorded_by="coordinator", effective_on=TODAY)
    _acknowledge(enrollment, "outreach", "discharged; no further outreach")
    assert enrollment.open_flags == set()


def test_after_outreach_is_acknowledged_three_new_misses_raise_it_again() -> None:
    enrollment = an_enrollment()
    _misses(enrollment, range(3))
    _acknowledge(enrollment, "outreach", "contact made")
    _misses(enrollment, range(3, 5))
    assert _raised(enrollment) == ["outreach"]  # the acknowledged run does not continue
    _misses(enrollment, range(5, 6))
    assert _raised(enrollment) == ["outreach", "outreach"]
    assert enrollment.open_flags == {"outreach"}


def test_after_clinical_review_only_misses_recorded_since_count_toward_the_next() -> None:
    enrollment = an_enrollment()
    _misses(enrollment, range(7), contact=True)
    _acknowledge(enrollment, "clinical_review")
    # More than 6 unexcused in the 12 weeks, but the reviewed ones count no more: 6 new are not.
    _misses(enrollment, range(7, 13), contact=True)
    assert _raised(enrollment) == ["clinical_review"]
    _misses(enrollment, range(13, 14), contact=True)
    assert _raised(enrollment) == ["clinical_review", "clinical_review"]


def test_acknowledging_one_flag_leaves_the_other_open() -> None:
    enrollment = an_enrollment()
    _misses(enrollment, range(7))
    assert enrollment.open_flags == {"outreach", "clinical_review"}
    _acknowledge(enrollment, "outreach", "contact made")
    assert enrollment.open_flags == {"clinical_review"}


def test_a_miss_recorded_late_for_a_day_before_the_review_still_counts() -> None:
    """The acknowledgement answered the misses on record then; one recorded afterwards was not
    seen by whoever acknowledged, so it counts toward raising the flag again."""
    enrollment = an_enrollment()
    _misses(enrollment, range(7), contact=True)
    _acknowledge(enrollment, "clinical_review")
    for week in range(7):
        _miss(enrollment, START + timedelta(weeks=week, days=2), contact=True)
    assert _raised(enrollment) == ["clinical_review", "clinical_review"]
