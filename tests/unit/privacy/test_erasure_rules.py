"""The enrolment's erasure rule and the sealing of personal fields, without a database."""

from __future__ import annotations

import pytest

from events.enrollment import Enrollment
from events.errors import ConflictError
from events.privacy.patient_keys import seal, unseal
from events.privacy.sealing_mapper import ERASED, personal_fields
from tests.unit.factories import START, an_enrollment


def test_only_a_patient_who_left_can_be_erased() -> None:
    with pytest.raises(ConflictError, match="P1 is active; only a patient who stepped down"):
        an_enrollment().erase("request", recorded_by="dpo", effective_on=START)


def test_the_erasure_event_names_who_when_and_why_but_not_the_patient() -> None:
    enrollment = an_enrollment()
    enrollment.discharge("moved", recorded_by="c", effective_on=START)
    enrollment.erase("request", recorded_by="dpo", effective_on=START)
    erased = enrollment.collect_events()[-1]
    assert type(erased).__qualname__ == "Enrollment.PatientErased"
    assert {k: v for k, v in vars(erased).items() if not k.startswith("originator")} == {
        "timestamp": erased.timestamp,
        "reason": "request",
        "recorded_by": "dpo",
        "effective_on": START,
    }
    assert (enrollment.name, enrollment.erased_on) == (ERASED, START)


def test_erasing_twice_records_one_erasure() -> None:
    enrollment = an_enrollment()
    enrollment.discharge("moved", recorded_by="c", effective_on=START)
    enrollment.erase("request", recorded_by="dpo", effective_on=START)
    enrollment.erase("request", recorded_by="dpo", effective_on=START)
    kinds = [type(e).__name__ for e in enrollment.collect_events()]
    assert kinds.count("PatientErased") == 1


def test_names_and_free_text_of_the_enrolment_are_personal_fields() -> None:
    assert personal_fields(Enrollment.PatientEnrolled) == ("name",)  # type: ignore[attr-defined]
    assert personal_fields(Enrollment.SessionMissed) == ("reason",)
    assert personal_fields(Enrollment.SessionAttended) == ()
    assert personal_fields(Enrollment.PatientErased) == ()  # type: ignore[attr-defined]


def test_a_sealed_field_opens_only_with_its_own_key() -> None:
    key, other = bytes(32), bytes([1]) * 32
    sealed = seal(key, "Jane Roe")
    assert "Jane" not in sealed
    assert unseal(key, sealed) == "Jane Roe"
    with pytest.raises(ValueError, match="does not open"):
        unseal(other, sealed)
