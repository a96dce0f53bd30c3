"""A staffed program's roster on every backend: the week's facilitators and individual sessions
are solved with the seats and recorded with the version; an absence is re-solved at once (a
covering facilitator, or the meeting called off with make-ups); every version passes the
independent checker."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, time
from typing import Any

import pytest

from events.roster import Roster
from scheduler.importing import import_program
from scheduler.rosters import generate_roster, publish_roster
from scheduler.service import Stepdown
from scheduler.staff import use_cases
from scheduler.staff.staffing_json import staffing_of
from tests.conftest import SCENARIOS
from tests.integration.helpers import dump_views
from tests.property.staff_checker import (
    Booked,
    StaffedMeeting,
    StaffedWeek,
    Worker,
    staffing_violations,
)

PROGRAM = "staffed-201"
WEEK = "2026-W49"
TUESDAY, WEDNESDAY = date(2026, 12, 1), date(2026, 12, 2)


@pytest.fixture
def staffed(stepdown: Stepdown) -> Stepdown:
    import_program(stepdown, document_text(), actor="coordinator")
    stepdown.refresh_after_write()
    generate_roster(stepdown, PROGRAM, WEEK, actor="coordinator", seed=1, deterministic=True)
    return stepdown


def document_text() -> str:
    return (SCENARIOS / "staffed.json").read_text(encoding="utf-8")


def roster_of(stepdown: Stepdown) -> Roster:
    roster = stepdown.app.find_roster(PROGRAM, WEEK)
    assert roster is not None
    return roster


def test_every_meeting_with_seats_has_a_lead_and_the_week_passes_the_checker(
    staffed: Stepdown,
) -> None:
    roster = roster_of(staffed)
    staffing = roster.staffing
    assert staffing is not None
    assert staffing.status in ("OPTIMAL", "FEASIBLE")
    seated = {(a.session_id, a.session_date) for a in roster.assignments}
    assert seated <= {(m.session_id, m.session_date) for m in staffing.meetings}
    assert staffing_violations(checked_week(roster)) == []


def test_each_patient_due_an_individual_session_has_one_or_a_reason(staffed: Stepdown) -> None:
    staffing = roster_of(staffed).staffing
    assert staffing is not None
    booked = {a.patient_id for a in staffing.appointments if a.kind == "individual"}
    unmet = {g.patient_id: g.reason for g in staffing.gaps if g.kind == "individual"}
    patients = {p["id"] for p in json.loads(document_text())["patients"]}
    assert booked | set(unmet) == patients
    assert not booked & set(unmet)
    assert len(booked) > len(unmet)
    assert all(reason.startswith("no individual session: ") for reason in unmet.values())
    # One trip where it can: most sit next to a group the patient attends.
    assert sum(a.next_to_group for a in staffing.appointments) > len(staffing.appointments) / 3


def test_an_absence_with_cover_changes_the_facilitator_and_nothing_else(
    staffed: Stepdown,
) -> None:
    publish_roster(staffed, PROGRAM, WEEK, actor="coordinator")
    before = roster_of(staffed)
    outcomes = use_cases.mark_absent(
        staffed, PROGRAM, "s-ana", TUESDAY, reason="ill", actor="coordinator"
    )
    after = roster_of(staffed)
    assert [m.facilitator_ids for m in outcomes[0].covered] == [("s-dev",)]
    assert outcomes[0].cancelled == ()
    assert after.seats_in_force == before.seats_in_force
    assert after.roster_version == before.roster_version + 1
    staffing = after.staffing_in_force
    assert staffing is not None
    tuesday_day = next(
        m for m in staffing.meetings if (m.session_id, m.session_date) == ("tue-day-1", TUESDAY)
    )
    assert tuesday_day.facilitator_ids == ("s-dev",)
    assert before.staffing_in_force is not None
    unchanged = {m for m in staffing.meetings if m.session_date != TUESDAY}
    assert unchanged == {m for m in before.staffing_in_force.meetings if m.session_date != TUESDAY}
    assert staffing_violations(checked_week(after, absent={"s-ana": {TUESDAY}})) == []
    # The read model has the amendment, published and latest alike.
    staffed.refresh_after_write()
    with staffed.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT s.published, s.staffing FROM view_roster_staffing s "
            "JOIN view_rosters r ON r.roster_id = s.roster_id WHERE r.week = ?",
            (WEEK,),
        )
    assert {row["published"] for row in rows} == {0, 1}
    for row in rows:
        stored = staffing_of(row["staffing"])
        assert stored.meetings == staffing.meetings
        assert stored.appointments == staffing.appointments
        assert stored.gaps == staffing.gaps
        assert stored == staffing


def test_an_absence_nobody_can_cover_calls_the_meeting_off_with_make_ups(
    staffed: Stepdown,
) -> None:
    """Nobody else licensed works Monday, Wednesday or Friday mornings: Ana Ruiz's day group
    that day is called off."""
    publish_roster(staffed, PROGRAM, WEEK, actor="coordinator")
    seats = roster_of(staffed).seats_in_force
    day, session_id = next(
        (day, f"{name}-day-1")
        for day, name in (
            (date(2026, 11, 30), "mon"),
            (WEDNESDAY, "wed"),
            (date(2026, 12, 4), "fri"),
        )
        if any((a.session_id, a.session_date) == (f"{name}-day-1", day) for a in seats)
    )
    seated = {a.patient_id for a in seats if (a.session_id, a.session_date) == (session_id, day)}
    others_before = {a for a in seats if a.patient_id not in seated}
    outcomes = use_cases.mark_absent(staffed, PROGRAM, "s-ana", day, actor="coordinator")
    ((cancelled_id, cancelled_day, reason),) = outcomes[0].cancelled
    assert (cancelled_id, cancelled_day) == (session_id, day)
    assert f"no licensed counsellor free {day:%A} 09:00–12:00 (Ana Ruiz absent)" in reason
    program = staffed.app.get_program(PROGRAM)
    assert (session_id, day) in program.cancellations
    staffed.refresh_after_write()  # the make-up policy moves the patients of the called-off group
    roster = roster_of(staffed)
    assert not [
        a for a in roster.seats_in_force if (a.session_id, a.session_date) == (session_id, day)
    ]
    assert seated <= {a.patient_id for a in roster.made_up}
    # Only the patients of the called-off group moved.
    assert {a for a in roster.seats_in_force if a.patient_id not in seated} == others_before
    assert staffing_violations(checked_week(roster, absent={"s-ana": {day}})) == []


def test_a_regeneration_after_an_absence_keeps_the_absent_member_off_those_days(
    staffed: Stepdown,
) -> None:
    use_cases.mark_absent(staffed, PROGRAM, "s-eli", TUESDAY, actor="coordinator")
    staffed.refresh_after_write()
    generate_roster(staffed, PROGRAM, WEEK, actor="coordinator", seed=1, deterministic=True)
    roster = roster_of(staffed)
    assert staffing_violations(checked_week(roster, absent={"s-eli": {TUESDAY}})) == []


def test_the_roster_view_rebuilt_from_the_events_is_the_same(staffed: Stepdown) -> None:
    publish_roster(staffed, PROGRAM, WEEK, actor="coordinator")
    use_cases.mark_absent(staffed, PROGRAM, "s-ana", TUESDAY, actor="coordinator")
    runner = staffed.runner("roster")
    runner.catch_up()
    before = dump_views(staffed, runner)
    runner.rebuild()
    assert dump_views(staffed, runner) == before


def checked_week(roster: Roster, *, absent: dict[str, set[date]] | None = None) -> StaffedWeek:
    """The checker's own records: the file, and the roster's seats and staffing in force."""
    document: dict[str, Any] = json.loads(document_text())
    sessions = {s["id"]: s for s in document["sessions"]}
    staffing = roster.staffing_in_force
    assert staffing is not None
    sizes = Counter((a.session_id, a.session_date) for a in roster.seats_in_force)
    busy: dict[str, list[tuple[date, time, time]]] = {}
    for seat in roster.seats_in_force:
        session = sessions[seat.session_id]
        busy.setdefault(seat.patient_id, []).append(
            (
                seat.session_date,
                time.fromisoformat(session["start"]),
                time.fromisoformat(session["end"]),
            )
        )
    return StaffedWeek(
        staff={
            s["id"]: Worker(
                staff_id=s["id"],
                credentials=frozenset(s["credentials"]),
                windows=tuple(
                    (w["weekday"], time.fromisoformat(w["start"]), time.fromisoformat(w["end"]))
                    for w in s["availability"]
                ),
                max_hours_per_week=s["max_hours_per_week"],
                caseload_cap=s["caseload_cap"],
                absent_days=frozenset((absent or {}).get(s["id"], set())),
            )
            for s in document["staff"]
        },
        rooms={room["id"]: room["capacity"] for room in document["rooms"]},
        meetings=tuple(
            StaffedMeeting(
                session_id=m.session_id,
                day=m.session_date,
                start=time.fromisoformat(sessions[m.session_id]["start"]),
                end=time.fromisoformat(sessions[m.session_id]["end"]),
                modality=sessions[m.session_id].get("modality", "in_person"),
                room_id=sessions[m.session_id].get("room"),
                facilitators=m.facilitator_ids,
                needs=frozenset(sessions[m.session_id]["credentials"]),
                patients=sizes[(m.session_id, m.session_date)],
            )
            for m in staffing.meetings
            if sizes[(m.session_id, m.session_date)]
        ),
        second_facilitator_above=document["program"]["policy"]["second_facilitator_above"],
        appointments=tuple(
            Booked(a.patient_id, a.staff_id, a.session_date, a.start, a.end)
            for a in staffing.appointments
        ),
        patient_busy=busy,
        reported_without_second=frozenset(
            (g.session_id, g.session_date)
            for g in staffing.gaps
            if g.kind == "no_second" and g.session_id and g.session_date
        ),
    )


def test_a_family_session_falls_due_again_only_after_its_interval(staffed: Stepdown) -> None:
    """Monthly family sessions: booked this week, not asked for next week; an individual
    session (weekly) is asked for again, booked or not."""
    publish_roster(staffed, PROGRAM, WEEK, actor="coordinator")
    first = roster_of(staffed).staffing_in_force
    assert first is not None
    family = {a.patient_id for a in first.appointments if a.kind == "family"}
    assert family
    staffed.refresh_after_write()
    generate_roster(staffed, PROGRAM, "2026-W50", actor="coordinator", seed=1, deterministic=True)
    following = staffed.app.find_roster(PROGRAM, "2026-W50")
    assert following is not None
    assert following.staffing is not None
    asked = {(a.patient_id, a.kind) for a in following.staffing.appointments} | {
        (g.patient_id, g.kind) for g in following.staffing.gaps if g.patient_id
    }
    assert not {(p, "family") for p in family} & asked
    seated = {a.patient_id for a in following.assignments}
    assert {(p, "individual") for p in seated} <= asked
