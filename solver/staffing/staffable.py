"""Before the patients are seated: which meetings could be staffed at all, and which could get a
second facilitator, if every meeting were full. A meeting nobody can lead does not run (its seats
are not offered); one without a possible second is held to the size one facilitator may lead.

This is the first half of a two-stage decomposition (patients, then staff): the seats the
patient solve may use are exactly those the staff can cover, so the staffing solve after it
always finds a lead for every meeting that runs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from solver.staffing.problem import StaffingProblem
from solver.staffing.solve import solve_staffing


@dataclass(frozen=True)
class Staffable:
    # (session id, day) → why it cannot run
    closed: dict[tuple[str, date], str]
    # (session id, day) → (most patients one facilitator may lead, why)
    capped: dict[tuple[str, date], tuple[int, str]]


def staffable_meetings(
    problem: StaffingProblem, capacities: dict[tuple[str, date], int], *, time_limit_s: float
) -> Staffable:
    full = replace(
        problem,
        meetings=tuple(
            replace(m, size=capacities.get((m.session_id, m.day), m.size)) for m in problem.meetings
        ),
        requests=(),
    )
    solution = solve_staffing(full, time_limit_s=time_limit_s)
    closed: dict[tuple[str, date], str] = {}
    capped: dict[tuple[str, date], tuple[int, str]] = {}
    threshold = problem.second_facilitator_above
    for gap in solution.unstaffed:
        key = (gap.session_id, gap.day)
        if gap.only_second and threshold is not None:
            capped[key] = (threshold, gap.reason)
        else:
            closed[key] = gap.reason
    return Staffable(closed, capped)
