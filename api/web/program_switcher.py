"""The programs a signed-in person may read, each linked to its current week, for the header."""

from __future__ import annotations

from dataclasses import dataclass

from api.auth import Principal
from events.calendar import iso_week
from scheduler import queries
from scheduler.service import Stepdown


@dataclass(frozen=True)
class ProgramLink:
    program_id: str
    name: str
    href: str  # the program's week page, this week where the program is


def readable_programs(stepdown: Stepdown, who: Principal) -> list[ProgramLink]:
    """By name: the order a person scans a list in (ids are for machines)."""
    links = [
        ProgramLink(
            program["program_id"],
            program["name"],
            f"/ui/programs/{program['program_id']}/weeks/"
            f"{iso_week(stepdown.today(program['timezone']))}",
        )
        for program in queries.programs(stepdown)
        if who.scope.allows(program["program_id"])
    ]
    return sorted(links, key=lambda link: (link.name.casefold(), link.program_id))
