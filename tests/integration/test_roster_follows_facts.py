"""The published roster follows the facts recorded after it, on every backend."""

from datetime import date
from typing import Any

import pytest

from events.errors import InvalidRequestError, NotFoundError
from events.roster import Roster
from events.values import Assignment
from scheduler import enrollments, programs, queries, rosters
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.importing import import_program
from scheduler.makeups import cancel_session
from scheduler.program_file import SessionIn
from scheduler.roster_facts_policy import RosterFollowsFactsPolicy
from scheduler.roster_queries import roster_document, roster_versions
from scheduler.rosters import generate_roster, publish_roster
from scheduler.schedules import patient_schedule
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import fixed_clock

PROGRAM, WEEK = "standard-101", "2026-W48"
MONDAY, TODAY, FRIDAY = date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 27)


def _generate(stepdown: Stepdown) -> None:
    generate_roster(
        stepdown, PROGRAM, WEEK, actor="coordinator", time_limit_s=60, seed=3, deterministic=True
    )
    stepdown.catch_up()


@pytest.fixture
def rostered(stepdown: Stepdown, sample_text: str) -> Stepdown:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    _generate(stepdown)
    publish_roster(stepdown, PROGRAM, WEEK, actor="coordinator")
    stepdown.catch_up()
    return stepdown


def _roster(stepdown: Stepdown) -> Roster:
    roster = stepdown.app.find_roster(PROGRAM, WEEK)
    assert roster is not None
    return roster


def _published(stepdown: Stepdown) -> set[Assignment]:
    """The published seats as the read model shows them."""
    document = roster_document(stepdown, PROGRAM, WEEK, version="published")
    return {
        Assignment(p, s["session_id"], date.fromisoformat(s["date"]))
        for s in document["sessions"]
        for p in s["patient_ids"]
    }


def _seats_of(stepdown: Stepdown, patient_id: str) -> set[Assignment]:
    return {a for a in _published(stepdown) if a.patient_id == patient_id}


def _calendar(stepdown: Stepdown, patient_id: str) -> set[Assignment]:
    return {
        Assignment(patient_id, a.session_id, a.session_date)
        for a in patient_schedule(stepdown, PROGRAM, patient_id, published_only=True)
        if a.week == WEEK
    }


def _miss_with_make_up(stepdown: Stepdown) -> tuple[Assignment, Assignment]:
    """A Monday seat missed, and the make-up the policy booked for it."""
    for seat in sorted(_roster(stepdown).assignments, key=str):
        if seat.session_date != MONDAY:
            continue
        _record(stepdown, seat, AttendanceStatus.MISSED)
        stepdown.catch_up()
        booked = stepdown.app.get_enrollment(PROGRAM, seat.patient_id).make_ups[
            (seat.session_id, MONDAY)
        ]
        if isinstance(booked, tuple):
            return seat, Assignment(seat.patient_id, *booked)
    raise AssertionError("no Monday miss could be made up")


def _record(stepdown: Stepdown, seat: Assignment, status: AttendanceStatus) -> bool:
    return record_attendance(
        stepdown,
        program_id=PROGRAM,
        patient_id=seat.patient_id,
        session_id=seat.session_id,
        session_date=seat.session_date,
        status=status,
        reason="flu" if status is not AttendanceStatus.ATTENDED else "",
        actor="nurse",
    )


def _scheduled_hours(stepdown: Stepdown, patient_id: str) -> float:
    weeks = queries.attendance_weeks(stepdown, PROGRAM, patient_id=patient_id)
    return sum(w.scheduled_hours for w in weeks if w.week == WEEK)


def _busiest_meeting(seats: set[Assignment], day: date) -> tuple[str, set[str]]:
    meetings: dict[str, set[str]] = {}
    for a in seats:
        if a.session_date == day:
            meetings.setdefault(a.session_id, set()).add(a.patient_id)
    return max(meetings.items(), key=lambda item: (len(item[1]), item[0]))


def test_regenerating_keeps_a_cancelled_meeting_empty_and_its_make_ups(
    rostered: Stepdown,
) -> None:
    missed, make_up = _miss_with_make_up(rostered)
    session_id, _ = _busiest_meeting(
        {a for a in _published(rostered) if a.session_id != make_up.session_id}, FRIDAY
    )
    cancel_session(rostered, PROGRAM, session_id, FRIDAY, reason="facilitator ill", actor="lead")
    rostered.catch_up()
    moved = {
        Assignment(a.patient_id, *booked)
        for a in _roster(rostered).made_up
        if a.session_id == session_id
        and isinstance(
            booked := rostered.app.get_enrollment(PROGRAM, a.patient_id).make_ups[
                (session_id, FRIDAY)
            ],
            tuple,
        )
    }

    _generate(rostered)

    draft = _roster(rostered).assignments
    assert not [a for a in draft if (a.session_id, a.session_date) == (session_id, FRIDAY)]
    assert make_up in draft
    assert missed not in draft
    assert moved <= set(draft)
    document = roster_document(rostered, PROGRAM, WEEK, version="draft")
    assert (session_id, FRIDAY.isoformat()) not in {
        (s["session_id"], s["date"]) for s in document["sessions"]
    }


