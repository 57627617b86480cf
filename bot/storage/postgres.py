"""PostgreSQL, for more than one bot process: DATABASE_URL=postgresql://... switches to it.

The same records as the SQLite store (chat state, the journal of handled updates, the
pictures' file_ids, and records.py's: activity, tallies, feedback, unanswered questions),
shared by every process of the bot, plus what sharing needs (postgres_locks.py): a lock per
chat held while one of its updates is handled, and the lease of the one process that polls.

Connections: a pool for queries (one short statement each, in autocommit), a pool for the chat
locks (a turn holds one connection, so its lock dies with its process), and one connection for
the poller's lease. The schema is created and migrated at start-up (postgres_schema.py); a
database that does not answer then stops the bot with a message, while one that goes away
later is waited for (postgres_connections.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from bot.dialog.state import ChatState
from bot.storage.interface import RETENTION_SECONDS
from bot.storage.postgres_connections import (
    CONNECT_SECONDS,
    Connection,
    DatabaseUnavailable,
    Retrying,
    Sleep,
    connect,
    first_line,
    pool,
)
from bot.storage.postgres_locks import PostgresChatLocks, PostgresPollerLease
from bot.storage.postgres_schema import migrate
from bot.storage.records import Records, Row

QUERY_CONNECTIONS = 8  # per process: queries are one short statement each
LOCK_CONNECTIONS = 16  # per process: chats being handled at once (the rest queue)

class PostgresStorage(Records):
    """Open with `PostgresStorage.open(url)`: it connects, migrates, then opens the pools."""

    def __init__(self, url: str, *, clock: Callable[[], float] = time.time,
                 sleep: Sleep = asyncio.sleep) -> None:
        self._queries = pool(url, "queries", QUERY_CONNECTIONS)
        self._locks = pool(url, "chat-locks", LOCK_CONNECTIONS)
        run = Retrying(sleep)
        self._chats = PostgresChatStates(self._queries, run, clock)
        self._journal = PostgresUpdateJournal(self._queries, run, clock)
        self._pictures = PostgresPictureFiles(self._queries, run, clock)
        self._chat_locks = PostgresChatLocks(self._locks, run)
        self._poller_lease = PostgresPollerLease(lambda: connect(url), sleep=sleep)
        super().__init__(PostgresSql(self._queries, run))

    @classmethod
    async def open(cls, url: str, *, clock: Callable[[], float] = time.time,
                   sleep: Sleep = asyncio.sleep, create: bool = True) -> PostgresStorage:
        """Raises DatabaseUnavailable, saying what failed, when the database does not
        answer or cannot be used: at start-up, that stops the bot. A schema from a newer
        bot, or none when `create` is false (reading what the bot kept), is a StorageError."""
        try:
            connection = await connect(url)
        except psycopg.Error as error:
            raise DatabaseUnavailable(f"could not connect: {first_line(error)}") from None
        try:
            await migrate(connection, create=create)
        except psycopg.Error as error:
            raise DatabaseUnavailable(f"could not prepare the schema: {first_line(error)}"
                                      ) from None
        finally:
            await connection.close()
        storage = cls(url, clock=clock, sleep=sleep)
        try:
            await storage._queries.open(wait=True, timeout=CONNECT_SECONDS)
            await storage._locks.open(wait=True, timeout=CONNECT_SECONDS)
        except psycopg.Error as error:
            await storage.close()
            raise DatabaseUnavailable(f"could not open connections: {first_line(error)}"
                                      ) from None
        return storage

    @property
    def chats(self) -> PostgresChatStates:
        return self._chats

    @property
    def journal(self) -> PostgresUpdateJournal:
        return self._journal

    @property
    def pictures(self) -> PostgresPictureFiles:
        return self._pictures

    @property
    def chat_locks(self) -> PostgresChatLocks:
        return self._chat_locks

    @property
    def poller_lease(self) -> PostgresPollerLease:
        return self._poller_lease


    async def close(self) -> None:
        await self._poller_lease.release()
        await self._locks.close()
        await self._queries.close()


class PostgresSql:
    """The records' statements (records.py) on the query pool, with PostgreSQL's placeholders,
    waiting out an outage like every other call."""

    def __init__(self, pool: AsyncConnectionPool[Connection], run: Retrying) -> None:
        self._pool = pool
        self._run = run

    async def execute(self, statement: str, values: Sequence[object] = ()) -> None:
        await self._run(self._pool, lambda connection: connection.execute(
            _placeholders(statement), values))

    async def fetch(self, statement: str, values: Sequence[object] = ()) -> list[Row]:
        async def select(connection: Connection) -> list[Row]:
            cursor = await connection.execute(_placeholders(statement), values)
            return await cursor.fetchall()

        return await self._run(self._pool, select)

    async def in_one_transaction(self, statements: Sequence[str], value: object) -> None:
        async def each(connection: Connection) -> None:
            async with connection.transaction():
                for statement in statements:
                    await connection.execute(_placeholders(statement), (value,))

        await self._run(self._pool, each)


def _placeholders(statement: str) -> str:
    return statement.replace("?", "%s")


class PostgresChatStates:
    def __init__(self, pool: AsyncConnectionPool[Connection], run: Retrying,
                 clock: Callable[[], float]) -> None:
        self._pool = pool
        self._run = run
        self._clock = clock

    async def load(self, chat_id: int) -> ChatState:
        async def select(connection: Connection) -> Any:
            cursor = await connection.execute(
                "SELECT state FROM chat_state WHERE chat_id = %s", (chat_id,))
            return await cursor.fetchone()

        row = await self._run(self._pool, select)
        if row is None:
            return ChatState()
        try:
            return ChatState.from_dict(row[0])
        except (ValueError, TypeError, AttributeError):
            return ChatState()  # a damaged row costs the chat its place, never the bot

    async def save(self, chat_id: int, state: ChatState) -> None:
        async def upsert(connection: Connection) -> None:
            await connection.execute(
                "INSERT INTO chat_state (chat_id, state, updated_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at",
                (chat_id, Jsonb(state.to_dict()), self._clock()))

        await self._run(self._pool, upsert)


class PostgresUpdateJournal:
    """Shared by every process: an update handled by one replica is known to all."""

    def __init__(self, pool: AsyncConnectionPool[Connection], run: Retrying,
                 clock: Callable[[], float]) -> None:
        self._pool = pool
        self._run = run
        self._clock = clock

    async def is_handled(self, update_id: int) -> bool:
        async def select(connection: Connection) -> bool:
            cursor = await connection.execute(
                "SELECT 1 FROM handled_update WHERE update_id = %s", (update_id,))
            return await cursor.fetchone() is not None

        return await self._run(self._pool, select)

    async def mark_handled(self, update_id: int) -> None:
        now = self._clock()

        async def insert(connection: Connection) -> None:
            # One statement, one round trip: drop it from the set-aside ones, record it once.
            await connection.execute(
                "WITH gone AS (DELETE FROM set_aside_update WHERE update_id = %(id)s) "
                "INSERT INTO handled_update (update_id, handled_at) VALUES (%(id)s, %(at)s) "
                "ON CONFLICT (update_id) DO NOTHING", {"id": update_id, "at": now})

        await self._run(self._pool, insert)

    async def prune(self) -> None:
        before = self._clock() - RETENTION_SECONDS
        await self._run(self._pool, lambda connection: connection.execute(
            "DELETE FROM handled_update WHERE handled_at < %s", (before,)))

    async def set_aside(self, update_id: int, payload: dict[str, Any]) -> None:
        async def insert(connection: Connection) -> None:
            await connection.execute(
                "INSERT INTO set_aside_update (update_id, payload) VALUES (%s, %s) "
                "ON CONFLICT (update_id) DO NOTHING", (update_id, Jsonb(payload)))

        await self._run(self._pool, insert)

    async def set_aside_updates(self) -> list[dict[str, Any]]:
        async def select(connection: Connection) -> list[dict[str, Any]]:
            cursor = await connection.execute(
                "SELECT payload FROM set_aside_update ORDER BY update_id")
            return [row[0] for row in await cursor.fetchall()]

        return await self._run(self._pool, select)


class PostgresPictureFiles:
    """One file_id per picture, shared by every process: a picture uploaded through one
    replica is sent by its file_id from all of them."""

    def __init__(self, pool: AsyncConnectionPool[Connection], run: Retrying,
                 clock: Callable[[], float]) -> None:
        self._pool = pool
        self._run = run
        self._clock = clock

    async def file_id(self, key: str) -> str | None:
        async def select(connection: Connection) -> str | None:
            cursor = await connection.execute(
                "SELECT file_id FROM picture_file WHERE key = %s", (key,))
            row = await cursor.fetchone()
            return None if row is None else str(row[0])

        return await self._run(self._pool, select)

    async def remember(self, key: str, file_id: str, chat_id: int) -> None:
        async def upsert(connection: Connection) -> None:
            await connection.execute(
                "INSERT INTO picture_file (key, file_id, chat_id, stored_at) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (key) DO UPDATE SET "
                "file_id = excluded.file_id, chat_id = excluded.chat_id, "
                "stored_at = excluded.stored_at", (key, file_id, chat_id, self._clock()))

        await self._run(self._pool, upsert)

    async def forget(self, key: str) -> None:
        await self._run(self._pool, lambda connection: connection.execute(
            "DELETE FROM picture_file WHERE key = %s", (key,)))

    async def forget_chat(self, chat_id: int) -> None:
        await self._run(self._pool, lambda connection: connection.execute(
            "DELETE FROM picture_file WHERE chat_id = %s", (chat_id,)))
