"""Each patient's own data key, which seals their personal fields; erasing a patient destroys it.

Keys are kept in `stepdown_patient_keys` beside the events, wrapped (AES-GCM) by the store key
when the store is encrypted. Without a store key they are kept unwrapped: a copy of the database
then reads everything, as it reads the plaintext events, but destroying a key still makes that
patient's sealed fields unreadable everywhere, so erasure works on every store.
"""

from __future__ import annotations

import base64
import enum
import os
import threading
from dataclasses import dataclass
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Cipher

from events.privacy.tables import SideTable

NONCE_BYTES = 12


class KeyState(enum.Enum):
    LIVE = "live"
    # Recorded before per-patient keys existed: its fields are sealed (if at all) by the store key.
    NONE = "none"
    ERASED = "erased"


@dataclass(frozen=True)
class PatientKey:
    state: KeyState
    key: bytes | None = None


class PatientKeys:
    def __init__(self, table: SideTable, store_cipher: Cipher | None) -> None:
        self._table = table
        self._store_cipher = store_cipher
        # Keys never change once made, and an erased key is never made again: a cache is safe
        # once it forgets a key whose erasure another process recorded (`forget`).
        self._cache: dict[UUID, PatientKey] = {}
        self._lock = threading.Lock()
        table.execute(
            "CREATE TABLE IF NOT EXISTS {schema}stepdown_patient_keys ("
            "subject TEXT PRIMARY KEY, wrapped_key TEXT, erased_at TEXT)"
        )

    def key_for(self, subject: UUID) -> PatientKey:
        cached = self._cache.get(subject)
        if cached is not None:
            return cached
        rows = self._table.query(
            "SELECT wrapped_key, erased_at FROM {schema}stepdown_patient_keys WHERE subject = ?",
            (subject.hex,),
        )
        if not rows:
            return PatientKey(KeyState.NONE)
        if rows[0]["erased_at"] is not None:
            found = PatientKey(KeyState.ERASED)
        else:
            found = PatientKey(KeyState.LIVE, self._unwrap(str(rows[0]["wrapped_key"])))
        with self._lock:
            self._cache[subject] = found
        return found

    def create(self, subject: UUID) -> PatientKey:
        """The subject's key, made now unless it exists (or was erased)."""
        existing = self.key_for(subject)
        if existing.state is not KeyState.NONE:
            return existing
        self._table.execute(
            "INSERT INTO {schema}stepdown_patient_keys (subject, wrapped_key) VALUES (?, ?) "
            "ON CONFLICT (subject) DO NOTHING",
            (subject.hex, self._wrap(AESGCM.generate_key(bit_length=256))),
        )
        return self.key_for(subject)

    def destroy(self, subject: UUID, *, erased_at: str) -> None:
        """Forget the key for good; the row stays as a tombstone so no key is made again."""
        self._table.execute(
            "INSERT INTO {schema}stepdown_patient_keys (subject, wrapped_key, erased_at) "
            "VALUES (?, NULL, ?) ON CONFLICT (subject) DO UPDATE SET wrapped_key = NULL, "
            "erased_at = excluded.erased_at",
            (subject.hex, erased_at),
        )
        with self._lock:
            self._cache[subject] = PatientKey(KeyState.ERASED)

    def forget(self, subject: UUID) -> None:
        """Read the subject's key from the table next time (another process may have erased it)."""
        with self._lock:
            self._cache.pop(subject, None)

    def _wrap(self, key: bytes) -> str:
        if self._store_cipher is not None:
            key = self._store_cipher.encrypt(key)
        return base64.b64encode(key).decode()

    def _unwrap(self, wrapped: str) -> bytes:
        key = base64.b64decode(wrapped)
        if self._store_cipher is not None:
            key = self._store_cipher.decrypt(key)
        return key


def seal(key: bytes, text: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, text.encode(), None)).decode()


def unseal(key: bytes, sealed: str) -> str:
    data = base64.b64decode(sealed)
    try:
        return AESGCM(key).decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], None).decode()
    except InvalidTag:
        raise ValueError("a sealed field does not open with its patient's key") from None
