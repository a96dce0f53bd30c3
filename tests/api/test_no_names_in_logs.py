"""Logs carry ids, never a patient's name (logs are shipped and kept outside the database)."""

from __future__ import annotations

import logging

import pytest

from tests.api.conftest import PROGRAM, WEEK, Api


def test_a_busy_session_logs_no_patient_name(
    program: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/generate", json={})
    program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/publish")
    program.post(
        f"/programs/{PROGRAM}/patients",
        json={
            "id": "P0001",
            "name": "Patient 1",
            "start_date": "2026-11-23",
            "planned_weeks": 8,
            "initial_days_per_week": 3,
        },
    )  # a conflict
    program.post(
        f"/programs/{PROGRAM}/attendance",
        role="clinician",
        json={
            "patient_id": "P0002",
            "session_id": "mon-evening-1",
            "date": "2026-11-23",
            "status": "missed",
            "reason": "flu",
        },
    )
    program.get(f"/programs/{PROGRAM}/rosters/{WEEK}/roster.csv")
    assert caplog.records  # the scenario did log
    for record in caplog.records:
        assert "Patient " not in record.getMessage(), record.getMessage()
