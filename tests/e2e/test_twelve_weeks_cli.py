"""A program's weeks through the installed `stepdown` script, as a coordinator and a clinician
would run them, with the clock set by `STEPDOWN_NOW` (the sample program is in Chicago).

Each Monday morning next week's roster is generated and published; during the week attendance
is recorded for seats that have taken place (mostly attended, some missed, one excused, one
with contact made, one miss corrected), a clinician records check-ins, and on Sunday the census
is read. Pauses, a discharge, a closure, a cancelled meeting, pins, a re-import and a far future
draft are spread over the first weeks. After every publish the store is opened in this process
and the independent checker (tests/property/checker.py) reads every roster generated so far.

3 weeks by default; `STEPDOWN_CLI_WEEKS=12` runs the full 12 (about four minutes). Run with
`-s` to see the week-by-week journal.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from events.ids import enrollment_uuid
from events.persistence import database_from_url
from scheduler.service import open_stepdown
from tests.conftest import SCENARIOS
from tests.property import checker

STEPDOWN = Path(sys.executable).parent / "stepdown"
PROGRAM = "standard-101"
CHICAGO = timezone(timedelta(hours=-6))  # Central Standard Time: no DST from November to March
FIRST_MONDAY = date(2026, 11, 16)
FAR_WEEK = "2027-W30"
PAUSED, DISCHARGED = "P0019", "P0024"
PINNED, UNPINNED = (
    ("P0001", "wed-evening-1", "2026-12-02"),
    ("P0020", "thu-evening-2", "2026-12-03"),
)
CLOSED_ON = date(2026, 12, 4)
# Who the clinician sees each week (patient, rating, screen): patients still in treatment then.
CHECK_INS = (
    ("P0002", "on_track", "negative"),
    ("P0028", "needs_support", None),  # a hold in its 7th week: P0028's plan ends a week later
    ("P0007", "ready_to_step_down", "negative"),
    ("P0016", "on_track", "negative"),
    ("P0018", "needs_support", "positive"),
    ("P0021", "on_track", None),
)
MAKE_UP = re.compile(r"^make-up: (\S+) on (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Seat:
    patient_id: str
    session_id: str
    day: date
    ends: time


@dataclass
class Program:
    """The program as its coordinator runs it: one store, one clock, the CLI."""

    folder: Path
    now: datetime = datetime(2026, 11, 16, 8, 0, tzinfo=CHICAGO)
    journal: list[str] = field(default_factory=list)
    generated: set[str] = field(default_factory=set)
    left: dict[str, str] = field(default_factory=dict)  # patient → how `patient show` put it

    @property
    def url(self) -> str:
        return f"sqlite:///{self.folder / 'stepdown.db'}"

    @property
    def today(self) -> date:
        return self.now.date()

    def at(self, day: date, hour: int, minute: int = 0) -> None:
        moment = datetime.combine(day, time(hour, minute), tzinfo=CHICAGO)
        assert moment >= self.now, "the clock only moves forward"
        self.now = moment

    def note(self, line: str) -> None:
        self.journal.append(f"{self.now:%a %Y-%m-%d %H:%M}  {line}")

    def cli(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("STEPDOWN_")},
            "STEPDOWN_DATABASE_URL": self.url,
            "STEPDOWN_NOW": self.now.isoformat(),
            "STEPDOWN_ACTOR": "coordinator-e2e",
            # The API's settings: `roster generate` on the command line does not read them, so
            # rosters (and what follows from them) may differ from run to run.
            "STEPDOWN_SOLVER_WORKERS": "1",
            "STEPDOWN_SOLVER_DETERMINISTIC": "true",
        }
        done = subprocess.run(
            [str(STEPDOWN), *args],
            cwd=self.folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == expect, (
            f"stepdown {' '.join(args)} at {self.now.isoformat()} exited {done.returncode}, "
            f"expected {expect}\n{done.stdout}\n{done.stderr}"
        )
        if expect == 0:
            assert "warning: read model" not in done.stderr, done.stderr
        return done

    # --- what a coordinator does ------------------------------------------------------------

    def generate_and_publish(self, week: str) -> None:
        generated = self.cli("roster", "generate", "--week", week, "--time-limit", "10")
        self.generated.add(week)
        self.note(f"generate {week}: {generated.stdout.splitlines()[0].split(': ', 1)[1]}")
        published = self.cli("roster", "publish", "--week", week)
        assert f"{week}: version" in published.stdout
        self.check_rosters()
        self.cli("projections", "status")

    def published_seats(self, week: str) -> list[Seat]:
        shown = self.cli(
            "roster", "show", "--week", week, "--version", "published", "--format", "json"
        )
        return seats_of(shown.stdout)

    def attend(self, seat: Seat, status: str, *extra: str) -> str:
        recorded = self.cli(
            "attendance",
            "record",
            "--program",
            PROGRAM,
            "--patient",
            seat.patient_id,
            "--session",
            seat.session_id,
            "--date",
            seat.day.isoformat(),
            "--status",
            status,
            *extra,
        )
        # A first mark is "recorded"; a second one on the same seat is a correction.
        assert ": recorded" in recorded.stdout or ": corrected from " in recorded.stdout, (
            recorded.stdout
        )
        outcome = recorded.stdout.strip().splitlines()
        self.note(" / ".join(outcome))
        return recorded.stdout

    def census(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = json.loads(self.cli("census", "--format", "json").stdout)
        return rows

    # --- what must hold ---------------------------------------------------------------------

    def facts(self) -> tuple[checker.ProgramFacts, dict[str, checker.PatientFacts]]:
        stepdown = open_stepdown(database_from_url(self.url), clock=lambda: self.now)
        try:
            program = checker.program_facts(stepdown.app, PROGRAM)
            patients = {
                f"P{i:04d}": checker.patient_facts(stepdown.app, PROGRAM, f"P{i:04d}")
                for i in range(1, 31)
            }
        finally:
            stepdown.close()
        return program, patients

    def check_rosters(self) -> None:
        """Every roster generated so far, draft and published, keeps every hard rule."""
        stepdown = open_stepdown(database_from_url(self.url), clock=lambda: self.now)
        try:
            app = stepdown.app
            program = checker.program_facts(app, PROGRAM)
            patients = {
                f"P{i:04d}": checker.patient_facts(app, PROGRAM, f"P{i:04d}") for i in range(1, 31)
            }
            problems: list[str] = []
            for week in sorted(self.generated):
                problems += checker.roster_problems(
                    app, PROGRAM, week, patients, program, commitments_changed_at={}
                )
            problems += checker.make_up_problems(patients)
        finally:
            stepdown.close()
        assert not problems, "\n".join(problems)

    def check_step_downs(self, in_treatment: list[dict[str, Any]]) -> None:
        """A patient whose plan has ended is stepped down effective the Monday after its last
        week, shown by `patient show` with the date and summary; nobody before that."""
        _, patients = self.facts()
        listed = {row["patient_id"] for row in in_treatment}
        for patient_id, facts in sorted(patients.items()):
            start_monday = facts.start_date - timedelta(days=facts.start_date.weekday())
            plan_over = start_monday + timedelta(weeks=facts.plan_weeks)
            if patient_id == DISCHARGED and facts.ended_on is not None:
                assert patient_id not in listed
                continue
            if self.today < plan_over:
                assert patient_id in listed, f"{patient_id} left before {plan_over}"
                assert facts.ended_on is None, f"{patient_id} ended on {facts.ended_on}"
                continue
            assert patient_id not in listed, f"{patient_id} still in treatment after {plan_over}"
            assert facts.ended_on == plan_over, f"{patient_id} stepped down on {facts.ended_on}"
            if patient_id not in self.left:
                shown = self.cli("patient", "show", "--program", PROGRAM, "--patient", patient_id)
                assert f"stepped down on {plan_over}: " in shown.stdout, shown.stdout
                self.left[patient_id] = shown.stdout.strip().splitlines()[-1]
                self.note(f"{patient_id} ({facts.plan_weeks} weeks): {self.left[patient_id]}")


def seats_of(roster_json: str) -> list[Seat]:
    document = json.loads(roster_json)
    return sorted(
        (
            Seat(
                patient,
                s["session_id"],
                date.fromisoformat(s["date"]),
                time.fromisoformat(s["end"]),
            )
            for s in document["sessions"]
            for patient in s["patient_ids"]
        ),
        key=lambda seat: (seat.day, seat.ends, seat.session_id, seat.patient_id),
    )


def weeks_to_run() -> int:
    return int(os.environ.get("STEPDOWN_CLI_WEEKS", "3"))


def test_a_program_runs_for_weeks_through_the_cli(tmp_path: Path) -> None:
    run = Program(tmp_path)
    weeks = weeks_to_run()
    sample = str(SCENARIOS / "sample.json")
    try:
        first_monday(run, sample)
        for index in range(weeks):
            a_week(run, index, sample)
        # The Monday after the last week: plans that ended on Sunday step down now.
        run.at(FIRST_MONDAY + timedelta(weeks=weeks), 8)
        in_treatment = run.census()
        run.note(f"census: {len(in_treatment)} in treatment")
        run.check_step_downs(in_treatment)
        run.cli("projections", "status")
    finally:
        print("\n".join(run.journal))


def first_monday(run: Program, sample: str) -> None:
    imported = run.cli("import", sample)
    assert "30 patients enrolled" in imported.stdout
    run.generate_and_publish(iso_week(FIRST_MONDAY))

    # A meeting later today has not started: refused, naming the session and the date.
    tonight = next(s for s in run.published_seats(iso_week(FIRST_MONDAY)) if s.day == FIRST_MONDAY)
    refused = run.cli(
        "attendance",
        "record",
        "--program",
        PROGRAM,
        "--patient",
        tonight.patient_id,
        "--session",
        tonight.session_id,
        "--date",
        FIRST_MONDAY.isoformat(),
        "--status",
        "attended",
        expect=1,
    )
    assert f"{tonight.session_id} on {FIRST_MONDAY}" in refused.stderr
    run.note(f"refused (exit 1): {refused.stderr.strip()}")
    usage = run.cli("roster", "generate", "--week", "9999-W52", expect=2)
    run.note(f"refused (exit 2): {usage.stderr.strip().splitlines()[-1]}")

    # A far future draft changes nobody.
    before = run.cli("census", "--format", "json").stdout
    run.cli("roster", "generate", "--week", FAR_WEEK, "--time-limit", "10")
    run.generated.add(FAR_WEEK)
    assert run.cli("census", "--format", "json").stdout == before
    run.note(f"draft {FAR_WEEK}: census unchanged ({len(json.loads(before))} in treatment)")

    # Pins for the week after next: two pinned, listed, one taken back.
    pin_week = iso_week(FIRST_MONDAY + timedelta(weeks=2))
    for patient, session, day in (PINNED, UNPINNED):
        run.cli("roster", "pin", "--week", pin_week, "--patient", patient, "--session", session, "--date", day)  # fmt: skip
    pins = run.cli("roster", "pins", "--week", pin_week).stdout
    assert all(f"{p} {s} {d} pinned by coordinator-e2e" in pins for p, s, d in (PINNED, UNPINNED))
    patient, session, day = UNPINNED
    run.cli("roster", "unpin", "--week", pin_week, "--patient", patient, "--session", session, "--date", day)  # fmt: skip
    run.note(f"pinned {' '.join(PINNED)} and {' '.join(UNPINNED)}; unpinned {UNPINNED[0]}")


def a_week(run: Program, index: int, sample: str) -> None:
    monday = FIRST_MONDAY + timedelta(weeks=index)
    week = iso_week(monday)
    run.at(monday, 8)
    run.note(f"--- week {index + 1}: {week}")

    if index == 2:
        run.cli("patient", "resume", "--program", PROGRAM, "--patient", PAUSED)
        run.note(f"{PAUSED} resumed")
    run.generate_and_publish(iso_week(monday + timedelta(weeks=1)))
    if index == 1:
        pinned = checker_seats(run, iso_week(monday + timedelta(weeks=1)), published=True)
        patient, session, day = PINNED
        assert (patient, session, date.fromisoformat(day)) in pinned, "the pin was not kept"
        a_week_of_changes(run, monday, sample)

    # Wednesday after the morning group: Monday's and Tuesday's seats have taken place.
    seats = run.published_seats(week)
    run.at(monday + timedelta(days=2), 13)
    wednesday_afternoon = run.now
    early = [s for s in seats if datetime.combine(s.day, s.ends, tzinfo=CHICAGO) <= run.now]
    make_ups: list[tuple[str, str, str]] = []

    def mark(seat: Seat, status: str, *extra: str) -> None:
        said = run.attend(seat, status, *extra)
        make_ups.extend((seat.patient_id, *found) for found in MAKE_UP.findall(said))

    corrected: Seat | None = None
    if early:
        chosen = spread(early, 4 if index else 5)
        for number, seat in enumerate(chosen):
            if number == 0:
                mark(seat, "missed")
            elif number == 1 and index == 0:
                mark(seat, "excused", "--reason", "family funeral")
            elif number == 1 and index == 1:
                mark(seat, "missed", "--reason", "car broke down", "--contact-made")
            elif number == 2 and index == 0:
                mark(seat, "missed")
                corrected = seat
            else:
                run.attend(seat, "attended", *(("--minutes", "150") if number == 3 else ()))
    patient, rating, screen = CHECK_INS[min(index, 3 + index % 3)]
    run.cli(
        "progress", "record", "--program", PROGRAM, "--patient", patient, "--rating", rating,
        *(("--screen", screen) if screen else ()),
    )  # fmt: skip
    run.note(f"check-in {patient}: {rating} {screen or ''}".rstrip())

    if corrected is not None:
        # The front desk finds the sign-in sheet: that patient was there after all.
        run.at(run.today, 15)
        run.attend(corrected, "attended")
        still = checker_seats(run, week, published=True)
        taken_back = [(corrected.patient_id, s, d) for s, d in make_ups_for(run, corrected)]
        assert not [m for m in taken_back if m in still], f"the make-up {taken_back} was kept"
        run.note(f"make-ups withdrawn by the correction: {taken_back or 'none was booked'}")

    if index == 1:
        cancel_a_meeting(run, monday)

    # Sunday morning: the rest of the week has taken place.
    run.at(monday + timedelta(days=6), 10)
    # (Read in this process: one `roster show` a day is enough for the command line's share.)
    program, _ = run.facts()
    late = sorted(
        (
            Seat(patient, session, day, ends_at(program, session))
            for patient, session, day in checker_seats(run, week, published=True)
        ),
        key=lambda seat: (seat.day, seat.ends, seat.session_id, seat.patient_id),
    )
    late = [
        s for s in late if datetime.combine(s.day, s.ends, tzinfo=CHICAGO) > wednesday_afternoon
    ]
    booked = [s for s in late if (s.patient_id, s.session_id, s.day.isoformat()) in make_ups]
    for seat in booked:
        run.attend(seat, "attended")
    for seat in spread([s for s in late if s not in booked], 2):
        run.attend(seat, "attended")
    in_treatment = run.census()
    paused = sorted(r["patient_id"] for r in in_treatment if r["status"] == "paused")
    flagged = sorted(
        f"{r['patient_id']}:{','.join(r['flags'])}" for r in in_treatment if r["flags"]
    )
    run.note(f"census: {len(in_treatment)} in treatment, paused {paused}, flags {flagged}")
    run.check_step_downs(in_treatment)


def a_week_of_changes(run: Program, monday: date, sample: str) -> None:
    """The second week: a pause, a discharge, a closure added after publishing, a re-import."""
    next_week = iso_week(monday + timedelta(weeks=1))
    before = checker_seats(run, iso_week(monday), published=True) | checker_seats(
        run, next_week, published=True
    )
    run.cli("patient", "pause", "--program", PROGRAM, "--patient", PAUSED, "--reason", "hospital stay")  # fmt: skip
    run.cli("patient", "discharge", "--program", PROGRAM, "--patient", DISCHARGED, "--reason", "moved away")  # fmt: skip
    shown = run.cli("patient", "show", "--program", PROGRAM, "--patient", DISCHARGED).stdout
    assert f"discharged on {monday}: moved away" in shown, shown
    after = checker_seats(run, iso_week(monday), published=True) | checker_seats(
        run, next_week, published=True
    )
    for patient, _, day in after:
        assert patient not in (PAUSED, DISCHARGED) or day < monday, (
            f"{patient} keeps a seat on {day} in a published roster"
        )
    run.note(
        f"{PAUSED} paused; {DISCHARGED}: {shown.strip().splitlines()[-1]}; "
        f"{len(before - after)} published seats withdrawn"
    )

    document = json.loads(Path(sample).read_text(encoding="utf-8"))
    document["program"]["closures"] = [{"date": CLOSED_ON.isoformat(), "reason": "staff training"}]
    with_closure = run.folder / "with-closure.json"
    with_closure.write_text(json.dumps(document), encoding="utf-8")
    on_the_day = [s for s in checker_seats(run, next_week, published=True) if s[2] == CLOSED_ON]
    closed = run.cli("import", str(with_closure)).stdout.strip()
    assert not closed.endswith(" 0 events"), closed
    assert not [
        seat
        for seat in checker_seats(run, iso_week(CLOSED_ON), published=True)
        if seat[2] == CLOSED_ON
    ], "the closed day keeps seats"
    run.note(f"closure {CLOSED_ON} ({len(on_the_day)} published seats that day): {closed}")
    again = run.cli("import", sample).stdout.strip()
    assert again.endswith(", 0 events"), again
    run.note(f"re-import of the unchanged sample: {again}")
    run.check_rosters()


def cancel_a_meeting(run: Program, monday: date) -> None:
    """Wednesday afternoon: Friday evening's facilitator is ill; its patients move to make-ups."""
    friday = monday + timedelta(days=4)
    seats = run.published_seats(iso_week(monday))
    meeting = max(
        {s.session_id for s in seats if s.day == friday} or {"fri-evening-1"},
        key=lambda session: sum(1 for s in seats if (s.session_id, s.day) == (session, friday)),
    )
    cancelled = run.cli(
        "session", "cancel", "--program", PROGRAM, "--session", meeting,
        "--date", friday.isoformat(), "--reason", "facilitator ill",
    ).stdout.strip()  # fmt: skip
    assert f"{meeting} on {friday} cancelled" in cancelled
    run.note(cancelled.replace("\n", " /"))
    left = checker_seats(run, iso_week(monday), published=True)
    assert not [s for s in left if (s[1], s[2]) == (meeting, friday)], "the meeting keeps seats"
    run.check_rosters()


