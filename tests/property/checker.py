"""An independent checker of the scheduling rules, over what the event store holds.

It shares no code with the solver or the scheduler: it folds the stored events itself, reads
public holidays from the `holidays` package directly, and restates each hard rule of DESIGN.md
in a few lines. Each violation is a sentence naming the roster, patient, session and date.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from events.application import StepdownApplication
from events.ids import enrollment_uuid, program_uuid, roster_uuid

DAY = 24 * 60
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class PatientFacts:
    """One enrolment as its events tell it: dates, plan length, status periods, commitments."""

    patient_id: str
    start_date: date
    travel_minutes: int
    plan_weeks: int = 0
    commitments: tuple[Any, ...] = ()
    # (from, until exclusive or None) periods in which the patient is not active.
    inactive: list[tuple[date, date | None]] = field(default_factory=list)
    ended_on: date | None = None
    # Make-ups in force per miss: booked, less those given back when the miss was corrected.
    make_ups: Counter[tuple[str, date]] = field(default_factory=Counter)
    # Each make-up with the status the patient had when it was booked.
    make_up_statuses: list[tuple[str, date, str]] = field(default_factory=list)
    # (session, date) of a miss → its make-up seat, while it is booked.
    booked: dict[tuple[str, date], tuple[str, date]] = field(default_factory=dict)
    # (session, date) → the latest mark: (attended | missed | excused, contact made).
    marks: dict[tuple[str, date], tuple[str, bool]] = field(default_factory=dict)
    # Every mark as recorded: (session, date, when recorded), to check none came before the start.
    recorded_marks: list[tuple[str, date, Any]] = field(default_factory=list)
    attendance_problems: list[str] = field(default_factory=list)
    # Meetings reinstated with the patient back in them (their cancellation undone).
    returned: list[tuple[str, date]] = field(default_factory=list)
    # Attendance flags open now, and per flag the misses its last acknowledgement answered.
    open_flags: set[str] = field(default_factory=set)
    answered: dict[str, set[tuple[str, date]]] = field(default_factory=dict)

    def active_on(self, day: date) -> bool:
        if day < self.start_date:
            return False
        if self.ended_on is not None and day >= self.ended_on:
            return False
        return not any(start <= day and (end is None or day < end) for start, end in self.inactive)


@dataclass
class ProgramFacts:
    sessions: dict[str, Any]  # session id → SessionSpec (current)
    timezone: str
    # The earliest start each session ever had (a session moved later keeps earlier marks).
    earliest_starts: dict[str, time]
    closures: set[date]
    cancellations: set[tuple[str, date]]
    holidays: Any

    def closed(self, day: date) -> bool:
        return day in self.closures or day in self.holidays


def program_facts(app: StepdownApplication, program_id: str) -> ProgramFacts:
    sessions: dict[str, Any] = {}
    closures: set[date] = set()
    cancellations: set[tuple[str, date]] = set()
    region: Any = None
    timezone = "UTC"
    earliest_starts: dict[str, time] = {}
    for event in app.events.get(program_uuid(program_id)):
        kind = type(event).__qualname__
        if kind == "Program.ProgramCreated":
            region = event.holiday_region  # type: ignore[attr-defined]
            timezone = event.timezone  # type: ignore[attr-defined]
        elif kind in ("Program.SessionAdded", "Program.SessionChanged"):
            spec: Any = event.session  # type: ignore[attr-defined]
            sessions[spec.session_id] = spec
            earliest_starts[spec.session_id] = min(
                spec.start, earliest_starts.get(spec.session_id, spec.start)
            )
        elif kind == "Program.SessionRetired":
            sessions.pop(event.session_id, None)  # type: ignore[attr-defined]
        elif kind == "Program.ClosureAdded":
            closures.add(event.closed_on)  # type: ignore[attr-defined]
        elif kind == "Program.SessionCancelled":
            cancellations.add((event.session_id, event.session_date))  # type: ignore[attr-defined]
        elif kind == "Program.SessionCancellationUndone":
            cancellations.discard((event.session_id, event.session_date))  # type: ignore[attr-defined]
    calendar = holidays.country_holidays(
        region.country, subdiv=region.subdivision, years=range(2025, 2029)
    )
    return ProgramFacts(sessions, timezone, earliest_starts, closures, cancellations, calendar)


def patient_facts(app: StepdownApplication, program_id: str, patient_id: str) -> PatientFacts:
    facts: PatientFacts | None = None
    status = "active"
    paused_since: date | None = None
    hold_weeks: set[int] = set()
    max_weeks = 0
    for event in app.events.get(enrollment_uuid(program_id, patient_id)):
        kind = type(event).__qualname__.rpartition(".")[2]
        e: Any = event
        if kind == "PatientEnrolled":
            facts = PatientFacts(patient_id, e.start_date, e.travel_minutes, e.planned_weeks)
            facts.commitments = tuple(e.commitments)
            max_weeks = e.max_program_weeks
        assert facts is not None
        if kind == "CommitmentsChanged":
            facts.commitments = tuple(e.commitments)
        elif kind == "ProgressRecorded":
            # A hold (needs support or a positive screen) in program week w extends the plan
            # by a week while w is inside it, up to the maximum.
            held = getattr(e.rating, "value", None) == "needs_support" or (
                getattr(e.screen, "value", None) == "positive"
            )
            if held:
                hold_weeks.add((_monday(e.effective_on) - _monday(facts.start_date)).days // 7 + 1)
        elif kind == "Paused":
            status, paused_since = "paused", e.effective_on
        elif kind == "Resumed":
            assert paused_since is not None
            facts.inactive.append((paused_since, e.effective_on))
            status, paused_since = "active", None
        elif kind in ("SteppedDown", "Discharged"):
            if paused_since is not None:
                facts.inactive.append((paused_since, None))
                paused_since = None
            facts.ended_on = e.effective_on
            status = "ended"
        elif kind == "MakeUpScheduled":
            facts.make_ups[(e.missed_session_id, e.missed_date)] += 1
            facts.make_up_statuses.append((e.session_id, e.session_date, status))
            facts.booked[(e.missed_session_id, e.missed_date)] = (e.session_id, e.session_date)
        elif kind == "MakeUpWithdrawn":
            facts.booked.pop((e.missed_session_id, e.missed_date), None)
            if getattr(e, "miss_corrected", False):
                facts.make_ups[(e.missed_session_id, e.missed_date)] -= 1
        elif kind == "ReturnedToReinstatedMeeting":
            # Back in the meeting held after all: its cancellation's answers are void, and a
            # later cancellation of it is answered afresh.
            facts.booked.pop((e.session_id, e.session_date), None)
            facts.make_ups[(e.session_id, e.session_date)] = 0
            facts.returned.append((e.session_id, e.session_date))
        elif kind in ("SessionAttended", "SessionMissed"):
            mark = "attended" if kind == "SessionAttended" else "missed"
            if kind == "SessionMissed" and e.excused:
                mark = "excused"
            facts.marks[(e.session_id, e.session_date)] = (
                mark,
                kind == "SessionMissed" and e.contact_made,
            )
            facts.recorded_marks.append((e.session_id, e.session_date, e.timestamp))
            # Attending, an excused absence or contact made is the outreach asked for.
            if mark != "missed" or facts.marks[(e.session_id, e.session_date)][1]:
                facts.open_flags.discard("outreach")
        elif kind == "AttendanceFlagRaised":
            facts.attendance_problems += _raise_problems(facts, e.flag, e.effective_on)
            facts.open_flags.add(e.flag)
        elif kind == "AttendanceFlagAcknowledged":
            if e.flag not in facts.open_flags:
                facts.attendance_problems.append(
                    f"{patient_id}: {e.flag} acknowledged on {e.effective_on} while not open"
                )
            if not e.note.strip():
                facts.attendance_problems.append(
                    f"{patient_id}: {e.flag} acknowledged on {e.effective_on} without a note"
                )
            facts.open_flags.discard(e.flag)
            facts.answered[e.flag] = {
                key
                for key, (status, contact) in facts.marks.items()
                if status == "missed" and (e.flag != "outreach" or not contact)
            }
    assert facts is not None, f"{patient_id} was never enrolled"
    for week in sorted(hold_weeks):
        if 1 <= week < facts.plan_weeks < max_weeks:
            facts.plan_weeks += 1
    if paused_since is not None:
        facts.inactive.append((paused_since, None))
    return facts


def _conflicts(patient: PatientFacts, day: date, start: int, end: int) -> str | None:
    """A commitment closer than the travel minutes to the session (overnight ones included)."""
    for commitment in patient.commitments:
        c_start, c_end = _minutes(commitment.start), _minutes(commitment.end)
        length = (c_end - c_start) % DAY or DAY
        for offset in (-1, 0):
            on = day + timedelta(days=offset)
            if WEEKDAYS[on.weekday()] not in {d.name for d in commitment.days}:
                continue
            if commitment.valid_from and on < commitment.valid_from:
                continue
            if commitment.valid_until and on > commitment.valid_until:
                continue
            begin = offset * DAY + c_start
            finish = begin + length
            gap = patient.travel_minutes
            if start < finish + gap and begin < end + gap:
                return f"{commitment.kind.value} {commitment.start}–{commitment.end}"
    return None


def seat_problems(
    label: str,
    seats: list[tuple[str, str, date]],
    program: ProgramFacts,
    patients: dict[str, PatientFacts],
    *,
    week: str,
    check_commitments: set[str],
) -> list[str]:
    """Hard rules every roster version keeps, draft or published."""
    problems = []
    per_day = Counter((patient, day) for patient, _, day in seats)
    for (patient, day), count in per_day.items():
        if count > 1:
            problems.append(f"{label}: {patient} has {count} sessions on {day}")
    sizes = Counter((session, day) for _, session, day in seats)
    for (session_id, day), size in sizes.items():
        spec = program.sessions.get(session_id)
        if spec is None:
            problems.append(f"{label}: {session_id} on {day} is not an active session")
            continue
        if size > spec.capacity:
            problems.append(f"{label}: {session_id} on {day} seats {size} > {spec.capacity}")
    for patient_id, session_id, day in seats:
        where = f"{label}: {patient_id} in {session_id} on {day}"
        if _iso_week(day) != week:
            problems.append(f"{where}: not in week {week}")
        spec = program.sessions.get(session_id)
        if spec is not None and WEEKDAYS[day.weekday()] != spec.weekday.name:
            problems.append(f"{where}: the session meets on {spec.weekday.name}")
        if program.closed(day):
            problems.append(f"{where}: the program is closed that day")
        if (session_id, day) in program.cancellations:
            problems.append(f"{where}: that meeting is cancelled")
        facts = patients.get(patient_id)
        if facts is None:
            problems.append(f"{where}: not enrolled")
            continue
        if not facts.active_on(day):
            problems.append(f"{where}: not active that day")
        plan_end = _monday(facts.start_date) + timedelta(weeks=facts.plan_weeks, days=-1)
        if day > plan_end:
            problems.append(f"{where}: after the plan's last day {plan_end}")
        if spec is not None and patient_id in check_commitments:
            start = _minutes(spec.start)
            conflict = _conflicts(facts, day, start, start + spec.minutes)
            if conflict:
                problems.append(f"{where}: conflicts with {conflict}")
    return problems


def roster_problems(
    app: StepdownApplication,
    program_id: str,
    week: str,
    patients: dict[str, PatientFacts],
    program: ProgramFacts,
    *,
    commitments_changed_at: dict[str, int],
) -> list[str]:
    """Every version the roster shows now (latest draft, published) keeps the hard rules."""
    events = list(app.events.get(roster_uuid(program_id, week)))
    if not events:
        return []
    roster: Any = app.repository.get(roster_uuid(program_id, week))
    if roster.roster_version == 0:
        return []
    # Commitments that changed after the roster was last generated are the next generate's
    # business, not this version's.
    last_generated = _last_generated_position(app, program_id, week)
    check = {
        patient for patient in patients if commitments_changed_at.get(patient, 0) < last_generated
    }
    problems: list[str] = []
    versions = {"latest": roster.assignments}
    published = published_seats(roster)
    if published is not None:
        versions["published"] = published
    for label, assignments in versions.items():
        seats = [(a.patient_id, a.session_id, a.session_date) for a in assignments]
        problems += seat_problems(
            f"{week} {label}", seats, program, patients, week=week, check_commitments=check
        )
    for pin in roster.pins:
        if pin not in set(roster.assignments) and _pinned_before_last_generate(app, roster, pin):
            problems.append(f"{week}: pin {pin} is not kept by the latest version")
    problems += _min_size_problems(events, program, week)
    return problems


def published_seats(roster: Any) -> tuple[Any, ...] | None:
    """The published version's seats (amended since), or None before the first publish."""
    if roster.published_version is None:
        return None
    return tuple(roster.published_assignments)


