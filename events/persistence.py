"""One setting, STEPDOWN_DATABASE_URL, chooses the event store: embedded SQLite or PostgreSQL."""

from __future__ import annotations

import binascii
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from eventsourcing.cryptography import AESCipher

from events.errors import InvalidRequestError

DATABASE_URL_SETTING = "STEPDOWN_DATABASE_URL"
CIPHER_KEY_SETTING = "STEPDOWN_CIPHER_KEY"
DEFAULT_DATABASE_URL = "sqlite:///./stepdown.db"


@dataclass(frozen=True)
class Database:
    url: str
    env: dict[str, str]

    @property
    def is_postgres(self) -> bool:
        return self.env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"

    @property
    def encrypted(self) -> bool:
        return "CIPHER_KEY" in self.env


def database_from_environment() -> Database:
    return database_from_url(
        os.environ.get(DATABASE_URL_SETTING) or DEFAULT_DATABASE_URL,
        cipher_key=os.environ.get(CIPHER_KEY_SETTING) or None,
    )


def with_cipher(env: dict[str, str], cipher_key: str | None) -> dict[str, str]:
    """With a key, every stored event is encrypted (AES-GCM, the `cryptography` package): names,
    reasons and summaries are not readable in the database or its backups without it."""
    if cipher_key is None:
        return env
    try:
        AESCipher({"CIPHER_KEY": cipher_key})  # type: ignore[arg-type]
    except (ValueError, binascii.Error) as error:
        raise InvalidRequestError(
            f"{CIPHER_KEY_SETTING}: not a base64 AES key of 16, 24 or 32 bytes ({error})"
        ) from None
    return {**env, "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher", "CIPHER_KEY": cipher_key}


def new_cipher_key() -> str:
    return AESCipher.create_key(32)


# Aggregates stay in memory between requests; each read still fetches the events stored since
# (fast-forward), so several processes writing one store never read a stale aggregate.
CACHE = {"AGGREGATE_CACHE_MAXSIZE": "5000", "AGGREGATE_CACHE_FASTFORWARD": "y"}


def database_from_url(url: str, *, cipher_key: str | None = None) -> Database:
    """`sqlite:///relative.db`, `sqlite:////absolute.db` (`?mode=ro` for read-only), or
    `postgresql://user@host:port/db`.

    PostgreSQL takes an optional `?schema=NAME` so that several stores can share one database.
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)[1:] if parts.path.startswith("/") else unquote(parts.path)
        if not path:
            raise InvalidRequestError(f"{DATABASE_URL_SETTING}: {url!r} names no SQLite file")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return Database(
            url,
            with_cipher(
                {
                    "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                    # SQLite's URI parameters pass through: `?mode=ro` opens the file read-only.
                    "SQLITE_DBNAME": f"file:{path}?{parts.query}" if parts.query else path,
                    "SQLITE_LOCK_TIMEOUT": "30",
                    **CACHE,
                },
                cipher_key,
            ),
        )
    if parts.scheme in ("postgresql", "postgres"):
        dbname = parts.path.lstrip("/")
        if not dbname:
            raise InvalidRequestError(f"{DATABASE_URL_SETTING}: {url!r} names no database")
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(dbname),
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            # One round trip per write, with the table lock that keeps ids in commit order.
            "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
            "APPLICATION_RECORDER_TOPIC": "events.ordered_recorder:OrderedInsertRecorder",
            **CACHE,
        }
        schema = parse_qs(parts.query).get("schema")
        if schema:
            env["POSTGRES_SCHEMA"] = schema[0]
        return Database(url, with_cipher(env, cipher_key))
    raise InvalidRequestError(
        f"{DATABASE_URL_SETTING}: {url!r} is neither sqlite:///FILE nor postgresql://USER@HOST/DB"
    )
