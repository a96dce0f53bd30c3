"""The event-sourced application: one event store for programs, enrolments and rosters."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import JSONTranscoder, Mapper

from events.enrollment import Enrollment
from events.errors import NotFoundError
from events.ids import enrollment_uuid, program_uuid, roster_uuid
from events.persistence import Database
from events.privacy.patient_keys import PatientKeys
from events.privacy.sealing_mapper import PatientSealingMapper
from events.privacy.store_marker import check_store_marker
from events.privacy.tables import SideTable
from events.program import Program
from events.roster import Roster
from events.transcodings import register_transcodings


class StepdownApplication(Application[UUID]):
    name = "stepdown"

    def __init__(self, database: Database) -> None:
        super().__init__(env=database.env)
        self.database = database
        side_table = SideTable(self.recorder.datastore, postgres=database.is_postgres)  # type: ignore[attr-defined]
        # Before anything is written: a key (or none) that does not fit the store is refused.
        check_store_marker(side_table, self.recorder, self.mapper.cipher)
        self.patient_keys = PatientKeys(side_table, self.mapper.cipher)
        self.sealing_mapper.patient_keys = self.patient_keys
        self.sealing_mapper.recorder = self.recorder

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=PatientSealingMapper
        )

    @property
    def sealing_mapper(self) -> PatientSealingMapper:
        assert isinstance(self.mapper, PatientSealingMapper)
        return self.mapper

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    def get_program(self, program_id: str) -> Program:
        try:
            program: Program = self.repository.get(program_uuid(program_id))
        except AggregateNotFoundError:
            raise NotFoundError(f"program: {program_id!r} does not exist") from None
        return program

    def get_enrollment(self, program_id: str, patient_id: str) -> Enrollment:
        try:
            enrollment: Enrollment = self.repository.get(enrollment_uuid(program_id, patient_id))
        except AggregateNotFoundError:
            raise NotFoundError(
                f"patient: {patient_id!r} is not enrolled in program {program_id!r}"
            ) from None
        return enrollment

    def find_roster(self, program_id: str, week: str) -> Roster | None:
        try:
            roster: Roster = self.repository.get(roster_uuid(program_id, week))
        except AggregateNotFoundError:
            return None
        return roster

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.repository
