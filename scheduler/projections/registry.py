"""Every read model, in one list: the worker, the CLI and the tests all run these."""

from __future__ import annotations

from scheduler.planning.waitlist_view import WaitlistProjection
from scheduler.projections.attendance import AttendanceProjection
from scheduler.projections.census import CensusProjection
from scheduler.projections.compliance import ComplianceProjection
from scheduler.projections.directory import DirectoryProjection
from scheduler.projections.roster import RosterProjection
from scheduler.projections.runner import Projection
from scheduler.staff.staff_view import StaffProjection


def all_projections() -> tuple[Projection, ...]:
    return (
        DirectoryProjection(),
        CensusProjection(),
        AttendanceProjection(),
        ComplianceProjection(),
        RosterProjection(),
        WaitlistProjection(),
        StaffProjection(),
    )
