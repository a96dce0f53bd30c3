"""Every patient short of their days gets a reason a coordinator can act on."""

from solver import RosterProblem
from tests.unit.solver.builders import MONDAY, patient, session, solve_small, works


def test_hours_that_fit_nowhere_get_the_availability_reason() -> None:
    sessions = (session("mon-day", 0, 9, track="day"), session("wed-eve", 2, 18))
    nine_to_five = patient(
        "P1", 3, busy=works(range(5), 9, 17), hours_text="work MON–FRI 09:00–17:00"
    )
    [outcome] = solve_small(RosterProblem(MONDAY, sessions, (nine_to_five,))).outcomes
    assert outcome.unmet_reason is not None
    assert outcome.unmet_reason.kind == "availability"
    assert "work MON–FRI 09:00–17:00" in outcome.unmet_reason.text
    assert "only 1 day(s)" in outcome.unmet_reason.text
    assert "Wed 18:00 evening" in outcome.unmet_reason.text
    assert "wed-eve" not in outcome.unmet_reason.text  # rooms are named by day, time and track


def test_a_patient_crowded_out_gets_the_capacity_reason() -> None:
    sessions = tuple(session(f"eve-{d}", d, capacity=2) for d in range(3))
    patients = tuple(patient(f"P{i}", 3) for i in range(3))
    solution = solve_small(RosterProblem(MONDAY, sessions, patients))
    short = [o for o in solution.outcomes if o.unmet_reason is not None]
    assert short
    assert {o.unmet_reason.kind for o in short if o.unmet_reason} == {"capacity"}
    assert all("full (2/2)" in o.unmet_reason.text for o in short if o.unmet_reason)


def test_nobody_short_has_no_reason() -> None:
    sessions = tuple(session(f"eve-{d}", d) for d in range(5))
    [outcome] = solve_small(RosterProblem(MONDAY, sessions, (patient("P1", 3),))).outcomes
    assert outcome.unmet_reason is None
