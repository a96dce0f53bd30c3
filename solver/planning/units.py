"""The forecast's aggregation: identical sessions of a week form one slot, identical patients one
unit (a patient class, as in solver/patterns.py), so the model counts seats, never seats a person.

Counting is exact for the rules kept here: n patients who fit the same slots, with at most one
session a day and at most t days each, can share any counts that give each day at most n seats
and the week at most n·t (deal the seats out day by day, patient after patient, round-robin).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from solver.planning.inputs import ForecastProblem, PlanSession, clock
from solver.problem import MINUTES_PER_DAY, Busy

WEEKDAY_NAMES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


@dataclass(frozen=True)
class PlanSlot:
    index: int
    weekday: int
    start_minute: int
    end_minute: int
    track: str
    sessions: tuple[PlanSession, ...]  # interchangeable rooms

    def label(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {clock(self.start_minute)} {self.track}"


@dataclass(frozen=True)
class Unit:
    """Enrolled patients the model treats as one: same taper over the horizon, same fitting
    slots each week."""

    patient_ids: tuple[str, ...]
    targets: tuple[int, ...]  # horizon weeks and the week after
    fits: tuple[tuple[int, ...], ...]  # per horizon week: slot indices the patients fit
    hours_text: str

    @property
    def size(self) -> int:
        return len(self.patient_ids)


@dataclass(frozen=True)
class AdmissionGroup:
    """Planned admissions alike in every way the model sees. Each may start in any week from
    its earliest, or not within the horizon (None); the model chooses how many start when.

    In a week, admitted patients who fit the same slots and are at the same taper level are
    interchangeable whatever week they started, so the model seats them as one pool per
    (slots, level): far fewer counts than one per start.
    """

    admission_ids: tuple[str, ...]
    earliest_week: int
    course: tuple[int, ...]
    weekly_fit: frozenset[int]
    hours_text: str

    @property
    def size(self) -> int:
        return len(self.admission_ids)

    def starts(self, horizon: int) -> list[int | None]:
        return [*range(self.earliest_week, horizon), None]

    def target(self, start: int | None, week: int) -> int:
        """Their taper's days in horizon week `week` when their course starts in `start`."""
        if start is None or not 0 <= week - start < len(self.course):
            return 0
        return self.course[week - start]

    def waiting_weeks(self, start: int | None, horizon: int) -> int:
        return (horizon if start is None else start) - self.earliest_week


@dataclass(frozen=True)
class Pool:
    """Admitted patients of one week who fit the same slots at the same taper level."""

    week: int
    fits: tuple[int, ...]
    target: int
    sources: tuple[tuple[int, int | None], ...]  # (admission group, start) counted in it


def group_slots(problem: ForecastProblem) -> list[PlanSlot]:
    groups: dict[tuple[int, int, int, str], list[PlanSession]] = defaultdict(list)
    for session in problem.sessions:
        key = (session.weekday, session.start_minute, session.end_minute, session.track)
        groups[key].append(session)
    return [
        PlanSlot(index, *key, tuple(sorted(rooms, key=lambda s: s.session_id)))
        for index, (key, rooms) in enumerate(sorted(groups.items(), key=lambda item: item[0]))
    ]


def slot_seats(problem: ForecastProblem, slots: list[PlanSlot]) -> list[list[int]]:
    """seats[week][slot]: the rooms' capacity, none on a closed day or for a cancelled meeting."""
    closed = {c.day for c in problem.closed}
    seats = []
    for week in range(problem.horizon):
        row = []
        for slot in slots:
            day = problem.day_of(week, slot.weekday)
            row.append(
                0
                if day in closed
                else sum(
                    s.capacity
                    for s in slot.sessions
                    if (s.session_id, day) not in problem.cancelled
                )
            )
        seats.append(row)
    return seats


def weekly_fit(slots: list[PlanSlot], busy: tuple[Busy, ...], travel: int) -> frozenset[int]:
    """Slots no commitment comes closer to than the travel minutes (overnight shifts included)."""
    fitting = set()
    for slot in slots:
        start = slot.weekday * MINUTES_PER_DAY + slot.start_minute
        end = slot.weekday * MINUTES_PER_DAY + slot.end_minute
        if not any(start - travel < b.end and b.start < end + travel for b in busy):
            fitting.add(slot.index)
    return frozenset(fitting)


def build_units(
    problem: ForecastProblem, slots: list[PlanSlot], seats: list[list[int]]
) -> list[Unit]:
    horizon = problem.horizon
    held = [{s.index for s in slots if seats[w][s.index] > 0} for w in range(horizon)]
    fit_cache: dict[tuple[tuple[Busy, ...], int], frozenset[int]] = {}

    def fit_of(busy: tuple[Busy, ...], travel: int) -> frozenset[int]:
        key = (busy, travel)
        if key not in fit_cache:
            fit_cache[key] = weekly_fit(slots, busy, travel)
        return fit_cache[key]

    classes: dict[tuple[tuple[int, ...], tuple[tuple[int, ...], ...]], list[str]] = defaultdict(
        list
    )
    texts: dict[tuple[tuple[int, ...], tuple[tuple[int, ...], ...]], str] = {}
    for patient in problem.patients:
        fits = tuple(
            tuple(
                sorted(
                    i
                    for i in fit_of(patient.busy_in(w), patient.travel_minutes) & held[w]
                    if patient.targets[w] > 0 and slots[i].weekday in patient.days[w]
                )
            )
            for w in range(horizon)
        )
        key = (patient.targets[: horizon + 1], fits)
        classes[key].append(patient.patient_id)
        texts.setdefault(key, patient.hours_text)
    return [Unit(tuple(sorted(ids)), key[0], key[1], texts[key]) for key, ids in classes.items()]


def build_admission_groups(problem: ForecastProblem, slots: list[PlanSlot]) -> list[AdmissionGroup]:
    """Planned admissions alike in earliest week, course and the sessions they fit."""
    fit_cache: dict[tuple[tuple[Busy, ...], int], frozenset[int]] = {}
    groups: dict[tuple[int, tuple[int, ...], frozenset[int]], list[str]] = defaultdict(list)
    texts: dict[tuple[int, tuple[int, ...], frozenset[int]], str] = {}
    for admission in problem.admissions:
        key = (admission.busy, admission.travel_minutes)
        if key not in fit_cache:
            fit_cache[key] = weekly_fit(slots, admission.busy, admission.travel_minutes)
        group_key = (admission.earliest_week, admission.course, fit_cache[key])
        groups[group_key].append(admission.admission_id)
        texts.setdefault(group_key, admission.hours_text)
    return [
        AdmissionGroup(tuple(sorted(ids)), earliest, course, weekly, texts[key])
        for key, ids in groups.items()
        for earliest, course, weekly in [key]
    ]
