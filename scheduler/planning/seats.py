"""The seats a program's enrolled patients need in future weeks, from their own tapers.

Interface shared with the forecast: `committed_seats` answers "seats used per session per
future week by the enrolled" in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from events.calendar import iso_week
from scheduler.projections.store import ViewCursor
from scheduler.roster_problem import build_roster_input, caseload_rows
from scheduler.service import Stepdown
from solver.intake import SeatPlan, WeekSeats
from solver.problem import RosterProblem


@dataclass
class FutureWeeks:
    """Each future week's roster problem (the enrolled with their taper targets), built once."""

    cursor: ViewCursor
    program_id: str
    _caseload: list[dict[str, Any]] | None = None
    _problems: dict[date, RosterProblem] = field(default_factory=dict)
    _seats: dict[date, WeekSeats] = field(default_factory=dict)

    def problem(self, monday: date) -> RosterProblem:
        if monday not in self._problems:
            if self._caseload is None:
                self._caseload = caseload_rows(self.cursor, self.program_id)
            built = build_roster_input(
                self.cursor, self.program_id, iso_week(monday), caseload=self._caseload
            ).problem
            # A future week is planned afresh: pins and last week's seats do not bind it.
            self._problems[monday] = RosterProblem(
                week_monday=built.week_monday,
                sessions=built.sessions,
                patients=built.patients,
                closed_days=built.closed_days,
            )
        return self._problems[monday]

    def seats(self, monday: date) -> WeekSeats:
        """The week's sessions and enrolled, ready for a seating plan or a newcomer's fit."""
        if monday not in self._seats:
            self._seats[monday] = WeekSeats(self.problem(monday))
        return self._seats[monday]

    def plan(self, monday: date) -> SeatPlan:
        """One seating of the enrolled that meets as many of their required days as possible."""
        return self.seats(monday).plan()


def committed_seats(
    stepdown: Stepdown, program_id: str, mondays: Iterable[date]
) -> dict[tuple[str, str], int]:
    """{(ISO week, session id): seats} the enrolled take in each week, in a seating that meets
    the most of their required days (their tapers, pauses and ends; patients admitted with a
    later start included). Sessions nobody needs are left out."""
    with stepdown.views.transaction(commit=False) as cursor:
        weeks = FutureWeeks(cursor, program_id)
        return {
            (iso_week(monday), session_id): seats
            for monday in mondays
            for session_id, seats in weeks.plan(monday).seats_by_session.items()
        }
