"""After the last week of their plan, a patient steps down to outpatient care with a summary."""

from __future__ import annotations

from datetime import date, timedelta

from events.calendar import plan_last_day
from scheduler import queries
from scheduler.retry import retrying
from scheduler.service import Stepdown


def step_down_completed_plans(
    stepdown: Stepdown, program_id: str, *, before: date, actor: str
) -> list[str]:
    """Step down every active patient whose plan ended before `before`; returns their ids."""
    stepped = []
    for entry in queries.census(stepdown, program_id, as_of=before):
        if entry.status != "active" or entry.weekly_target is not None or entry.program_week < 1:
            continue
        # Effective the Monday after the plan's last week.
        plan_end = plan_last_day(entry.start_date, entry.plan_weeks) + timedelta(days=1)
        summary = discharge_summary(stepdown, program_id, entry.patient_id, entry.plan_weeks)

        def use_case(
            patient_id: str = entry.patient_id, on: date = plan_end, text: str = summary
        ) -> None:
            enrollment = stepdown.app.get_enrollment(program_id, patient_id)
            if enrollment.status.value == "active":
                enrollment.step_down(text, recorded_by=actor, effective_on=on)
                stepdown.app.save(enrollment)

        retrying(use_case, what=f"step down {entry.patient_id}")
        stepped.append(entry.patient_id)
    if stepped:
        stepdown.catch_up()
    return stepped


def discharge_summary(stepdown: Stepdown, program_id: str, patient_id: str, plan_weeks: int) -> str:
    attendance = queries.attendance_weeks(stepdown, program_id, patient_id=patient_id)
    compliance = queries.compliance_weeks(stepdown, program_id, patient_id=patient_id)
    scheduled = sum(w.scheduled_hours for w in attendance)
    attended = sum(w.attended_hours for w in attendance)
    misses = sum(w.misses for w in attendance)
    met = sum(1 for w in compliance if w.meets_weekly_floor)
    return (
        f"Completed the {plan_weeks}-week IOP plan; attended {attended:.1f} of {scheduled:.1f} "
        f"recorded hours with {misses} misses; {met} of {plan_weeks} weeks met the billing "
        "floor. Stepped down to standard outpatient care."
    )
