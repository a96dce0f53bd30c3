"""The store records, when it is created, whether it is encrypted and a check value of its key.

A process that opens it without the key, with another key, or with a key on a store that
already holds plaintext events is refused: otherwise it would write names in clear into an
encrypted store, or read a mixed store without noticing.
"""

from __future__ import annotations

import base64
import json

from eventsourcing.persistence import ApplicationRecorder, Cipher

from events.errors import StepdownError
from events.privacy.tables import SideTable

CIPHER_KEY_SETTING = "STEPDOWN_CIPHER_KEY"
# The check value is this constant encrypted (AES-GCM) under the store key: decrypting it proves
# the key is the store's, and it tells nothing about the key.
KEY_CHECK_PLAINTEXT = b"stepdown store key check v1"


class StoreKeyError(StepdownError):
    """The store cannot be opened with the cipher key (or lack of one) this process was given."""


def check_store_marker(
    table: SideTable, recorder: ApplicationRecorder, cipher: Cipher | None
) -> None:
    """Write the marker of a new store; refuse a key (or none) that does not fit an existing one."""
    table.execute(
        "CREATE TABLE IF NOT EXISTS {schema}stepdown_store (setting TEXT PRIMARY KEY, value TEXT)"
    )
    marker = _read(table)
    first_event = recorder.select_notifications(start=None, limit=1)
    if not first_event:
        # An empty store takes the key of the first process that opens it with one.
        if cipher is not None and "key_check" not in marker:
            _write(table, encrypted=True, cipher=cipher)
        elif not marker:
            _write(table, encrypted=False, cipher=None)
    elif not marker or (cipher is not None and "key_check" not in marker):
        # A store made before markers: its first event says whether it is encrypted.
        encrypted = not _is_plaintext(first_event[0].state)
        if encrypted and cipher is not None:
            _require_decrypts(cipher, first_event[0].state)
        _write(table, encrypted=encrypted, cipher=cipher if encrypted else None)
    marker = _read(table)
    if marker.get("encrypted") == "yes":
        _require_store_key(marker, cipher)
    elif cipher is not None:
        raise StoreKeyError(
            f"{CIPHER_KEY_SETTING} is set, but this store was created without encryption and "
            "already holds plaintext events: unset it (or export and import into a new store)"
        )


def _require_store_key(marker: dict[str, str], cipher: Cipher | None) -> None:
    if cipher is None:
        raise StoreKeyError(
            f"this store is encrypted: set {CIPHER_KEY_SETTING} to the key it was created with"
        )
    _require_decrypts(cipher, base64.b64decode(marker["key_check"]))


def _require_decrypts(cipher: Cipher, ciphertext: bytes) -> None:
    try:
        cipher.decrypt(ciphertext)
    except ValueError:
        raise StoreKeyError(
            f"{CIPHER_KEY_SETTING} is not the key this store was created with"
        ) from None


def _write(table: SideTable, *, encrypted: bool, cipher: Cipher | None) -> None:
    # Two processes opening a new store at once: the first key check stands, and a store only
    # ever goes from "no" to "yes" while it holds no events.
    table.execute(
        "INSERT INTO {schema}stepdown_store (setting, value) VALUES ('encrypted', ?) "
        "ON CONFLICT (setting) DO UPDATE SET value = excluded.value "
        "WHERE stepdown_store.value = 'no'",
        ("yes" if encrypted else "no",),
    )
    if cipher is not None:
        check = base64.b64encode(cipher.encrypt(KEY_CHECK_PLAINTEXT)).decode()
        table.execute(
            "INSERT INTO {schema}stepdown_store (setting, value) VALUES ('key_check', ?) "
            "ON CONFLICT (setting) DO NOTHING",
            (check,),
        )


def _read(table: SideTable) -> dict[str, str]:
    rows = table.query("SELECT setting, value FROM {schema}stepdown_store")
    return {str(row["setting"]): str(row["value"]) for row in rows}


def _is_plaintext(state: bytes) -> bool:
    try:
        json.loads(state)
    except ValueError:
        return False
    return True
