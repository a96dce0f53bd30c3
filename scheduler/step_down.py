"""After the last week of their plan, a patient steps down to outpatient care with a summary."""

from __future__ import annotations

from datetime import date, timedelta

from events.calendar import plan_last_day
from scheduler import queries
from scheduler.retry import retrying
from scheduler.service import Stepdown
from scheduler.staff.caseloads import leaving_caseload


def step_down_ended_plans(stepdown: Stepdown, program_id: str, *, actor: str) -> list[str]:
    """Step down every active patient whose plan's last week has ended by today; returns their ids.

    Effective the Monday after the plan's last week, a date that has always arrived by then:
    nothing is recorded for a date still in the future.
    """
    today = stepdown.today(queries.program_timezone(stepdown, program_id))
    stepped = []
    for entry in queries.census(stepdown, program_id, as_of=today):
        if entry.status != "active" or entry.program_week <= entry.plan_weeks:
            continue
        if _step_down_if_ended(stepdown, program_id, entry.patient_id, today, actor):
            stepped.append(entry.patient_id)
    return stepped


def _step_down_if_ended(
    stepdown: Stepdown, program_id: str, patient_id: str, today: date, actor: str
) -> bool:
    def use_case() -> bool:
        enrollment = stepdown.app.get_enrollment(program_id, patient_id)
        # The aggregate decides: another runner may have stepped them down, a clinician may have
        # extended the plan since the read model was written.
        last_day = plan_last_day(enrollment.start_date, len(enrollment.weekly_targets))
        if enrollment.status.value != "active" or last_day >= today:
            return False
        summary = discharge_summary(
            stepdown, program_id, patient_id, len(enrollment.weekly_targets)
        )
        ended_on = last_day + timedelta(days=1)
        enrollment.step_down(summary, recorded_by=actor, effective_on=ended_on)
        stepdown.app.save(
            enrollment, *leaving_caseload(stepdown.app, enrollment, actor=actor, today=ended_on)
        )
        return True

    return retrying(use_case, what=f"step down {patient_id}")


def discharge_summary(stepdown: Stepdown, program_id: str, patient_id: str, plan_weeks: int) -> str:
    """What the program recorded: weeks with a published roster or recorded attendance only."""
    attendance = queries.attendance_weeks(stepdown, program_id, patient_id=patient_id)
    floor_met = {
        w.week
        for w in queries.compliance_weeks(stepdown, program_id, patient_id=patient_id)
        if w.meets_weekly_floor
    }
    recorded = len(attendance)
    scheduled = sum(w.scheduled_hours for w in attendance)
    attended = sum(w.attended_hours for w in attendance)
    misses = sum(w.misses for w in attendance)
    met = sum(1 for w in attendance if w.week in floor_met)
    if recorded == 0:
        return (
            f"Completed the {plan_weeks}-week IOP plan; no published roster or attendance was "
            "recorded for them here. Stepped down to standard outpatient care."
        )
    weeks = f"{recorded} recorded week{'' if recorded == 1 else 's'}"
    missed = f"{misses} miss{'' if misses == 1 else 'es'}"
    return (
        f"Completed the {plan_weeks}-week IOP plan; attended {attended:.1f} of {scheduled:.1f} "
        f"scheduled hours over the {weeks} with {missed}; {met} of {recorded} recorded "
        f"week{'' if recorded == 1 else 's'} met the billing floor. Stepped down to standard "
        "outpatient care."
    )
