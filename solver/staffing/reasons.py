"""Why a meeting has no facilitator or an appointment no time: in words a coordinator can act on
("no licensed counsellor free Wednesday 17:00–20:00 (Ana Ruiz absent)")."""

from __future__ import annotations

from solver.staffing.problem import AppointmentRequest, Clinician, Meeting, StaffingProblem
from solver.staffing.words import credential_words, names, when


def unstaffed_reason(problem: StaffingProblem, meeting: Meeting, *, lead: bool) -> str:
    needed = meeting.credentials if lead else ()
    holders = [c for c in problem.clinicians if c.holds(needed)]
    span = when(meeting.start, meeting.end)
    absent = [c.name for c in holders if meeting.day in c.absent_days]
    free = [c.name for c in holders if c.covers(meeting.start, meeting.end)]
    if free:
        return (
            f"every {credential_words(needed)} free {span} is already booked then or past "
            f"their weekly hours ({names(free)})"
        )
    reason = f"no {credential_words(needed)} free {span}"
    return f"{reason} ({names(absent)} absent)" if absent else reason


def missing_second_reason(problem: StaffingProblem, meeting: Meeting) -> str:
    return (
        f"{meeting.size} patients is above {problem.second_facilitator_above}, so the group "
        f"needs a second facilitator: {unstaffed_reason(problem, meeting, lead=False)}"
    )


def unmet_appointment_reason(
    request: AppointmentRequest, counsellor: Clinician | None, had_time: bool, minutes_left: int
) -> str:
    kind = "family session" if request.kind == "family" else "individual session"
    if request.counsellor_id is None:
        return f"no {kind}: no primary counsellor assigned (assign one)"
    if counsellor is None:
        return f"no {kind}: the primary counsellor {request.counsellor_id} does not work this week"
    if not had_time:
        return (
            f"no {kind}: no {request.minutes} minutes when the patient and {counsellor.name} "
            "are both free this week"
        )
    if minutes_left < request.minutes:
        return f"no {kind}: {counsellor.name} has no hours left this week"
    return (
        f"no {kind}: every time {counsellor.name} and the patient are both free is taken by "
        f"{counsellor.name}'s groups and other sessions"
    )
