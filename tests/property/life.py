"""A program's life as a hypothesis state machine: random sequences of what coordinators and
clinicians do over 14+ weeks, with the clock moving, checked after every step.

The machine drives the scheduler's use cases (the same ones the CLI and the API call) on a real
store; `embedded` brings the read models and policies up to date after each write, as one
`stepdown serve` on SQLite does; `worker` leaves them to a second service on the same store that
catches up only every few steps, as `stepdown worker` does, so writes meet stale read models.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from uuid import uuid4
from zoneinfo import ZoneInfo

import psycopg
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from events.errors import ConflictError, InvalidRequestError, NotFoundError
from events.ids import roster_uuid, staffing_uuid
from events.persistence import database_from_url
from events.staff.staffing import Staffing
from events.values import CheckInRating, ScreenResult
from scheduler import enrollments
from scheduler.attendance import AttendanceStatus, record_attendance, record_progress
from scheduler.cancellations.undo import undo_cancellation
from scheduler.flags.acknowledgement import acknowledge_flag
from scheduler.importing import import_program
from scheduler.makeups import cancel_session
from scheduler.patients import enroll_patient
from scheduler.program_file import PatientIn
from scheduler.programs import add_closure
from scheduler.rosters import generate_roster, pin_assignment, publish_roster
from scheduler.schedules import patient_schedule
from scheduler.service import open_stepdown
from scheduler.staff import use_cases as staff_use_cases
from scheduler.staff.queries import staff_list
from scheduler.staff.week import staff_week
from tests.integration.helpers import dump_views
from tests.property import checker, staff_checker
from tests.property.program import (
    FIRST_MONDAY,
    PATIENTS,
    PROGRAM_ID,
    SESSIONS,
    STAFF,
    patient_document,
    program_file,
)

T = TypeVar("T")
REFUSED: Any = object()
DOMAIN_ERRORS = (InvalidRequestError, ConflictError, NotFoundError)
ACTOR = "property"
CHICAGO_OFFSET = timedelta(hours=-6)
# A coordinator does a few things a week; then the week passes. 2 actions a week over 50 steps
# walks the clock through 14+ weeks.
ACTIONS_PER_WEEK = 2
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


class MovingClock:
    """The service's one clock, moved by the machine."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class ProgramLife(RuleBasedStateMachine):
    backend: ClassVar[str] = "sqlite"
    mode: ClassVar[str] = "embedded"
    postgres_url: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        self._cleanup: list[Callable[[], None]] = []
        database = self._new_database()
        # Monday 08:00 in Chicago, the first week of the run.
        start = datetime.combine(FIRST_MONDAY, datetime.min.time()) + timedelta(hours=8)
        self.clock = MovingClock((start - CHICAGO_OFFSET).replace(tzinfo=UTC))
        self.front = open_stepdown(database, clock=self.clock)
        self.back = (
            open_stepdown(database, clock=self.clock) if self.mode == "worker" else self.front
        )
        # The worker here runs every third step, not within milliseconds: a use case that must
        # see a fact applies it itself at once rather than waiting for it.
        self.front.read_your_writes_timeout_s = 0.0
        self._cleanup.insert(0, self.front.close)
        if self.back is not self.front:
            self._cleanup.insert(0, self.back.close)
        self.enrolled = 5
        self.file_changed = False  # whether the last file imported had L003's changed hours
        self.actions_this_week = 0
        self.steps = 0
        self.weeks: set[str] = set()
        self.commitments_changed_at: dict[str, int] = {}
        self.acknowledged_marks: dict[tuple[str, str, date], tuple[str, ...]] = {}
        # The staffing facts as this model knows them: absent days, primary counsellors.
        self.absent_days: dict[str, set[date]] = {member["id"]: set() for member in STAFF}
        self.counsellors: dict[str, str] = {}
        # Absent days recorded on or before the day itself: the rosters must honour them.
        self.absences_ahead: dict[str, set[date]] = {member["id"]: set() for member in STAFF}
        self.staff_weeks: set[str] = set()
        report = import_program(self.front, program_file(self.enrolled), actor=ACTOR)
        assert report.patients_enrolled == self.enrolled
        for index in range(self.enrolled):
            self._observe_counsellor(self._patient(index))
        self._settle()

    # --- infrastructure ----------------------------------------------------------------------

    def _new_database(self) -> Any:
        if self.backend == "sqlite":
            folder = tempfile.TemporaryDirectory()
            self._cleanup.append(folder.cleanup)
            return database_from_url(f"sqlite:///{Path(folder.name) / 'life.db'}")
        schema = f"life_{uuid4().hex[:12]}"
        with psycopg.connect(self.postgres_url, autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {schema}")

        def drop() -> None:
            with psycopg.connect(self.postgres_url, autocommit=True) as connection:
                connection.execute(f"DROP SCHEMA {schema} CASCADE")

        self._cleanup.append(drop)
        return database_from_url(f"{self.postgres_url}?schema={schema}")

    def teardown(self) -> None:
        # How far the clock walked: `pytest --hypothesis-show-statistics` lists the spans.
        weeks = (self.today - FIRST_MONDAY).days // 7
        event(f"clock walked {weeks // 4 * 4}-{weeks // 4 * 4 + 3} weeks")
        try:
            self._settle(force=True)
            self._check_rosters()
            self._check_read_models()
            self._check_calendars()
        finally:
            for step in self._cleanup:
                step()

    @property
    def today(self) -> date:
        return (self.clock.now + CHICAGO_OFFSET).date()

    def _position(self) -> int:
        return self.front.app.recorder.max_notification_id() or 0

    def _topics_since(self, position: int) -> list[str]:
        return [
            n.topic
            for n in self.front.app.recorder.select_notifications(
                start=position, limit=100_000, inclusive_of_start=False
            )
        ]

    def _settle(self, *, force: bool = False) -> None:
        """Embedded: after every write. Worker: the worker's loops run every third step."""
        if self.mode == "embedded" or force or self.steps % 3 == 0:
            self.back.catch_up()

    def _attempt(self, what: str, action: Callable[[], T]) -> T:
        """Run one use case; a refusal must name what was wrong and record nothing."""
        before = self._position()
        refusal: str | None
        try:
            result = action()
        except DOMAIN_ERRORS as error:
            refusal = str(error)
        else:
            refusal = None
        if refusal is not None:
            recorded = self._topics_since(before)
            assert refusal, f"{what}: refused without a message"
            assert not recorded, f"{what} was refused ({refusal}) but recorded {recorded}"
            return REFUSED  # type: ignore[no-any-return]
        if self.mode == "embedded":
            assert self.front.refresh_after_write(), f"{what}: read models did not catch up"
        return result

    def _acted(self) -> None:
        self.actions_this_week += 1
        self.steps += 1

    def _patient(self, index: int) -> str:
        return f"L{index % self.enrolled + 1:03d}"

    # --- the clock ---------------------------------------------------------------------------

    @rule(hours=st.integers(min_value=1, max_value=40))
    def time_passes(self, hours: int) -> None:
        self.clock.now += timedelta(hours=hours)
        self.steps += 1
        self._settle()

    @rule()
    def a_week_passes(self) -> None:
        self.clock.now += timedelta(days=7)
        self.actions_this_week = 0
        self.steps += 1
        self._settle()

    # --- the program and its patients --------------------------------------------------------

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(changed=st.booleans())
    def reimport(self, changed: bool) -> None:
        """Re-importing the file last imported records nothing, whatever happened since."""
        before = self._position()
        text = program_file(self.enrolled, changed=frozenset({2}) if changed else frozenset())
        report = self._attempt("re-import", lambda: import_program(self.front, text, actor=ACTOR))
        assert report is not REFUSED, "re-importing a valid file was refused"
        if changed == self.file_changed:
            assert self._topics_since(before) == [], "re-importing the same file recorded events"
        elif self._topics_since(before):
            self.commitments_changed_at["L003"] = self._position()
        self.file_changed = changed
        self._acted()

    @precondition(
        lambda self: self.actions_this_week < ACTIONS_PER_WEEK and self.enrolled < len(PATIENTS)
    )
    @rule()
    def enrol(self) -> None:
        patient = PatientIn.model_validate_json(json.dumps(patient_document(self.enrolled)))
        result = self._attempt(
            "enrol", lambda: enroll_patient(self.front, PROGRAM_ID, patient, actor=ACTOR)
        )
        assert result is not REFUSED
        self.enrolled += 1
        self._observe_counsellor(self._patient(self.enrolled - 1))
        self._acted()

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(
        patient=st.integers(0, 8),
        change=st.sampled_from(["pause", "resume", "discharge", "step_down"]),
        days_back=st.integers(0, 3),
    )
    def change_status(self, patient: int, change: str, days_back: int) -> None:
        patient_id = self._patient(patient)
        on = self.today - timedelta(days=days_back)
        kwargs: dict[str, Any] = {"actor": ACTOR, "on_date": on}
        if change == "pause":
            kwargs["reason"] = "hospital stay"
        elif change == "discharge":
            kwargs["reason"] = "moved away"
        elif change == "step_down":
            kwargs["summary"] = "ready for outpatient care"
        use_case = getattr(enrollments, change)
        self._attempt(change, lambda: use_case(self.front, PROGRAM_ID, patient_id, **kwargs))
        self._acted()

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(
        patient=st.integers(0, 8),
        rating=st.sampled_from([None, *CheckInRating]),
        screen=st.sampled_from([None, *ScreenResult]),
    )
    def progress(
        self, patient: int, rating: CheckInRating | None, screen: ScreenResult | None
    ) -> None:
        patient_id = self._patient(patient)
        self._attempt(
            "progress",
            lambda: record_progress(
                self.front,
                program_id=PROGRAM_ID,
                patient_id=patient_id,
                rating=rating,
                screen=screen,
                actor=ACTOR,
            ),
        )
        self._acted()

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(days_ahead=st.integers(-2, 12), reason=st.sampled_from(["snow", "staff training"]))
    def closure(self, days_ahead: int, reason: str) -> None:
        day = self.today + timedelta(days=days_ahead)
        self._attempt(
            "closure", lambda: add_closure(self.front, PROGRAM_ID, day, reason, actor=ACTOR)
        )
        self._acted()

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(session=st.sampled_from([s["id"] for s in SESSIONS]), days_ahead=st.integers(-3, 10))
    def cancel_meeting(self, session: str, days_ahead: int) -> None:
        day = self.today + timedelta(days=days_ahead)
        self._attempt(
            "cancel",
            lambda: cancel_session(
                self.front, PROGRAM_ID, session, day, reason="facilitator ill", actor=ACTOR
            ),
        )
        self._acted()

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(
        pick=st.integers(0, 20),
        session=st.sampled_from([s["id"] for s in SESSIONS]),
        weeks_ahead=st.integers(0, 1),
        cancel_first=st.booleans(),
    )
    def undo_cancel(self, pick: int, session: str, weeks_ahead: int, cancel_first: bool) -> None:
        """Undo a cancellation (one recorded earlier, or the session's next meeting cancelled
        just before; with a worker, maybe before the make-up policy moved anyone): refused,
        recording nothing, when the meeting is not cancelled, has started, or its facilitator is
        no longer free; otherwise the independent checker verifies that its patients are back
        in it (their make-ups given up) or named as not put back."""
        program, _ = self._facts()
        cancelled = sorted(program.cancellations, key=lambda m: (m[1], m[0]))
        if cancel_first or not cancelled:
            weekday = WEEKDAYS.index(next(s["weekday"] for s in SESSIONS if s["id"] == session))
            day = self.today + timedelta(days=(weekday - self.today.weekday()) % 7)
            meeting = (session, day + timedelta(weeks=weeks_ahead))
            # A meeting with patients in it, when the week has a roster: the undo has seats to
            # give back then.
            roster = self.front.app.find_roster(PROGRAM_ID, _week(meeting[1]))
            seated = sorted(
                {
                    (a.session_id, a.session_date)
                    for a in (() if roster is None else roster.seats_in_force)
                    if a.session_date >= self.today
                },
                key=lambda m: (m[1], m[0]),
            )
            if seated:
                meeting = seated[pick % len(seated)]
            self._attempt(
                "cancel before undo",
                lambda: cancel_session(
                    self.front, PROGRAM_ID, meeting[0], meeting[1], reason="flood", actor=ACTOR
                ),
            )
            self._settle()
        else:
            meeting = cancelled[pick % len(cancelled)]
        program, before = self._facts()
        session_id, day = meeting
        spec = program.sessions.get(session_id)
        zone = ZoneInfo(program.timezone)
        started = spec is not None and self.clock.now >= datetime.combine(day, spec.start, zone)
        position = self._position()
        refusal: str | None = None
        try:
            outcome = undo_cancellation(self.front, PROGRAM_ID, session_id, day, actor=ACTOR)
        except DOMAIN_ERRORS as error:
            refusal = str(error)
        if refusal is not None:
            recorded = self._topics_since(position)
            assert not recorded, f"undo {meeting} was refused ({refusal}) but recorded {recorded}"
            assert f"{session_id} on {day}" in refusal, f"undo refused, not naming it: {refusal}"
            expected = meeting not in program.cancellations or started or program.closed(day)
            staffing = "facilitator" in refusal or "nobody is staffed" in refusal
            assert expected or staffing, f"undo {meeting} refused: {refusal}"
            event("undo refused")
            self._acted()
            return
        assert meeting in program.cancellations, f"undid {meeting}, which was not cancelled"
        assert not started, f"undid {meeting} after it started"
        event("undo done")
        if self.mode == "embedded":
            assert self.front.refresh_after_write(), "undo: read models did not catch up"
        program_after, after = self._facts()
        roster = self.front.app.find_roster(PROGRAM_ID, _week(day))
        seats = {
            (a.patient_id, a.session_id, a.session_date)
            for a in (() if roster is None else roster.seats_in_force)
        }
        problems = checker.reinstatement_problems(
            meeting,
            before,
            after,
            program_after,
            seats,
            set(outcome.returned),
            {n.patient_id for n in outcome.not_returned},
        )
        assert not problems, "\n".join(problems)
        self._acted()

    # --- rosters -----------------------------------------------------------------------------

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(weeks_ahead=st.sampled_from([-1, 0, 1, 1, 2, 3, 30]))
    def generate(self, weeks_ahead: int) -> None:
        """A draft records only itself: no patient, program or other roster changes."""
        week = _week(self.today + timedelta(weeks=weeks_ahead))
        before = self._position()
        try:
            generate_roster(
                self.front,
                PROGRAM_ID,
                week,
                actor=ACTOR,
                # The solver is anytime: a roster comes back whatever the limit, and the rules
                # checked here hold for any roster it returns, proven optimal or not.
                time_limit_s=4,
                workers=1,
                deterministic=True,
            )
        except DOMAIN_ERRORS as error:
            raise AssertionError(f"generate {week} failed: {error}") from error
        recorded = self._topics_since(before)
        others = [topic for topic in recorded if not topic.startswith("events.roster:")]
        assert not others, f"generating {week} recorded {others}"
        originators = {
            n.originator_id
            for n in self.front.app.recorder.select_notifications(
                start=before, limit=100_000, inclusive_of_start=False
            )
        }
        assert originators <= {roster_uuid(PROGRAM_ID, week)}, f"generate {week} touched others"
        self.weeks.add(week)
        if self.mode == "embedded":
            assert self.front.refresh_after_write()
        self._acted()

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(weeks_ahead=st.sampled_from([-1, 0, 1, 1, 2]), generate_first=st.booleans())
    def publish(self, weeks_ahead: int, generate_first: bool) -> None:
        """Half the time the week is generated first and the draft published, as a coordinator
        does (without it the machine almost never published: generating and publishing the same
        week as separate rules rarely met, so published seats, their marks and make-ups went
        untested); otherwise whatever the week holds (refused when nothing was generated)."""
        week = _week(self.today + timedelta(weeks=weeks_ahead))
        if generate_first:
            self.generate(weeks_ahead)
        self._attempt("publish", lambda: publish_roster(self.front, PROGRAM_ID, week, actor=ACTOR))
        self._acted()

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(
        patient=st.integers(0, 8),
        session=st.sampled_from([s["id"] for s in SESSIONS]),
        weeks_ahead=st.integers(0, 2),
        unpin=st.booleans(),
    )
    def pin(self, patient: int, session: str, weeks_ahead: int, unpin: bool) -> None:
        monday = FIRST_MONDAY + timedelta(weeks=(self.today - FIRST_MONDAY).days // 7 + weeks_ahead)
        weekday = next(s["weekday"] for s in SESSIONS if s["id"] == session)
        day = monday + timedelta(days=("MON", "TUE", "WED", "THU", "FRI", "SAT").index(weekday))
        patient_id = self._patient(patient)
        self._attempt(
            "pin",
            lambda: pin_assignment(
                self.front,
                PROGRAM_ID,
                _week(day),
                patient_id=patient_id,
                session_id=session,
                session_date=day,
                actor=ACTOR,
                unpin=unpin,
            ),
        )
        self._acted()

    # --- attendance --------------------------------------------------------------------------

    def _past_published_seats(self) -> list[tuple[str, str, date]]:
        seats = []
        for week in sorted(self.weeks):
            roster = self.front.app.find_roster(PROGRAM_ID, week)
            published = None if roster is None else checker.published_seats(roster)
            for a in published or ():
                if a.session_date < self.today:
                    seats.append((a.patient_id, a.session_id, a.session_date))
        return sorted(seats)

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(
        choice=st.integers(0, 10_000),
        status=st.sampled_from(list(AttendanceStatus)),
        contact_made=st.booleans(),
        again=st.booleans(),
    )
    def attendance(
        self, choice: int, status: AttendanceStatus, contact_made: bool, again: bool
    ) -> None:
        """A mark for a seat that has taken place; an identical retry records nothing."""
        seats = self._past_published_seats()
        if not seats:
            self.steps += 1
            return
        patient_id, session_id, day = seats[choice % len(seats)]

        def record() -> bool:
            return record_attendance(
                self.front,
                program_id=PROGRAM_ID,
                patient_id=patient_id,
                session_id=session_id,
                session_date=day,
                status=status,
                reason="" if status is AttendanceStatus.ATTENDED else "unwell",
                contact_made=contact_made and status is not AttendanceStatus.ATTENDED,
                actor=ACTOR,
            )

        before = self._position()
        stored = self._attempt("attendance", record)
        if stored is True:
            kinds = Counter(topic.rpartition(".")[2] for topic in self._topics_since(before))
            marks = kinds["SessionAttended"] + kinds["SessionMissed"]
            assert marks == 1, f"one acknowledged mark stored {marks} times: {kinds}"
        if again and stored is not REFUSED:
            before = self._position()
            assert self._attempt("attendance again", record) is False
            assert not [
                t for t in self._topics_since(before) if t.endswith(("Attended", "Missed"))
            ], "an identical retry of a mark was stored again"
        self._acted()

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(
        patient=st.integers(0, 8),
        session=st.sampled_from([s["id"] for s in SESSIONS]),
        days_back=st.integers(0, 9),
    )
    def attendance_anywhere(self, patient: int, session: str, days_back: int) -> None:
        """A mark for any session and day: refused unless the patient had that seat."""
        day = self.today - timedelta(days=days_back)
        patient_id = self._patient(patient)
        self._attempt(
            "attendance anywhere",
            lambda: record_attendance(
                self.front,
                program_id=PROGRAM_ID,
                patient_id=patient_id,
                session_id=session,
                session_date=day,
                status=AttendanceStatus.MISSED,
                actor=ACTOR,
            ),
        )
        self._acted()

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(pick=st.integers(0, 10_000))
    def stops_coming(self, pick: int) -> None:
        """A patient's last three seats that have taken place are marked missed, nobody
        reached: the run that asks for outreach (unless an acknowledgement answered it)."""
        streaks, seats = self._streaks()
        if not streaks:
            # Nothing published has taken place yet: last week's roster is published late
            # (once per life at most: its seats are there from then on).
            self._publish_late(_week(self.today - timedelta(weeks=1)))
            streaks, seats = self._streaks()
        if not streaks:
            self.steps += 1
            return
        patient_id = streaks[pick % len(streaks)]
        for day, session_id in sorted(seats[patient_id])[-3:]:
            self._attempt(
                "stops coming",
                lambda day=day, session_id=session_id: record_attendance(  # type: ignore[misc]
                    self.front,
                    program_id=PROGRAM_ID,
                    patient_id=patient_id,
                    session_id=session_id,
                    session_date=day,
                    status=AttendanceStatus.MISSED,
                    actor=ACTOR,
                ),
            )
        self._acted()

    def _streaks(self) -> tuple[list[str], dict[str, list[tuple[date, str]]]]:
        """Patients with at least three published seats that have taken place, and the seats."""
        seats: dict[str, list[tuple[date, str]]] = {}
        for patient_id, session_id, day in self._past_published_seats():
            seats.setdefault(patient_id, []).append((day, session_id))
        return sorted(p for p, taken in seats.items() if len(taken) >= 3), seats

    def _publish_late(self, week: str) -> None:
        generate_roster(
            self.front,
            PROGRAM_ID,
            week,
            actor=ACTOR,
            time_limit_s=4,
            workers=1,
            deterministic=True,
        )
        self.weeks.add(week)
        self._attempt(
            "publish late", lambda: publish_roster(self.front, PROGRAM_ID, week, actor=ACTOR)
        )

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(
        pick=st.integers(0, 10_000),
        flag=st.sampled_from(["outreach", "clinical_review"]),
        stray=st.booleans(),
        note=st.sampled_from(["contact made", "reviewed with Dr Lee, continue", "  "]),
    )
    def acknowledge(self, pick: int, flag: str, stray: bool, note: str) -> None:
        """Acknowledge an open flag (or, `stray`, any patient's flag): refused, recording
        nothing, exactly when the flag is not open or the note is blank."""
        _, patients = self._facts()
        open_flags = sorted((p, f) for p, facts in patients.items() for f in facts.open_flags)
        if open_flags and not stray:
            patient_id, flag = open_flags[pick % len(open_flags)]
        else:
            patient_id = self._patient(pick)
        is_open = flag in patients[patient_id].open_flags
        result = self._attempt(
            "acknowledge flag",
            lambda: acknowledge_flag(
                self.front, PROGRAM_ID, patient_id, flag, note=note, actor=ACTOR
            ),
        )
        refused = not is_open or not note.strip()
        assert (result is REFUSED) == refused, f"{patient_id} {flag}: open={is_open}, {note!r}"
        if not refused:
            event(f"acknowledged {flag}")
            _, after = self._facts()
            assert flag not in after[patient_id].open_flags
        self._acted()

    # --- staff ------------------------------------------------------------------------------

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(
        staff=st.sampled_from([member["id"] for member in STAFF]),
        days_ahead=st.integers(-2, 10),
        length=st.integers(0, 4),
    )
    def staff_absent(self, staff: str, days_ahead: int, length: int) -> None:
        first = self.today + timedelta(days=days_ahead)
        last = first + timedelta(days=length)
        result = self._attempt(
            "staff absent",
            lambda: staff_use_cases.mark_absent(
                self.front, PROGRAM_ID, staff, first, last, "ill", actor=ACTOR
            ),
        )
        assert result is not REFUSED
        days = {first + timedelta(days=n) for n in range(length + 1)}
        self.absent_days[staff] |= days
        self.absences_ahead[staff] |= {day for day in days if day >= self.today}
        self.staff_weeks |= {_week(first), _week(last)}
        self._acted()

    @precondition(lambda self: self.actions_this_week < ACTIONS_PER_WEEK)
    @rule(patient=st.integers(0, 8), staff=st.sampled_from([member["id"] for member in STAFF]))
    def assign_counsellor(self, patient: int, staff: str) -> None:
        """The caseload cap (3) refuses a fourth patient and records nothing."""
        patient_id = self._patient(patient)
        _, patients = self._facts()
        left = patients[patient_id].ended_on is not None
        full = left or (
            self.counsellors.get(patient_id) != staff
            and sum(1 for s in self._caseloads().values() if s == staff) >= 3
        )
        result = self._attempt(
            "assign counsellor",
            lambda: staff_use_cases.assign_primary_counsellor(
                self.front, PROGRAM_ID, patient_id, staff, actor=ACTOR
            ),
        )
        assert (result is REFUSED) == full, f"{patient_id} → {staff}: full={full}, left={left}"
        if not full:
            self.counsellors[patient_id] = staff
        self._acted()

    # --- what must hold after every step -----------------------------------------------------

    def _facts(self) -> tuple[checker.ProgramFacts, dict[str, checker.PatientFacts]]:
        app = self.front.app
        program = checker.program_facts(app, PROGRAM_ID)
        patients = {
            f"L{i + 1:03d}": checker.patient_facts(app, PROGRAM_ID, f"L{i + 1:03d}")
            for i in range(self.enrolled)
        }
        return program, patients

    @invariant()
    def every_rule_holds(self) -> None:
        """With a worker, the policies that amend rosters run on its tick: rosters, read models
        and calendars are checked once it has caught up (every third step and at the end)."""
        if self.mode == "worker" and self.steps % 3:
            _, patients = self._facts()
            problems = checker.make_up_problems(patients)
            assert not problems, "\n".join(problems)
            return
        self._settle(force=True)
        self._check_rosters()
        self._check_read_models()
        self._check_calendars()
        self._check_staff()
        self._check_roster_staffing()

    def _check_staff(self) -> None:
        """The staff week marks exactly the meetings on a facilitator's absent days; caseloads
        are the model's and within their caps."""
        for week in sorted(self.weeks | self.staff_weeks | {_week(self.today)}):
            for member in staff_week(self.back, PROGRAM_ID, week):
                for meeting in member.meetings:
                    expected = meeting.date in self.absent_days[member.staff_id]
                    assert meeting.facilitator_absent == expected, (member.staff_id, meeting)
        caseloads = {
            member.staff_id: member.caseload for member in staff_list(self.back, PROGRAM_ID)
        }
        in_treatment = self._caseloads()
        for staff_id, caseload in caseloads.items():
            assert caseload == sum(1 for s in in_treatment.values() if s == staff_id)
            assert caseload <= 3, f"{staff_id} counsels {caseload}, above the cap 3"

    def _observe_counsellor(self, patient_id: str) -> None:
        """An admitted patient gets a primary counsellor when one has room (caps of 3): the
        model takes the system's choice, and checks it had room."""
        staffing: Staffing = self.front.app.repository.get(staffing_uuid(PROGRAM_ID))
        chosen = staffing.primary_counsellors.get(patient_id)
        _, patients = self._facts()
        if patients[patient_id].ended_on is not None:
            # Admitted past their plan's end: stepped down at once, and out of the caseload.
            assert chosen is None, f"{patient_id} left the program and is counselled by {chosen}"
            return
        loads = Counter(self._caseloads().values())
        if chosen is None:
            assert all(loads[m["id"]] >= 3 for m in STAFF), (
                f"{patient_id} has no counsellor: model {loads}, system {staffing.primary_counsellors}"
            )
            return
        assert loads[chosen] < 3, f"{patient_id} → {chosen}, whose caseload was full"
        self.counsellors[patient_id] = chosen

    def _caseloads(self) -> dict[str, str]:
        """The model's counsellors of the patients still in treatment (a patient who stepped
        down or was discharged leaves the caseload)."""
        _, patients = self._facts()
        return {
            patient_id: staff_id
            for patient_id, staff_id in self.counsellors.items()
            if patients[patient_id].ended_on is None
        }

    def _check_roster_staffing(self) -> None:
        """Every staffed roster in force, through the independent checker: nobody in two places,
        credentials, availability, absences recorded in time, hours, second facilitators,
        appointments clear of the patient's groups; every meeting with seats has a lead."""
        program, patients = self._facts()
        sessions = {session["id"]: session for session in SESSIONS}
        workers = {
            m["id"]: staff_checker.Worker(
                staff_id=m["id"],
                credentials=frozenset(m["credentials"]),
                windows=tuple(
                    (w["weekday"], _clock(w["start"]), _clock(w["end"])) for w in m["availability"]
                ),
                max_hours_per_week=m["max_hours_per_week"],
                caseload_cap=m["caseload_cap"],
                absent_days=frozenset(self.absences_ahead[m["id"]]),
            )
            for m in STAFF
        }
        for week in sorted(self.weeks):
            roster = self.front.app.find_roster(PROGRAM_ID, week)
            if roster is None or roster.staffing_in_force is None:
                continue
            staffing = roster.staffing_in_force
            meets = {
                (a.session_id, a.session_date)
                for a in roster.seats_in_force
                if not program.closed(a.session_date)
                and (a.session_id, a.session_date) not in program.cancellations
            }
            sizes = Counter(
                (a.session_id, a.session_date)
                for a in roster.seats_in_force
                if (a.session_id, a.session_date) in meets
            )
            led = {(m.session_id, m.session_date) for m in staffing.meetings}
            unled = sorted(meets - led)
            assert not unled, f"{week}: meetings with seats and no facilitator: {unled}"
            busy: dict[str, list[tuple[date, Any, Any]]] = {}
            for a in roster.seats_in_force:
                session = sessions[a.session_id]
                busy.setdefault(a.patient_id, []).append(
                    (a.session_date, _clock(session["start"]), _clock(session["end"]))
                )
            week_staffing = staff_checker.StaffedWeek(
                staff=workers,
                rooms={},
                meetings=tuple(
                    staff_checker.StaffedMeeting(
                        session_id=m.session_id,
                        day=m.session_date,
                        start=_clock(sessions[m.session_id]["start"]),
                        end=_clock(sessions[m.session_id]["end"]),
                        modality="virtual"
                        if sessions[m.session_id]["weekday"] == "SAT"
                        else "in_person",
                        room_id=None,
                        facilitators=m.facilitator_ids,
                        needs=frozenset({"licensed_counsellor"}),
                        patients=sizes[(m.session_id, m.session_date)],
                    )
                    for m in staffing.meetings
                    if (m.session_id, m.session_date) in meets
                ),
                appointments=tuple(
                    staff_checker.Booked(a.patient_id, a.staff_id, a.session_date, a.start, a.end)
                    for a in staffing.appointments
                    if not program.closed(a.session_date)
                ),
                patient_busy=busy,
            )
            problems = staff_checker.staffing_violations(week_staffing)
            assert not problems, f"{week}: " + "\n".join(problems)
        del patients

    def _check_nothing_stopped(self) -> None:
        stopped = {name: stop.describe() for name, stop in self.back.stopped_projections().items()}
        assert not stopped, f"read models or policies stopped: {stopped}"

    def _check_rosters(self) -> None:
        program, patients = self._facts()
        problems: list[str] = []
        for week in sorted(self.weeks):
            problems += checker.roster_problems(
                self.front.app,
                PROGRAM_ID,
                week,
                patients,
                program,
                commitments_changed_at=self.commitments_changed_at,
            )
        problems += checker.make_up_problems(patients)
        problems += checker.attendance_problems(patients, program)
        assert not problems, "\n".join(problems)

    def _check_read_models(self) -> None:
        self._check_nothing_stopped()
        for runner in self.back.runners:
            built = dump_views(self.back, runner)
            runner.rebuild()
            assert dump_views(self.back, runner) == built, f"{runner.name} differs from a rebuild"

    def _check_calendars(self) -> None:
        """Each patient's calendar shows exactly their published seats, where meetings happen."""
        program, _ = self._facts()
        published: dict[str, set[tuple[str, date]]] = {}
        for week in self.weeks:
            roster = self.front.app.find_roster(PROGRAM_ID, week)
            seats = None if roster is None else checker.published_seats(roster)
            for a in seats or ():
                if not program.closed(a.session_date) and (
                    (a.session_id, a.session_date) not in program.cancellations
                ):
                    published.setdefault(a.patient_id, set()).add((a.session_id, a.session_date))
        for index in range(self.enrolled):
            patient_id = f"L{index + 1:03d}"
            calendar = {
                (a.session_id, a.session_date)
                for a in patient_schedule(self.back, PROGRAM_ID, patient_id, published_only=True)
            }
            expected = published.get(patient_id, set())
            assert calendar == expected, (
                f"{patient_id}'s calendar {sorted(calendar - expected)} extra, "
                f"{sorted(expected - calendar)} missing"
            )


def _clock(hhmm: str) -> time:
    return time.fromisoformat(hhmm)


def machine(backend: str, mode: str, postgres_url: str = "") -> type[ProgramLife]:
    return type(
        f"ProgramLife_{backend}_{mode}",
        (ProgramLife,),
        {"backend": backend, "mode": mode, "postgres_url": postgres_url},
    )
