"""What-if changes: each applied to the forecast's input only, bad ones refused by name."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from solver.planning import (
    AddClosure,
    AddSession,
    Admit,
    ChangeCapacity,
    MoveSession,
    PlanningInputError,
    RemoveSession,
    apply_changes,
    solve_forecast,
)
from tests.unit.solver.planning.builders import (
    CHILDCARE,
    MONDAY,
    admission,
    patient,
    problem,
    session,
)

BASE = problem(
    2,
    [session("mon", 0, capacity=2), session("tue", 1, capacity=2)],
    [patient("A", (2, 2, 2)), patient("B", (2, 2, 2)), patient("C", (2, 2, 2))],
)


def test_changes_move_the_forecast_and_leave_the_input_alone() -> None:
    before = solve_forecast(BASE)
    assert before.shortfall_days == 4
    grown = apply_changes(BASE, (ChangeCapacity("mon", 3), ChangeCapacity("tue", 3)))
    assert solve_forecast(grown).shortfall_days == 0
    assert BASE.sessions[0].capacity == 2
    added = apply_changes(BASE, (AddSession(session("wed", 2, capacity=2)),))
    assert solve_forecast(added).shortfall_days == 0
    removed = apply_changes(BASE, (RemoveSession("tue"),))
    assert solve_forecast(removed).shortfall_days == 8


def test_moving_a_session_to_hours_a_parent_can_attend() -> None:
    parents = problem(1, [session("mon", 0, 17)], [patient("P", (1, 1), CHILDCARE)])
    assert solve_forecast(parents).shortfall_days == 1
    moved = apply_changes(parents, (MoveSession("mon", 0, 9 * 60 + 30, 12 * 60 + 30),))
    assert solve_forecast(moved).shortfall_days == 0


def test_a_closure_and_admissions() -> None:
    closed = apply_changes(BASE, (AddClosure(MONDAY + timedelta(weeks=1), "staff training"),))
    assert solve_forecast(closed).weeks[1].shortfall_days == 4
    admitted = apply_changes(
        problem(2, [session("mon", 0, capacity=2)], [patient("A", (1, 1, 1))]),
        (Admit((admission("R1", 0, (1, 1)), admission("R2", 0, (1, 1)))),),
    )
    starts = {a.admission_id: a.starts for a in solve_forecast(admitted).admissions}
    assert sorted(starts.values(), key=str) == [MONDAY, None]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (RemoveSession("thu"), "changes[0]: session: 'thu' does not exist"),
        (ChangeCapacity("mon", 16), "capacity 16 is not 1–15"),
        (AddSession(session("MON", 3)), "'MON' already exists"),
        (MoveSession("mon", 7, 600, 780), "weekday: 7"),
        (AddClosure(MONDAY + timedelta(weeks=5), "x"), "outside the forecast's weeks"),
        (Admit((admission("R1", 9, (3,)),)), "outside the forecast's weeks"),
    ],
)
def test_bad_changes_are_refused_by_name(change: object, message: str) -> None:
    with pytest.raises(PlanningInputError, match=re.escape(message)):
        apply_changes(BASE, (change,))  # type: ignore[arg-type]


def test_removing_every_session_is_refused() -> None:
    with pytest.raises(PlanningInputError, match="remove every session"):
        apply_changes(BASE, (RemoveSession("mon"), RemoveSession("tue")))