def test_a_make_up_moved_by_a_cancellation_still_answers_the_first_miss(
    rostered: Stepdown,
) -> None:
    missed, make_up = _miss_with_make_up(rostered)
    cancel_session(
        rostered, PROGRAM, make_up.session_id, make_up.session_date, reason="ill", actor="lead"
    )
    rostered.catch_up()
    moved = rostered.app.get_enrollment(PROGRAM, missed.patient_id).make_ups[
        (make_up.session_id, make_up.session_date)
    ]

    _generate(rostered)

    draft = _roster(rostered).assignments
    assert missed not in draft
    assert make_up not in draft
    if isinstance(moved, tuple):
        assert Assignment(missed.patient_id, *moved) in draft


def test_pausing_withdraws_future_published_seats_with_the_reason(rostered: Stepdown) -> None:
    missed, make_up = _miss_with_make_up(rostered)
    patient_id = missed.patient_id
    before = _seats_of(rostered, patient_id)
    assert any(a.session_date >= TODAY for a in before)

    enrollments.pause(rostered, PROGRAM, patient_id, reason="hospital stay", actor="clinician")
    rostered.catch_up()

    assert _seats_of(rostered, patient_id) == {a for a in before if a.session_date < TODAY}
    assert _calendar(rostered, patient_id) == _seats_of(rostered, patient_id)
    last = roster_versions(rostered, PROGRAM, WEEK)[-1]
    assert last["change"] == "withdrawn"
    assert last["reason"] == f"{patient_id} paused from {TODAY}"
    assert last["published"]
    # the make-up booked for Monday's miss no longer applies
    assert make_up not in _roster(rostered).published_assignments
    outcome = rostered.app.get_enrollment(PROGRAM, patient_id).make_ups[(missed.session_id, MONDAY)]
    assert isinstance(outcome, str)
    assert outcome.startswith("withdrawn:")


def test_the_roster_policy_run_again_changes_nothing(rostered: Stepdown) -> None:
    patient_id = sorted(a.patient_id for a in _published(rostered) if a.session_date >= TODAY)[0]
    enrollments.discharge(rostered, PROGRAM, patient_id, reason="moved away", actor="clinician")
    programs.add_closure(rostered, PROGRAM, FRIDAY, "staff training", actor="lead")
    rostered.catch_up()
    version = _roster(rostered).roster_version
    again = RosterFollowsFactsPolicy(rostered)
    for notification in rostered.app.recorder.select_notifications(start=None, limit=10_000):
        again.handle(rostered.app.mapper.to_domain_event(notification))
    assert RosterFollowsFactsPolicy(rostered).catch_up() == 0
    assert _roster(rostered).roster_version == version


def test_closure_after_publishing_amends_the_roster(rostered: Stepdown) -> None:
    seated_today = {a for a in _published(rostered) if a.session_date == TODAY}
    seat = sorted(seated_today, key=str)[0]
    hours = _scheduled_hours(rostered, seat.patient_id)

    programs.add_closure(rostered, PROGRAM, TODAY, "burst pipe", actor="lead")
    rostered.catch_up()

    assert not [a for a in _published(rostered) if a.session_date == TODAY]
    last = roster_versions(rostered, PROGRAM, WEEK)[-1]
    assert (last["change"], last["seats_removed"]) == ("withdrawn", len(seated_today))
    assert last["reason"] == f"program closed on {TODAY}: burst pipe"
    # the seat is gone, so it no longer counts as scheduled and nothing can be recorded for it
    assert _scheduled_hours(rostered, seat.patient_id) == pytest.approx(hours - 3)
    with pytest.raises(InvalidRequestError, match="closure"):
        _record(rostered, seat, AttendanceStatus.ATTENDED)


def test_a_paused_patient_gets_no_make_up_from_a_cancellation(rostered: Stepdown) -> None:
    session_id, seated = _busiest_meeting(_published(rostered), FRIDAY)
    patient_id = sorted(seated)[0]
    # recorded back to back, before any policy ran (a worker that runs behind)
    enrollments.pause(rostered, PROGRAM, patient_id, reason="travel", actor="clinician")
    cancel_session(rostered, PROGRAM, session_id, FRIDAY, reason="facilitator ill", actor="lead")
    rostered.catch_up()

    outcome = rostered.app.get_enrollment(PROGRAM, patient_id).make_ups[(session_id, FRIDAY)]
    assert outcome == "status: patient is paused"
    assert not _seats_of(rostered, patient_id) - {
        a for a in _published(rostered) if a.session_date < TODAY
    }


def test_a_miss_handled_after_a_discharge_gets_no_make_up(rostered: Stepdown) -> None:
    seat = sorted((a for a in _published(rostered) if a.session_date == MONDAY), key=str)[0]
    _record(rostered, seat, AttendanceStatus.MISSED)
    enrollments.discharge(rostered, PROGRAM, seat.patient_id, reason="moved", actor="clinician")
    rostered.catch_up()

    enrollment = rostered.app.get_enrollment(PROGRAM, seat.patient_id)
    assert enrollment.make_ups[(seat.session_id, MONDAY)] == "status: patient is discharged"


