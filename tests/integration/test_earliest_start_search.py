""" "When can they start?" equals a brute-force search over start dates on small programs.

The checker shares no code with the service's max-flow check: for each candidate start and each
week of the course it tries every seating of every patient (enrolled and referred) and asks
whether the referral gets their days while the enrolled keep the most they could have alone.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import holidays

from events.persistence import database_from_url
from events.taper import TaperPlan, default_targets
from scheduler.importing import import_program
from scheduler.planning import referrals
from scheduler.planning.earliest_start import earliest_start
from scheduler.service import open_stepdown
from tests.conftest import fixed_clock
from tests.integration.planning_program import PROGRAM, group, referral, small_program

DAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
TRAVEL = 30
HORIZON_WEEKS = 4
CANDIDATES = [date(2026, 11, 30) + timedelta(weeks=w) for w in range(4)]  # to 23 Dec
US = holidays.country_holidays("US", years=[2026, 2027])


@dataclass(frozen=True)
class Person:
    start: date
    weeks: int
    initial: int
    work: tuple[tuple[int, int, int], ...]  # (weekday, start minute, end minute)

    def targets(self) -> list[int]:
        return default_targets(TaperPlan(self.initial, 1, self.weeks, 4))


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def _random_work(rng: random.Random) -> list[dict[str, Any]]:
    if rng.random() < 0.4:
        return []
    start, end = rng.choice([("08:00", "17:00"), ("12:00", "20:00"), ("06:00", "12:00")])
    return [{"kind": "work", "days": sorted(rng.sample(DAYS[:6], 3)), "start": start, "end": end}]


def _person(document: dict[str, Any], start: date) -> Person:
    work = tuple(
        (DAYS.index(day), _minutes(c["start"]), _minutes(c["end"]))
        for c in document["commitments"]
        for day in c["days"]
    )
    return Person(start, document["planned_weeks"], document["initial_days_per_week"], work)


def _seatings(
    sessions: list[tuple[str, date, int, int]], person: Person, monday: date, required: int
) -> list[tuple[str, ...]]:
    last = person.start + timedelta(weeks=person.weeks) - timedelta(days=person.start.weekday() + 1)
    fits = [
        s
        for s in sessions
        if person.start <= s[1] <= last
        and not any(
            day == s[1].weekday() and s[2] - TRAVEL < end and begin < s[3] + TRAVEL
            for day, begin, end in person.work
        )
    ]
    options: list[tuple[str, ...]] = []
    for size in range(required + 1):
        for combo in itertools.combinations(fits, size):
            if len({s[1] for s in combo}) == size:
                options.append(tuple(s[0] for s in combo))
    return options


def _required(person: Person, monday: date, open_days: set[date]) -> int:
    week = (monday - person.start).days // 7 + 1
    targets = person.targets()
    if not 1 <= week <= len(targets):
        return 0
    return min(targets[week - 1], len([d for d in open_days if d >= person.start]))


def _week_fits(
    program: dict[str, Any], enrolled: list[Person], newcomer: Person, monday: date
) -> bool:
    sessions = []
    for s in program["sessions"]:
        day = monday + timedelta(days=DAYS.index(s["weekday"]))
        if day not in US:
            sessions.append((s["id"], day, _minutes(s["start"]), _minutes(s["end"])))
    capacity = {s["id"]: s["capacity"] for s in program["sessions"]}
    open_days = {s[1] for s in sessions}
    needed = _required(newcomer, monday, open_days)
    people = [*enrolled, newcomer]
    options = [_seatings(sessions, p, monday, _required(p, monday, open_days)) for p in people]
    outcomes: set[tuple[int, int]] = set()
    for seating in itertools.product(*options):
        taken: dict[str, int] = {}
        for chosen in seating:
            for session_id in chosen:
                taken[session_id] = taken.get(session_id, 0) + 1
        if all(n <= capacity[sid] for sid, n in taken.items()):
            outcomes.add((sum(len(c) for c in seating[:-1]), len(seating[-1])))
    best_alone = max(e for e, _ in outcomes)
    return (best_alone, needed) in outcomes


def brute_force_start(
    program: dict[str, Any], enrolled: list[Person], newcomer: dict[str, Any]
) -> date | None:
    for start in CANDIDATES:
        person = _person(newcomer, start)
        mondays = [start + timedelta(weeks=w) for w in range(person.weeks)]
        if all(_week_fits(program, enrolled, person, monday) for monday in mondays):
            return start
    return None


def random_case(seed: int) -> tuple[dict[str, Any], list[Person], dict[str, Any]]:
    rng = random.Random(seed)
    sessions = [
        group(
            f"s{i}",
            rng.choice(DAYS[:6]),
            rng.choice(["09:00", "13:00", "18:00"]),
            rng.choice([1, 1, 2]),
        )
        for i in range(4)
    ]
    patients = []
    enrolled = []
    for i in range(2):
        start = date(2026, 11, 30) + timedelta(weeks=rng.randrange(2))
        document = {
            "id": f"P{i}",
            "name": f"Patient {i}",
            "start_date": start.isoformat(),
            "planned_weeks": rng.randint(2, 3),
            "initial_days_per_week": rng.randint(2, 3),
            "commitments": _random_work(rng),
        }
        patients.append(document)
        enrolled.append(_person(document, start))
    newcomer = {
        "planned_weeks": rng.randint(2, 4),
        "initial_days_per_week": rng.randint(1, 3),
        "commitments": _random_work(rng),
    }
    return json.loads(small_program(sessions, patients)), enrolled, newcomer


def test_earliest_start_equals_a_brute_force_search_on_small_programs(tmp_path: Path) -> None:
    answers = []
    for seed in range(24):
        program, enrolled, newcomer = random_case(seed)
        program["program"]["id"] = f"{PROGRAM}-{seed}"
        stepdown = open_stepdown(
            database_from_url(f"sqlite:///{tmp_path}/s{seed}.db"), clock=fixed_clock
        )
        try:
            import_program(stepdown, json.dumps(program), actor="coordinator")
            referrals.refer(stepdown, f"{PROGRAM}-{seed}", referral("NEW", **newcomer), actor="i")
            stepdown.catch_up()
            found = earliest_start(
                stepdown, f"{PROGRAM}-{seed}", "NEW", horizon_weeks=HORIZON_WEEKS
            ).start_date
        finally:
            stepdown.close()
        expected = brute_force_start(program, enrolled, newcomer)
        assert found == expected, f"seed {seed}: service {found}, brute force {expected}"
        answers.append(found)
    # The cases cover a start at once, a later start and none within the horizon.
    assert CANDIDATES[0] in answers
    assert None in answers
    assert set(answers) - {CANDIDATES[0], None}
