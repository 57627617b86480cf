"""The PostgreSQL schema, created and migrated at start-up: a numbered list of steps and a
`schema_version` table saying which have run.

A new step goes at the end of MIGRATIONS and never changes once released. Replicas starting
together take an advisory lock first, so each step runs once. While a rolling deploy runs old
and new bots side by side, a step must keep the old bot working: add tables and columns,
never drop or rename one the previous release reads. A database migrated by a newer bot is
refused at start-up rather than guessed at.
"""

from __future__ import annotations

from psycopg import AsyncConnection

from bot.storage.interface import StorageError
from bot.storage.records import RECORDS_SCHEMA, UNANSWERED_COUNTED_SCHEMA

MIGRATION_LOCK = 7_402_198_133  # advisory lock key held while migrating ("trunk" schema)

MIGRATIONS: list[str] = [
    # 1: what the SQLite store keeps: chat state, the journal, updates set aside
    """
    CREATE TABLE chat_state (
        chat_id BIGINT PRIMARY KEY,
        state JSONB NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE handled_update (
        update_id BIGINT PRIMARY KEY,
        handled_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX handled_update_by_age ON handled_update (handled_at);
    CREATE TABLE set_aside_update (
        update_id BIGINT PRIMARY KEY,
        payload JSONB NOT NULL
    );
    """,
    # 2: Telegram's file_id of each picture uploaded (issue 9)
    """
    CREATE TABLE picture_file (
        key TEXT PRIMARY KEY,
        file_id TEXT NOT NULL,
        chat_id BIGINT NOT NULL,
        stored_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX picture_file_chat ON picture_file (chat_id);
    """,
    # 3: what the people who run the bot are told (issue 10), the same tables as SQLite's
    RECORDS_SCHEMA,
    # 4: an unanswered question kept once per wording, counted (issue 18)
    UNANSWERED_COUNTED_SCHEMA,
]


class NewerSchema(StorageError):
    """The database was migrated by a newer release of the bot."""


class NoBotData(StorageError):
    """Asked to read what the bot kept (stats, unanswered), and the database has nothing."""


async def migrate(connection: AsyncConnection[object], *, create: bool = True) -> int:
    """Brings the schema up to date; returns its version. Idempotent, safe to race. A newer
    schema, or none when `create` is false, is left untouched and raised."""
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        exists = await (await connection.execute(
            "SELECT to_regclass('schema_version') IS NOT NULL")).fetchone()
        if not create and not (exists and exists[0]):  # type: ignore[index]
            raise NoBotData("no bot data in this database: point DATABASE_URL at the database "
                            "the running bot uses")
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        row = await (await connection.execute(
            "SELECT coalesce(max(version), 0) FROM schema_version")).fetchone()
        current = int(row[0]) if row else 0  # type: ignore[index]
        if current > len(MIGRATIONS):
            raise NewerSchema(f"the database's schema is version {current}, newer than this "
                              f"bot's {len(MIGRATIONS)}: run the newer bot, or point "
                              "DATABASE_URL at another database; nothing was changed")
        for version, step in enumerate(MIGRATIONS[current:], start=current + 1):
            await connection.execute(step)
            await connection.execute("INSERT INTO schema_version (version) VALUES (%s)",
                                     (version,))
    return len(MIGRATIONS)
