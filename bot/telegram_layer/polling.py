"""Long polling that confirms an update to Telegram only after it has been handled.

The framework's Updater asks for the next batch with offset = last fetched id + 1, which tells
Telegram to forget the whole batch before it has been handled: a crash then loses every
fetched update not yet answered. Telegram keeps unconfirmed updates for 24 hours, so this
poller keeps the offset at the oldest update still in progress; after a crash the unanswered
ones come back, and the update journal skips those that were answered already.

Updates are handed to the Application's update processor (PerChatOrder): different chats run
concurrently, one chat's updates strictly in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Sequence

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.storage.update_journal import UpdateJournal

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 25
BUSY_WAIT_SECONDS = 0.05  # while updates are in progress Telegram re-sends them at once
MAX_FETCH_BACKOFF = 30.0
DRAIN_SECONDS = 7.0  # on shutdown: finish what is in progress, within Docker's 10 s grace


class ConfirmAfterHandlingPoller:
    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        journal: UpdateJournal,
        *,
        allowed_updates: Sequence[str],
        long_poll_seconds: int = LONG_POLL_SECONDS,
        on_poll: Callable[[], None] = lambda: None,
    ) -> None:
        self._application = application
        self._journal = journal
        self._allowed_updates = list(allowed_updates)
        self._long_poll = long_poll_seconds
        self._on_poll = on_poll
        self._in_progress: dict[int, asyncio.Task[None]] = {}
        self._next_offset: int | None = None  # None: start from the oldest unconfirmed

    async def run(self, stop: asyncio.Event) -> None:
        """Polls until `stop` is set, then drains what is in progress and confirms it."""
        backoff = 0.5
        while not stop.is_set():
            try:
                updates = await self._fetch(stop)
            except InvalidToken:
                raise
            except (NetworkError, Conflict, TelegramError) as error:
                log.warning("getUpdates failed (%s); retrying in %.1fs", error, backoff)
                await _sleep_unless(stop, backoff * (0.5 + random.random()))
                backoff = min(backoff * 2, MAX_FETCH_BACKOFF)
                continue
            backoff = 0.5
            self._on_poll()
            started = self._start(updates)
            if updates:
                self._next_offset = max(u.update_id for u in updates) + 1
            if not started and self._in_progress:
                # Only updates already in progress came back: wait for one to finish
                # rather than ask Telegram again straight away.
                await asyncio.wait(list(self._in_progress.values()), timeout=BUSY_WAIT_SECONDS,
                                   return_when=asyncio.FIRST_COMPLETED)
        await self._drain()

    @property
    def in_progress(self) -> int:
        return len(self._in_progress)

    def _offset(self) -> int | None:
        """Everything below the oldest update in progress has been handled: confirm that."""
        if self._in_progress:
            return min(self._in_progress)
        return self._next_offset

    async def _fetch(self, stop: asyncio.Event) -> tuple[Update, ...]:
        timeout = 0 if self._in_progress else self._long_poll
        fetch = asyncio.ensure_future(self._application.bot.get_updates(
            offset=self._offset(), timeout=timeout, allowed_updates=self._allowed_updates,
            read_timeout=timeout + 10,
        ))
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if fetch not in done:  # shutting down mid long-poll: nothing fetched is lost
            fetch.cancel()
            return ()
        stopping.cancel()
        updates: tuple[Update, ...] = fetch.result()
        return updates

    def _start(self, updates: Sequence[Update]) -> int:
        started = 0
        for update in sorted(updates, key=lambda u: u.update_id):
            update_id = update.update_id
            if update_id in self._in_progress:
                continue
            if self._journal.is_handled(update_id):
                continue  # answered before a crash; Telegram had not been told yet
            self._in_progress[update_id] = asyncio.create_task(
                self._handle(update), name=f"update-{update_id}"
            )
            started += 1
        return started

    async def _handle(self, update: Update) -> None:
        application = self._application
        try:
            await application.update_processor.process_update(
                update, application.process_update(update)
            )
        except Exception:  # the error handler has logged it; never lose the poller
            log.exception("update %s failed", update.update_id)
        finally:
            self._journal.mark_handled(update.update_id)
            self._in_progress.pop(update.update_id, None)

    async def _drain(self) -> None:
        if self._in_progress:
            log.info("finishing %d updates in progress", len(self._in_progress))
            await asyncio.wait(list(self._in_progress.values()), timeout=DRAIN_SECONDS)
        offset = self._offset()
        if offset is not None:
            try:  # confirm what was handled, so a restart does not fetch it again
                await self._application.bot.get_updates(offset=offset, timeout=0, limit=1)
            except TelegramError as error:
                log.info("could not confirm handled updates on shutdown: %s", error)


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
