"""Referrals on every backend: the waitlist, admission through the enrol path, withdrawal,
erasure, and when a referral can start."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from events.errors import ConflictError, InvalidRequestError, NotFoundError
from events.persistence import Database, new_cipher_key, with_cipher
from events.privacy.sealing_mapper import ERASED
from scheduler import enrollments, queries
from scheduler.importing import import_program
from scheduler.patients import enroll_patient
from scheduler.planning import referrals
from scheduler.planning.earliest_start import earliest_start
from scheduler.planning.referral_erasure import erase_referral
from scheduler.planning.seats import committed_seats
from scheduler.planning.waitlist import waitlist
from scheduler.privacy.erasure import erase_patient
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import fixed_clock
from tests.integration.helpers import dump_views, event_count
from tests.integration.planning_program import PROGRAM, group, referral, small_program, works
from tests.integration.stored_text import raw_text

EVENINGS = [group(f"{day.lower()}-eve", day, "18:00", 1) for day in ("MON", "TUE", "WED")]


@pytest.fixture
def store(database: Database) -> Database:
    return replace(database, env=with_cipher(database.env, new_cipher_key()))


@pytest.fixture
def program(store: Database) -> Stepdown:
    service = open_stepdown(store, clock=fixed_clock)
    import_program(service, small_program(EVENINGS, [], retention_days=0), actor="coordinator")
    return service


def test_a_referral_waits_and_its_waiting_time_comes_from_the_clock(program: Stepdown) -> None:
    referrals.refer(program, PROGRAM, referral("R1", priority=2), actor="intake")
    referrals.refer(program, PROGRAM, referral("R2", priority=1), actor="intake")
    program.catch_up()
    program.clock = lambda: datetime(2026, 12, 2, 18, 0, tzinfo=UTC)

    listed = waitlist(program, PROGRAM)

    assert [entry.referral_id for entry in listed] == ["R2", "R1"]  # most urgent first
    assert listed[0].name == "Referred person R2"
    assert [entry.waiting_days for entry in listed] == [7, 7]


def test_admission_enrols_through_the_enrol_path_and_closes_the_referral(program: Stepdown) -> None:
    referrals.refer(program, PROGRAM, referral("R1"), actor="intake")
    referrals.admit(program, PROGRAM, "R1", date(2026, 12, 7), actor="coordinator")
    program.catch_up()

    patient = queries.census_entry(program, PROGRAM, "R1")
    assert (patient.name, patient.start_date, patient.plan_weeks) == (
        "Referred person R1",
        date(2026, 12, 7),
        2,
    )
    assert waitlist(program, PROGRAM) == []
    (admitted,) = waitlist(program, PROGRAM, status="admitted")
    assert admitted.start_date == date(2026, 12, 7)
    with pytest.raises(ConflictError, match="R1 is admitted"):
        referrals.withdraw(program, PROGRAM, "R1", reason="changed mind", actor="intake")


@pytest.mark.parametrize(
    ("referral_id", "start", "error", "message"),
    [
        ("NOPE", date(2026, 12, 7), NotFoundError, "'NOPE' is not a referral"),
        ("R1", date(2026, 11, 27), InvalidRequestError, "before the referral's earliest start"),
        ("R1", date(2026, 11, 24), InvalidRequestError, "before today"),
        ("R1", date(2027, 3, 1), InvalidRequestError, "beyond the 12-week planning horizon"),
    ],
)
def test_a_bad_admission_names_the_field_and_changes_nothing(
    program: Stepdown, referral_id: str, start: date, error: type[Exception], message: str
) -> None:
    referrals.refer(program, PROGRAM, referral("R1"), actor="intake")
    before = event_count(program)
    with pytest.raises(error, match=message):
        referrals.admit(program, PROGRAM, referral_id, start, actor="coordinator")
    assert event_count(program) == before


def test_a_referral_must_fit_the_program_policy_and_ids(program: Stepdown) -> None:
    before = event_count(program)
    with pytest.raises(InvalidRequestError, match=r"referral.planned_weeks: 9 is outside"):
        referrals.refer(program, PROGRAM, referral("R1", planned_weeks=9), actor="intake")
    with pytest.raises(NotFoundError, match="program: 'other' does not exist"):
        referrals.refer(program, "other", referral("R1"), actor="intake")
    referrals.refer(program, PROGRAM, referral("R1"), actor="intake")
    with pytest.raises(ConflictError, match="differs only in case"):
        referrals.refer(program, PROGRAM, referral("r1"), actor="intake")
    assert event_count(program) == before + 1


def test_admission_refuses_an_id_a_patient_holds_in_another_case(program: Stepdown) -> None:
    referrals.refer(program, PROGRAM, referral("R1"), actor="intake")
    other = referrals.referral_as_patient(
        referrals.get_referral(program, PROGRAM, "R1"), date(2026, 11, 30)
    )
    enroll_patient(program, PROGRAM, other.model_copy(update={"id": "r1"}), actor="c")
    before = event_count(program)
    with pytest.raises(ConflictError, match="'R1' differs only in case from patient 'r1'"):
        referrals.admit(program, PROGRAM, "R1", date(2026, 12, 7), actor="coordinator")
    assert event_count(program) == before


def test_names_and_reasons_are_sealed_and_erased_with_the_referral(
    program: Stepdown, store: Database
) -> None:
    referrals.refer(program, PROGRAM, referral("R1", note="relapse in October"), actor="intake")
    with pytest.raises(ConflictError, match="R1 is waiting; withdraw it before erasing it"):
        erase_referral(program, PROGRAM, "R1", reason="their request", actor="dpo")
    referrals.withdraw(program, PROGRAM, "R1", reason="moved to Leeds", actor="intake")
    program.catch_up()
    stored = raw_text(store)
    for text in ("Referred person R1", "relapse in October", "moved to Leeds"):
        assert text not in stored
    (withdrawn,) = waitlist(program, PROGRAM, status="withdrawn")
    assert (withdrawn.note, withdrawn.close_reason) == ("relapse in October", "moved to Leeds")

    erase_referral(program, PROGRAM, "R1", reason="their request", actor="dpo")

    (erased,) = waitlist(program, PROGRAM, status="withdrawn")
    assert (erased.name, erased.note, erased.close_reason) == (ERASED, ERASED, ERASED)
    assert referrals.get_referral(program, PROGRAM, "R1").name == ERASED


def test_erasing_an_admitted_patient_erases_their_referral(program: Stepdown) -> None:
    referrals.refer(program, PROGRAM, referral("R1"), actor="intake")
    referrals.admit(program, PROGRAM, "R1", date(2026, 11, 30), actor="coordinator")
    enrollments.discharge(program, PROGRAM, "R1", reason="moved", actor="c")
    with pytest.raises(ConflictError, match="erase the patient"):
        erase_referral(program, PROGRAM, "R1", reason="request", actor="dpo")

    erase_patient(program, PROGRAM, "R1", reason="their request", actor="dpo")
    program.catch_up()

    (admitted,) = waitlist(program, PROGRAM, status="admitted")
    assert admitted.name == ERASED
    assert referrals.get_referral(program, PROGRAM, "R1").name == ERASED


def test_erasing_a_patient_erases_a_referral_under_the_same_id_whatever_its_status(
    program: Stepdown,
) -> None:
    referrals.refer(program, PROGRAM, referral("R1"), actor="intake")
    waiting = referrals.get_referral(program, PROGRAM, "R1")
    enroll_patient(
        program, PROGRAM, referrals.referral_as_patient(waiting, date(2026, 11, 30)), actor="c"
    )
    enrollments.discharge(program, PROGRAM, "R1", reason="moved", actor="c")

    erase_patient(program, PROGRAM, "R1", reason="their request", actor="dpo")
    program.catch_up()

    (still_listed,) = waitlist(program, PROGRAM)
    assert still_listed.name == ERASED
    assert referrals.get_referral(program, PROGRAM, "R1").name == ERASED


def test_the_earliest_start_waits_for_a_seat_to_free_up(program: Stepdown) -> None:
    # One seat a night, three nights. FIRST, admitted from 30 Nov, tapers 2 → 1 days; SECOND
    # needs 2 days then 1: not beside FIRST's first week, but from the week after.
    referrals.refer(program, PROGRAM, referral("FIRST"), actor="intake")
    referrals.admit(program, PROGRAM, "FIRST", date(2026, 11, 30), actor="coordinator")
    referrals.refer(program, PROGRAM, referral("SECOND", initial_days_per_week=2), actor="i")
    program.catch_up()
    seats = committed_seats(program, PROGRAM, [date(2026, 11, 30), date(2026, 12, 7)])
    assert sum(n for (week, _), n in seats.items() if week == "2026-W49") == 2
    assert sum(n for (week, _), n in seats.items() if week == "2026-W50") == 1
    program.catch_up()
    answer = earliest_start(program, PROGRAM, "SECOND")
    assert answer.start_date == date(2026, 12, 7)
    assert [week.required_days for week in answer.course] == [2, 1]
    assert answer.refusals[0][0] == date(2026, 11, 30)
    assert "full" in answer.refusals[0][2]
    only_this_week = earliest_start(program, PROGRAM, "SECOND", horizon_weeks=1)
    assert only_this_week.reason == (
        "no start from 2026-11-30 to 2026-12-02 fits the whole course: week of 2026-11-30: "
        "needs 2 days, 1 left beside the enrolled: Mon 18:00 evening (mon-eve), "
        "Tue 18:00 evening (tue-eve), Wed 18:00 evening (wed-eve) full"
    )

    referrals.refer(
        program,
        PROGRAM,
        referral("THIRD", commitments=[works(["MON", "TUE"], "16:00", "23:00")]),
        actor="intake",
    )
    program.catch_up()
    none = earliest_start(program, PROGRAM, "THIRD", horizon_weeks=4)
    assert none.start_date is None
    assert none.reason is not None
    assert "sessions fit their commitments (work MON,TUE 16:00–23:00) on 1 day(s) (Wed)" in (
        none.reason
    )
    with pytest.raises(InvalidRequestError, match="horizon_weeks: 60"):
        earliest_start(program, PROGRAM, "THIRD", horizon_weeks=60)


def test_the_waitlist_rebuilt_from_the_log_is_the_same(program: Stepdown) -> None:
    referrals.refer(program, PROGRAM, referral("R1", note="first call"), actor="intake")
    referrals.refer(program, PROGRAM, referral("R2"), actor="intake")
    referrals.refer(program, PROGRAM, referral("R3"), actor="intake")
    referrals.admit(program, PROGRAM, "R1", date(2026, 12, 7), actor="coordinator")
    referrals.withdraw(program, PROGRAM, "R2", reason="moved", actor="intake")
    erase_referral(program, PROGRAM, "R2", reason="request", actor="dpo")
    program.catch_up()
    runner = program.runner("waitlist")
    kept = dump_views(program, runner)
    runner.rebuild()
    assert dump_views(program, runner) == kept
    assert len(kept["view_waitlist"]) == 3
