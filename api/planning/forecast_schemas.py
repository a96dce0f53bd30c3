"""Forecast, what-if and advice answers over HTTP and in the CLI's JSON."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from events.calendar import iso_week
from solver.planning import Advice, ForecastSolution
from solver.planning.inputs import WEEKDAY_NAMES, clock


class SessionLoadPublic(BaseModel):
    session_id: str
    date: date
    track: str
    seats: int
    expected: int
    fill: float


class TrackLoadPublic(BaseModel):
    track: str
    seats: int
    expected: int
    fill: float


class ShortfallPublic(BaseModel):
    patient_ids: list[str]
    days: int
    kind: Literal["availability", "capacity"]
    reason: str


class WeekPublic(BaseModel):
    week: str
    monday: date
    census: int
    required_days: int
    expected_days: int
    shortfall_days: int
    step_downs_due: list[str]
    sessions: list[SessionLoadPublic]
    tracks: list[TrackLoadPublic]
    shortfalls: list[ShortfallPublic]


class MovePublic(BaseModel):
    patient_id: str
    week: str
    kind: Literal["earlier", "later"]
    planned_days: int
    moved_days: int
    reason: str


class AdmissionStartPublic(BaseModel):
    admission_id: str
    earliest_week: str
    start_week: str | None = Field(description="null: no start within the forecast fits")
    waiting_weeks: int


class ForecastPublic(BaseModel):
    status: str = Field(description="OPTIMAL (proven) or FEASIBLE (time limit reached)")
    shortfall_days: int
    waiting_weeks: int
    expected_days: int
    wall_time_s: float
    weeks: list[WeekPublic]
    moves: list[MovePublic]
    admissions: list[AdmissionStartPublic]


class WeekComparison(BaseModel):
    week: str
    census_before: int
    census_after: int
    expected_days_before: int
    expected_days_after: int
    shortfall_days_before: int
    shortfall_days_after: int


class WhatIfPublic(BaseModel):
    recorded: Literal[False] = Field(default=False, description="A what-if records nothing")
    weeks: list[WeekComparison]
    before: ForecastPublic
    after: ForecastPublic


class AdvicePublic(BaseModel):
    session_id: str = Field(description="A suggested id for the new session")
    weekday: str
    start: str
    end: str
    track: str
    capacity: int
    shortfall_days_gain: int
    waiting_weeks_gain: int
    shortfall_days_after: int
    waiting_weeks_after: int
    proven: bool = Field(description="Both forecasts solved to optimality")
    same_gain_starts: list[str]


class AdviceAnswer(BaseModel):
    shortfall_days: int
    waiting_weeks: int
    advice: list[AdvicePublic]
    shortfall_days_with_all: int | None = Field(
        description="With every advised session opened at once (null: fewer than two advised)"
    )
    waiting_weeks_with_all: int | None


def forecast_public(solution: ForecastSolution) -> ForecastPublic:
    return ForecastPublic(
        status=solution.status,
        shortfall_days=solution.shortfall_days,
        waiting_weeks=solution.waiting_weeks,
        expected_days=solution.expected_days,
        wall_time_s=round(solution.wall_time_s, 3),
        weeks=[
            WeekPublic(
                week=iso_week(w.monday),
                monday=w.monday,
                census=w.census,
                required_days=w.required_days,
                expected_days=w.expected_days,
                shortfall_days=w.shortfall_days,
                step_downs_due=list(w.step_downs_due),
                sessions=[
                    SessionLoadPublic(
                        session_id=s.session_id,
                        date=s.day,
                        track=s.track,
                        seats=s.seats,
                        expected=s.expected,
                        fill=round(s.fill, 3),
                    )
                    for s in w.sessions
                ],
                tracks=[
                    TrackLoadPublic(
                        track=t.track, seats=t.seats, expected=t.expected, fill=round(t.fill, 3)
                    )
                    for t in w.tracks
                ],
                shortfalls=[
                    ShortfallPublic(
                        patient_ids=list(s.patient_ids),
                        days=s.days,
                        kind=s.kind,  # type: ignore[arg-type]
                        reason=s.reason,
                    )
                    for s in w.shortfalls
                ],
            )
            for w in solution.weeks
        ],
        moves=[
            MovePublic(
                patient_id=m.patient_id,
                week=iso_week(m.week),
                kind=m.kind,  # type: ignore[arg-type]
                planned_days=m.planned_days,
                moved_days=m.moved_days,
                reason=m.reason,
            )
            for m in solution.moves
        ],
        admissions=[
            AdmissionStartPublic(
                admission_id=a.admission_id,
                earliest_week=iso_week(a.earliest),
                start_week=None if a.starts is None else iso_week(a.starts),
                waiting_weeks=a.waiting_weeks,
            )
            for a in solution.admissions
        ],
    )


def what_if_public(before: ForecastSolution, after: ForecastSolution) -> WhatIfPublic:
    return WhatIfPublic(
        weeks=[
            WeekComparison(
                week=iso_week(b.monday),
                census_before=b.census,
                census_after=a.census,
                expected_days_before=b.expected_days,
                expected_days_after=a.expected_days,
                shortfall_days_before=b.shortfall_days,
                shortfall_days_after=a.shortfall_days,
            )
            for b, a in zip(before.weeks, after.weeks, strict=True)
        ],
        before=forecast_public(before),
        after=forecast_public(after),
    )


def advice_public(
    base: ForecastSolution, advice: tuple[Advice, ...], together: ForecastSolution | None
) -> AdviceAnswer:
    return AdviceAnswer(
        shortfall_days=base.shortfall_days,
        waiting_weeks=base.waiting_weeks,
        shortfall_days_with_all=None if together is None else together.shortfall_days,
        waiting_weeks_with_all=None if together is None else together.waiting_weeks,
        advice=[
            AdvicePublic(
                session_id=a.session.session_id,
                weekday=WEEKDAY_NAMES[a.session.weekday],
                start=clock(a.session.start_minute),
                end=clock(a.session.end_minute),
                track=a.session.track,
                capacity=a.session.capacity,
                shortfall_days_gain=a.shortfall_days_gain,
                waiting_weeks_gain=a.waiting_weeks_gain,
                shortfall_days_after=a.shortfall_days_after,
                waiting_weeks_after=a.waiting_weeks_after,
                proven=a.proven,
                same_gain_starts=list(a.same_gain_starts),
            )
            for a in advice
        ],
    )
