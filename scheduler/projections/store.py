"""View tables beside the event store, written in the same transaction as their tracking record.

The eventsourcing tracking recorder gives us, on SQLite and PostgreSQL alike, a datastore with
transactions and a tracking table whose insert refuses a position that is not past the last one.
That alone does not stop two runners from applying overlapping batches (one reads position 100
and records 600, the other read 100 too and records 700 over it), so each batch first takes a
per-projection lock and reads the position after it (`ViewCursor.lock_projection`).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    Cipher,
    InfrastructureFactory,
    Tracking,
    TrackingRecorder,
)

from events.errors import InvalidRequestError
from events.persistence import Database
from events.privacy import patient_keys
from events.privacy.patient_keys import PatientKeys
from events.privacy.sealing_mapper import ERASED

Row = Mapping[str, Any]


SEALED = "sealed:"
# A field sealed under one patient's key: "patient:<enrolment uuid hex>:<sealed text>".
PATIENT_SEALED = "patient:"
# The first key of the PostgreSQL advisory locks that serialise runners of one read model.
PROJECTION_LOCK_CLASS = 5_702_163


class Sealer:
    """Protected health information in read models (names, clinical free text) is sealed with
    the event store's cipher when a key is configured, and read back through `unseal`; what
    belongs to one patient is sealed under that patient's key (`seal_for`), so erasing the
    patient makes it unreadable here too."""

    def __init__(self, cipher: Cipher | None, patient_keys: PatientKeys | None = None) -> None:
        self._cipher = cipher
        self._patient_keys = patient_keys

    def seal(self, text: str) -> str:
        if self._cipher is None:
            return text
        return SEALED + base64.b64encode(self._cipher.encrypt(text.encode())).decode()

    def seal_for(self, subject: UUID, text: str) -> str:
        """Under the patient's key when they have one (patients enrolled before per-patient keys,
        and erased ones, have none: their text is sealed with the store's cipher only)."""
        if self._patient_keys is not None:
            patient_key = self._patient_keys.key_for(subject)
            if patient_key.key is not None:
                return f"{PATIENT_SEALED}{subject.hex}:{patient_keys.seal(patient_key.key, text)}"
        return self.seal(text)

    def unseal(self, text: str) -> str:
        if text.startswith(PATIENT_SEALED):
            return self._unseal_for_patient(text)
        if not text.startswith(SEALED):
            return text
        if self._cipher is None:
            raise InvalidRequestError(
                "STEPDOWN_CIPHER_KEY: the read models are encrypted and no key is configured"
            )
        return self._cipher.decrypt(base64.b64decode(text[len(SEALED) :])).decode()

    def _unseal_for_patient(self, text: str) -> str:
        subject, sealed = text[len(PATIENT_SEALED) :].split(":", 1)
        if self._patient_keys is None:
            return ERASED
        patient_key = self._patient_keys.key_for(UUID(subject))
        if patient_key.key is None:
            return ERASED
        return patient_keys.unseal(patient_key.key, sealed)


class ViewCursor:
    """One transaction's cursor; SQL is written with `?` placeholders for both backends."""

    def __init__(
        self, cursor: Any, *, postgres: bool, recorder: TrackingRecorder, sealer: Sealer
    ) -> None:
        self._cursor = cursor
        self._postgres = postgres
        self._recorder = recorder
        self.seal = sealer.seal
        self.seal_for = sealer.seal_for
        self.unseal = sealer.unseal
        # The notification a handler is applying (set by the projection runner): the order in
        # which things were recorded, where timestamps from a fixed clock tie.
        self.notification_id = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self._postgres:
            sql = sql.replace("?", "%s")
        self._cursor.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self._postgres:
            sql = sql.replace("?", "%s")
        self._cursor.executemany(sql, [tuple(row) for row in rows])

    def fetchall(self) -> list[Row]:
        return [dict(row) for row in self._cursor.fetchall()]

    def fetchone(self) -> Row | None:
        row = self._cursor.fetchone()
        return None if row is None else dict(row)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.execute(sql, params)
        return self.fetchall()

    def lock_projection(self, projection_name: str) -> None:
        """Hold this projection until the transaction ends: runners of one read model (threads,
        processes) apply batches one after another, each reading the position the last one left.

        PostgreSQL: a transaction-scoped advisory lock per schema and projection. SQLite: the
        database's write lock, taken by a first statement that writes, so no snapshot read
        before it can go stale (a later upgrade to writing would fail with "busy").
        Call it first in the transaction, before reading the position.
        """
        if self._postgres:
            self.execute(
                "SELECT pg_advisory_xact_lock(?, hashtext(current_schema() || '/' || ?))",
                (PROJECTION_LOCK_CLASS, projection_name),
            )
        else:
            self.execute(
                "UPDATE tracking SET notification_id = notification_id WHERE application_name = ?",
                (projection_name,),
            )

    def record_position(self, projection_name: str, notification_id: int) -> None:
        self._recorder._insert_tracking(  # type: ignore[attr-defined]
            self._cursor, Tracking(projection_name, notification_id)
        )

    def position(self, projection_name: str) -> int:
        """The last notification id this projection applied, read inside this transaction."""
        rows = self.query(
            f"SELECT MAX(notification_id) AS position FROM {self._tracking_table()} "
            "WHERE application_name = ?",
            (projection_name,),
        )
        return int(rows[0]["position"] or 0)

    def forget_position(self, projection_name: str) -> None:
        self.execute(
            f"DELETE FROM {self._tracking_table()} WHERE application_name = ?", (projection_name,)
        )

    def _tracking_table(self) -> str:
        if self._postgres:
            return f"{self._recorder.datastore.schema}.notification_tracking"  # type: ignore[attr-defined]
        return "tracking"


class ViewStore:
    def __init__(self, database: Database, *, patient_keys: PatientKeys | None = None) -> None:
        self.database = database
        factory = InfrastructureFactory.construct(database.env)
        self.recorder: TrackingRecorder = factory.tracking_recorder()
        self._factory = factory
        self.sealer = Sealer(factory.cipher(), patient_keys)

    @property
    def is_postgres(self) -> bool:
        return self.database.is_postgres

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[ViewCursor]:
        datastore: Any = self.recorder.datastore  # type: ignore[attr-defined]
        with datastore.transaction(commit=commit) as cursor:
            if self.is_postgres:
                cursor.execute(f"SET LOCAL search_path TO {datastore.schema}")
            yield ViewCursor(
                cursor, postgres=self.is_postgres, recorder=self.recorder, sealer=self.sealer
            )

    def position(self, projection_name: str) -> int:
        return self.recorder.max_tracking_id(projection_name) or 0

    def close(self) -> None:
        self._factory.close()
