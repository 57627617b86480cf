"""Talking to PostgreSQL: connections that notice a vanished peer, pools, and calls that
ride out the database going away.

Every call is tried again, backing off to 5 s, for as long as the database does not answer:
the update being handled waits, unconfirmed to Telegram, and is finished when the database is
back, so nothing is lost and no reply is made from a state that was not saved. Except a
statement that adds (a count, a row): tried again after its connection dropped, it would add
twice whenever the first try had committed, so it runs at most once (`at_most_once`). (This
retry lives here rather than in bot/telegram/outbound/retries.py because storage sits below
the Telegram layer; reconnecting is the backend's own business.) At start-up, a database that
does not answer stops the bot with a message instead (postgres.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool, PoolClosed
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    retry_if_not_exception_type,
    wait_random_exponential,
)

from bot.retrying import Sleep, call_retrying

log = logging.getLogger(__name__)

T = TypeVar("T")
Connection = AsyncConnection[Any]

CONNECT_SECONDS = 10  # at start-up, how long the database may take to answer
POOL_WAIT_SECONDS = 5.0  # for a free connection, before it counts as a failure and is retried
RECONNECT_SECONDS = 15.0  # the pool's own reconnect backoff gives up and restarts after this
FIRST_BACKOFF = 0.2
MAX_BACKOFF = 5.0
# Both ends notice a peer that vanished without closing (a host gone, a cable pulled) within
# about 20 s, so a dead replica's chat locks and poller lease are freed for the others.
KEEPALIVE: dict[str, Any] = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
             "keepalives_count": 2}
SERVER_KEEPALIVE = ("SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; "
                    "SET tcp_keepalives_count = 2")


class DatabaseUnavailable(Exception):
    """At start-up: the database did not answer, or cannot be used. The message says which
    and never holds the password."""


async def connect(url: str) -> Connection:
    connection = await AsyncConnection.connect(url, autocommit=True,
                                               connect_timeout=CONNECT_SECONDS, **KEEPALIVE)
    await connection.execute(SERVER_KEEPALIVE)
    return connection


async def _configure(connection: Connection) -> None:
    await connection.execute(SERVER_KEEPALIVE)


def pool(url: str, name: str, max_size: int) -> AsyncConnectionPool[Connection]:
    return AsyncConnectionPool(
        url, name=name, min_size=1, max_size=max_size, open=False, timeout=POOL_WAIT_SECONDS,
        reconnect_timeout=RECONNECT_SECONDS, configure=_configure,
        kwargs={"autocommit": True, "connect_timeout": CONNECT_SECONDS, **KEEPALIVE})


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class Retrying:
    """Runs one database call on a pooled connection, again and again while the database is
    unreachable (the first attempt outside tenacity: bot.retrying)."""

    def __init__(self, sleep: Sleep) -> None:
        self._sleep = sleep

    async def __call__(self, pool: AsyncConnectionPool[Connection],
                       call: Callable[[Connection], Awaitable[T]]) -> T:
        async def on_a_pooled_connection() -> T:
            async with pool.connection() as connection:
                return await call(connection)

        return await self.until_done(on_a_pooled_connection)

    async def at_most_once(self, pool: AsyncConnectionPool[Connection],
                           call: Callable[[Connection], Awaitable[T]]) -> T:
        """Only waiting for a connection, which sends nothing, is tried again; once the call
        has sent its statement, a failure is raised, whether or not it reached the database
        (a connection dropped after the commit looks like one dropped before it)."""
        connection = await self.until_done(pool.getconn)
        try:
            return await call(connection)
        finally:
            await pool.putconn(connection)  # a broken one is discarded

    async def until_done(self, attempt_once: Callable[[], Awaitable[T]]) -> T:
        """A closed store (shutting down) fails at once: waiting would never end."""
        return await call_retrying(self.policy, attempt_once)

    def policy(self) -> AsyncRetrying:
        return AsyncRetrying(
            retry=retry_if_exception_type(psycopg.OperationalError)
            & retry_if_not_exception_type(PoolClosed),
            wait=wait_random_exponential(multiplier=FIRST_BACKOFF, max=MAX_BACKOFF),
            sleep=self._sleep, reraise=True, before_sleep=_log_outage)


def _log_outage(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    pause = state.next_action.sleep if state.next_action else 0.0
    log.warning("database unavailable (%s); attempt %d failed, next in %.1fs",
                first_line(error) if error else "?", state.attempt_number, pause)
