"""The Staffing aggregate: one per program, holding its staff, rooms, how each session is
staffed, absences and primary counsellors. One aggregate, so a caseload cap is checked against
every assignment in the same consistency boundary."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from events.copying import CopiesContainers
from events.errors import ConflictError, InvalidRequestError, NotFoundError
from events.ids import staffing_uuid
from events.staff.values import Room, SessionStaffing, StaffingPolicy, StaffMember


class Staffing(CopiesContainers, Aggregate):
    @staticmethod
    def create_id(program_id: str) -> UUID:
        return staffing_uuid(program_id)

    @event("StaffingStarted")
    def __init__(self, program_id: str, policy: StaffingPolicy, recorded_by: str) -> None:
        self.program_id = program_id
        self.policy = policy
        self.staff: dict[str, StaffMember] = {}
        self.removed_staff: dict[str, StaffMember] = {}
        self.rooms: dict[str, Room] = {}
        self.sessions: dict[str, SessionStaffing] = {}
        self.absences: dict[str, list[tuple[date, date]]] = {}
        # patient id → staff id of their primary counsellor
        self.primary_counsellors: dict[str, str] = {}

    # --- commands -------------------------------------------------------------------------

    def set_policy(self, policy: StaffingPolicy, *, recorded_by: str) -> None:
        if policy != self.policy:
            self._policy_set(policy, recorded_by)

    def add_staff(self, member: StaffMember, *, recorded_by: str, effective_on: date) -> None:
        if member.staff_id in self.staff or member.staff_id in self.removed_staff:
            raise ConflictError(f"staff: {member.staff_id!r} already exists in {self.program_id}")
        self._staff_added(member, recorded_by, effective_on)

    def change_staff(self, member: StaffMember, *, recorded_by: str, effective_on: date) -> None:
        self.member(member.staff_id)
        self._staff_changed(member, recorded_by, effective_on)

    def remove_staff(self, staff_id: str, *, recorded_by: str, effective_on: date) -> None:
        """A member who leaves: they facilitate nothing and counsel no one from then on."""
        self.member(staff_id)
        facilitated = sorted(
            s.session_id for s in self.sessions.values() if staff_id in s.facilitator_ids
        )
        if facilitated:
            raise ConflictError(
                f"staff: {staff_id!r} still facilitates {', '.join(facilitated)}; "
                "assign another facilitator first"
            )
        caseload = self.caseload(staff_id)
        if caseload:
            raise ConflictError(
                f"staff: {staff_id!r} is primary counsellor of {caseload} patient(s); "
                "assign them another counsellor first"
            )
        self._staff_removed(staff_id, recorded_by, effective_on)

    def add_room(self, room: Room, *, recorded_by: str) -> None:
        if room.room_id in self.rooms:
            raise ConflictError(f"room: {room.room_id!r} already exists in {self.program_id}")
        self._room_added(room, recorded_by)

    def change_room(self, room: Room, *, recorded_by: str) -> None:
        self.room(room.room_id)
        self._room_changed(room, recorded_by)

    def staff_session(self, staffing: SessionStaffing, *, recorded_by: str) -> None:
        for staff_id in staffing.facilitator_ids:
            self.member(staff_id)
        if staffing.room_id is not None:
            self.room(staffing.room_id)
        if self.sessions.get(staffing.session_id) != staffing:
            self._session_staffed(staffing, recorded_by)

    def mark_absent(
        self, staff_id: str, first_day: date, last_day: date, reason: str, *, recorded_by: str
    ) -> None:
        """Absent from `first_day` to `last_day`, both included; the same absence again records
        nothing."""
        self.member(staff_id)
        if last_day < first_day:
            raise InvalidRequestError(
                f"last_day: {last_day} is before the first day of the absence {first_day}"
            )
        if (first_day, last_day) not in self.absences.get(staff_id, []):
            self._staff_absent(staff_id, first_day, last_day, reason, recorded_by, first_day)

    def assign_primary_counsellor(
        self, patient_id: str, staff_id: str, *, recorded_by: str, effective_on: date
    ) -> None:
        member = self.member(staff_id)
        if self.primary_counsellors.get(patient_id) == staff_id:
            return
        if self.caseload(staff_id) >= member.caseload_cap:
            raise ConflictError(
                f"staff: {staff_id!r} has a full caseload "
                f"({self.caseload(staff_id)} of {member.caseload_cap})"
            )
        self._primary_counsellor_assigned(patient_id, staff_id, recorded_by, effective_on)

    def release_primary_counsellor(
        self, patient_id: str, *, recorded_by: str, effective_on: date
    ) -> None:
        """A patient who left the program (stepped down, discharged) leaves the caseload."""
        if patient_id in self.primary_counsellors:
            self._primary_counsellor_released(patient_id, recorded_by, effective_on)

    # --- queries --------------------------------------------------------------------------

    def member(self, staff_id: str) -> StaffMember:
        try:
            return self.staff[staff_id]
        except KeyError:
            raise NotFoundError(
                f"staff: {staff_id!r} is not a staff member of program {self.program_id}"
            ) from None

    def room(self, room_id: str) -> Room:
        try:
            return self.rooms[room_id]
        except KeyError:
            raise NotFoundError(
                f"room: {room_id!r} is not a room of program {self.program_id}"
            ) from None

    def caseload(self, staff_id: str) -> int:
        return sum(1 for counsellor in self.primary_counsellors.values() if counsellor == staff_id)

    # --- events ---------------------------------------------------------------------------

    @event("StaffingPolicySet")
    def _policy_set(self, policy: StaffingPolicy, recorded_by: str) -> None:
        self.policy = policy

    @event("StaffAdded")
    def _staff_added(self, member: StaffMember, recorded_by: str, effective_on: date) -> None:
        self.staff[member.staff_id] = member

    @event("StaffChanged")
    def _staff_changed(self, member: StaffMember, recorded_by: str, effective_on: date) -> None:
        self.staff[member.staff_id] = member

    @event("StaffRemoved")
    def _staff_removed(self, staff_id: str, recorded_by: str, effective_on: date) -> None:
        self.removed_staff[staff_id] = self.staff.pop(staff_id)

    @event("RoomAdded")
    def _room_added(self, room: Room, recorded_by: str) -> None:
        self.rooms[room.room_id] = room

    @event("RoomChanged")
    def _room_changed(self, room: Room, recorded_by: str) -> None:
        self.rooms[room.room_id] = room

    @event("SessionStaffed")
    def _session_staffed(self, staffing: SessionStaffing, recorded_by: str) -> None:
        self.sessions[staffing.session_id] = staffing

    @event("StaffAbsent")
    def _staff_absent(
        self,
        staff_id: str,
        first_day: date,
        last_day: date,
        reason: str,
        recorded_by: str,
        effective_on: date,
    ) -> None:
        self.absences.setdefault(staff_id, []).append((first_day, last_day))

    @event("PrimaryCounsellorAssigned")
    def _primary_counsellor_assigned(
        self, patient_id: str, staff_id: str, recorded_by: str, effective_on: date
    ) -> None:
        self.primary_counsellors[patient_id] = staff_id

    @event("PrimaryCounsellorReleased")
    def _primary_counsellor_released(
        self, patient_id: str, recorded_by: str, effective_on: date
    ) -> None:
        del self.primary_counsellors[patient_id]

    def __repr__(self) -> str:
        return f"Staffing({self.program_id!r}, staff={len(self.staff)}, rooms={len(self.rooms)})"
