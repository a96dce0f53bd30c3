"""Checks across the staff, rooms and sessions of a program file that a per-field schema cannot
make: every facilitator and room exists, facilitators hold the credentials and hours a session
needs, and a staff member's availability windows do not overlap."""

from __future__ import annotations

from collections.abc import Iterator

from scheduler.program_file import FORMAT_WITH_STAFF, ProgramFile, SessionIn
from scheduler.staff.file_records import StaffIn, StaffingPolicyIn

STAFFING_SESSION_FIELDS = ("modality", "room", "facilitators", "credentials")


def staffing_problems(file: ProgramFile) -> Iterator[str]:
    if not file.has_staffing:
        yield from _fields_of_a_later_format(file)
        return
    yield from _repeated_ids("staff", [member.id for member in file.staff])
    yield from _repeated_ids("rooms", [room.id for room in file.rooms])
    for index, member in enumerate(file.staff):
        yield from availability_problems(f"staff[{index}]", member)
    members = {member.id: member for member in file.staff}
    capacities = {room.id: room.capacity for room in file.rooms}
    for index, session in enumerate(file.sessions):
        yield from session_staffing_problems(f"sessions[{index}]", session, members, capacities)
    yield from double_bookings(file.sessions)


def double_bookings(sessions: list[SessionIn]) -> Iterator[str]:
    """No staff member or room is in two sessions at once (a virtual session uses no room)."""
    indexed = sorted(enumerate(sessions), key=lambda pair: (pair[1].weekday.value, pair[1].start))
    for position, (index, session) in enumerate(indexed):
        # Sorted by day and start: the sessions after this one that start before it ends.
        for other_index, other in indexed[position + 1 :]:
            if other.weekday is not session.weekday or other.start >= session.end:
                break
            later, earlier = max(index, other_index), min(index, other_index)
            first = sessions[earlier]
            for staff_id in sorted(set(session.facilitators) & set(other.facilitators)):
                yield (
                    f"sessions[{later}].facilitators: {staff_id!r} also facilitates "
                    f"{first.id} (sessions[{earlier}]) at the same time"
                )
            if (
                session.room is not None
                and session.room == other.room
                and "virtual" not in (session.modality, other.modality)
            ):
                yield (
                    f"sessions[{later}].room: {session.room!r} also holds {first.id} "
                    f"(sessions[{earlier}]) at the same time"
                )


def availability_problems(where: str, member: StaffIn) -> Iterator[str]:
    """A window ends after it starts; two windows of one day may not overlap (one person, one
    place: overlapping windows would count hours twice)."""
    for index, window in enumerate(member.availability):
        if window.end <= window.start:
            yield (
                f"{where}.availability[{index}].end: {window.end:%H:%M} is not after start "
                f"{window.start:%H:%M}"
            )
        for earlier_index, earlier in enumerate(member.availability[:index]):
            if (
                earlier.weekday is window.weekday
                and earlier.start < window.end
                and window.start < earlier.end
            ):
                yield (
                    f"{where}.availability[{index}]: {window.weekday.name} "
                    f"{window.start:%H:%M}-{window.end:%H:%M} overlaps availability"
                    f"[{earlier_index}] {earlier.start:%H:%M}-{earlier.end:%H:%M} of {member.id}"
                )


def session_staffing_problems(
    where: str, session: SessionIn, members: dict[str, StaffIn], capacities: dict[str, int]
) -> Iterator[str]:
    modality = session.modality or "in_person"
    if session.room is not None:
        if modality == "virtual":
            yield f"{where}.room: {session.room!r} given for a virtual session (no room)"
        elif session.room not in capacities:
            yield f"{where}.room: {session.room!r} is not a room of the file"
        elif modality == "in_person" and capacities[session.room] < session.capacity:
            yield (
                f"{where}.room: {session.room!r} holds {capacities[session.room]}, "
                f"fewer than the session's capacity {session.capacity}"
            )
    if len(set(session.facilitators)) != len(session.facilitators):
        yield f"{where}.facilitators: a facilitator appears more than once"
    for f_index, staff_id in enumerate(session.facilitators):
        f_where = f"{where}.facilitators[{f_index}]"
        member = members.get(staff_id)
        if member is None:
            yield f"{f_where}: {staff_id!r} is not a staff member of the file"
            continue
        # The lead (first) facilitator holds what the group needs; a co-facilitator need not.
        missing = sorted(set(session.credentials) - set(member.credentials))
        if f_index == 0 and missing:
            yield (
                f"{f_where}: {staff_id!r} lacks the credential {', '.join(missing)} "
                f"session {session.id} needs of its lead facilitator"
            )
        if not any(
            window.weekday is session.weekday
            and window.start <= session.start
            and session.end <= window.end
            for window in member.availability
        ):
            yield (
                f"{f_where}: {staff_id!r} is not available {session.weekday.name} "
                f"{session.start:%H:%M}-{session.end:%H:%M}"
            )


def _fields_of_a_later_format(file: ProgramFile) -> Iterator[str]:
    policy = file.program.policy
    for name in sorted(policy.model_fields_set & set(StaffingPolicyIn.model_fields)):
        yield f"program.policy.{name}: needs format {FORMAT_WITH_STAFF!r}"
    for name in ("staff", "rooms"):
        if getattr(file, name):
            yield f"{name}: needs format {FORMAT_WITH_STAFF!r} (the file says {file.format!r})"
    for index, session in enumerate(file.sessions):
        for name in STAFFING_SESSION_FIELDS:
            if getattr(session, name):
                yield (
                    f"sessions[{index}].{name}: needs format {FORMAT_WITH_STAFF!r} "
                    f"(the file says {file.format!r})"
                )


def _repeated_ids(records: str, ids: list[str]) -> Iterator[str]:
    """Ids are unique ignoring case, as every other id of the file."""
    seen: set[str] = set()
    for index, record_id in enumerate(ids):
        if record_id.lower() in seen:
            yield f"{records}[{index}].id: {record_id!r} appears more than once"
        seen.add(record_id.lower())