def _last_generated_position(app: StepdownApplication, program_id: str, week: str) -> int:
    position = 0
    for notification in app.recorder.select_notifications(
        start=None, limit=1_000_000, topics=["events.roster:Roster.RosterGenerated"]
    ):
        if notification.originator_id == roster_uuid(program_id, week):
            position = notification.id
    return position


def _pinned_before_last_generate(app: StepdownApplication, roster: Any, pin: Any) -> bool:
    order = [type(e).__qualname__ for e in app.events.get(roster.id)]
    last_generate = max(i for i, kind in enumerate(order) if kind == "Roster.RosterGenerated")
    last_pin = max(
        (
            i
            for i, e in enumerate(app.events.get(roster.id))
            if type(e).__qualname__ == "Roster.AssignmentPinned" and e.assignment == pin  # type: ignore[attr-defined]
        ),
        default=-1,
    )
    return last_pin < last_generate


def _min_size_problems(events: list[Any], program: ProgramFacts, week: str) -> list[str]:
    """A generated group runs with nobody or at least its minimum (amendments may thin it)."""
    generated = [e for e in events if type(e).__qualname__ == "Roster.RosterGenerated"]
    if not generated:
        return []
    sizes = Counter((a.session_id, a.session_date) for a in generated[-1].assignments)
    problems = []
    for (session_id, day), size in sizes.items():
        spec = program.sessions.get(session_id)
        if spec is not None and 0 < size < spec.min_size:
            problems.append(f"{week} generated: {session_id} on {day} runs with {size}")
    return problems


