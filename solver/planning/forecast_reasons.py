"""Why: the reason for each shortfall a week is forecast to have, and for each taper step the
forecast moves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from solver.planning.inputs import WEEKDAY_NAMES, ForecastProblem
from solver.planning.outcome import Shortfall, TaperMove
from solver.planning.units import PlanSlot

if TYPE_CHECKING:
    from solver.planning.forecast_report import Solved, Values


@dataclass(frozen=True)
class WeekGroup:
    """Patients counted together in one week: a unit, or a pool of admitted patients."""

    members: tuple[str, ...]
    target: int
    required: int
    given: int
    fits: tuple[int, ...]
    hours_text: str
    ends: tuple[str, ...]  # their plan's last week


def shortfalls_of(
    group: WeekGroup,
    w: int,
    slots: list[PlanSlot],
    seats: list[list[int]],
    load: dict[tuple[int, int], int],
    closed: str,
) -> list[Shortfall]:
    """Days no fitting session exists for are the patients' availability (a closure that week
    named); the rest, capacity."""
    days = group.required - group.given
    fitting_days = sorted({slots[s].weekday for s in group.fits})
    unavailable = min(days, len(group.members) * max(0, group.target - len(fitting_days)))
    hours = group.hours_text or "their hours"
    found = []
    if unavailable:
        where = ", ".join(WEEKDAY_NAMES[d] for d in fitting_days) or "no day"
        found.append(
            Shortfall(
                group.members,
                unavailable,
                "availability",
                f"{hours}; sessions fit them on {len(fitting_days)} day(s) a week ({where}) "
                f"against {group.target} required" + (f" ({closed})" if closed else ""),
            )
        )
    if days > unavailable:
        found.append(
            Shortfall(
                group.members,
                days - unavailable,
                "capacity",
                full_sessions(group.fits, w, slots, seats, load),
            )
        )
    return found


def full_sessions(
    fits: tuple[int, ...],
    w: int,
    slots: list[PlanSlot],
    seats: list[list[int]],
    load: dict[tuple[int, int], int],
) -> str:
    full = [
        f"{slots[s].label()} {load[w, s]}/{seats[w][s]}" for s in fits if load[w, s] >= seats[w][s]
    ]
    if not full:
        return "the sessions they fit have seats only on days they already attend"
    return "the sessions they fit are full: " + ", ".join(full)


def taper_moves(
    problem: ForecastProblem, solved: Solved, values: Values, load: dict[tuple[int, int], int]
) -> tuple[TaperMove, ...]:
    moves = []
    for (u, w), count in sorted(values.early.items()):
        unit = solved.units[u]
        full = full_sessions(unit.fits[w], w, solved.slots, solved.seats, load)
        for patient_id in unit.patient_ids[:count]:
            moves.append(
                TaperMove(
                    patient_id,
                    problem.mondays[w],
                    "earlier",
                    unit.targets[w],
                    unit.targets[w + 1],
                    f"seats short that week ({full}); the step to {unit.targets[w + 1]} days "
                    "due the next week is taken a week early",
                )
            )
    for (u, w), count in sorted(values.later.items()):
        unit = solved.units[u]
        # Patients are dealt seats in id order, so the unit's last ones were short last week.
        for patient_id in unit.patient_ids[unit.size - count :]:
            moves.append(
                TaperMove(
                    patient_id,
                    problem.mondays[w],
                    "later",
                    unit.targets[w],
                    unit.targets[w - 1],
                    f"a required day went unmet the week of {problem.mondays[w - 1]}; the step "
                    f"to {unit.targets[w]} days waits a week, where seats are free, to give it back",
                )
            )
    return tuple(sorted(moves, key=lambda m: (m.week, m.patient_id, m.kind)))
