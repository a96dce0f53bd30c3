"""A make-up for a missed or cancelled session: a later seat in the same week, nobody moved.

With everyone else's place fixed, the choice is one patient's among a week's sessions, so an
exact search over them is the whole model: keep every hard rule of the roster, prefer the
missed session's track, then the earliest session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from solver.problem import MINUTES_PER_DAY, ClosedDay, PatientWeek, SessionOccurrence, UnmetReason


@dataclass(frozen=True)
class OccupiedSession:
    """A session of the week as the current roster version fills it."""

    session: SessionOccurrence
    patient_ids: frozenset[str]
    # Who a waiting draft (a regeneration not yet published) seats there: a make-up joins both
    # versions, so it needs a free seat in each.
    waiting_ids: frozenset[str] = frozenset()

    @property
    def seated_anywhere(self) -> frozenset[str]:
        return self.patient_ids | self.waiting_ids


@dataclass(frozen=True)
class MakeUpRequest:
    week_monday: date
    patient: PatientWeek
    missed: SessionOccurrence
    not_before: int  # minute of the week: the miss was recorded, plus the notice period
    sessions: tuple[OccupiedSession, ...]
    closed_days: tuple[ClosedDay, ...] = ()


@dataclass(frozen=True)
class MakeUpResult:
    session: SessionOccurrence | None
    reason: UnmetReason | None


def find_make_up(request: MakeUpRequest) -> MakeUpResult:
    patient = request.patient
    if not any(_week_start(request, o.session) >= request.not_before for o in request.sessions):
        return MakeUpResult(
            None, UnmetReason("time", "no session is left this week after the notice period")
        )
    busy_days = {
        o.session.day for o in request.sessions if patient.patient_id in o.seated_anywhere
    } | {request.missed.day}
    closed = {c.day for c in request.closed_days}
    fitting = [
        o
        for o in request.sessions
        if _week_start(request, o.session) >= request.not_before
        and o.session.day not in busy_days
        and o.session.day not in closed
        and patient.available_from <= o.session.day <= patient.available_until
        and not _conflicts(request, o.session)
    ]
    with_a_seat = [o for o in fitting if _has_a_seat(o)]
    if with_a_seat:
        best = min(
            with_a_seat,
            key=lambda o: (
                o.session.track != request.missed.track,
                _week_start(request, o.session),
                o.session.session_id,
            ),
        )
        return MakeUpResult(best.session, None)
    if fitting:
        names = ", ".join(
            f"{o.session.session_id} {o.session.day} "
            + ("full" if len(o.seated_anywhere) >= o.session.capacity else "not running")
            for o in fitting[:6]
        )
        return MakeUpResult(None, UnmetReason("capacity", f"no free seat later this week: {names}"))
    hours = patient.hours_text or "no commitments on file"
    return MakeUpResult(
        None,
        UnmetReason("availability", f"no later session this week fits their hours ({hours})"),
    )


def _week_start(request: MakeUpRequest, session: SessionOccurrence) -> int:
    return (session.day - request.week_monday).days * MINUTES_PER_DAY + session.start_minute


def _conflicts(request: MakeUpRequest, session: SessionOccurrence) -> bool:
    """Closer to a commitment than the patient's travel minutes (overnight shifts included); a
    virtual session needs no travel."""
    start = _week_start(request, session)
    end = start + session.minutes
    travel = 0 if session.virtual else request.patient.travel_minutes
    return any(start - travel < b.end and b.start < end + travel for b in request.patient.busy)


def _has_a_seat(occupied: OccupiedSession) -> bool:
    """A free seat in a group that runs (or one that may run with this patient alone)."""
    if len(occupied.seated_anywhere) >= occupied.session.capacity:
        return False
    return len(occupied.patient_ids) >= 1 or occupied.session.min_size <= 1
