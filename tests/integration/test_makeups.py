"""A missed session gets a make-up later in the same week, once, on every backend."""

from datetime import date, datetime

import pytest

from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.importing import import_program
from scheduler.makeup_policy import MakeUpPolicy
from scheduler.makeups import cancel_session
from scheduler.roster_queries import roster_document
from scheduler.rosters import generate_roster, publish_roster
from scheduler.service import Stepdown

PROGRAM, WEEK, MONDAY = "standard-101", "2026-W48", date(2026, 11, 23)


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


def _monday_patients(stepdown: Stepdown) -> list[tuple[str, str]]:
    roster = stepdown.app.find_roster(PROGRAM, WEEK)
    assert roster is not None
    return sorted(
        (a.patient_id, a.session_id) for a in roster.assignments if a.session_date == MONDAY
    )


def _miss(stepdown: Stepdown, patient_id: str, session_id: str) -> bool:
    return record_attendance(
        stepdown,
        program_id=PROGRAM,
        patient_id=patient_id,
        session_id=session_id,
        session_date=MONDAY,
        status=AttendanceStatus.MISSED,
        reason="flu",
        actor="nurse",
    )


def _amendments(stepdown: Stepdown) -> int:
    roster = stepdown.app.find_roster(PROGRAM, WEEK)
    assert roster is not None
    return len(roster.made_up)


def test_misses_get_make_ups_later_in_the_week_within_every_rule(rostered: Stepdown) -> None:
    for patient_id, session_id in _monday_patients(rostered):
        _miss(rostered, patient_id, session_id)
    rostered.catch_up()
    program = rostered.app.get_program(PROGRAM)
    # the policy's "now" is the service clock: Wednesday noon in Chicago, plus two hours' notice
    earliest = datetime(2026, 11, 25, 14, 0)
    found = 0
    for patient_id, session_id in _monday_patients(rostered):
        outcome = rostered.app.get_enrollment(PROGRAM, patient_id).make_ups[(session_id, MONDAY)]
        if isinstance(outcome, str):
            assert outcome.split(":")[0] in {"availability", "capacity", "time"}
            continue
        found += 1
        made_up_id, made_up_on = outcome
        spec = program.session(made_up_id)
        assert datetime.combine(made_up_on, spec.start) >= earliest
        assert made_up_on != date(2026, 11, 26)  # Thanksgiving
    assert found > 0
    document = roster_document(rostered, PROGRAM, WEEK)
    for session in document["sessions"]:
        assert len(session["patient_ids"]) <= program.session(session["session_id"]).capacity
    per_day: dict[tuple[str, str], int] = {}
    for session in document["sessions"]:
        if session["date"] == MONDAY.isoformat():
            continue  # the missed seats stay on record
        for patient_id in session["patient_ids"]:
            per_day[(patient_id, session["date"])] = (
                per_day.get((patient_id, session["date"]), 0) + 1
            )
    assert max(per_day.values()) == 1


def test_recording_the_same_miss_twice_makes_one_make_up(rostered: Stepdown) -> None:
    patient_id, session_id = _monday_patients(rostered)[0]
    assert _miss(rostered, patient_id, session_id)
    assert not _miss(rostered, patient_id, session_id)
    rostered.catch_up()
    rostered.catch_up()
    enrollment = rostered.app.get_enrollment(PROGRAM, patient_id)
    outcome = enrollment.make_ups[(session_id, MONDAY)]
    assert _amendments(rostered) == (0 if isinstance(outcome, str) else 1)


def test_a_policy_stopped_before_the_make_up_makes_exactly_one_after_restart(
    rostered: Stepdown,
) -> None:
    patient_id, session_id = _monday_patients(rostered)[0]
    _miss(rostered, patient_id, session_id)  # recorded; the policy has not run
    assert (session_id, MONDAY) not in rostered.app.get_enrollment(PROGRAM, patient_id).make_ups
    restarted = MakeUpPolicy(rostered)
    assert restarted.catch_up() == 1
    amended = _amendments(rostered)
    # a second runner started by mistake, and the first one again: nothing more
    assert MakeUpPolicy(rostered).catch_up() == 0
    for notification in rostered.app.recorder.select_notifications(start=None, limit=1000):
        event = rostered.app.mapper.to_domain_event(notification)
        if type(event).__qualname__ == "Enrollment.SessionMissed":
            restarted.handle(event)  # a redelivery
    assert _amendments(rostered) == amended


def test_a_cancelled_session_moves_all_its_patients_in_one_amendment(rostered: Stepdown) -> None:
    wednesday = date(2026, 11, 25)
    roster = rostered.app.find_roster(PROGRAM, WEEK)
    assert roster is not None
    session_id, seated = max(
        (
            (
                sid,
                sorted(
                    a.patient_id
                    for a in roster.assignments
                    if (a.session_id, a.session_date) == (sid, wednesday)
                ),
            )
            for sid in {a.session_id for a in roster.assignments if a.session_date == wednesday}
        ),
        key=lambda pair: len(pair[1]),
    )
    version = roster.roster_version
    cancel_session(
        rostered, PROGRAM, session_id, wednesday, reason="facilitator ill", actor="coordinator"
    )
    rostered.catch_up()
    rostered.catch_up()
    after = rostered.app.find_roster(PROGRAM, WEEK)
    assert after is not None
    assert after.roster_version == version + 1
    assert not [
        a for a in after.assignments if (a.session_id, a.session_date) == (session_id, wednesday)
    ]
    for patient_id in seated:
        outcome = rostered.app.get_enrollment(PROGRAM, patient_id).make_ups[(session_id, wednesday)]
        if not isinstance(outcome, str):
            assert outcome[1] > wednesday
