"""Staff on every backend: a stepdown/program@2 import records staff, rooms and how sessions are
staffed (changes only on re-import), absences and primary counsellors, the staff week."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from events.errors import ConflictError, InvalidRequestError, NotFoundError
from scheduler.importing import ImportFileError, import_program
from scheduler.projections.runner import ProjectionRunner
from scheduler.service import Stepdown
from scheduler.staff import use_cases
from scheduler.staff.queries import staff_detail, staff_list
from scheduler.staff.staff_view import StaffProjection
from scheduler.staff.week import StaffWeek, staff_week
from tests.conftest import SCENARIOS
from tests.integration.helpers import dump_views, event_count
from tests.property.staff_checker import StaffedMeeting, StaffedWeek, Worker, staffing_violations

PROGRAM = "staffed-201"


def staffed_text() -> str:
    return (SCENARIOS / "staffed.json").read_text(encoding="utf-8")


@pytest.fixture
def staffed(stepdown: Stepdown) -> Stepdown:
    report = import_program(stepdown, staffed_text(), actor="coordinator")
    assert report.staffing.staff_added == 6
    assert report.staffing.rooms_added == 3
    assert report.staffing.sessions_staffed == 18
    stepdown.refresh_after_write()
    return stepdown


def test_import_records_staff_rooms_and_session_staffing(staffed: Stepdown) -> None:
    members = staff_list(staffed, PROGRAM)
    assert [m.staff_id for m in members] == ["s-ana", "s-ben", "s-cara", "s-dev", "s-eli", "s-fay"]
    ana = members[0]
    assert (ana.name, ana.role, ana.credentials) == (
        "Ana Ruiz",
        "licensed counsellor",
        ("licensed_counsellor",),
    )
    assert ana.caseload_cap == 24
    # Every patient the file admits gets a primary counsellor, each within their cap.
    assert sum(m.caseload for m in members) == 30
    assert all(m.caseload <= m.caseload_cap for m in members)
    detail = staff_detail(staffed, PROGRAM, "s-cara")
    assert detail.facilitates == (
        "fri-evening-2",
        "mon-evening-1",
        "thu-evening-1",
        "tue-evening-1",
        "wed-evening-1",
    )


def test_reimporting_the_same_file_records_nothing(staffed: Stepdown) -> None:
    before = event_count(staffed)
    report = import_program(staffed, staffed_text(), actor="coordinator")
    assert report.events_recorded == 0
    assert event_count(staffed) == before


def test_reimport_records_only_the_changed_staff_member(staffed: Stepdown) -> None:
    document = json.loads(staffed_text())
    document["staff"][1]["max_hours_per_week"] = 30
    document["rooms"].append({"id": "room-d", "capacity": 8})
    report = import_program(staffed, json.dumps(document), actor="coordinator")
    assert (report.staffing.staff_added, report.staffing.staff_changed) == (0, 1)
    assert report.staffing.rooms_added == 1
    assert report.events_recorded == 2
    staffed.refresh_after_write()
    assert staff_list(staffed, PROGRAM)[1].max_hours_per_week == 30


def test_a_facilitator_without_the_credential_stores_nothing(stepdown: Stepdown) -> None:
    document = json.loads(staffed_text())
    document["sessions"][0]["facilitators"] = ["s-cara"]  # a peer specialist
    with pytest.raises(ImportFileError, match=r"sessions\[0\]\.facilitators\[0\]: 's-cara' lacks"):
        import_program(stepdown, json.dumps(document), actor="coordinator")
    assert event_count(stepdown) == 0


def test_an_absence_shows_on_the_staff_week(staffed: Stepdown) -> None:
    use_cases.mark_absent(
        staffed, PROGRAM, "s-ana", date(2026, 12, 2), date(2026, 12, 3), "ill", actor="coordinator"
    )
    staffed.refresh_after_write()
    week = {w.staff_id: w for w in staff_week(staffed, PROGRAM, "2026-W49")}
    ana = week["s-ana"]
    assert [(m.session_id, m.facilitator_absent) for m in ana.meetings] == [
        ("mon-day-1", False),
        ("tue-day-1", False),
        ("wed-day-1", True),
        ("thu-day-1", True),
        ("fri-day-1", False),
    ]
    assert [(a.first_day, a.last_day, a.reason) for a in ana.absences] == [
        (date(2026, 12, 2), date(2026, 12, 3), "ill")
    ]
    assert ana.minutes == 3 * 180
    assert week["s-fay"].meetings[0].room_id == "room-c"
    assert week["s-cara"].meetings[-1].modality == "virtual"


def test_the_same_absence_twice_is_recorded_once(staffed: Stepdown) -> None:
    use_cases.mark_absent(staffed, PROGRAM, "s-ben", date(2026, 12, 1), actor="coordinator")
    before = event_count(staffed)
    use_cases.mark_absent(staffed, PROGRAM, "s-ben", date(2026, 12, 1), actor="coordinator")
    assert event_count(staffed) == before


def test_an_absence_ending_before_it_starts_is_refused(staffed: Stepdown) -> None:
    with pytest.raises(InvalidRequestError, match="last_day: 2026-11-30 is before"):
        use_cases.mark_absent(
            staffed, PROGRAM, "s-ben", date(2026, 12, 1), date(2026, 11, 30), actor="coordinator"
        )


def test_a_closed_day_holds_no_meeting_in_the_staff_week(staffed: Stepdown) -> None:
    # Thanksgiving, Thursday 26 November 2026.
    week = {w.staff_id: w for w in staff_week(staffed, PROGRAM, "2026-W48")}
    assert "thu-day-1" not in [m.session_id for m in week["s-ana"].meetings]


def test_a_primary_counsellor_is_kept_within_the_caseload_cap(staffed: Stepdown) -> None:
    already = set(staff_detail(staffed, PROGRAM, "s-fay").counsels)
    others = [p["id"] for p in json.loads(staffed_text())["patients"] if p["id"] not in already]
    joining = others[: 12 - len(already)]
    for patient_id in joining:
        use_cases.assign_primary_counsellor(
            staffed, PROGRAM, patient_id, "s-fay", actor="coordinator"
        )
    extra = others[len(joining)]
    with pytest.raises(ConflictError, match=r"'s-fay' has a full caseload \(12 of 12\)"):
        use_cases.assign_primary_counsellor(staffed, PROGRAM, extra, "s-fay", actor="coordinator")
    use_cases.assign_primary_counsellor(staffed, PROGRAM, extra, "s-ana", actor="coordinator")
    staffed.refresh_after_write()
    assert staff_detail(staffed, PROGRAM, "s-fay").counsels == tuple(sorted(already | {*joining}))
    assert extra in staff_detail(staffed, PROGRAM, "s-ana").counsels


def test_a_counsellor_for_someone_not_enrolled_is_refused(staffed: Stepdown) -> None:
    with pytest.raises(NotFoundError, match="patient: 'nobody'"):
        use_cases.assign_primary_counsellor(
            staffed, PROGRAM, "nobody", "s-ana", actor="coordinator"
        )


def test_a_facilitator_cannot_be_removed_while_leading_groups(staffed: Stepdown) -> None:
    with pytest.raises(ConflictError, match="'s-dev' still facilitates sat-weekend-1"):
        use_cases.remove_staff(staffed, PROGRAM, "s-dev", actor="coordinator")


def test_a_removed_member_is_not_re_added_by_an_old_file(staffed: Stepdown) -> None:
    document = json.loads(staffed_text())
    document["staff"].append(
        {"id": "s-gus", "name": "Gus Lee", "role": "intern", "max_hours_per_week": 10}
    )
    import_program(staffed, json.dumps(document), actor="coordinator")
    use_cases.remove_staff(staffed, PROGRAM, "s-gus", actor="coordinator")
    staffed.refresh_after_write()
    assert "s-gus" not in [m.staff_id for m in staff_list(staffed, PROGRAM)]
    with pytest.raises(ImportFileError, match=r"staff\[6\]\.id: 's-gus' was removed"):
        import_program(staffed, json.dumps(document), actor="coordinator")


def test_a_format_1_file_still_imports_and_has_no_staff(stepdown: Stepdown) -> None:
    text = (Path(SCENARIOS) / "sample.json").read_text(encoding="utf-8")
    report = import_program(stepdown, text, actor="coordinator")
    assert report.patients_enrolled == 30
    assert report.staffing.staff_added == 0
    stepdown.refresh_after_write()
    with pytest.raises(NotFoundError, match="has no staff yet"):
        staff_list(stepdown, "standard-101")


def test_the_staff_view_rebuilt_from_the_events_is_the_same(staffed: Stepdown) -> None:
    use_cases.mark_absent(staffed, PROGRAM, "s-eli", date(2026, 12, 5), actor="coordinator")
    patient_id = json.loads(staffed_text())["patients"][0]["id"]
    use_cases.assign_primary_counsellor(staffed, PROGRAM, patient_id, "s-ben", actor="coordinator")
    runner = staffed.runner("staff")
    runner.catch_up()
    before = dump_views(staffed, runner)
    runner.rebuild()
    assert dump_views(staffed, runner) == before


def test_the_staffed_scenarios_week_passes_the_independent_checker(staffed: Stepdown) -> None:
    """Every session full: no facilitator or room in two places, leads credentialed, hours kept."""
    document = json.loads(staffed_text())
    checked = checker_week(document, staff_week(staffed, PROGRAM, "2026-W49"))
    assert len(checked.meetings) == 18
    assert staffing_violations(checked) == []


def test_the_checker_finds_a_meeting_whose_facilitator_is_absent(staffed: Stepdown) -> None:
    saturday = date(2026, 12, 5)
    use_cases.mark_absent(staffed, PROGRAM, "s-fay", saturday, actor="coordinator")
    staffed.refresh_after_write()
    weeks = staff_week(staffed, PROGRAM, "2026-W49")
    fay = next(week for week in weeks if week.staff_id == "s-fay")
    assert [(m.session_id, m.facilitator_absent) for m in fay.meetings] == [("sat-weekend-3", True)]
    absent = {"s-fay": frozenset(a.first_day for a in fay.absences)}
    checked = checker_week(json.loads(staffed_text()), weeks, absent=absent)
    assert staffing_violations(checked) == [
        f"s-fay is absent on {saturday} and facilitates sat-weekend-3"
    ]


def checker_week(
    document: dict[str, Any],
    weeks: list[StaffWeek],
    *,
    absent: dict[str, frozenset[date]] | None = None,
) -> StaffedWeek:
    """The checker's own records, built from the file and the staff week's meetings."""
    sessions = {session["id"]: session for session in document["sessions"]}
    meetings: dict[tuple[str, date], StaffedMeeting] = {}
    for staff in weeks:
        for meeting in staff.meetings:
            session = sessions[meeting.session_id]
            meetings[meeting.session_id, meeting.date] = StaffedMeeting(
                session_id=meeting.session_id,
                day=meeting.date,
                start=time.fromisoformat(meeting.start),
                end=time.fromisoformat(meeting.end),
                modality=meeting.modality,
                room_id=meeting.room_id,
                facilitators=tuple(session["facilitators"]),
                needs=frozenset(session["credentials"]),
                patients=session["capacity"],
            )
    workers = {
        staff["id"]: Worker(
            staff_id=staff["id"],
            credentials=frozenset(staff["credentials"]),
            windows=tuple(
                (w["weekday"], time.fromisoformat(w["start"]), time.fromisoformat(w["end"]))
                for w in staff["availability"]
            ),
            max_hours_per_week=staff["max_hours_per_week"],
            caseload_cap=staff["caseload_cap"],
            absent_days=(absent or {}).get(staff["id"], frozenset()),
        )
        for staff in document["staff"]
    }
    return StaffedWeek(
        staff=workers,
        rooms={room["id"]: room["capacity"] for room in document["rooms"]},
        meetings=tuple(meetings.values()),
        second_facilitator_above=document["program"]["policy"]["second_facilitator_above"],
    )


def test_the_staff_view_stopped_half_way_and_restarted_applies_every_event_once(
    stepdown: Stepdown,
) -> None:
    import_program(stepdown, staffed_text(), actor="coordinator")
    use_cases.mark_absent(stepdown, PROGRAM, "s-ana", date(2026, 12, 2), actor="coordinator")
    total = event_count(stepdown)
    first = ProjectionRunner(stepdown.app, stepdown.views, StaffProjection(), batch_size=7)
    assert first.catch_up(max_events=total // 2) == total // 2
    restarted = ProjectionRunner(stepdown.app, stepdown.views, StaffProjection(), batch_size=7)
    assert restarted.catch_up() == total - total // 2
    incremental = dump_views(stepdown, restarted)
    assert len(incremental["view_staff"]) == 6
    restarted.rebuild()
    assert dump_views(stepdown, restarted) == incremental
