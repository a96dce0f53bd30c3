"""Undoing a cancellation on every backend: the meeting returns with its patients, the make-ups
its cancellation booked are withdrawn, and every read model follows; a meeting that has started,
or was never cancelled, is refused with nothing recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from events.errors import ConflictError, InvalidRequestError
from events.roster import Roster
from events.values import Assignment
from scheduler.cancellations.outcome import cancellation_outcome
from scheduler.cancellations.undo import undo_cancellation
from scheduler.importing import import_program
from scheduler.makeups import cancel_session
from scheduler.roster_queries import roster_document
from scheduler.rosters import generate_roster, publish_roster
from scheduler.service import Stepdown
from scheduler.staff import use_cases
from scheduler.week_view import week_view
from tests.conftest import SCENARIOS
from tests.integration.helpers import dump_views

PROGRAM, WEEK, MONDAY = "standard-101", "2026-W49", date(2026, 11, 30)


@pytest.fixture
def rostered(stepdown: Stepdown, sample_text: str) -> Stepdown:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    generate_roster(
        stepdown, PROGRAM, WEEK, actor="coordinator", time_limit_s=60, seed=3, deterministic=True
    )
    publish_roster(stepdown, PROGRAM, WEEK, actor="coordinator")
    stepdown.catch_up()
    return stepdown


def roster_of(stepdown: Stepdown, program_id: str = PROGRAM, week: str = WEEK) -> Roster:
    roster = stepdown.app.find_roster(program_id, week)
    assert roster is not None
    return roster


def fullest_meeting(roster: Roster, day: date) -> tuple[str, list[str]]:
    seated: dict[str, list[str]] = {}
    for a in roster.seats_in_force:
        if a.session_date == day:
            seated.setdefault(a.session_id, []).append(a.patient_id)
    session_id = max(seated, key=lambda s: (len(seated[s]), s))
    return session_id, sorted(seated[session_id])


def cancel(stepdown: Stepdown, session_id: str, day: date) -> None:
    cancel_session(stepdown, PROGRAM, session_id, day, reason="flood", actor="coordinator")
    stepdown.catch_up()


def test_an_undo_puts_the_patients_back_and_withdraws_their_make_ups(rostered: Stepdown) -> None:
    before = roster_of(rostered)
    session_id, seated = fullest_meeting(before, MONDAY)
    cancel(rostered, session_id, MONDAY)
    outcome = cancellation_outcome(rostered, PROGRAM, session_id, MONDAY)
    assert sorted(o.patient_id for o in (*outcome.moved, *outcome.to_call)) == seated
    make_ups = {Assignment(o.patient_id, o.session_id, o.session_date) for o in outcome.moved}  # type: ignore[arg-type]

    undone = undo_cancellation(rostered, PROGRAM, session_id, MONDAY, actor="coordinator")
    rostered.catch_up()

    assert undone.returned == tuple(seated)
    assert set(undone.make_ups_withdrawn) == make_ups
    assert undone.not_returned == ()
    after = roster_of(rostered)
    assert set(after.seats_in_force) == set(before.seats_in_force)
    assert (session_id, MONDAY) not in rostered.app.get_program(PROGRAM).cancellations
    for patient_id in seated:
        enrollment = rostered.app.get_enrollment(PROGRAM, patient_id)
        assert enrollment.awaits_make_up(session_id, MONDAY)
    # The read models: the week shows the meeting held with its patients, nobody left to make up.
    view = week_view(rostered, PROGRAM, WEEK)
    meeting = next(
        m for d in view.days if d.date == MONDAY for m in d.meetings if m.session_id == session_id
    )
    assert not meeting.cancelled
    assert sorted(s.patient_id for s in meeting.seats) == seated
    document = roster_document(rostered, PROGRAM, WEEK)
    assert document["version"] == after.roster_version
    with rostered.views.transaction(commit=False) as cursor:
        assert not cursor.query(
            "SELECT * FROM view_directory_cancellations WHERE program_id = ?", (PROGRAM,)
        )
        assert not cursor.query(
            "SELECT * FROM view_compliance_unmade WHERE missed_date = ?", (MONDAY.isoformat(),)
        )
    for runner in rostered.runners:
        built = dump_views(rostered, runner)
        runner.rebuild()
        assert dump_views(rostered, runner) == built, runner.name


def test_a_meeting_cancelled_again_after_an_undo_moves_its_patients_again(
    rostered: Stepdown,
) -> None:
    session_id, seated = fullest_meeting(roster_of(rostered), MONDAY)
    cancel(rostered, session_id, MONDAY)
    first = cancellation_outcome(rostered, PROGRAM, session_id, MONDAY)
    undo_cancellation(rostered, PROGRAM, session_id, MONDAY, actor="coordinator")
    rostered.catch_up()
    cancel(rostered, session_id, MONDAY)
    again = cancellation_outcome(rostered, PROGRAM, session_id, MONDAY)
    assert sorted(o.patient_id for o in (*again.moved, *again.to_call)) == seated
    assert len(again.moved) == len(first.moved)
    assert not [
        a
        for a in roster_of(rostered).seats_in_force
        if (a.session_id, a.session_date) == (session_id, MONDAY)
    ]


def test_undoing_twice_is_refused_and_records_nothing(rostered: Stepdown) -> None:
    session_id, _ = fullest_meeting(roster_of(rostered), MONDAY)
    cancel(rostered, session_id, MONDAY)
    undo_cancellation(rostered, PROGRAM, session_id, MONDAY, actor="coordinator")
    position = rostered.app.recorder.max_notification_id()
    with pytest.raises(ConflictError, match=f"{session_id} on 2026-11-30 is not cancelled"):
        undo_cancellation(rostered, PROGRAM, session_id, MONDAY, actor="coordinator")
    assert rostered.app.recorder.max_notification_id() == position


def test_a_meeting_that_has_started_is_not_reinstated(rostered: Stepdown) -> None:
    session_id, _ = fullest_meeting(roster_of(rostered), MONDAY)
    cancel(rostered, session_id, MONDAY)
    position = rostered.app.recorder.max_notification_id()
    rostered.clock = lambda: datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # Monday midnight
    with pytest.raises(InvalidRequestError, match=f"{session_id} on 2026-11-30 started at"):
        undo_cancellation(rostered, PROGRAM, session_id, MONDAY, actor="coordinator")
    assert rostered.app.recorder.max_notification_id() == position
    assert (session_id, MONDAY) in rostered.app.get_program(PROGRAM).cancellations


def test_an_undo_before_the_policy_ran_leaves_the_patients_where_they_were(
    rostered: Stepdown,
) -> None:
    """A worker may not have moved anyone yet: the undo finds them still seated, and the
    policy, when it runs, moves nobody for a meeting no longer cancelled."""
    before = roster_of(rostered)
    session_id, seated = fullest_meeting(before, MONDAY)
    cancel_session(rostered, PROGRAM, session_id, MONDAY, reason="flood", actor="coordinator")
    undone = undo_cancellation(rostered, PROGRAM, session_id, MONDAY, actor="coordinator")
    assert undone.returned == tuple(seated)
    rostered.catch_up()
    assert set(roster_of(rostered).seats_in_force) == set(before.seats_in_force)
    for patient_id in seated:
        assert rostered.app.get_enrollment(PROGRAM, patient_id).awaits_make_up(session_id, MONDAY)


STAFFED, TUESDAY = "staffed-201", date(2026, 12, 1)


@pytest.fixture
def staffed(stepdown: Stepdown) -> Stepdown:
    import_program(stepdown, (SCENARIOS / "staffed.json").read_text("utf-8"), actor="c")
    stepdown.refresh_after_write()
    generate_roster(stepdown, STAFFED, WEEK, actor="c", seed=1, deterministic=True)
    publish_roster(stepdown, STAFFED, WEEK, actor="c")
    stepdown.refresh_after_write()
    return stepdown


def test_a_staffed_meeting_returns_with_its_facilitators(staffed: Stepdown) -> None:
    roster = roster_of(staffed, STAFFED)
    assert roster.staffing_in_force is not None
    led = next(
        m
        for m in roster.staffing_in_force.meetings
        if (m.session_id, m.session_date) == ("tue-day-1", TUESDAY)
    )
    cancel_session(staffed, STAFFED, "tue-day-1", TUESDAY, reason="flood", actor="c")
    staffed.refresh_after_write()
    undone = undo_cancellation(staffed, STAFFED, "tue-day-1", TUESDAY, actor="c")
    assert undone.facilitators == led.facilitator_ids


def test_a_meeting_whose_facilitator_is_now_absent_is_refused_by_name(staffed: Stepdown) -> None:
    roster = roster_of(staffed, STAFFED)
    assert roster.staffing_in_force is not None
    led = next(
        m
        for m in roster.staffing_in_force.meetings
        if (m.session_id, m.session_date) == ("tue-day-1", TUESDAY)
    )
    cancel_session(staffed, STAFFED, "tue-day-1", TUESDAY, reason="flood", actor="c")
    staffed.refresh_after_write()
    use_cases.mark_absent(staffed, STAFFED, led.facilitator_ids[0], TUESDAY, actor="c")
    staffed.refresh_after_write()
    with pytest.raises(ConflictError, match=f"facilitator {led.facilitator_ids[0]} is absent"):
        undo_cancellation(staffed, STAFFED, "tue-day-1", TUESDAY, actor="c")


def test_a_meeting_called_off_for_want_of_cover_is_refused(staffed: Stepdown) -> None:
    """Nobody else licensed works Monday mornings: Ana Ruiz's absence calls her group off."""
    outcomes = use_cases.mark_absent(staffed, STAFFED, "s-ana", MONDAY, actor="c")
    staffed.refresh_after_write()
    ((session_id, day, _),) = outcomes[0].cancelled
    with pytest.raises(ConflictError, match="called off for want of cover"):
        undo_cancellation(staffed, STAFFED, session_id, day, actor="c")


