"""What is past its time goes at start-up and then hourly, whether or not anyone writes to the
bot: handled update ids after two days (the journal's `prune`), and what people wrote, with
the tie of a rating to its chat, after UNANSWERED_RETENTION_DAYS (`Recorder.expire`).

Tied to the clock rather than to traffic: a quiet bot keeps nothing longer than a busy one.
Every replica does the same; the deletes are idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.records import Recorder
from bot.retrying import Sleep
from bot.storage import UpdateJournal

log = logging.getLogger(__name__)

EVERY_SECONDS = 3600.0


class Housekeeping:
    def __init__(self, journal: UpdateJournal, recorder: Recorder, *,
                 sleep: Sleep = asyncio.sleep) -> None:
        self._journal = journal
        self._recorder = recorder
        self._sleep = sleep
        self._hourly: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """The first round before serving (a failure there stops start-up), then hourly."""
        await self.once()
        self._hourly = asyncio.create_task(self._every_hour(), name="housekeeping")

    async def once(self) -> None:
        await self._journal.prune()
        await self._recorder.expire()

    async def stop(self) -> None:
        if self._hourly is not None:
            self._hourly.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._hourly
            self._hourly = None

    async def _every_hour(self) -> None:
        while True:
            await self._sleep(EVERY_SECONDS)
            try:
                await self.once()
            except Exception:
                log.exception("housekeeping failed; trying again in an hour")
