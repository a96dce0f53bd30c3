"""Use cases for weekly rosters: generate (and regenerate), publish, pin and unpin."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from events.calendar import week_monday
from events.enrollment import ENDED
from events.errors import ConflictError, InvalidRequestError, NotFoundError, StaleVersionError
from events.roster import Roster
from events.values import (
    Assignment,
    RosterPatient,
    RosterSession,
    SolveStatistics,
    TierStatistics,
)
from scheduler.retry import retrying
from scheduler.roster_pins import (
    DroppedPin,
    as_placements,
    describe,
    keep_or_drop,
    pin_refusal,
)
from scheduler.roster_problem import RosterInput, build_roster_input
from scheduler.service import Stepdown
from scheduler.staff.roster_staffing import read_staff, restrict_to_staffable, staff_the_week
from solver import RosterSolution, solve
from solver.solve import ProgressHook, StageHook

TOGETHER = "the pins could not all be kept together within capacity and group sizes"
# The read models a week's problem is built from, and the facts that take a seat away.
PROBLEM_READ_MODELS = ("directory", "census", "attendance", "roster", "staff")
SEAT_FACTS = [
    *(f"events.enrollment:Enrollment.{name}" for name in ("Paused", "Discharged", "SteppedDown")),
    "events.enrollment:Enrollment.CommitmentsChanged",
    "events.staff.staffing:Staffing.StaffAbsent",
    *(
        f"events.program:Program.{name}"
        for name in ("ClosureAdded", "SessionCancelled", "SessionRetired", "SessionChanged")
    ),
]
MAX_STALE_READS = 3


def generate_roster(
    stepdown: Stepdown,
    program_id: str,
    week: str,
    *,
    actor: str,
    time_limit_s: float = 10.0,
    workers: int = 0,
    seed: int = 0,
    deterministic: bool = False,
    on_progress: ProgressHook | None = None,
    on_stage: StageHook | None = None,
    expected_version: frozenset[int] | None = None,
    job_id: str | None = None,
) -> RosterSolution:
    """Solve the week from the read models and record it as the roster's next draft version.

    A job's generate names the job: tried again after its worker died, it records nothing when
    the first attempt's draft was stored (JobAlreadyRecordedError says which version).

    Pins are kept and the previous version is the starting point, so a regeneration changes as
    little as the rules allow. A pin a later change made impossible (a pause, a closure, a new
    commitment, a cancelled meeting...) is dropped with the reason, recorded with this version.
    """
    monday = week_monday(week)
    settings = SolverSettings(time_limit_s, workers, seed, deterministic, on_progress, on_stage)

    # A draft records only itself: no patient changes here (plans end by PlanEndPolicy).
    def use_case() -> RosterSolution:
        roster = _roster(stepdown, program_id, week, actor, monday)
        if job_id is not None and job_id in roster.job_versions:
            raise JobAlreadyRecordedError(roster.job_versions[job_id])
        require_version(roster, expected_version)
        for _ in range(MAX_STALE_READS):
            seen = min(stepdown.runner(name).position() for name in PROBLEM_READ_MODELS)
            with stepdown.views.transaction(commit=False) as cursor:
                roster_input = build_roster_input(cursor, program_id, week)
                staff = read_staff(cursor, program_id, monday)
                restricted = None
                pins = set(roster.pins)
                closed_pins: tuple[DroppedPin, ...] = ()
                if staff is not None:
                    restricted = restrict_to_staffable(
                        roster_input, staff, time_limit_s=_staffing_limit(time_limit_s)
                    )
                    roster_input = restricted.roster_input
                    closed_pins = _pins_in_closed(pins, restricted.closed)
                    pins -= {note.pin for note in closed_pins}
                # The roster's own pins (never a read model that may lag behind them), each
                # checked against the week as it is now: a pin a later change broke is dropped.
                kept, dropped = keep_or_drop(cursor, program_id, roster_input, pins)
            solution, dropped = _solve(roster_input, kept, (*closed_pins, *dropped), settings)
            if not _seat_facts_since(stepdown, seen):
                break
            # A pause, closure or cancellation recorded while the week was read or solved
            # would leave a seat nobody may take (the roster policy has passed that fact):
            # solve again from read models that include it.
            stepdown.wait_for_projections(
                PROBLEM_READ_MODELS, timeout_s=stepdown.read_your_writes_timeout_s
            )
        _require_found(solution, week, time_limit_s)
        staffing = None
        if staff is not None and restricted is not None:
            staffing = staff_the_week(
                roster_input,
                solution,
                staff,
                restricted,
                previous=roster.staffing,
                time_limit_s=_staffing_limit(time_limit_s),
            )
        for note in dropped:
            roster.drop_pin(note.pin, note.reason, recorded_by=actor, effective_on=monday)
        roster.record_generated(
            tuple(Assignment(p.patient_id, p.session_id, p.day) for p in solution.placements),
            _statistics(solution),
            sessions=_sessions(roster_input),
            patients=_patients(roster_input, solution),
            recorded_by=actor,
            effective_on=monday,
            job_id=job_id,
            staffing=staffing,
        )
        stepdown.app.save(roster)
        return solution

    return retrying(use_case, what=f"roster {program_id} {week}")


def _staffing_limit(time_limit_s: float) -> float:
    """Each staffing solve (before and after the patients') gets a quarter of the patients'
    time: it is decided by its first levels, found in well under a second on most weeks."""
    return max(1.0, time_limit_s / 4)


def _pins_in_closed(
    pins: set[Assignment], closed: dict[tuple[str, date], str]
) -> tuple[DroppedPin, ...]:
    """Pins in a meeting no staff member can lead this week give way, with that reason."""
    return tuple(
        DroppedPin(pin, f"{pin.session_id} on {pin.session_date} cannot run: {reason}")
        for pin in sorted(pins, key=str)
        if (key := (pin.session_id, pin.session_date)) in closed and (reason := closed[key])
    )


class JobAlreadyRecordedError(Exception):
    """An earlier attempt of the same job recorded this roster version: nothing to do again."""

    def __init__(self, version: int) -> None:
        super().__init__(f"already recorded as version {version}")
        self.version = version


@dataclass(frozen=True)
class SolverSettings:
    time_limit_s: float
    workers: int
    seed: int
    deterministic: bool
    on_progress: ProgressHook | None
    on_stage: StageHook | None = None


def _solve(
    roster_input: RosterInput,
    kept: tuple[Assignment, ...],
    dropped: tuple[DroppedPin, ...],
    settings: SolverSettings,
) -> tuple[RosterSolution, tuple[DroppedPin, ...]]:
    """Solve with the pins kept and the week's make-ups; pins that cannot all be kept together
    (groups that cannot all reach their minimum) give way: a generate never fails on pins."""

    def solve_with(pins: tuple[Assignment, ...]) -> RosterSolution:
        return solve(
            replace(
                roster_input.problem,
                pins=(*as_placements(pins), *roster_input.make_up_seats),
            ),
            time_limit_s=settings.time_limit_s,
            workers=settings.workers,
            seed=settings.seed,
            deterministic=settings.deterministic,
            on_progress=settings.on_progress,
            on_stage=settings.on_stage,
        )

    solution = solve_with(kept)
    if solution.stats.status == "INFEASIBLE" and kept:
        dropped = (*dropped, *(DroppedPin(pin, TOGETHER) for pin in kept))
        solution = solve_with(())
    return solution, dropped


def publish_roster(
    stepdown: Stepdown,
    program_id: str,
    week: str,
    *,
    actor: str,
    expected_version: frozenset[int] | None = None,
) -> int:
    """Publish the latest version; returns the version published. With `expected_version`, only
    when the latest is one of those: nobody publishes a version they did not review."""

    def use_case() -> int:
        roster = stepdown.app.find_roster(program_id, week)
        if roster is None:
            raise InvalidRequestError(
                f"roster {program_id} {week}: nothing generated yet to publish"
            )
        require_version(roster, expected_version)
        monday = week_monday(week)
        roster.publish(recorded_by=actor, effective_on=monday)
        # A taper step the roster took a week early becomes part of the patient's plan.
        advanced = []
        for patient in roster.patients:
            if patient.stepped_early:
                enrollment = stepdown.app.get_enrollment(program_id, patient.patient_id)
                if enrollment.status in ENDED:
                    continue  # left the program since the draft was solved: no plan to move
                enrollment.advance_taper_step(
                    patient.program_week, recorded_by=actor, effective_on=monday
                )
                advanced.append(enrollment)
        stepdown.app.save(roster, *advanced)
        return roster.roster_version

    return retrying(use_case, what=f"publish {program_id} {week}")


def pin_assignment(
    stepdown: Stepdown,
    program_id: str,
    week: str,
    *,
    patient_id: str,
    session_id: str,
    session_date: date,
    actor: str,
    unpin: bool = False,
    expected_version: frozenset[int] | None = None,
) -> None:
    """Keep (or stop keeping) a patient in a session through every regeneration of the week.

    A pin must keep every hard rule a generated seat keeps; it is refused with the reason if not.
    """
    monday = week_monday(week)
    if not monday <= session_date <= monday + timedelta(days=6):
        raise InvalidRequestError(f"date: {session_date} is not in week {week}")
    assignment = Assignment(patient_id, session_id, session_date)

    def use_case() -> None:
        if unpin:
            roster = stepdown.app.find_roster(program_id, week)
            if roster is None or assignment not in roster.pins:
                stepdown.app.get_program(program_id)
                raise NotFoundError(f"pin: {describe(assignment)} is not pinned in {week}")
            require_version(roster, expected_version)
            roster.unpin(assignment, recorded_by=actor, effective_on=monday)
            stepdown.app.save(roster)
            return
        stepdown.app.get_program(program_id).session(session_id)
        stepdown.app.get_enrollment(program_id, patient_id)
        roster = _roster(stepdown, program_id, week, actor, monday)
        require_version(roster, expected_version)
        if assignment in roster.pins:
            return
        with stepdown.views.transaction(commit=False) as cursor:
            roster_input = build_roster_input(cursor, program_id, week)
            kept, _ = keep_or_drop(cursor, program_id, roster_input, roster.pins)
            make_ups = [
                Assignment(p.patient_id, p.session_id, p.day) for p in roster_input.make_up_seats
            ]
            refusal = pin_refusal(cursor, program_id, roster_input, assignment, [*make_ups, *kept])
        if refusal is not None:
            raise InvalidRequestError(f"pin {describe(assignment)}: {refusal}")
        roster.pin(assignment, recorded_by=actor, effective_on=monday)
        stepdown.app.save(roster)

    retrying(use_case, what=f"pin {patient_id} {week}")


def _roster(stepdown: Stepdown, program_id: str, week: str, actor: str, monday: date) -> Roster:
    roster = stepdown.app.find_roster(program_id, week)
    if roster is None:
        stepdown.app.get_program(program_id)
        roster = Roster(program_id=program_id, week=week, recorded_by=actor, effective_on=monday)
    return roster


def require_version(roster: Roster, expected: frozenset[int] | None) -> None:
    """Refuse a change made against a version that is no longer the latest (none: any)."""
    if expected is not None and roster.roster_version not in expected:
        asked = ", ".join(str(v) for v in sorted(expected)) or "none"
        raise StaleVersionError(
            f"roster {roster.program_id} {roster.week}: the current version is "
            f"{roster.roster_version}, not {asked} (If-Match); review it and try again"
        )


def _require_found(solution: RosterSolution, week: str, time_limit_s: float) -> None:
    status = solution.stats.status
    if status == "INFEASIBLE":
        raise ConflictError(
            f"roster {week}: the week's make-ups cannot all be kept within capacity and group "
            "sizes; cancel or move one and generate again"
        )
    if status not in ("OPTIMAL", "FEASIBLE"):
        raise ConflictError(
            f"roster {week}: no roster found within {time_limit_s:g} s ({status}); "
            "try a longer --time-limit"
        )


def _statistics(solution: RosterSolution) -> SolveStatistics:
    stats = solution.stats
    return SolveStatistics(
        stats.status,
        stats.objective,
        stats.best_bound,
        stats.gap,
        stats.wall_time_s,
        tuple(TierStatistics(t.name, t.status, t.objective, t.bound, t.gap) for t in stats.tiers),
    )


def _sessions(roster_input: RosterInput) -> tuple[RosterSession, ...]:
    closed = {c.day for c in roster_input.problem.closed_days}
    return tuple(
        RosterSession(
            s.session_id,
            s.day,
            time(s.start_minute // 60, s.start_minute % 60),
            time(s.end_minute // 60 % 24, s.end_minute % 60),
            s.track,
        )
        for s in sorted(
            roster_input.problem.sessions, key=lambda s: (s.day, s.start_minute, s.session_id)
        )
        if s.day not in closed
    )


def _patients(roster_input: RosterInput, solution: RosterSolution) -> tuple[RosterPatient, ...]:
    return tuple(
        RosterPatient(
            patient_id=o.patient_id,
            program_week=roster_input.program_weeks[o.patient_id],
            required_days=o.required_days,
            scheduled_days=o.scheduled_days,
            scheduled_minutes=o.scheduled_minutes,
            stepped_early=o.stepped_early,
            unmet_kind=o.unmet_reason.kind if o.unmet_reason else None,
            unmet_reason=o.unmet_reason.text if o.unmet_reason else None,
        )
        for o in solution.outcomes
    )


def _seat_facts_since(stepdown: Stepdown, position: int) -> bool:
    """Whether a fact that takes seats away was recorded after the read models' position."""
    return bool(
        stepdown.app.recorder.select_notifications(
            start=position, limit=1, topics=SEAT_FACTS, inclusive_of_start=False
        )
    )
