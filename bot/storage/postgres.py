"""PostgreSQL, for more than one bot process: DATABASE_URL=postgresql://... switches to it.

The same tables as the SQLite store, written by the same SQL (tables.py), shared by every
process of the bot, plus what sharing needs (postgres_locks.py): a lock per chat held while
one of its updates is handled, and the lease of the one process that polls.

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

import psycopg
from psycopg_pool import AsyncConnectionPool

from bot.retrying import Sleep
from bot.storage.postgres_connections import (
    CONNECT_SECONDS,
    Connection,
    DatabaseUnavailable,
    Retrying,
    connect,
    first_line,
    pool,
)
from bot.storage.postgres_locks import PostgresChatLocks, PostgresPollerLease
from bot.storage.postgres_schema import migrate
from bot.storage.sql import Row
from bot.storage.tables import SqlStorage

QUERY_CONNECTIONS = 8  # per process: queries are one short statement each
LOCK_CONNECTIONS = 16  # per process: chats being handled at once (the rest queue)


class PostgresStorage(SqlStorage):
    """Open with `PostgresStorage.open(url)`: it connects, migrates, then opens the pools."""

    def __init__(self, url: str, *, clock: Callable[[], float] = time.time,
                 sleep: Sleep = asyncio.sleep) -> None:
        self._queries = pool(url, "queries", QUERY_CONNECTIONS)
        self._locks = pool(url, "chat-locks", LOCK_CONNECTIONS)
        run = Retrying(sleep)
        self._chat_locks = PostgresChatLocks(self._locks, run)
        self._poller_lease = PostgresPollerLease(lambda: connect(url), sleep=sleep)
        super().__init__(PostgresSql(self._queries, run), clock)

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
    """Every table's statements (tables.py) on the query pool, with PostgreSQL's placeholders,
    each waiting out an outage (postgres_connections.py)."""

    def __init__(self, pool: AsyncConnectionPool[Connection], run: Retrying) -> None:
        self._pool = pool
        self._run = run

    async def execute(self, statement: str, values: Sequence[object] = (), *,
                      adds: bool = False) -> None:
        run = self._run.at_most_once if adds else self._run
        await run(self._pool, lambda connection: connection.execute(
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
