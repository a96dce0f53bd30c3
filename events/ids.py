"""Aggregate ids derived from business ids, so a re-import finds what it created before."""

from __future__ import annotations

from uuid import UUID, uuid5

STEPDOWN_NAMESPACE = UUID("6f1c1f5e-3b7e-4c55-9f3e-6a4f5e8f2d10")


def program_uuid(program_id: str) -> UUID:
    return uuid5(STEPDOWN_NAMESPACE, f"program/{program_id}")


def enrollment_uuid(program_id: str, patient_id: str) -> UUID:
    return uuid5(STEPDOWN_NAMESPACE, f"enrollment/{program_id}/{patient_id}")


def roster_uuid(program_id: str, iso_week: str) -> UUID:
    return uuid5(STEPDOWN_NAMESPACE, f"roster/{program_id}/{iso_week}")


def staffing_uuid(program_id: str) -> UUID:
    return uuid5(STEPDOWN_NAMESPACE, f"staffing/{program_id}")
