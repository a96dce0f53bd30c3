"""The Enrollment aggregate: one patient in one program, from intake to step-down or discharge."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from events.calendar import program_week
from events.copying import CopiesContainers
from events.errors import ConflictError, InvalidRequestError
from events.ids import enrollment_uuid
from events.privacy.sealing_mapper import ERASED
from events.taper import TaperPlan, TaperSignal, signal_for, weekly_targets
from events.values import CheckInRating, Commitment, EnrollmentStatus, ScreenResult

ENDED = (EnrollmentStatus.STEPPED_DOWN, EnrollmentStatus.DISCHARGED)
OUTREACH_AFTER_MISSES = 3
REVIEW_AFTER_UNEXCUSED = 6
REVIEW_WINDOW_WEEKS = 12
OUTREACH = "outreach"
CLINICAL_REVIEW = "clinical_review"
ATTENDANCE_FLAGS = (OUTREACH, CLINICAL_REVIEW)
ACKNOWLEDGEMENT_NOTE_LIMIT = 1000


class Enrollment(CopiesContainers, Aggregate):
    @staticmethod
    def create_id(program_id: str, patient_id: str) -> UUID:
        return enrollment_uuid(program_id, patient_id)

    @event("PatientEnrolled")
    def __init__(
        self,
        program_id: str,
        patient_id: str,
        name: str,
        start_date: date,
        planned_weeks: int,
        initial_days_per_week: int,
        min_days_per_week: int,
        max_program_weeks: int,
        min_weekly_hours: int,
        travel_minutes: int,
        preferred_track: str | None,
        commitments: tuple[Commitment, ...],
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.program_id = program_id
        self.patient_id = patient_id
        self.name = name
        self.start_date = start_date
        self.planned_weeks = planned_weeks
        self.initial_days_per_week = initial_days_per_week
        self.min_days_per_week = min_days_per_week
        self.max_program_weeks = max_program_weeks
        self.min_weekly_hours = min_weekly_hours
        self.travel_minutes = travel_minutes
        self.preferred_track = preferred_track
        self.commitments = tuple(commitments)
        self.status = EnrollmentStatus.ACTIVE
        self.taper_signals: list[tuple[int, TaperSignal]] = []
        # (session id, date) → last recorded mark, so a repeated record changes nothing.
        self.attendance: dict[tuple[str, date], tuple[Any, ...]] = {}
        # The check-in recorded for each date: recording the same one again changes nothing.
        self.check_ins: dict[date, tuple[CheckInRating | None, ScreenResult | None]] = {}
        # (missed session, date) → the make-up (session, date), or the reason there is none.
        self.make_ups: dict[tuple[str, date], tuple[str, date] | str] = {}
        # Misses whose make-up was withdrawn when they were corrected to attended.
        self.misses_to_answer_again: set[tuple[str, date]] = set()
        self.open_flags: set[str] = set()
        # Per flag, the misses its last acknowledgement answered: they count toward it no more.
        self.answered_misses: dict[str, frozenset[tuple[str, date]]] = {}
        # Per flag, when and by whom it was last acknowledged.
        self.acknowledged: dict[str, tuple[date, str]] = {}
        # From when the patient is paused, stepped down or discharged; None while active.
        self.left_on: date | None = None
        # The day the patient's key was destroyed (crypto-shredding); None while readable.
        self.erased_on: date | None = None

    # --- commands -------------------------------------------------------------------------

    def change_commitments(
        self, commitments: tuple[Commitment, ...], *, recorded_by: str, effective_on: date
    ) -> None:
        self._require_not_ended("change commitments")
        if tuple(commitments) != self.commitments:
            self._commitments_changed(tuple(commitments), recorded_by, effective_on)

    def record_attendance(
        self,
        session_id: str,
        session_date: date,
        *,
        scheduled_minutes: int,
        minutes_present: int,
        walk_in: bool = False,
        recorded_by: str,
    ) -> bool:
        """Record presence; returns False when the same mark was already recorded."""
        self.require_attendable(session_date)
        if not 0 < minutes_present <= scheduled_minutes:
            raise InvalidRequestError(
                f"minutes: {minutes_present} must be between 1 and the session's "
                f"{scheduled_minutes} minutes"
            )
        mark = ("attended", minutes_present)
        if self.attendance.get((session_id, session_date)) == mark:
            return False
        self._session_attended(
            session_id,
            session_date,
            scheduled_minutes,
            minutes_present,
            walk_in,
            recorded_by,
            session_date,
        )
        return True

    def record_miss(
        self,
        session_id: str,
        session_date: date,
        *,
        scheduled_minutes: int,
        excused: bool,
        reason: str,
        contact_made: bool,
        recorded_by: str,
    ) -> bool:
        """Record an absence; returns False when the same miss was already recorded."""
        self.require_attendable(session_date)
        mark = ("missed", excused, reason, contact_made)
        if self.attendance.get((session_id, session_date)) == mark:
            return False
        self._session_missed(
            session_id,
            session_date,
            scheduled_minutes,
            excused,
            reason,
            contact_made,
            recorded_by,
            session_date,
        )
        self._raise_attendance_flags(session_date, recorded_by)
        return True

    def _raise_attendance_flags(self, on: date, recorded_by: str) -> None:
        """Outreach after 3 misses in a row with no contact; clinical review after more than
        6 unexcused misses within 12 weeks (program attendance policy).

        An excused absence, or a miss with contact made, means staff are in touch with the
        patient: it ends the run of misses without contact (the outreach already happened)."""
        marks = sorted(self.attendance.items(), key=lambda item: (item[0][1], item[0][0]))
        # An acknowledged flag answered the misses it was raised for: only misses recorded
        # since count toward raising it again.
        outreach_answered = self.answered_misses.get(OUTREACH, frozenset())
        run = 0
        for key, mark in reversed(marks):
            if not is_miss_without_contact(mark) or key in outreach_answered:
                break
            run += 1
        if run >= OUTREACH_AFTER_MISSES and OUTREACH not in self.open_flags:
            self._flag_raised(
                OUTREACH, f"{run} consecutive misses without contact", recorded_by, on
            )
        window_start = on - timedelta(weeks=REVIEW_WINDOW_WEEKS)
        reviewed = self.answered_misses.get(CLINICAL_REVIEW, frozenset())
        unexcused = sum(
            1
            for key, mark in marks
            if is_unexcused_miss(mark) and window_start < key[1] <= on and key not in reviewed
        )
        if unexcused > REVIEW_AFTER_UNEXCUSED and CLINICAL_REVIEW not in self.open_flags:
            self._flag_raised(
                CLINICAL_REVIEW,
                f"{unexcused} unexcused misses in {REVIEW_WINDOW_WEEKS} weeks",
                recorded_by,
                on,
            )

    def acknowledge_flag(
        self, flag: str, *, note: str, recorded_by: str, effective_on: date
    ) -> None:
        """Close an open attendance flag: staff reached the patient (outreach), or a clinician
        reviewed their attendance and decided what happens next (clinical review). The note says
        what was done or decided. The misses the flag was raised for count toward it no more."""
        if flag not in ATTENDANCE_FLAGS:
            raise InvalidRequestError(
                f"flag: {flag!r} is not an attendance flag of {self.patient_id} "
                f"(one of {', '.join(ATTENDANCE_FLAGS)})"
            )
        named = flag.replace("_", " ")  # "clinical review", as people say it
        note = note.strip()
        if not note:
            raise InvalidRequestError(
                f"note: acknowledging {self.patient_id}'s {named} flag needs a note saying what "
                "was done or decided (e.g. 'contact made', 'reviewed with Dr Lee, continue')"
            )
        if len(note) > ACKNOWLEDGEMENT_NOTE_LIMIT:
            raise InvalidRequestError(
                f"note: {len(note)} characters; a note on {self.patient_id}'s {named} flag holds "
                f"at most {ACKNOWLEDGEMENT_NOTE_LIMIT}"
            )
        if self.erased_on is not None:
            raise ConflictError(
                f"patient {self.patient_id} was erased on {self.erased_on}; "
                f"their {named} flag cannot be acknowledged"
            )
        if flag not in self.open_flags:
            last = self.acknowledged.get(flag)
            since = "" if last is None else f" (last acknowledged on {last[0]} by {last[1]})"
            raise ConflictError(
                f"flag: patient {self.patient_id} has no open {named} flag to acknowledge{since}"
            )
        self._flag_acknowledged(flag, note, recorded_by, effective_on)

    def record_progress(
        self,
        rating: CheckInRating | None,
        screen: ScreenResult | None,
        *,
        recorded_by: str,
        effective_on: date,
    ) -> bool:
        """Record a check-in; False when exactly this check-in is already recorded for the date."""
        self._require_not_ended("record progress")
        if rating is None and screen is None:
            raise InvalidRequestError("progress: give a check-in rating, a drug screen, or both")
        if effective_on < self.start_date:
            raise InvalidRequestError(
                f"date: {effective_on} is before {self.patient_id}'s start date {self.start_date}"
            )
        if self.check_ins.get(effective_on) == (rating, screen):
            return False
        self._progress_recorded(rating, screen, recorded_by, effective_on)
        return True

    def advance_taper_step(
        self, program_week: int, *, recorded_by: str, effective_on: date
    ) -> None:
        """The published roster took next week's taper step this week (seats were short)."""
        self._require_not_ended("move the taper")
        if (program_week, TaperSignal.STEP_EARLY) not in self.taper_signals:
            self._taper_step_advanced(program_week, recorded_by, effective_on)

    def awaits_make_up(self, missed_session_id: str, missed_date: date) -> bool:
        """No make-up decision is in force for the miss: none yet, or the one it had was
        withdrawn when the miss was corrected to attended."""
        key = (missed_session_id, missed_date)
        return key not in self.make_ups or key in self.misses_to_answer_again

    def record_make_up(
        self,
        missed_session_id: str,
        missed_date: date,
        session_id: str,
        session_date: date,
        *,
        recorded_by: str,
    ) -> None:
        if self.awaits_make_up(missed_session_id, missed_date):
            self._make_up_scheduled(
                missed_session_id, missed_date, session_id, session_date, recorded_by, session_date
            )

    def record_no_make_up(
        self, missed_session_id: str, missed_date: date, kind: str, reason: str, *, recorded_by: str
    ) -> None:
        if self.awaits_make_up(missed_session_id, missed_date):
            self._make_up_unavailable(
                missed_session_id, missed_date, kind, reason, recorded_by, missed_date
            )

    def withdraw_make_up(
        self,
        missed_session_id: str,
        missed_date: date,
        reason: str,
        *,
        recorded_by: str,
        corrected: bool = False,
    ) -> bool:
        """The make-up seat booked for a miss is taken back (the miss was corrected, the patient
        paused, the day closed); False when that miss has no make-up seat to withdraw.

        A withdrawn make-up answers the miss for good (the patient paused, the day closed), except
        when the miss was `corrected` to attended: then there is no miss left to answer, and a
        later correction back to missed or excused is made up as usual."""
        if not isinstance(self.make_ups.get((missed_session_id, missed_date)), tuple):
            return False
        self._make_up_withdrawn(
            missed_session_id, missed_date, reason, recorded_by, missed_date, corrected
        )
        return True

    def return_to_reinstated_meeting(
        self, session_id: str, session_date: date, *, recorded_by: str
    ) -> bool:
        """The cancelled meeting is held after all: its cancellation no longer needs an answer
        (the make-up seat, or the reason there was none, goes), so a later cancellation of the
        same meeting is answered afresh. False when the cancellation had no answer to take back.
        """
        if (session_id, session_date) not in self.make_ups:
            return False
        self._returned_to_reinstated_meeting(session_id, session_date, recorded_by, session_date)
        return True

    def pause(self, reason: str, *, recorded_by: str, effective_on: date) -> None:
        self._require_status(EnrollmentStatus.ACTIVE, "pause")
        self._paused(reason, recorded_by, effective_on)

    def resume(self, *, recorded_by: str, effective_on: date) -> None:
        self._require_status(EnrollmentStatus.PAUSED, "resume")
        self._resumed(recorded_by, effective_on)

    def step_down(self, summary: str, *, recorded_by: str, effective_on: date) -> None:
        self._require_not_ended("step down")
        self._stepped_down(summary, recorded_by, effective_on)

    def discharge(self, reason: str, *, recorded_by: str, effective_on: date) -> None:
        self._require_not_ended("discharge")
        self._discharged(reason, recorded_by, effective_on)

    def erase(self, reason: str, *, recorded_by: str, effective_on: date) -> None:
        """Record the erasure of the patient's personal fields (their key is destroyed next)."""
        if self.status not in ENDED:
            raise ConflictError(
                f"patient {self.patient_id} is {self.status.value}; only a patient who stepped "
                "down or was discharged can be erased"
            )
        if self.erased_on is None:
            self._erased(reason, recorded_by, effective_on)

    # --- queries --------------------------------------------------------------------------

    @property
    def taper_plan(self) -> TaperPlan:
        return TaperPlan(
            self.initial_days_per_week,
            self.min_days_per_week,
            self.planned_weeks,
            self.max_program_weeks,
        )

    @property
    def weekly_targets(self) -> tuple[int, ...]:
        return weekly_targets(self.taper_plan, self.taper_signals)

    # --- guards ---------------------------------------------------------------------------

    def _require_not_ended(self, action: str) -> None:
        # The request is fine; the patient's recorded state forbids it: a conflict, not bad input.
        if self.status in ENDED:
            raise ConflictError(
                f"patient {self.patient_id} is {self.status.value}; cannot {action}"
            )

    def _require_status(self, status: EnrollmentStatus, action: str) -> None:
        if self.status is not status:
            raise ConflictError(
                f"patient {self.patient_id} is {self.status.value}; cannot {action}"
            )

    def require_attendable(self, session_date: date) -> None:
        """Attendance can be recorded for this patient on that day (enrolled and not left)."""
        # A session before a pause, step-down or discharge took effect can still be recorded
        # (late, or corrected): the patient was enrolled that day.
        left_on = self.left_on
        if left_on is None or session_date >= left_on:
            self._require_status(EnrollmentStatus.ACTIVE, "record attendance")
        if session_date < self.start_date:
            raise InvalidRequestError(
                f"date: {session_date} is before {self.patient_id}'s start date {self.start_date}"
            )

    # --- events ---------------------------------------------------------------------------

    @event("CommitmentsChanged")
    def _commitments_changed(
        self, commitments: tuple[Commitment, ...], recorded_by: str, effective_on: date
    ) -> None:
        self.commitments = tuple(commitments)

    class SessionAttended(Aggregate.Event):
        """Version 2 records whether the patient came unscheduled (a walk-in); version 1 only
        recorded seats on the roster."""

        class_version = 2

        session_id: str
        session_date: date
        scheduled_minutes: int
        minutes_present: int
        walk_in: bool
        recorded_by: str
        effective_on: date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["walk_in"] = False

    @event(SessionAttended)
    def _session_attended(
        self,
        session_id: str,
        session_date: date,
        scheduled_minutes: int,
        minutes_present: int,
        walk_in: bool,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.attendance[(session_id, session_date)] = ("attended", minutes_present)
        # Attending again answers the outreach.
        self.open_flags.discard(OUTREACH)

    class SessionMissed(Aggregate.Event):
        """Version 2 records whether staff reached the patient; version 1 did not ask."""

        class_version = 2

        session_id: str
        session_date: date
        scheduled_minutes: int
        excused: bool
        reason: str
        contact_made: bool
        recorded_by: str
        effective_on: date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["contact_made"] = False

    @event(SessionMissed)
    def _session_missed(
        self,
        session_id: str,
        session_date: date,
        scheduled_minutes: int,
        excused: bool,
        reason: str,
        contact_made: bool,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.attendance[(session_id, session_date)] = ("missed", excused, reason, contact_made)
        # Staff are in touch (the absence was excused, or they reached the patient): that is
        # the outreach a run of misses asks for.
        if excused or contact_made:
            self.open_flags.discard(OUTREACH)

    @event("ProgressRecorded")
    def _progress_recorded(
        self,
        rating: CheckInRating | None,
        screen: ScreenResult | None,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.check_ins[effective_on] = (rating, screen)
        signal = signal_for(rating, screen)
        if signal is not None:
            self.taper_signals.append((program_week(self.start_date, effective_on), signal))

    @event("TaperStepAdvanced")
    def _taper_step_advanced(self, program_week: int, recorded_by: str, effective_on: date) -> None:
        self.taper_signals.append((program_week, TaperSignal.STEP_EARLY))

    @event("AttendanceFlagRaised")
    def _flag_raised(self, flag: str, reason: str, recorded_by: str, effective_on: date) -> None:
        self.open_flags.add(flag)

    @event("AttendanceFlagAcknowledged")
    def _flag_acknowledged(
        self, flag: str, note: str, recorded_by: str, effective_on: date
    ) -> None:
        self.open_flags.discard(flag)
        self.acknowledged[flag] = (effective_on, recorded_by)
        # The misses on record now are the ones this acknowledgement answered.
        counted = is_miss_without_contact if flag == OUTREACH else is_unexcused_miss
        self.answered_misses[flag] = frozenset(
            key for key, mark in self.attendance.items() if counted(mark)
        )

    @event("MakeUpScheduled")
    def _make_up_scheduled(
        self,
        missed_session_id: str,
        missed_date: date,
        session_id: str,
        session_date: date,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.make_ups[(missed_session_id, missed_date)] = (session_id, session_date)
        self.misses_to_answer_again.discard((missed_session_id, missed_date))

    @event("MakeUpUnavailable")
    def _make_up_unavailable(
        self,
        missed_session_id: str,
        missed_date: date,
        kind: str,
        reason: str,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.make_ups[(missed_session_id, missed_date)] = f"{kind}: {reason}"
        self.misses_to_answer_again.discard((missed_session_id, missed_date))

    @event("MakeUpWithdrawn")
    def _make_up_withdrawn(
        self,
        missed_session_id: str,
        missed_date: date,
        reason: str,
        recorded_by: str,
        effective_on: date,
        miss_corrected: bool = False,
    ) -> None:
        self.make_ups[(missed_session_id, missed_date)] = f"withdrawn: {reason}"
        # A miss corrected to attended is no miss: if it is marked missed again, it is answered
        # again (a withdrawal for a pause or a closure answers the miss for good).
        if miss_corrected:
            self.misses_to_answer_again.add((missed_session_id, missed_date))

    @event("ReturnedToReinstatedMeeting")
    def _returned_to_reinstated_meeting(
        self, session_id: str, session_date: date, recorded_by: str, effective_on: date
    ) -> None:
        self.make_ups.pop((session_id, session_date), None)
        self.misses_to_answer_again.discard((session_id, session_date))

    @event("Paused")
    def _paused(self, reason: str, recorded_by: str, effective_on: date) -> None:
        self.status = EnrollmentStatus.PAUSED
        self.left_on = effective_on

    @event("Resumed")
    def _resumed(self, recorded_by: str, effective_on: date) -> None:
        self.status = EnrollmentStatus.ACTIVE
        self.left_on = None

    @event("SteppedDown")
    def _stepped_down(self, summary: str, recorded_by: str, effective_on: date) -> None:
        self.status = EnrollmentStatus.STEPPED_DOWN
        self.left_on = effective_on

    @event("PatientErased")
    def _erased(self, reason: str, recorded_by: str, effective_on: date) -> None:
        # Who, when and why, never the name: the event outlives the key.
        self.erased_on = effective_on
        self.name = ERASED

    @event("Discharged")
    def _discharged(self, reason: str, recorded_by: str, effective_on: date) -> None:
        self.status = EnrollmentStatus.DISCHARGED
        self.left_on = effective_on


def is_unexcused_miss(mark: tuple[Any, ...]) -> bool:
    """A miss that was not excused: it counts toward clinical review."""
    return bool(mark[0] == "missed" and not mark[1])


def is_miss_without_contact(mark: tuple[Any, ...]) -> bool:
    """An unexcused miss where staff have not reached the patient: it counts toward outreach."""
    return bool(mark[0] == "missed" and not mark[1] and not mark[3])