def _raise_problems(facts: PatientFacts, flag: str, on: date) -> list[str]:
    """A flag is raised only while it is closed, and only by misses its last acknowledgement
    did not answer: outreach after 3 unexcused misses in a row without contact, clinical
    review after more than 6 unexcused misses in the 12 weeks up to `on`."""
    where = f"{facts.patient_id}: {flag} raised on {on}"
    answered = facts.answered.get(flag, set())
    if flag in facts.open_flags:
        return [f"{where} while it was open"]
    if flag == "outreach":
        run = _misses_without_contact_in_a_row(facts.marks, answered)
        if run < 3:
            return [
                f"{where} after {run} misses in a row without contact (excused absences, "
                "contact made and an acknowledgement end a run)"
            ]
        return []
    unexcused = sum(
        1
        for key, (status, _) in facts.marks.items()
        if status == "missed" and on - timedelta(weeks=12) < key[1] <= on and key not in answered
    )
    if unexcused <= 6:
        return [f"{where} after {unexcused} unexcused misses not yet reviewed in 12 weeks"]
    return []


def _misses_without_contact_in_a_row(
    marks: dict[tuple[str, date], tuple[str, bool]], answered: set[tuple[str, date]]
) -> int:
    """The latest marks (by date, then session) that are unexcused misses without contact,
    back to one an acknowledged outreach answered."""
    run = 0
    for key in sorted(marks, key=lambda k: (k[1], k[0]), reverse=True):
        status, contact = marks[key]
        if status != "missed" or contact or key in answered:
            break
        run += 1
    return run


