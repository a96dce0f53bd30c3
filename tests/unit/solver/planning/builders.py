"""Small hand-made planning problems: a few sessions, a few patients, a few weeks."""

from __future__ import annotations

from datetime import date, timedelta

from solver.planning import ForecastProblem, PlanAdmission, PlanPatient, PlanSession
from solver.problem import Busy

MONDAY = date(2027, 1, 4)
DAY = 24 * 60
ALL_DAYS = frozenset(range(7))
# Parents' school-run hours: 07:00–09:00 and 15:00–19:00 on weekdays.
CHILDCARE = tuple(
    Busy(d * DAY + start, d * DAY + end, "childcare MON–FRI 07:00–09:00, 15:00–19:00")
    for d in range(5)
    for start, end in ((7 * 60, 9 * 60), (15 * 60, 19 * 60))
)
# Full-time day work.
DAY_WORK = tuple(
    Busy(d * DAY + 9 * 60, d * DAY + 17 * 60, "work MON–FRI 09:00–17:00") for d in range(5)
)


def session(
    session_id: str,
    weekday: int,
    start_hour: float = 18,
    capacity: int = 12,
    track: str = "evening",
) -> PlanSession:
    start = int(start_hour * 60)
    return PlanSession(session_id, weekday, start, start + 180, capacity, track)


def patient(
    patient_id: str, targets: tuple[int, ...], busy: tuple[Busy, ...] = (), travel: int = 30
) -> PlanPatient:
    """`targets` per horizon week plus the week after."""
    return PlanPatient(
        patient_id,
        targets,
        tuple(ALL_DAYS for _ in targets[:-1]),
        busy,
        travel,
        busy[0].label if busy else "",
    )


def admission(
    admission_id: str, earliest: int, course: tuple[int, ...], busy: tuple[Busy, ...] = ()
) -> PlanAdmission:
    return PlanAdmission(admission_id, earliest, course, busy, 30, busy[0].label if busy else "")


def problem(
    weeks: int,
    sessions: list[PlanSession],
    patients: list[PlanPatient] = [],  # noqa: B006 - never mutated
    admissions: list[PlanAdmission] = [],  # noqa: B006
    **more: object,
) -> ForecastProblem:
    return ForecastProblem(
        mondays=tuple(MONDAY + timedelta(weeks=w) for w in range(weeks)),
        sessions=tuple(sessions),
        patients=tuple(patients),
        admissions=tuple(admissions),
        **more,  # type: ignore[arg-type]
    )
