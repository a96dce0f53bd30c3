"""What the staffing solver is given. Times are minutes from Monday 00:00 of the roster week, as
in the roster problem, so a window, a meeting and a commitment compare directly."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

# The psychotherapy hour: individual (CPT 90834, 38–52 min) and family sessions (CPT 90847,
# 50 min) are booked as 50 minutes.
APPOINTMENT_MINUTES = 50
# Appointments start on the half hour, or right next to one of the patient's groups.
START_GRID_MINUTES = 30

Interval = tuple[int, int]  # [start, end) in minutes from Monday 00:00


@dataclass(frozen=True)
class Meeting:
    """One group meeting of the week that may run."""

    session_id: str
    day: date
    start: int
    end: int
    size: int  # patients seated (0: it does not run and needs nobody)
    credentials: tuple[str, ...]  # what its lead facilitator must hold
    usual: tuple[str, ...]  # the facilitators the program file names, lead first

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Clinician:
    staff_id: str
    name: str
    credentials: tuple[str, ...]
    windows: tuple[Interval, ...]  # when they work this week, absences already taken out
    max_minutes: int
    absent_days: tuple[date, ...] = ()

    def covers(self, start: int, end: int) -> bool:
        return any(w_start <= start and end <= w_end for w_start, w_end in self.windows)

    def holds(self, credentials: tuple[str, ...]) -> bool:
        return set(credentials) <= set(self.credentials)

    def without(self, taken: list[Interval]) -> Clinician:
        """Their windows without time already taken, and their hours without it."""
        windows = list(self.windows)
        for start, end in taken:
            windows = [
                piece
                for w_start, w_end in windows
                for piece in ((w_start, min(w_end, start)), (max(w_start, end), w_end))
                if piece[0] < piece[1]
            ]
        used = sum(end - start for start, end in taken)
        return replace(self, windows=tuple(windows), max_minutes=max(0, self.max_minutes - used))


@dataclass(frozen=True)
class AppointmentRequest:
    """An individual or family session a patient is due this week with their counsellor."""

    patient_id: str
    kind: str  # "individual" | "family"
    counsellor_id: str | None  # None: no primary counsellor assigned yet
    busy: tuple[Interval, ...]  # the patient's commitments, travel already added around them
    groups: tuple[Interval, ...]  # the group meetings the patient attends this week
    days: tuple[date, ...]  # the days the patient may come (enrolled, not closed, not paused)
    minutes: int = APPOINTMENT_MINUTES


@dataclass(frozen=True)
class StaffingProblem:
    week_monday: date
    meetings: tuple[Meeting, ...]
    clinicians: tuple[Clinician, ...]
    requests: tuple[AppointmentRequest, ...] = ()
    # A meeting with more patients than this needs a second facilitator; None: never.
    second_facilitator_above: int | None = None
    # Appointments already made (a re-solve after an absence keeps every one it can).
    previous: tuple[tuple[str, str, int, str], ...] = ()  # (patient, kind, start, staff)
    previous_leads: tuple[tuple[str, date, tuple[str, ...]], ...] = ()

    def day_of(self, minute: int) -> date:
        return self.week_monday + timedelta(days=minute // (24 * 60))

    def needs_second(self, meeting: Meeting) -> bool:
        threshold = self.second_facilitator_above
        return threshold is not None and meeting.size > threshold
