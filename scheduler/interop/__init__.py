"""Exchanging the schedule with other systems in their standards (FHIR R4)."""
