"""What-if changes to a forecast's input: pure, nothing recorded. Each names what it changes and
refuses what the program does not have, so a typo is an error rather than a silent no-op."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from solver.planning.inputs import (
    ClosedDate,
    ForecastProblem,
    PlanAdmission,
    PlanningInputError,
    PlanSession,
)


@dataclass(frozen=True)
class AddSession:
    session: PlanSession


@dataclass(frozen=True)
class RemoveSession:
    session_id: str


@dataclass(frozen=True)
class MoveSession:
    session_id: str
    weekday: int
    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class ChangeCapacity:
    session_id: str
    capacity: int


@dataclass(frozen=True)
class AddClosure:
    day: date
    reason: str


@dataclass(frozen=True)
class Admit:
    admissions: tuple[PlanAdmission, ...]


Change = AddSession | RemoveSession | MoveSession | ChangeCapacity | AddClosure | Admit


def apply_changes(problem: ForecastProblem, changes: tuple[Change, ...]) -> ForecastProblem:
    for index, change in enumerate(changes):
        try:
            problem = _apply(problem, change)
        except PlanningInputError as error:
            raise PlanningInputError(f"changes[{index}]: {error}") from None
    if not problem.sessions:
        raise PlanningInputError(
            "the changes remove every session: a program with no session has nothing to forecast"
        )
    return problem


def _apply(problem: ForecastProblem, change: Change) -> ForecastProblem:
    if isinstance(change, AddSession):
        if any(
            s.session_id.casefold() == change.session.session_id.casefold()
            for s in problem.sessions
        ):
            raise PlanningInputError(f"session: {change.session.session_id!r} already exists")
        _check_session(change.session)
        return replace(problem, sessions=(*problem.sessions, change.session))
    if isinstance(change, AddClosure):
        if problem.week_of(change.day) is None:
            raise PlanningInputError(
                f"closure: {change.day} is outside the forecast's weeks "
                f"{problem.mondays[0]}–{problem.mondays[-1]}"
            )
        return replace(problem, closed=(*problem.closed, ClosedDate(change.day, change.reason)))
    if isinstance(change, Admit):
        known = {a.admission_id for a in problem.admissions}
        for admission in change.admissions:
            if admission.admission_id in known:
                raise PlanningInputError(
                    f"admission: {admission.admission_id!r} is already planned"
                )
            if not 0 <= admission.earliest_week < problem.horizon:
                raise PlanningInputError(
                    f"admission {admission.admission_id!r}: its start is outside the forecast's weeks"
                )
            known.add(admission.admission_id)
        return replace(problem, admissions=(*problem.admissions, *change.admissions))
    session = _session(problem, change.session_id)
    if isinstance(change, RemoveSession):
        kept = tuple(s for s in problem.sessions if s is not session)
        return replace(problem, sessions=kept)
    if isinstance(change, MoveSession):
        changed = replace(
            session,
            weekday=change.weekday,
            start_minute=change.start_minute,
            end_minute=change.end_minute,
        )
    else:
        changed = replace(session, capacity=change.capacity)
    _check_session(changed)
    return replace(
        problem, sessions=tuple(changed if s is session else s for s in problem.sessions)
    )


def _session(problem: ForecastProblem, session_id: str) -> PlanSession:
    for session in problem.sessions:
        if session.session_id == session_id:
            return session
    raise PlanningInputError(f"session: {session_id!r} does not exist")


def _check_session(session: PlanSession) -> None:
    if not 0 <= session.weekday <= 6:
        raise PlanningInputError(f"weekday: {session.weekday} is not 0 (Monday) to 6 (Sunday)")
    if not 0 <= session.start_minute < session.end_minute <= 24 * 60:
        raise PlanningInputError(
            f"session {session.session_id!r}: start {session.start_minute} must come before "
            f"end {session.end_minute} within the day"
        )
    if not 1 <= session.capacity <= 15:
        # DESIGN.md: a group is never above 15.
        raise PlanningInputError(
            f"session {session.session_id!r}: capacity {session.capacity} is not 1–15"
        )