def attendance_problems(patients: dict[str, PatientFacts], program: ProgramFacts) -> list[str]:
    """Flags raised only by the attendance rules and acknowledged only while open; no mark
    before its meeting starts; a miss corrected to attended keeps no make-up unless it took place."""
    zone = ZoneInfo(program.timezone)
    problems = []
    for patient in patients.values():
        problems += patient.attendance_problems
        for session_id, day, recorded_at in patient.recorded_marks:
            start = program.earliest_starts.get(session_id)
            if start is None:
                continue
            starts = datetime.combine(day, start, tzinfo=zone)
            if recorded_at < starts:
                problems.append(
                    f"{patient.patient_id}: {session_id} on {day} marked at {recorded_at}, "
                    f"before it started at {starts}"
                )
        for missed, seat in patient.booked.items():
            if patient.marks.get(missed, ("missed", False))[0] != "attended":
                continue
            if patient.marks.get(seat, ("", False))[0] != "attended":
                problems.append(
                    f"{patient.patient_id}: miss of {missed[0]} on {missed[1]} corrected to "
                    f"attended, but its make-up {seat[0]} on {seat[1]} is still booked"
                )
    return problems


def make_up_problems(patients: dict[str, PatientFacts]) -> list[str]:
    problems = []
    for patient in patients.values():
        for (session_id, day), count in patient.make_ups.items():
            if count > 1:
                problems.append(f"{patient.patient_id}: {count} make-ups for {session_id} {day}")
        for session_id, day, status in patient.make_up_statuses:
            if status != "active":
                problems.append(
                    f"{patient.patient_id}: make-up {session_id} {day} booked while {status}"
                )
    return problems