def test_correcting_a_miss_to_attended_withdraws_its_make_up(rostered: Stepdown) -> None:
    missed, make_up = _miss_with_make_up(rostered)

    _record(rostered, missed, AttendanceStatus.ATTENDED)
    rostered.catch_up()

    assert make_up not in _published(rostered)
    assert make_up not in _calendar(rostered, missed.patient_id)
    assert missed in _published(rostered)
    outcome = rostered.app.get_enrollment(PROGRAM, missed.patient_id).make_ups[
        (missed.session_id, MONDAY)
    ]
    assert isinstance(outcome, str)
    assert outcome.startswith("withdrawn:")
    assert "corrected to attended" in str(roster_versions(rostered, PROGRAM, WEEK)[-1]["reason"])


def test_retiring_a_session_withdraws_its_future_seats(rostered: Stepdown) -> None:
    session_id, _ = _busiest_meeting(_published(rostered), FRIDAY)

    programs.retire_session(rostered, PROGRAM, session_id, actor="lead")
    rostered.catch_up()

    assert not [a for a in _published(rostered) if a.session_id == session_id]
    assert roster_versions(rostered, PROGRAM, WEEK)[-1]["reason"] == (
        f"session {session_id} retired from {TODAY}"
    )


def test_lowering_a_capacity_withdraws_the_last_seated_over_it(rostered: Stepdown) -> None:
    session_id, seated = _busiest_meeting(_published(rostered), FRIDAY)
    spec = rostered.app.get_program(PROGRAM).session(session_id)
    smaller = len(seated) - 1
    assert smaller >= spec.min_size

    programs.change_session(
        rostered,
        PROGRAM,
        SessionIn(
            id=session_id,
            name=spec.name,
            weekday=spec.weekday,
            start=spec.start,
            end=spec.end,
            capacity=smaller,
            min_size=spec.min_size,
            track=spec.track,
        ),
        actor="lead",
    )
    rostered.catch_up()

    left = {a.patient_id for a in _published(rostered) if a.session_id == session_id}
    assert len(left) == smaller
    assert left < seated
    assert roster_versions(rostered, PROGRAM, WEEK)[-1]["reason"] == (
        f"session {session_id} capacity lowered to {smaller}"
    )


def test_regenerating_a_published_week_keeps_the_published_seats_in_calendars(
    rostered: Stepdown,
) -> None:
    published = _published(rostered)
    patient_id = sorted(a.patient_id for a in published)[0]
    hours = _scheduled_hours(rostered, patient_id)

    _generate(rostered)

    assert _roster(rostered).status.value == "draft"
    assert _published(rostered) == published
    assert _calendar(rostered, patient_id) == {a for a in published if a.patient_id == patient_id}
    assert _scheduled_hours(rostered, patient_id) == hours


def test_roster_show_gives_published_and_draft(rostered: Stepdown) -> None:
    with pytest.raises(NotFoundError, match="no draft waiting"):
        roster_document(rostered, PROGRAM, WEEK, version="draft")
    published_version = _roster(rostered).roster_version

    _generate(rostered)

    published = roster_document(rostered, PROGRAM, WEEK, version="published")
    draft = roster_document(rostered, PROGRAM, WEEK, version="draft")
    latest = roster_document(rostered, PROGRAM, WEEK)
    assert (published["version"], published["status"]) == (published_version, "published")
    assert (draft["version"], draft["status"]) == (published_version + 1, "draft")
    assert latest == draft
    assert published["patients"]
    assert published["solver"]["status"]


def test_a_pause_recorded_while_the_week_is_solved_leaves_the_patient_no_seat(
    stepdown: Stepdown, sample_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another coordinator pauses P0002 during the solve (seconds on a large program); the roster
    # policy has nothing to amend yet, so the generate itself must not save the stale seats.
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    elsewhere = open_stepdown(stepdown.app.database, clock=fixed_clock)
    real_solve = rosters.solve  # type: ignore[attr-defined]
    calls: list[int] = []

    def solve_while_someone_pauses(*args: Any, **kwargs: Any) -> Any:
        if not calls:
            enrollments.pause(elsewhere, PROGRAM, "P0002", reason="hospital", actor="other")
            elsewhere.catch_up()
        calls.append(1)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(rosters, "solve", solve_while_someone_pauses)
    next_week = "2026-W49"
    try:
        generate_roster(
            stepdown, PROGRAM, next_week, actor="coordinator", time_limit_s=60, deterministic=True
        )
    finally:
        elsewhere.close()
    assert len(calls) == 2  # solved again from read models that include the pause
    roster = stepdown.app.find_roster(PROGRAM, next_week)
    assert roster is not None
    assert not [a for a in roster.assignments if a.patient_id == "P0002"]
