"""Attendance flags (outreach, clinical review): acknowledging one, and a patient's flag history."""