def seats_by_patient(seats: list[tuple[str, str, date]]) -> dict[str, set[tuple[str, date]]]:
    found: dict[str, set[tuple[str, date]]] = defaultdict(set)
    for patient, session, day in seats:
        found[patient].add((session, day))
    return found


def reinstatement_problems(
    meeting: tuple[str, date],
    before: dict[str, PatientFacts],
    after: dict[str, PatientFacts],
    program: ProgramFacts,
    seats: set[tuple[str, str, date]],
    returned: set[str],
    not_returned: set[str],
) -> list[str]:
    """After an undone cancellation: the meeting is held; each patient its cancellation moved
    is back in it (their make-up seat, if it had not started, given up) or named as not put
    back; nobody back in it keeps a make-up for it."""
    session_id, day = meeting
    label = f"undo {session_id} {day}"
    problems = []
    if meeting in program.cancellations:
        problems.append(f"{label}: the meeting is still cancelled")
    for patient_id, facts in before.items():
        make_up = facts.booked.get(meeting)
        if make_up is None:
            continue
        if patient_id not in returned | not_returned:
            problems.append(f"{label}: {patient_id}, moved to {make_up}, is not accounted for")
        if patient_id not in returned:
            continue
        if (patient_id, session_id, day) not in seats:
            problems.append(f"{label}: {patient_id} is said to be back but has no seat in it")
        if (patient_id, *make_up) in seats:
            problems.append(f"{label}: {patient_id} keeps the make-up {make_up} as well")
        if meeting in after[patient_id].booked:
            problems.append(f"{label}: {patient_id} is back yet has a make-up for it")
    return problems