def test_the_short_list_names_whom_a_cancellation_left_without_a_make_up_until_it_is_undone(
    rostered: Stepdown,
) -> None:
    friday = date(2026, 12, 4)
    session_id, _ = fullest_meeting(roster_of(rostered), friday)
    cancel(rostered, session_id, friday)
    outcome = cancellation_outcome(rostered, PROGRAM, session_id, friday)
    assert outcome.to_call, "the fullest Friday evening leaves someone without a make-up"
    cancelled_note = "on Fri 4 Dec cancelled, no make-up"  # its time and name, then its day
    short = {s.patient_id: s for s in week_view(rostered, PROGRAM, WEEK).short}
    for unplaced in outcome.to_call:
        shortfall = short[unplaced.patient_id]
        assert cancelled_note in shortfall.reason
        assert shortfall.scheduled_days < shortfall.required_days
    undo_cancellation(rostered, PROGRAM, session_id, friday, actor="coordinator")
    rostered.catch_up()
    short = {s.patient_id: s for s in week_view(rostered, PROGRAM, WEEK).short}
    assert not [s for s in short.values() if cancelled_note in s.reason]


def test_a_draft_generated_without_the_meeting_gets_no_seats_in_it_and_says_so(
    rostered: Stepdown,
) -> None:
    before = roster_of(rostered)
    session_id, seated = fullest_meeting(before, MONDAY)
    cancel(rostered, session_id, MONDAY)
    generate_roster(
        rostered, PROGRAM, WEEK, actor="coordinator", time_limit_s=60, seed=3, deterministic=True
    )
    rostered.catch_up()
    undone = undo_cancellation(rostered, PROGRAM, session_id, MONDAY, actor="coordinator")
    rostered.catch_up()
    assert undone.returned == tuple(seated)
    assert undone.note is not None
    assert "generate it again before publishing" in undone.note
    after = roster_of(rostered)
    meeting = (session_id, MONDAY)
    assert {
        a.patient_id for a in after.seats_in_force if (a.session_id, a.session_date) == meeting
    } == set(seated)
    assert not [a for a in after.assignments if (a.session_id, a.session_date) == meeting]
    published = roster_document(rostered, PROGRAM, WEEK, version="published")
    back = next(
        s
        for s in published["sessions"]
        if (s["session_id"], s["date"]) == (session_id, MONDAY.isoformat())
    )
    assert sorted(back["patient_ids"]) == seated
    for runner in rostered.runners:
        built = dump_views(rostered, runner)
        runner.rebuild()
        assert dump_views(rostered, runner) == built, runner.name
