"""Property: for random small programs, no roster ever breaks a hard rule."""

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from solver import (
    Busy,
    ClosedDay,
    PatientWeek,
    Placement,
    RosterProblem,
    SessionOccurrence,
    solve,
)
from tests.unit.solver.builders import DAY, MONDAY, patient

sessions_strategy = st.lists(
    st.builds(
        lambda i, day, start, hours, capacity, min_size, track: SessionOccurrence(
            f"s{i}-{day}-{start}",
            MONDAY + timedelta(days=day),
            start * 60,
            (start + hours) * 60,
            capacity,
            min(min_size, capacity),
            track,
        ),
        st.integers(0, 3),
        st.integers(0, 6),
        st.sampled_from([9, 13, 18]),
        st.sampled_from([2, 3]),
        st.integers(1, 5),
        st.integers(1, 3),
        st.sampled_from(["day", "evening"]),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda s: s.session_id,
)


@st.composite
def problems(draw: st.DrawFn) -> RosterProblem:
    sessions = tuple(draw(sessions_strategy))
    patients = []
    for index in range(draw(st.integers(1, 8))):
        busy = tuple(
            Busy(
                d * DAY + draw(st.integers(0, 20)) * 60,
                d * DAY + draw(st.integers(21, 34)) * 60,
                "work",
            )
            for d in draw(st.sets(st.integers(-1, 6), max_size=4))
        )
        first = draw(st.integers(0, 4))
        patients.append(
            patient(
                f"P{index}",
                draw(st.integers(1, 5)),
                busy=busy,
                travel_minutes=draw(st.sampled_from([0, 30, 60])),
                available_from=MONDAY + timedelta(days=first),
                preferred_track=draw(st.sampled_from([None, "day", "evening"])),
            )
        )
    closed = tuple(
        ClosedDay(MONDAY + timedelta(days=d), "holiday")
        for d in draw(st.sets(st.integers(0, 6), max_size=2))
    )
    return RosterProblem(MONDAY, sessions, tuple(patients), closed_days=closed)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_no_roster_breaks_a_hard_rule(problem: RosterProblem) -> None:
    solution = solve(problem, time_limit_s=5, workers=1, seed=1)
    assert solution.stats.status in ("OPTIMAL", "FEASIBLE")
    sessions = {(s.session_id, s.day): s for s in problem.sessions}
    patients = {p.patient_id: p for p in problem.patients}
    closed = {c.day for c in problem.closed_days}
    per_day = Counter((p.patient_id, p.day) for p in solution.placements)
    assert max(per_day.values(), default=0) <= 1
    sizes = Counter((p.session_id, p.day) for p in solution.placements)
    for key, size in sizes.items():
        assert sessions[key].min_size <= size <= sessions[key].capacity
    for placement in solution.placements:
        _assert_attendable(placement, sessions, patients, closed)
    for outcome in solution.outcomes:
        assert outcome.scheduled_days <= patients[outcome.patient_id].required_days
        if outcome.scheduled_days < outcome.required_days:
            assert outcome.unmet_reason is not None


def _assert_attendable(
    placement: Placement,
    sessions: dict[tuple[str, date], SessionOccurrence],
    patients: dict[str, PatientWeek],
    closed: set[date],
) -> None:
    session = sessions[placement.session_id, placement.day]
    who = patients[placement.patient_id]
    assert placement.day not in closed
    assert who.available_from <= placement.day <= who.available_until
    offset = (placement.day - MONDAY).days * DAY
    start, end = offset + session.start_minute, offset + session.end_minute
    travel = who.travel_minutes
    for busy in who.busy:
        assert not (start - travel < busy.end and busy.start < end + travel)
