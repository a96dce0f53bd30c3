"""The staffing part of a `stepdown/program@2` import: staff, rooms, how sessions are staffed and
the staffing policy, recorded as changes only (the same file again records nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from events.application import StepdownApplication
from events.ids import staffing_uuid
from events.staff.staffing import Staffing
from events.staff.values import SessionStaffing
from scheduler.program_file import ProgramFile, SessionIn
from scheduler.staff.file_records import MODALITIES, room_of, staff_member_of, staffing_policy_of


@dataclass(frozen=True)
class StaffingCounts:
    staff_added: int = 0
    staff_changed: int = 0
    rooms_added: int = 0
    rooms_changed: int = 0
    sessions_staffed: int = 0


def session_staffing_of(session: SessionIn) -> SessionStaffing:
    return SessionStaffing(
        session_id=session.id,
        modality=MODALITIES[session.modality or "in_person"],
        room_id=session.room,
        facilitator_ids=tuple(session.facilitators),
        required_credentials=tuple(sorted(session.credentials)),
    )


def removed_staff_in_file(app: StepdownApplication, file: ProgramFile) -> list[str]:
    """A staff member who left is not re-added by an old file: each such record, by field."""
    if not file.has_staffing or staffing_uuid(file.program.id) not in app.repository:
        return []
    staffing: Staffing = app.repository.get(staffing_uuid(file.program.id))
    return [
        f"staff[{index}].id: {member.id!r} was removed from program {file.program.id}"
        for index, member in enumerate(file.staff)
        if member.id in staffing.removed_staff
    ]


def import_staffing(
    app: StepdownApplication, file: ProgramFile, *, actor: str, today: date
) -> tuple[Staffing, StaffingCounts]:
    program_id = file.program.id
    policy = staffing_policy_of(file.program.policy)
    if staffing_uuid(program_id) in app.repository:
        staffing: Staffing = app.repository.get(staffing_uuid(program_id))
        staffing.set_policy(policy, recorded_by=actor)
    else:
        staffing = Staffing(program_id=program_id, policy=policy, recorded_by=actor)
    staff_added = staff_changed = rooms_added = rooms_changed = sessions_staffed = 0
    for staff_in in file.staff:
        member = staff_member_of(staff_in)
        current = staffing.staff.get(member.staff_id)
        if current is None:
            staffing.add_staff(member, recorded_by=actor, effective_on=today)
            staff_added += 1
        elif current != member:
            staffing.change_staff(member, recorded_by=actor, effective_on=today)
            staff_changed += 1
    for room_in in file.rooms:
        room = room_of(room_in)
        current_room = staffing.rooms.get(room.room_id)
        if current_room is None:
            staffing.add_room(room, recorded_by=actor)
            rooms_added += 1
        elif current_room != room:
            staffing.change_room(room, recorded_by=actor)
            rooms_changed += 1
    for session_in in file.sessions:
        session_staffing = session_staffing_of(session_in)
        if staffing.sessions.get(session_in.id) != session_staffing:
            staffing.staff_session(session_staffing, recorded_by=actor)
            sessions_staffed += 1
    counts = StaffingCounts(
        staff_added, staff_changed, rooms_added, rooms_changed, sessions_staffed
    )
    return staffing, counts
