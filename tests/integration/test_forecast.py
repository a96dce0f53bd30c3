"""The capacity forecast, what-if and advice on the sample program, from the read models."""

from __future__ import annotations

from datetime import date

import pytest

from events.errors import InvalidRequestError, NotFoundError
from events.values import CheckInRating
from scheduler.attendance import record_progress
from scheduler.importing import import_program
from scheduler.planning.forecast import forecast, session_advice, what_if
from scheduler.planning.forecast_input import planned_admissions
from scheduler.service import Stepdown
from solver.planning import AddSession, PlanSession, RemoveSession
from tests.integration.helpers import event_count

PARENT_HOURS = [
    {
        "kind": "childcare",
        "days": ["MON", "TUE", "WED", "THU", "FRI"],
        "start": "07:00",
        "end": "09:00",
    },
    {
        "kind": "childcare",
        "days": ["MON", "TUE", "WED", "THU", "FRI"],
        "start": "15:00",
        "end": "19:00",
    },
]


@pytest.fixture
def sample(stepdown: Stepdown, sample_text: str) -> Stepdown:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    return stepdown


def test_the_next_twelve_weeks_of_the_sample_program(sample: Stepdown) -> None:
    plan = forecast(sample, "standard-101")
    assert plan.status == "OPTIMAL"
    assert len(plan.weeks) == 12
    first = plan.weeks[0]
    assert first.monday == date(2026, 11, 30)  # the week after the clock's
    assert first.census == 30
    # P0003 started 2026-10-26 on an 8-week plan: its last week is the week of 14 December.
    assert "P0003" in plan.weeks[2].step_downs_due
    # Parents with childcare hours fit only the Saturday group.
    parents = [s for s in first.shortfalls if "P0005" in s.patient_ids]
    assert parents
    assert parents[0].kind == "availability"
    assert "childcare" in parents[0].reason
    assert "(SAT)" in parents[0].reason
    christmas = [s for w in plan.weeks for s in w.sessions if s.day == date(2026, 12, 25)]
    assert christmas
    assert all(s.seats == 0 for s in christmas)
    assert plan.weeks[-1].census < first.census  # plans end; nobody new is planned


def test_a_hold_recorded_keeps_the_patient_a_week_longer(sample: Stepdown) -> None:
    record_progress(
        sample,
        program_id="standard-101",
        patient_id="P0003",
        rating=CheckInRating.NEEDS_SUPPORT,
        screen=None,
        on_date=date(2026, 11, 25),
        actor="clinician",
    )
    sample.catch_up()
    plan = forecast(sample, "standard-101", weeks=4)
    # An 8-week plan from 2026-10-26, extended by a week: it now ends the week of 21 December.
    assert "P0003" not in plan.weeks[2].step_downs_due
    assert "P0003" in plan.weeks[3].step_downs_due


def test_planned_admissions_are_forecast_and_wait_when_they_do_not_fit(sample: Stepdown) -> None:
    admissions = planned_admissions(
        {
            "admissions": [
                {
                    "id": "R1",
                    "start_week": "2026-W50",
                    "planned_weeks": 8,
                    "initial_days_per_week": 3,
                },
                {
                    "id": "R2",
                    "start_week": "2026-W50",
                    "planned_weeks": 8,
                    "initial_days_per_week": 4,
                    "commitments": PARENT_HOURS,
                },
            ]
        }
    )
    plan = forecast(sample, "standard-101", admissions=admissions)
    starts = {a.admission_id: a for a in plan.admissions}
    assert starts["R1"].starts == date(2026, 12, 7)
    assert starts["R1"].waiting_weeks == 0
    # A parent fits Saturday only: four days a week never fit, so they wait out the horizon.
    assert starts["R2"].starts is None
    assert starts["R2"].waiting_weeks == 11  # from its earliest week, 2026-W50


def test_bad_input_is_refused_by_name(sample: Stepdown) -> None:
    far = planned_admissions(
        {
            "admissions": [
                {
                    "id": "R1",
                    "start_week": "2027-W30",
                    "planned_weeks": 8,
                    "initial_days_per_week": 3,
                }
            ]
        }
    )
    with pytest.raises(
        InvalidRequestError, match=r"admissions\[0\].start_week: 2027-W30 is outside"
    ):
        forecast(sample, "standard-101", admissions=far)
    with pytest.raises(InvalidRequestError, match=r"admissions.0.planned_weeks"):
        planned_admissions(
            {
                "admissions": [
                    {
                        "id": "R1",
                        "start_week": "2026-W50",
                        "planned_weeks": 0,
                        "initial_days_per_week": 3,
                    }
                ]
            }
        )
    with pytest.raises(NotFoundError, match="program: 'nope'"):
        forecast(sample, "nope")
    with pytest.raises(InvalidRequestError, match="weeks: 40"):
        forecast(sample, "standard-101", weeks=40)


def test_a_what_if_records_nothing_and_refuses_removing_every_session(sample: Stepdown) -> None:
    recorded = event_count(sample)
    morning = PlanSession("new-wed-0930", 2, 9 * 60 + 30, 12 * 60 + 30, 12, "day")
    result = what_if(sample, "standard-101", [AddSession(morning)], weeks=4)
    assert result.after.shortfall_days < result.before.shortfall_days
    assert event_count(sample) == recorded
    sessions = [
        "mon-day-1", "tue-day-1", "wed-day-1", "thu-day-1", "fri-day-1",
        *[f"{d}-evening-{r}" for d in ("mon", "tue", "wed", "thu", "fri") for r in (1, 2)],
        *[f"sat-weekend-{r}" for r in range(1, 8)],
    ]  # fmt: skip
    with pytest.raises(InvalidRequestError, match="remove every session"):
        what_if(sample, "standard-101", [RemoveSession(s) for s in sessions])
    with pytest.raises(NotFoundError, match="session: 'sun-1' does not exist"):
        what_if(sample, "standard-101", [RemoveSession("sun-1")])


def test_advice_for_the_sample_opens_a_group_the_parents_can_reach(sample: Stepdown) -> None:
    result = session_advice(sample, "standard-101", count=2, weeks=4)
    assert all(a.shortfall_days_gain > 0 and a.proven for a in result.advice)
    # A weekday morning group between the school runs (09:30 at the earliest with travel).
    assert any(
        a.session.weekday < 5
        and a.session.start_minute >= 9 * 60 + 30
        and a.session.end_minute <= 14 * 60 + 30
        for a in result.advice
    )
