"""What lets several bot processes share one PostgreSQL database safely: advisory locks.

- A chat's lock (`PostgresChatLocks`): held, in a transaction on a connection of its own, while
  one of the chat's updates is handled, so two replicas never load-handle-save one chat at the
  same time. Telegram sends a chat's next update only once the previous one was answered, so
  this also keeps a chat's updates in order across replicas; it matters when an update is
  delivered again (Telegram gave up waiting on a slow replica) while the first delivery is
  still being handled: the second waits, then finds it in the journal. A process that dies
  drops its connection, and the server frees its locks with it.
- The poller lease (`PostgresPollerLease`): a session lock on one connection, held by the one
  process that polls. The others try for it every second and take over within about a
  second of the holder's death (or ~20 s if its host vanished without closing the socket:
  the keepalives of postgres_connections.py).

The lease lives in the two-number key space of advisory locks and the chats in the one-number
space: PostgreSQL keeps the two apart, so no chat id can ever collide with the lease.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import psycopg
from psycopg_pool import AsyncConnectionPool

from bot.retrying import Sleep
from bot.storage.postgres_connections import Connection, Retrying, first_line

log = logging.getLogger(__name__)

LEASE_KEY = (7402, 1)  # the poller lease, in the two-number key space
LEASE_RETRY_SECONDS = 1.0  # how often a standby asks for the lease
LEASE_CHECK_SECONDS = 2.0  # how often the holder checks it still has its connection
LOCK_WAIT_SECONDS = 60.0  # for a free connection to hold a chat's lock: turns queue for them


class PostgresChatLocks:
    def __init__(self, pool: AsyncConnectionPool[Connection], run: Retrying) -> None:
        self._pool = pool
        self._run = run

    @contextlib.asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        connection = await self._run.until_done(lambda: self._lock(chat_id))
        try:
            yield
        finally:
            await self._let_go(connection)

    async def _lock(self, chat_id: int) -> Connection:
        connection = await self._pool.getconn(timeout=LOCK_WAIT_SECONDS)
        try:
            await connection.execute("BEGIN")
            await connection.execute("SELECT pg_advisory_xact_lock(%s)", (chat_id,))
        except BaseException:
            await self._pool.putconn(connection)  # rolled back, or discarded if broken
            raise
        return connection

    async def _let_go(self, connection: Connection) -> None:
        try:
            await connection.execute("COMMIT")  # ends the transaction, and the lock with it
        except psycopg.OperationalError:
            pass  # the connection is gone, and the lock went with it
        finally:
            await self._pool.putconn(connection)


class PostgresPollerLease:
    def __init__(self, connect: Callable[[], Awaitable[Connection]], *, sleep: Sleep,
                 retry_seconds: float = LEASE_RETRY_SECONDS,
                 check_seconds: float = LEASE_CHECK_SECONDS) -> None:
        self._connect = connect
        self._sleep = sleep
        self._retry_seconds = retry_seconds
        self._check_seconds = check_seconds
        self._connection: Connection | None = None

    async def acquire(self) -> None:
        said_standing_by = said_unavailable = False
        while True:
            try:
                if self._connection is None:
                    self._connection = await self._connect()
                cursor = await self._connection.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", LEASE_KEY)
                row = await cursor.fetchone()
                if row is not None and row[0]:
                    log.info("this process holds the poller lease: it polls")
                    return
                if not said_standing_by:
                    log.info("another process polls; standing by to take over")
                    said_standing_by = True
            except psycopg.OperationalError as error:
                log.log(logging.INFO if said_unavailable else logging.WARNING,
                        "poller lease: database unavailable (%s); asking every %.0fs",
                        first_line(error), self._retry_seconds)
                said_unavailable = True
                await self.release()
            await self._sleep(self._retry_seconds)

    async def until_lost(self) -> None:
        while True:
            await self._sleep(self._check_seconds)
            try:
                if self._connection is None:
                    raise psycopg.OperationalError("no connection")
                await self._connection.execute("SELECT 1")
            except psycopg.OperationalError as error:
                log.warning("poller lease lost: database unavailable (%s)", first_line(error))
                await self.release()
                return

    async def release(self) -> None:
        """Closing the session frees the lease at once for a standby."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(psycopg.Error):
                await connection.close()
