"""Fixtures of the erasure scenarios: a program whose records may be erased 30 days after
discharge, on a store with or without the store key."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from events.persistence import Database, new_cipher_key, with_cipher

RETENTION_DAYS = 30


@pytest.fixture(params=["encrypted", "plaintext"])
def erasable_store(request: pytest.FixtureRequest, database: Database) -> Database:
    """Per-patient keys are used on both: wrapped by the store key, or kept unwrapped."""
    if request.param == "plaintext":
        return database
    return replace(database, env=with_cipher(database.env, new_cipher_key()))


@pytest.fixture
def retention_program_text(sample_text: str) -> str:
    document = json.loads(sample_text)
    document["program"]["policy"]["retention_days"] = RETENTION_DAYS
    return json.dumps(document)
