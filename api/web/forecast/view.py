"""The forecast as the page shows it: a row per week (seats committed, capacity, free, planned
admissions, days short), the reasons for the days short, most days first, a what-if beside the
forecast week by week, and the advised groups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from api.web.forecast.words import (
    SHORTFALL_KINDS,
    advice_gain,
    alternatives_text,
    counted,
    group_text,
    short_reason,
    week_label,
)
from api.web.plain_words import reason_text
from solver.planning import Advice, ForecastSolution, WeekForecast
from solver.planning.inputs import clock

# Reasons listed before the rest are summed up: the few a director can act on at a glance.
REASONS_SHOWN = 8


@dataclass(frozen=True)
class WeekRow:
    label: str
    census: int
    committed: int  # seats patients are expected to take (one a day each)
    capacity: int  # seats in the sessions held that week
    free: int
    admissions: int  # planned admissions (the waitlist's) whose course starts that week
    step_downs: int
    short_days: int
    short_patients: int

    @property
    def taken_percent(self) -> int:
        return round(100 * self.committed / self.capacity) if self.capacity else 0


@dataclass(frozen=True)
class ShortReason:
    text: str
    kind: str
    patients: int  # distinct patients it leaves short
    days: int  # required days unmet over the weeks
    weeks: tuple[str, ...]  # week labels


@dataclass(frozen=True)
class ForecastView:
    rows: tuple[WeekRow, ...]
    reasons: tuple[ShortReason, ...]
    more_reasons: int  # reasons not listed
    short_weeks: int
    not_started: int  # planned admissions no start within the weeks fits


def forecast_view(
    solution: ForecastSolution, today: date, session_ids: Iterable[str]
) -> ForecastView:
    starts: dict[date, int] = {}
    for admission in solution.admissions:
        if admission.starts is not None:
            starts[admission.starts] = starts.get(admission.starts, 0) + 1
    rows = tuple(_row(week, today, starts.get(week.monday, 0)) for week in solution.weeks)
    reasons = _reasons(solution.weeks, today, tuple(session_ids))
    return ForecastView(
        rows=rows,
        reasons=tuple(reasons[:REASONS_SHOWN]),
        more_reasons=max(0, len(reasons) - REASONS_SHOWN),
        short_weeks=sum(1 for row in rows if row.short_days),
        not_started=sum(1 for a in solution.admissions if a.starts is None),
    )


def _row(week: WeekForecast, today: date, admissions: int) -> WeekRow:
    committed = sum(s.expected for s in week.sessions)
    capacity = sum(s.seats for s in week.sessions)
    return WeekRow(
        label=week_label(week.monday, today),
        census=week.census,
        committed=committed,
        capacity=capacity,
        free=max(0, capacity - committed),
        admissions=admissions,
        step_downs=len(week.step_downs_due),
        short_days=week.shortfall_days,
        short_patients=len({p for s in week.shortfalls for p in s.patient_ids}),
    )


def _reasons(
    weeks: tuple[WeekForecast, ...], today: date, session_ids: tuple[str, ...]
) -> list[ShortReason]:
    """Shortfalls with the same reason over the weeks as one line; a reason names the hours
    and the sessions, so it is the same words for everyone it holds back."""
    found: dict[tuple[str, str], tuple[set[str], int, list[str]]] = {}
    for week in weeks:
        label = week_label(week.monday, today)
        for short in week.shortfalls:
            text = short_reason(reason_text(short.reason, session_ids))
            patients, days, labels = found.setdefault((short.kind, text), (set(), 0, []))
            patients.update(short.patient_ids)
            if label not in labels:
                labels.append(label)
            found[(short.kind, text)] = (patients, days + short.days, labels)
    reasons = [
        ShortReason(
            text=text,
            kind=SHORTFALL_KINDS.get(kind, kind),
            patients=len(patients),
            days=days,
            weeks=tuple(labels),
        )
        for (kind, text), (patients, days, labels) in found.items()
    ]
    reasons.sort(key=lambda r: (-r.days, r.text))
    return reasons


@dataclass(frozen=True)
class ComparedWeek:
    label: str
    census: str  # "30 → 34", or "30" when unchanged
    committed: str
    short: str
    changed: bool


@dataclass(frozen=True)
class AdvisedGroup:
    text: str  # "Open a Tue 10:00–13:00 day group for 12 seats"
    gain: str  # "meets 102 more required days"
    short_after: int
    other_starts: str  # "Wed 10:30–13:30 day or Wed 11:00–14:00 day": as good
    proven: bool


def compared_weeks(
    before: ForecastSolution, after: ForecastSolution, today: date
) -> tuple[ComparedWeek, ...]:
    return tuple(
        ComparedWeek(
            label=week_label(b.monday, today),
            census=_arrow(b.census, a.census),
            committed=_arrow(
                sum(s.expected for s in b.sessions), sum(s.expected for s in a.sessions)
            ),
            short=_arrow(b.shortfall_days, a.shortfall_days),
            changed=(b.census, b.shortfall_days, b.expected_days)
            != (a.census, a.shortfall_days, a.expected_days),
        )
        for b, a in zip(before.weeks, after.weeks, strict=True)
    )


def advised_groups(advice: Iterable[Advice]) -> tuple[AdvisedGroup, ...]:
    return tuple(
        AdvisedGroup(
            text=(
                "Open "
                + group_text(
                    a.session.weekday,
                    clock(a.session.start_minute),
                    clock(a.session.end_minute),
                    a.session.track,
                )
                + f" for {counted(a.session.capacity, 'seat')}"
            ),
            gain=advice_gain(a.shortfall_days_gain, a.waiting_weeks_gain),
            short_after=a.shortfall_days_after,
            other_starts=alternatives_text(a.same_gain_starts),
            proven=a.proven,
        )
        for a in advice
    )


def _arrow(before: int, after: int) -> str:
    return str(before) if before == after else f"{before} → {after}"
