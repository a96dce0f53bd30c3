"""The Referral aggregate: waiting until admitted or withdrawn, once; erased once closed."""

from __future__ import annotations

from datetime import date

import pytest

from events.errors import ConflictError
from events.planning.referral import Referral, ReferralStatus, referral_uuid
from events.privacy.sealing_mapper import ERASED, personal_fields

TODAY = date(2026, 11, 25)


def a_referral() -> Referral:
    return Referral(
        program_id="p",
        referral_id="R1",
        name="Robin",
        note="relapse",
        level_of_care="ASAM 2.1",
        planned_weeks=8,
        initial_days_per_week=3,
        earliest_start=date(2026, 11, 30),
        priority=2,
        travel_minutes=None,
        preferred_track=None,
        commitments=(),
        recorded_by="intake",
        effective_on=TODAY,
    )


def test_a_referral_is_one_aggregate_per_program_and_id() -> None:
    assert a_referral().id == referral_uuid("p", "R1") != referral_uuid("q", "R1")


def test_admission_closes_the_referral_with_its_start_date() -> None:
    referral = a_referral()
    referral.admit(date(2026, 12, 7), recorded_by="c", effective_on=TODAY)
    assert (referral.status, referral.start_date) == (ReferralStatus.ADMITTED, date(2026, 12, 7))
    with pytest.raises(ConflictError, match="R1 is admitted; cannot admit"):
        referral.admit(date(2026, 12, 14), recorded_by="c", effective_on=TODAY)


def test_a_withdrawn_referral_cannot_be_admitted() -> None:
    referral = a_referral()
    referral.withdraw("moved", recorded_by="c", effective_on=TODAY)
    with pytest.raises(ConflictError, match="R1 is withdrawn; cannot admit"):
        referral.admit(date(2026, 12, 7), recorded_by="c", effective_on=TODAY)


def test_an_erased_referral_keeps_no_name_and_is_erased_once() -> None:
    referral = a_referral()
    referral.withdraw("moved", recorded_by="c", effective_on=TODAY)
    referral.erase("request", recorded_by="dpo", effective_on=TODAY)
    referral.erase("again", recorded_by="dpo", effective_on=TODAY)
    assert (referral.name, referral.note) == (ERASED, ERASED)
    assert len(referral.collect_events()) == 3


def test_names_notes_and_withdrawal_reasons_are_personal_fields() -> None:
    assert personal_fields(Referral.Referred) == ("name", "note")  # type: ignore[attr-defined]
    assert personal_fields(Referral.ReferralWithdrawn) == ("reason",)  # type: ignore[attr-defined]
