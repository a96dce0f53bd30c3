"""Undo a cancellation: the meeting is held after all, and its patients come back to it.

Only before the meeting starts. The make-ups its cancellation booked that have not started yet
are withdrawn (their seats freed) and the patients return to the meeting, capacity permitting;
a patient who cannot return (the meeting is full, they are seated elsewhere that day, they are
no longer active, their make-up has started) keeps whatever they have, and the outcome says so.
The program, the roster and the enrolments are saved together, or nothing is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from events.calendar import iso_week
from events.enrollment import Enrollment
from events.errors import ConflictError
from events.program import Program
from events.roster import Roster
from events.values import Assignment, EnrollmentStatus
from scheduler.cancellations.staffing_check import facilitators_of, staffing_problem
from scheduler.retry import retrying
from scheduler.service import Stepdown
from scheduler.staff.staffed_meetings import staffed_runs

NO_ROSTER = "No roster for that week yet: its next generate seats the meeting."
DRAFT_WITHOUT = (
    "The draft waiting to be published was generated without this meeting: generate it again "
    "before publishing it."
)
NOT_IN_FORCE = (
    "The roster in force was generated without this meeting: generate the week again to seat it."
)


@dataclass(frozen=True)
class NotReturned:
    patient_id: str
    reason: str


@dataclass(frozen=True)
class UndoOutcome:
    session_id: str
    session_date: date
    returned: tuple[str, ...]  # patients seated in the meeting again
    make_ups_withdrawn: tuple[Assignment, ...]  # the make-up seats given back
    not_returned: tuple[NotReturned, ...]  # who stays where they are, and why
    facilitators: tuple[str, ...]  # its staffing, as before the cancellation
    note: str | None = None  # what the roster still needs (a generate), if anything

    def describe(self) -> list[str]:
        """One line per change, for the CLI and the page."""
        lines = [f"{self.session_id} on {self.session_date} will be held after all."]
        if self.facilitators:
            lines.append(f"Led by {', '.join(self.facilitators)}, as before.")
        if self.returned:
            lines.append(f"Back in the meeting: {', '.join(self.returned)}.")
        lines += [
            f"Make-up withdrawn: {a.patient_id} from {a.session_id} on {a.session_date}."
            for a in self.make_ups_withdrawn
        ]
        lines += [f"Not put back: {n.patient_id}: {n.reason}." for n in self.not_returned]
        if self.note:
            lines.append(self.note)
        return lines


def undo_cancellation(
    stepdown: Stepdown, program_id: str, session_id: str, session_date: date, *, actor: str
) -> UndoOutcome:
    """Reinstate a cancelled meeting that has not started; the one clock says when it is now."""

    def use_case() -> UndoOutcome:
        app = stepdown.app
        now = stepdown.clock()
        program = app.get_program(program_id)
        program.undo_cancellation(session_id, session_date, now=now, recorded_by=actor)
        meeting = (session_id, session_date)
        roster = app.find_roster(program_id, iso_week(session_date))
        if roster is None or roster.roster_version == 0:
            app.save(program)
            return UndoOutcome(session_id, session_date, (), (), (), (), NO_ROSTER)
        in_force = meeting in {(r.session_id, r.session_date) for r in roster.sessions_in_force}
        if in_force:
            problem = staffing_problem(app, roster, meeting)
            if problem is not None:
                raise ConflictError(
                    f"session {session_id} on {session_date} cannot be reinstated: {problem}"
                )
        seats = _Seats(program, roster, meeting, now)
        caps = _caps(stepdown, roster)
        enrollments: list[Enrollment] = []
        # The patients the cancellation moved, or told there was no make-up.
        for patient_id in sorted(
            {a.patient_id for a in roster.made_up if (a.session_id, a.session_date) == meeting}
        ):
            enrollment = app.get_enrollment(program_id, patient_id)
            if seats.try_return(enrollment, in_force=in_force, capacity=caps):
                enrollment.return_to_reinstated_meeting(session_id, session_date, recorded_by=actor)
                enrollments.append(enrollment)
        roster.reinstate_meeting(
            meeting,
            tuple(seats.withdrawn),
            tuple(seats.restored),
            tuple(Assignment(a.patient_id, *meeting) for a in seats.restored),
            recorded_by=actor,
            effective_on=session_date,
        )
        # One transaction: the meeting, its seats and the patients' answers, or none of them.
        app.save(program, roster, *enrollments)
        seated = sorted(
            a.patient_id for a in roster.seats_in_force if (a.session_id, a.session_date) == meeting
        )
        return UndoOutcome(
            session_id,
            session_date,
            tuple(seated),
            tuple(seats.withdrawn),
            tuple(seats.not_returned),
            facilitators_of(roster, meeting) if in_force else (),
            _note(roster, meeting, in_force),
        )

    return retrying(use_case, what=f"undo the cancellation of {session_id} {session_date}")


def _note(roster: Roster, meeting: tuple[str, date], in_force: bool) -> str | None:
    if not in_force:
        return NOT_IN_FORCE
    if meeting not in {(r.session_id, r.session_date) for r in roster.sessions}:
        return DRAFT_WITHOUT
    return None


def can_be_undone(stepdown: Stepdown, program_id: str, session_id: str, day: date) -> bool:
    """Whether the meeting is cancelled and has not started: an Undo worth offering."""
    program = stepdown.app.get_program(program_id)
    spec = program.sessions.get(session_id)
    if spec is None or (session_id, day) not in program.cancellations:
        return False
    return stepdown.clock() < datetime.combine(day, spec.start, tzinfo=ZoneInfo(program.timezone))


def _caps(stepdown: Stepdown, roster: Roster) -> dict[tuple[str, date], int]:
    """The most patients each meeting may hold for its staff (one facilitator's limit)."""
    return staffed_runs(stepdown.app, roster, roster.sessions_in_force).caps


class _Seats:
    """The roster's seats in force as the undo changes them, patient by patient."""

    def __init__(
        self, program: Program, roster: Roster, meeting: tuple[str, date], now: datetime
    ) -> None:
        self.program = program
        self.meeting = meeting
        self.now = now
        self.seats = set(roster.seats_in_force)
        self.withdrawn: list[Assignment] = []
        self.restored: list[Assignment] = []
        self.not_returned: list[NotReturned] = []

    def try_return(
        self, enrollment: Enrollment, *, in_force: bool, capacity: dict[tuple[str, date], int]
    ) -> bool:
        """Put the patient back (giving up the make-up this cancellation booked); False, with
        the reason kept, when they stay where they are."""
        patient_id = enrollment.patient_id
        session_id, day = self.meeting
        answer = enrollment.make_ups.get(self.meeting)
        make_up = None
        if isinstance(answer, tuple):
            make_up = Assignment(patient_id, answer[0], answer[1])
        why = self._why_not(enrollment, make_up, in_force, capacity)
        if why is not None:
            self.not_returned.append(NotReturned(patient_id, why))
            return False
        if make_up is not None and make_up in self.seats:
            self.seats.discard(make_up)
            self.withdrawn.append(make_up)
        seat = Assignment(patient_id, session_id, day)
        self.seats.add(seat)
        self.restored.append(seat)
        return True

    def _why_not(
        self,
        enrollment: Enrollment,
        make_up: Assignment | None,
        in_force: bool,
        capacity: dict[tuple[str, date], int],
    ) -> str | None:
        session_id, day = self.meeting
        if not in_force:
            return "the roster in force has no seats in this meeting"
        if enrollment.status is not EnrollmentStatus.ACTIVE:
            return f"patient is {enrollment.status.value.replace('-', ' ')}"
        if make_up is not None and self._started(make_up.session_id, make_up.session_date):
            return (
                f"keeps the make-up {make_up.session_id} on {make_up.session_date} (it has started)"
            )
        elsewhere = sorted(
            a.session_id
            for a in self.seats
            if a.patient_id == enrollment.patient_id and a.session_date == day and a != make_up
        )
        if elsewhere:
            return f"already seated in {elsewhere[0]} that day"
        limit = min(
            self.program.session(session_id).capacity,
            capacity.get(self.meeting, self.program.session(session_id).capacity),
        )
        seated = sum(1 for a in self.seats if (a.session_id, a.session_date) == self.meeting)
        if seated >= limit:
            full = f"the meeting is full ({limit} seats)"
            if make_up is None:
                return full
            return f"{full}; keeps the make-up {make_up.session_id} on {make_up.session_date}"
        return None

    def _started(self, session_id: str, day: date) -> bool:
        spec = self.program.sessions.get(session_id) or self.program.retired_sessions[session_id]
        zone = ZoneInfo(self.program.timezone)
        return self.now >= datetime.combine(day, spec.start, tzinfo=zone)
