"""Which meetings of a recorded roster are staffed, for a seat added after the solve (a make-up):
it may only go to a meeting with a facilitator, and no further than one facilitator may lead."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from events.application import StepdownApplication
from events.ids import staffing_uuid
from events.roster import Roster
from events.staff.staffing import Staffing
from events.staff.values import Modality, WeekStaffing
from events.values import RosterSession
from solver import Busy
from solver.problem import MINUTES_PER_DAY

Meeting = tuple[str, date]


@dataclass(frozen=True)
class StaffedRuns:
    runs: tuple[RosterSession, ...]  # the meetings a seat may join
    caps: dict[Meeting, int]  # the most patients each may hold for its staff
    virtual: frozenset[str]  # sessions held online: no travel around them


def staffed_runs(
    app: StepdownApplication, roster: Roster, runs: Iterable[RosterSession]
) -> StaffedRuns:
    """A roster without staffing (a program without staff, or recorded before staffing)
    limits nothing."""
    versions = [s for s in (roster.staffing_in_force, roster.staffing) if s is not None]
    virtual = _virtual(app, roster.program_id)
    if not versions:
        return StaffedRuns(tuple(runs), {}, virtual)
    staffed: set[Meeting] = set(_facilitators(versions[0]))
    for staffing in versions[1:]:
        staffed &= set(_facilitators(staffing))
    threshold = _second_facilitator_above(app, roster.program_id)
    caps: dict[Meeting, int] = {}
    if threshold is not None:
        for staffing in versions:
            for meeting, facilitators in _facilitators(staffing).items():
                if len(facilitators) < 2:
                    caps[meeting] = threshold
    return StaffedRuns(
        tuple(r for r in runs if (r.session_id, r.session_date) in staffed), caps, virtual
    )


def _facilitators(staffing: WeekStaffing) -> dict[Meeting, tuple[str, ...]]:
    return {(m.session_id, m.session_date): m.facilitator_ids for m in staffing.meetings}


def _second_facilitator_above(app: StepdownApplication, program_id: str) -> int | None:
    staffing = _staffing(app, program_id)
    return None if staffing is None else staffing.policy.second_facilitator_above


def _virtual(app: StepdownApplication, program_id: str) -> frozenset[str]:
    staffing = _staffing(app, program_id)
    if staffing is None:
        return frozenset()
    return frozenset(
        s.session_id for s in staffing.sessions.values() if s.modality is Modality.VIRTUAL
    )


def _staffing(app: StepdownApplication, program_id: str) -> Staffing | None:
    if staffing_uuid(program_id) not in app.repository:
        return None
    staffing: Staffing = app.repository.get(staffing_uuid(program_id))
    return staffing


def appointment_busy(roster: Roster, patient_id: str, monday: date) -> tuple[Busy, ...]:
    """The patient's individual and family sessions in either version: a seat added later does
    not land on one."""
    busy = []
    for staffing in (roster.staffing_in_force, roster.staffing):
        for a in staffing.appointments if staffing is not None else ():
            if a.patient_id == patient_id:
                base = (a.session_date - monday).days * MINUTES_PER_DAY
                busy.append(
                    Busy(
                        base + a.start.hour * 60 + a.start.minute,
                        base + a.end.hour * 60 + a.end.minute,
                        f"{a.kind} session",
                    )
                )
    return tuple(sorted(set(busy), key=lambda b: b.start))
