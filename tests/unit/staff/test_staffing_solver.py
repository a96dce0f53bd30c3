"""The staffing solver on hand-made weeks: one test per rule."""

from __future__ import annotations

from datetime import date, timedelta

from solver.staffing import (
    AppointmentRequest,
    Clinician,
    Meeting,
    StaffingProblem,
    solve_staffing,
)

MONDAY = date(2026, 11, 30)
DAY = 24 * 60


def at(day: int, hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return day * DAY + int(hours) * 60 + int(minutes)


def meeting(
    session_id: str,
    day: int,
    start: str,
    end: str,
    *,
    size: int = 8,
    credentials: tuple[str, ...] = ("licensed",),
    usual: tuple[str, ...] = (),
) -> Meeting:
    return Meeting(
        session_id=session_id,
        day=MONDAY + timedelta(days=day),
        start=at(day, start),
        end=at(day, end),
        size=size,
        credentials=credentials,
        usual=usual,
    )


def clinician(
    staff_id: str,
    *,
    credentials: tuple[str, ...] = ("licensed",),
    days: tuple[int, ...] = (0, 1, 2, 3, 4),
    hours: tuple[str, str] = ("08:00", "21:00"),
    max_hours: int = 40,
) -> Clinician:
    return Clinician(
        staff_id=staff_id,
        name=staff_id.title(),
        credentials=credentials,
        windows=tuple((at(d, hours[0]), at(d, hours[1])) for d in days),
        max_minutes=max_hours * 60,
    )


def solve(problem: StaffingProblem):  # type: ignore[no-untyped-def]
    return solve_staffing(problem, time_limit_s=5, workers=1, seed=0)


def test_a_lead_holds_the_credential_the_group_needs() -> None:
    problem = StaffingProblem(
        MONDAY,
        meetings=(meeting("g1", 0, "09:00", "12:00"),),
        clinicians=(clinician("peer", credentials=("peer",)), clinician("lic")),
    )
    answer = solve(problem)
    assert [m.facilitator_ids for m in answer.meetings] == [("lic",)]


def test_a_meeting_nobody_may_lead_says_which_credential_is_missing_when() -> None:
    problem = StaffingProblem(
        MONDAY,
        meetings=(meeting("g1", 2, "17:00", "20:00"),),
        clinicians=(clinician("peer", credentials=("peer",)),),
    )
    answer = solve(problem)
    assert answer.meetings == ()
    assert [g.reason for g in answer.unstaffed] == ["no licensed free Wednesday 17:00–20:00"]


def test_an_absent_facilitator_is_named_in_the_reason() -> None:
    absent = Clinician(
        "ana",
        "Ana Ruiz",
        ("licensed",),
        windows=(),
        max_minutes=2400,
        absent_days=(MONDAY + timedelta(days=2),),
    )
    problem = StaffingProblem(
        MONDAY, meetings=(meeting("g1", 2, "17:00", "20:00"),), clinicians=(absent,)
    )
    assert "(Ana Ruiz absent)" in solve(problem).unstaffed[0].reason


def test_a_group_above_the_threshold_gets_a_second_facilitator_and_below_it_does_not() -> None:
    staff = (clinician("a"), clinician("b", credentials=("peer",)))
    big = StaffingProblem(
        MONDAY, (meeting("g1", 0, "09:00", "12:00", size=9),), staff, second_facilitator_above=8
    )
    small = StaffingProblem(
        MONDAY, (meeting("g1", 0, "09:00", "12:00", size=8),), staff, second_facilitator_above=8
    )
    assert [m.facilitator_ids for m in solve(big).meetings] == [("a", "b")]
    assert [m.facilitator_ids for m in solve(small).meetings] == [("a",)]


def test_a_missing_second_facilitator_is_a_gap_but_the_group_still_runs() -> None:
    problem = StaffingProblem(
        MONDAY,
        (meeting("g1", 0, "09:00", "12:00", size=12),),
        (clinician("a"),),
        second_facilitator_above=8,
    )
    answer = solve(problem)
    assert [m.facilitator_ids for m in answer.meetings] == [("a",)]
    assert answer.unstaffed[0].only_second
    assert "needs a second facilitator" in answer.unstaffed[0].reason


def test_nobody_is_in_two_places() -> None:
    problem = StaffingProblem(
        MONDAY,
        (meeting("g1", 0, "09:00", "12:00"), meeting("g2", 0, "11:00", "14:00")),
        (clinician("a"),),
    )
    answer = solve(problem)
    assert len(answer.meetings) == 1
    assert "already booked" in answer.unstaffed[0].reason


def test_weekly_hours_are_kept() -> None:
    meetings = tuple(meeting(f"g{d}", d, "09:00", "12:00") for d in range(5))
    problem = StaffingProblem(MONDAY, meetings, (clinician("a", max_hours=9),))
    answer = solve(problem)
    assert len(answer.meetings) == 3
    assert all("weekly hours" in g.reason for g in answer.unstaffed)


def test_the_usual_facilitator_leads_when_free() -> None:
    problem = StaffingProblem(
        MONDAY,
        (meeting("g1", 0, "09:00", "12:00", usual=("b",)),),
        (clinician("a"), clinician("b")),
    )
    assert solve(problem).meetings[0].facilitator_ids == ("b",)


def test_a_meeting_nobody_attends_needs_nobody() -> None:
    problem = StaffingProblem(MONDAY, (meeting("g1", 0, "09:00", "12:00", size=0),), ())
    answer = solve(problem)
    assert answer.meetings == ()
    assert answer.unstaffed == ()


def request(
    patient_id: str = "p1",
    *,
    counsellor: str | None = "a",
    busy: tuple[tuple[int, int], ...] = (),
    groups: tuple[tuple[int, int], ...] = (),
    kind: str = "individual",
) -> AppointmentRequest:
    return AppointmentRequest(
        patient_id=patient_id,
        kind=kind,
        counsellor_id=counsellor,
        busy=busy,
        groups=groups,
        days=tuple(MONDAY + timedelta(days=d) for d in range(7)),
    )


def test_an_individual_session_sits_next_to_a_group_the_patient_attends() -> None:
    group = (at(1, "09:00"), at(1, "12:00"))
    problem = StaffingProblem(MONDAY, (), (clinician("a"),), requests=(request(groups=(group,)),))
    (appointment,) = solve(problem).appointments
    assert appointment.next_to_group
    assert appointment.start == group[1] or appointment.end == group[0]


def test_an_individual_session_keeps_clear_of_commitments_and_counsellor_hours() -> None:
    # Works 08:00–17:00 every weekday; the counsellor works 08:00–18:00 Monday only.
    busy = tuple((at(d, "08:00"), at(d, "17:00")) for d in range(5))
    counsellor = clinician("a", days=(0,), hours=("08:00", "18:00"))
    problem = StaffingProblem(MONDAY, (), (counsellor,), requests=(request(busy=busy),))
    (appointment,) = solve(problem).appointments
    assert at(0, "17:00") <= appointment.start
    assert appointment.end <= at(0, "18:00")


def test_no_common_time_gives_a_reason_naming_the_counsellor() -> None:
    busy = tuple((at(d, "00:00"), at(d, "23:59")) for d in range(7))
    problem = StaffingProblem(MONDAY, (), (clinician("a"),), requests=(request(busy=busy),))
    answer = solve(problem)
    assert answer.appointments == ()
    assert "A are both free" in answer.unmet[0].reason


def test_without_a_primary_counsellor_the_reason_says_assign_one() -> None:
    problem = StaffingProblem(MONDAY, (), (clinician("a"),), requests=(request(counsellor=None),))
    assert "assign one" in solve(problem).unmet[0].reason


def test_a_counsellor_never_sees_two_patients_at_once_nor_a_patient_two_sessions() -> None:
    counsellor = clinician("a", days=(0,), hours=("09:00", "11:00"))
    problem = StaffingProblem(
        MONDAY,
        (),
        (counsellor,),
        requests=(request("p1"), request("p2"), request("p1", kind="family")),
    )
    answer = solve(problem)
    spans = sorted((a.start, a.end) for a in answer.appointments)
    assert len(spans) == 2  # two 50-minute sessions fit in two hours, not three
    assert spans[0][1] <= spans[1][0]


def test_a_facilitators_group_and_appointment_do_not_overlap() -> None:
    counsellor = clinician("a", days=(0,), hours=("09:00", "13:00"))
    problem = StaffingProblem(
        MONDAY,
        (meeting("g1", 0, "09:00", "12:00"),),
        (counsellor,),
        requests=(request(),),
    )
    answer = solve(problem)
    assert answer.meetings[0].facilitator_ids == ("a",)
    (appointment,) = answer.appointments
    assert appointment.start >= at(0, "12:00")
