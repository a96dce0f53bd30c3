"""Intake: whether one more patient's week fits a program's sessions beside those enrolled."""

from solver.intake.week_fit import SeatPlan, WeekFit, WeekSeats, seat_plan, week_fit

__all__ = ["SeatPlan", "WeekFit", "WeekSeats", "seat_plan", "week_fit"]