def checker_seats(run: Program, week: str, *, published: bool) -> set[tuple[str, str, date]]:
    stepdown = open_stepdown(database_from_url(run.url), clock=lambda: run.now)
    try:
        roster = stepdown.app.find_roster(PROGRAM, week)
        seats = (
            ()
            if roster is None
            else (checker.published_seats(roster) if published else roster.assignments) or ()
        )
        return {(a.patient_id, a.session_id, a.session_date) for a in seats}
    finally:
        stepdown.close()


def ends_at(program: checker.ProgramFacts, session_id: str) -> time:
    end: time = program.sessions[session_id].end
    return end


def make_ups_for(run: Program, seat: Seat) -> list[tuple[str, date]]:
    """The make-ups the patient's enrolment booked for that miss (and whether withdrawn since)."""
    stepdown = open_stepdown(database_from_url(run.url), clock=lambda: run.now)
    try:
        found = []
        for event in stepdown.app.events.get(enrollment_uuid(PROGRAM, seat.patient_id)):
            e: Any = event
            if type(event).__qualname__.endswith("MakeUpScheduled") and (
                e.missed_session_id,
                e.missed_date,
            ) == (seat.session_id, seat.day):
                found.append((e.session_id, e.session_date))
        return found
    finally:
        stepdown.close()


def spread(seats: list[Seat], count: int) -> list[Seat]:
    """`count` seats spread through the list, one per patient."""
    chosen: list[Seat] = []
    step = max(1, len(seats) // max(1, count))
    for seat in seats[::step]:
        if seat.patient_id not in {c.patient_id for c in chosen}:
            chosen.append(seat)
    return chosen[:count]
