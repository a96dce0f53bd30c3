"""The capacity forecast from the read models: what the next weeks look like for a program, a
what-if beside it, and the sessions to open. Reads only; nothing is recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from events.errors import InvalidRequestError, NotFoundError, StepdownError
from events.values import Weekday
from scheduler.planning.forecast_input import PlannedAdmission
from scheduler.planning.forecast_problem import (
    DEFAULT_WEEKS,
    forecast_problem,
    plan_admission,
    program_document,
)
from scheduler.service import Stepdown
from solver.planning import (
    AddSession,
    Admit,
    Advice,
    Change,
    ForecastSolution,
    PlanningInputError,
    advise,
    apply_changes,
    solve_forecast,
)


@dataclass(frozen=True)
class AdmitPlanned:
    """What-if: admit these planned patients too (e.g. the next N referrals on the waitlist)."""

    admissions: tuple[PlannedAdmission, ...]


@dataclass(frozen=True)
class WhatIf:
    before: ForecastSolution
    after: ForecastSolution


@dataclass(frozen=True)
class SessionAdvice:
    forecast: ForecastSolution
    advice: tuple[Advice, ...]
    # Each advice's gain is its own; sessions that draw on the same patients do not add up, so
    # the forecast with every advised session opened at once is solved too.
    together: ForecastSolution | None


def forecast(
    stepdown: Stepdown,
    program_id: str,
    *,
    first_week: str | None = None,
    weeks: int = DEFAULT_WEEKS,
    admissions: Sequence[PlannedAdmission] = (),
) -> ForecastSolution:
    problem = forecast_problem(
        stepdown, program_id, first_week=first_week, weeks=weeks, admissions=admissions
    )
    return solve_forecast(problem)


def what_if(
    stepdown: Stepdown,
    program_id: str,
    changes: Sequence[Change | AdmitPlanned],
    *,
    first_week: str | None = None,
    weeks: int = DEFAULT_WEEKS,
    admissions: Sequence[PlannedAdmission] = (),
) -> WhatIf:
    """The forecast before and after the changes; nothing is recorded."""
    if not changes:
        raise InvalidRequestError("changes: a what-if needs at least one change")
    problem = forecast_problem(
        stepdown, program_id, first_week=first_week, weeks=weeks, admissions=admissions
    )
    policy = _policy(stepdown, program_id)
    solver_changes: list[Change] = []
    for index, change in enumerate(changes):
        if isinstance(change, AdmitPlanned):
            change = Admit(
                tuple(
                    plan_admission(n, a, problem.mondays, policy, f"changes[{index}].admissions")
                    for n, a in enumerate(change.admissions)
                )
            )
        solver_changes.append(change)
    try:
        changed = apply_changes(problem, tuple(solver_changes))
    except PlanningInputError as error:
        raise _as_request_error(error) from None
    return WhatIf(solve_forecast(problem), solve_forecast(changed))


def session_advice(
    stepdown: Stepdown,
    program_id: str,
    *,
    count: int = 3,
    first_week: str | None = None,
    weeks: int = DEFAULT_WEEKS,
    admissions: Sequence[PlannedAdmission] = (),
    days: Sequence[Weekday] = (),
) -> SessionAdvice:
    """The sessions worth opening. Only on the days the program already meets unless `days`
    names others: a coordinator asks "which group should we open?", not "should we open on
    Sunday?" (they ask that by naming the day)."""
    if not 1 <= count <= 10:
        raise InvalidRequestError(f"count: {count} is not 1–10")
    problem = forecast_problem(
        stepdown, program_id, first_week=first_week, weeks=weeks, admissions=admissions
    )
    weekdays = {day.value for day in days} if days else {s.weekday for s in problem.sessions}
    base = solve_forecast(problem)
    advice = tuple(advise(problem, count, base, weekdays=weekdays))
    together = None
    if len(advice) > 1:
        opened = tuple(AddSession(a.session) for a in advice)
        together = solve_forecast(apply_changes(problem, opened))
    return SessionAdvice(base, advice, together)


def _policy(stepdown: Stepdown, program_id: str) -> dict[str, Any]:
    with stepdown.views.transaction(commit=False) as cursor:
        policy: dict[str, Any] = program_document(cursor, program_id)["policy"]
    return policy


def _as_request_error(error: PlanningInputError) -> StepdownError:
    text = str(error)
    # An unknown session is an unknown id (404 over HTTP); anything else, a bad request.
    return NotFoundError(text) if "does not exist" in text else InvalidRequestError(text)
