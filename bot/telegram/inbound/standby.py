"""Polling with a standby: of the processes sharing a store, only one polls at a time.

Telegram answers a second simultaneous getUpdates with 409 Conflict, so with PostgreSQL the
processes of one bot in polling mode hold a lease (bot/storage, `PollerLease`): its holder
polls; the others wait, asking every second, and take over within seconds of its death. A
poller that loses the lease (its database connection broke) stops polling at once, finishes
what it has in hand, and stands by again. Updates are confirmed to Telegram only once
handled and journalled (polling.py), so whatever the old poller had not finished is fetched
again by the new one. With SQLite the lease is always granted: this is just the poller.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from bot.storage import PollerLease
from bot.telegram.inbound.polling import Poller

log = logging.getLogger(__name__)

BEAT_SECONDS = 30.0  # a standby is healthy while it waits: the heartbeat must not go stale


class Standby:
    def __init__(self, lease: PollerLease, make_poller: Callable[[], Poller], *,
                 on_wait: Callable[[], None] = lambda: None) -> None:
        self._lease = lease
        self._make_poller = make_poller
        self._on_wait = on_wait
        self._poller: Poller | None = None
        self._running: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._running = asyncio.create_task(self._run(), name="standby")

    async def wait(self) -> None:
        """Until stop(), or a fatal error of the poller (a rejected token), raised here."""
        if self._running is not None:
            await self._running

    async def stop(self) -> None:
        """Finishes the updates in hand if polling; stops waiting if standing by."""
        if self._poller is not None:
            await self._poller.stop()
        if self._running is not None:
            self._running.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._running
            self._running = None
        await self._lease.release()

    async def _run(self) -> None:
        while True:
            await self._wait_for_lease()
            poller = self._poller = self._make_poller()
            await poller.start()
            polling = asyncio.create_task(poller.wait())
            lost = asyncio.create_task(self._lease.until_lost())
            try:
                await asyncio.wait({polling, lost}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                lost.cancel()
            if polling.done():  # stopped, or a fatal error: not a reason to stand by
                self._poller = None
                polling.result()
                return
            log.warning("lost the poller lease: finishing the updates in hand, then standing by")
            await poller.stop()
            polling.cancel()
            self._poller = None

    async def _wait_for_lease(self) -> None:
        beating = asyncio.create_task(self._beat())
        try:
            await self._lease.acquire()
        finally:
            beating.cancel()

    async def _beat(self) -> None:
        while True:
            self._on_wait()
            await asyncio.sleep(BEAT_SECONDS)
