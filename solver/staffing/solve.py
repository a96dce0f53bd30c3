"""The staffing model: one CP-SAT solve for the week's facilitators and appointments.

Penalties are lexicographic by weight, each level heavier than everything below it can add up
to: a meeting without a lead, then a meeting without the second facilitator its size needs,
then a missing appointment, then continuity (the usual facilitators, last version's choices,
appointments kept where they were) and one trip (an appointment next to a group).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from solver.staffing.candidates import appointment_starts
from solver.staffing.problem import AppointmentRequest, Clinician, Meeting, StaffingProblem
from solver.staffing.reasons import (
    missing_second_reason,
    unmet_appointment_reason,
    unstaffed_reason,
)
from solver.staffing.solution import (
    Appointment,
    MeetingStaff,
    StaffingSolution,
    UnmetAppointment,
    UnstaffedMeeting,
)

# Continuity: a lead who is not the group's usual one, a facilitator changed from the last
# version, an appointment moved from where it was; and the one-trip preference.
NOT_USUAL = 20
CHANGED = 50
MOVED = 50
NOT_NEXT_TO_GROUP = 1
UNMET_WEIGHT = {"individual": 2, "family": 1}

Span = tuple[int, int, cp_model.IntVar]  # [start, end) minutes, and whether it is taken


@dataclass
class _Model:
    problem: StaffingProblem
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    # (meeting index, staff id) → lead / co-facilitator literal
    lead: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    co: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    # (request index, start) → chosen literal
    booked: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    next_to_group: dict[tuple[int, int], bool] = field(default_factory=dict)
    # staff id → (start, end, literal) of everything they might do
    work: dict[str, list[Span]] = field(default_factory=lambda: defaultdict(list))
    candidates: dict[int, dict[int, bool]] = field(default_factory=dict)
    tail: list[tuple[cp_model.LiteralT, int]] = field(default_factory=list)  # continuity, trips
    unmet: list[tuple[cp_model.LiteralT, int]] = field(default_factory=list)  # appointments
    seconds: list[tuple[cp_model.LiteralT, int]] = field(default_factory=list)
    leads: list[tuple[cp_model.LiteralT, int]] = field(default_factory=list)


def solve_staffing(
    problem: StaffingProblem, *, time_limit_s: float = 10.0, workers: int = 1, seed: int = 0
) -> StaffingSolution:
    """`workers=1` with a fixed seed gives the same answer every run.

    Solved in parts, in the order of the levels: first the meetings (who leads, who seconds:
    they outrank every appointment), then each counsellor's appointments within the time and
    hours their meetings left them. The appointments of two counsellors never meet (each is
    with the patient's own counsellor), so those parts are exact given the meetings; what this
    gives up is a facilitator chosen with a counsellor's appointments in mind, which only the
    continuity level could have traded. Status, objective and bound are the parts' together:
    OPTIMAL only when every part is proven."""
    started = time.perf_counter()
    deadline = started + time_limit_s
    meetings = _solve_whole(
        replace(problem, requests=()), time_limit_s=time_limit_s * 0.4, workers=workers, seed=seed
    )
    taken = _facilitation(problem, meetings)
    by_counsellor: dict[str | None, list[AppointmentRequest]] = defaultdict(list)
    clinicians = {c.staff_id: c for c in problem.clinicians}
    for request in problem.requests:
        known = request.counsellor_id if request.counsellor_id in clinicians else None
        by_counsellor[known].append(request)
    parts = [meetings]
    unknown = by_counsellor.pop(None, [])
    if unknown:
        parts.append(
            _solve_whole(
                replace(problem, meetings=(), clinicians=(), requests=tuple(unknown)),
                time_limit_s=0.1,
                workers=workers,
                seed=seed,
            )
        )
    for index, (staff_id, requests) in enumerate(sorted(by_counsellor.items())):
        assert staff_id is not None
        share = _left(deadline) / (len(by_counsellor) - index)
        parts.append(
            _solve_whole(
                replace(
                    problem,
                    meetings=(),
                    clinicians=(clinicians[staff_id].without(taken.get(staff_id, [])),),
                    requests=tuple(requests),
                ),
                time_limit_s=max(0.2, share),
                workers=workers,
                seed=seed,
            )
        )
    return _together(parts, time.perf_counter() - started)


def _facilitation(
    problem: StaffingProblem, solution: StaffingSolution
) -> dict[str, list[tuple[int, int]]]:
    spans = {(m.session_id, m.day): (m.start, m.end) for m in problem.meetings}
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for meeting in solution.meetings:
        for staff_id in meeting.facilitator_ids:
            taken[staff_id].append(spans[(meeting.session_id, meeting.day)])
    return taken


def _together(parts: list[StaffingSolution], wall: float) -> StaffingSolution:
    statuses = {part.status for part in parts}
    status = next(
        (s for s in ("UNKNOWN", "MODEL_INVALID", "INFEASIBLE", "FEASIBLE") if s in statuses),
        "OPTIMAL",
    )
    return StaffingSolution(
        meetings=tuple(m for part in parts for m in part.meetings),
        appointments=tuple(
            sorted(
                (a for part in parts for a in part.appointments),
                key=lambda a: (a.start, a.patient_id),
            )
        ),
        unstaffed=tuple(u for part in parts for u in part.unstaffed),
        unmet=tuple(u for part in parts for u in part.unmet),
        status=status,
        objective=sum(part.objective for part in parts),
        best_bound=sum(part.best_bound for part in parts),
        wall_time_s=wall,
    )


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.perf_counter())


def _solve_whole(
    problem: StaffingProblem, *, time_limit_s: float, workers: int, seed: int
) -> StaffingSolution:
    started = time.perf_counter()
    built = _Model(problem)
    clinicians = {c.staff_id: c for c in problem.clinicians}
    for index, meeting in enumerate(problem.meetings):
        if meeting.size > 0:
            _staff_meeting(built, index, meeting, problem.clinicians)
    for index, request in enumerate(problem.requests):
        counsellor = clinicians.get(request.counsellor_id or "")
        if counsellor is not None:
            _book(built, index, request, counsellor)
    _keep_apart(built)
    _keep_hours(built, clinicians)
    built.model.minimize(_objective(built))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(built.model)
    wall = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _nothing_found(problem, solver.status_name(status), wall)
    return _read(built, solver, solver.status_name(status), clinicians, wall)


def _staff_meeting(
    built: _Model, index: int, meeting: Meeting, clinicians: tuple[Clinician, ...]
) -> None:
    model = built.model
    free = [c for c in clinicians if c.covers(meeting.start, meeting.end)]
    leads = []
    seconds = []
    strangers: list[cp_model.IntVar] = []
    previous = {(s, d): ids for s, d, ids in built.problem.previous_leads}
    before = previous.get((meeting.session_id, meeting.day))
    for clinician in free:
        works = model.new_bool_var(f"works_{index}_{clinician.staff_id}")
        built.work[clinician.staff_id].append((meeting.start, meeting.end, works))
        roles = []
        # Only the lead must hold what the group needs; a co-facilitator may be any staff.
        if clinician.holds(meeting.credentials):
            lead = model.new_bool_var(f"lead_{index}_{clinician.staff_id}")
            built.lead[(index, clinician.staff_id)] = lead
            leads.append(lead)
            roles.append(lead)
            usual_lead = meeting.usual[:1] == (clinician.staff_id,)
            if meeting.usual and not usual_lead:
                built.tail.append((lead, NOT_USUAL))
        # A co-facilitator: anyone when the group's size needs a second, and the program's
        # usual co-facilitators whenever they are free (the team the file plans).
        usual_co = clinician.staff_id in meeting.usual[1:]
        if built.problem.needs_second(meeting) or usual_co:
            co = model.new_bool_var(f"co_{index}_{clinician.staff_id}")
            built.co[(index, clinician.staff_id)] = co
            seconds.append(co)
            roles.append(co)
            if usual_co:
                built.tail.append((co.Not(), NOT_USUAL))
            else:
                strangers.append(co)
        model.add(sum(roles) == works)
        if before is not None and clinician.staff_id not in before:
            built.tail.append((works, CHANGED))
    staffed = model.new_bool_var(f"staffed_{index}")
    model.add(sum(leads) == staffed)
    built.leads.append((staffed.Not(), 1))
    for co in seconds:
        model.add_implication(co, staffed)
    # Beyond the usual team, one more facilitator at most: only the size asks for one.
    model.add(sum(strangers) <= 1)
    if built.problem.needs_second(meeting):
        second = model.new_bool_var(f"second_{index}")
        model.add(sum(seconds) >= second)
        built.seconds.append((second.Not(), 1))


def _book(built: _Model, index: int, request: AppointmentRequest, counsellor: Clinician) -> None:
    model = built.model
    monday = built.problem.week_monday
    offsets = {(day - monday).days for day in request.days}
    starts = appointment_starts(request, counsellor, offsets)
    built.candidates[index] = starts
    kept = {
        start
        for patient, kind, start, staff in built.problem.previous
        if (patient, kind, staff) == (request.patient_id, request.kind, counsellor.staff_id)
    }
    chosen = []
    for start, next_to_group in sorted(starts.items()):
        booked = model.new_bool_var(f"booked_{index}_{start}")
        built.booked[(index, start)] = booked
        built.next_to_group[(index, start)] = next_to_group
        built.work[counsellor.staff_id].append((start, start + request.minutes, booked))
        if not next_to_group:
            built.tail.append((booked, NOT_NEXT_TO_GROUP))
        if kept and start not in kept:
            built.tail.append((booked, MOVED))
        chosen.append(booked)
    met = model.new_bool_var(f"met_{index}")
    model.add(sum(chosen) == met)
    # The weekly individual session before a family session: the family one stays due and
    # finds its week among the next ones.
    built.unmet.append((met.Not(), UNMET_WEIGHT[request.kind]))


def _keep_apart(built: _Model) -> None:
    """Nobody in two places: each staff member's meetings and appointments never overlap, nor
    do one patient's appointments."""
    for items in built.work.values():
        _at_most_one_at_a_time(built.model, items)
    by_patient: dict[str, list[int]] = defaultdict(list)
    for index, request in enumerate(built.problem.requests):
        by_patient[request.patient_id].append(index)
    for indexes in by_patient.values():
        if len(indexes) > 1:
            _at_most_one_at_a_time(
                built.model,
                [
                    (start, start + built.problem.requests[index].minutes, literal)
                    for (index, start), literal in built.booked.items()
                    if index in indexes
                ],
            )


def _at_most_one_at_a_time(model: cp_model.CpModel, items: list[Span]) -> None:
    """Every span has a fixed start, so the spans that overlap all meet at some span's start:
    one at-most-one per start (the cliques of an interval graph) says exactly "no two at once",
    and, unlike a no-overlap over optional intervals, its linear relaxation is tight, so the
    bound is proven quickly."""
    for point in sorted({start for start, _, _ in items}):
        covering = [literal for start, end, literal in items if start <= point < end]
        if len(covering) > 1:
            model.add_at_most_one(covering)


def _keep_hours(built: _Model, clinicians: dict[str, Clinician]) -> None:
    for staff_id, items in built.work.items():
        built.model.add(
            sum((end - start) * literal for start, end, literal in items)
            <= clinicians[staff_id].max_minutes
        )


def _objective(built: _Model) -> cp_model.LinearExprT:
    """Each level outweighs everything the levels below it can add up to."""
    levels = [built.tail, built.unmet, built.seconds, built.leads]
    total: list[tuple[cp_model.LinearExprT, int]] = []
    scale = 1
    for terms in levels:
        total.extend((literal, weight * scale) for literal, weight in terms)
        scale *= 1 + sum(weight for _, weight in terms)
    return sum((weight * literal for literal, weight in total), cp_model.LinearExpr.constant(0))


def _read(
    built: _Model,
    solver: cp_model.CpSolver,
    status: str,
    clinicians: dict[str, Clinician],
    wall: float,
) -> StaffingSolution:
    problem = built.problem
    meetings: list[MeetingStaff] = []
    unstaffed: list[UnstaffedMeeting] = []
    for index, meeting in enumerate(problem.meetings):
        if meeting.size == 0:
            continue
        lead = [s for (i, s), v in built.lead.items() if i == index and solver.boolean_value(v)]
        co = [s for (i, s), v in built.co.items() if i == index and solver.boolean_value(v)]
        if not lead:
            unstaffed.append(
                UnstaffedMeeting(
                    meeting.session_id, meeting.day, unstaffed_reason(problem, meeting, lead=True)
                )
            )
            continue
        meetings.append(MeetingStaff(meeting.session_id, meeting.day, (*lead, *sorted(co))))
        if problem.needs_second(meeting) and not co:
            unstaffed.append(
                UnstaffedMeeting(
                    meeting.session_id,
                    meeting.day,
                    missing_second_reason(problem, meeting),
                    only_second=True,
                )
            )
    appointments: list[Appointment] = []
    unmet: list[UnmetAppointment] = []
    hours_left = {
        staff_id: clinicians[staff_id].max_minutes
        - sum(end - start for start, end, literal in items if solver.boolean_value(literal))
        for staff_id, items in built.work.items()
    }
    for index, request in enumerate(problem.requests):
        chosen = [
            start
            for start in built.candidates.get(index, {})
            if solver.boolean_value(built.booked[(index, start)])
        ]
        if chosen:
            start = chosen[0]
            appointments.append(
                Appointment(
                    request.patient_id,
                    request.kind,
                    request.counsellor_id or "",
                    start,
                    start + request.minutes,
                    built.next_to_group[(index, start)],
                )
            )
        else:
            unmet.append(
                UnmetAppointment(
                    request.patient_id,
                    request.kind,
                    unmet_appointment_reason(
                        request,
                        clinicians.get(request.counsellor_id or ""),
                        bool(built.candidates.get(index)),
                        hours_left.get(request.counsellor_id or "", 0),
                    ),
                )
            )
    return StaffingSolution(
        meetings=tuple(meetings),
        appointments=tuple(sorted(appointments, key=lambda a: (a.start, a.patient_id))),
        unstaffed=tuple(unstaffed),
        unmet=tuple(unmet),
        status=status,
        objective=solver.objective_value,
        best_bound=solver.best_objective_bound,
        wall_time_s=wall,
    )


def _nothing_found(problem: StaffingProblem, status: str, wall: float) -> StaffingSolution:
    """The model has no infeasible choice (every level is a penalty), so this is a time-out
    before the first solution: say so for every meeting and appointment."""
    reason = "the staffing search found no answer in time"
    return StaffingSolution(
        meetings=(),
        appointments=(),
        unstaffed=tuple(
            UnstaffedMeeting(m.session_id, m.day, reason) for m in problem.meetings if m.size
        ),
        unmet=tuple(UnmetAppointment(r.patient_id, r.kind, reason) for r in problem.requests),
        status=status,
        objective=0.0,
        best_bound=0.0,
        wall_time_s=wall,
    )
