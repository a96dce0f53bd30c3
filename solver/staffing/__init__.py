"""Staff in the same week as the patients: facilitators for every meeting that runs (a second one
above the program's size), individual and family sessions with each patient's primary counsellor,
nobody in two places, nobody past their hours. CP-SAT over frozen dataclasses."""

from solver.staffing.problem import (
    AppointmentRequest,
    Clinician,
    Meeting,
    StaffingProblem,
)
from solver.staffing.solution import (
    Appointment,
    MeetingStaff,
    StaffingSolution,
    UnmetAppointment,
    UnstaffedMeeting,
)
from solver.staffing.solve import solve_staffing
from solver.staffing.staffable import staffable_meetings

__all__ = [
    "Appointment",
    "AppointmentRequest",
    "Clinician",
    "Meeting",
    "MeetingStaff",
    "StaffingProblem",
    "StaffingSolution",
    "UnmetAppointment",
    "UnstaffedMeeting",
    "solve_staffing",
    "staffable_meetings",
]
