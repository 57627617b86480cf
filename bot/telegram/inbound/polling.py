"""Long polling that confirms an update to Telegram only after it has been handled.

The framework's Updater asks for the next batch with offset = last fetched id + 1, which tells
Telegram to forget the whole batch before it has been handled: a crash then loses every
fetched update not yet answered. Telegram keeps unconfirmed updates for 24 hours, so this
poller keeps the offset at the oldest update still in progress; after a crash the unanswered
ones come back, and the journal skips those that were answered already (handling.py).

Two refinements keep that honest:
- Telegram returns at most 100 updates from the offset: if one slow update holds the offset
  while a whole batch piles up behind it, it is set aside in the journal (durably) so the
  offset can move on; a restart handles what was set aside first.
- On shutdown, what is still in progress after DRAIN_SECONDS is cancelled and left
  unconfirmed, so the next start fetches it again; so is what was cancelled earlier, waiting
  for the chats to be served when the bot stopped (bot/telegram/wiring/runner.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.retrying import Sleep, call_retrying
from bot.storage import UpdateJournal
from bot.telegram.inbound.handling import CONCURRENT_UPDATES
from bot.telegram.outbound import retries

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 25
BATCH_LIMIT = 100  # Telegram's maximum per getUpdates
# While updates are in progress, every poll returns them again (the offset is held at the
# oldest), and parsing them again was the costliest part of a burst. So while a backlog is
# in progress, more are fetched only once fewer than REFILL_BELOW remain (twice the
# concurrency: the pipeline never runs dry) or after BACKLOG_WAIT_SECONDS; with fewer in
# progress, new updates wait at most REPOLL_SECONDS. A burst costs a few polls, not one per
# update handled.
REFILL_BELOW = 2 * CONCURRENT_UPDATES
BACKLOG_WAIT_SECONDS = 1.0
REPOLL_SECONDS = 0.1
DRAIN_SECONDS = 7.0  # on shutdown: finish what is in progress, within Docker's 10 s grace


class Poller:
    def __init__(
        self,
        bot: Bot,
        journal: UpdateJournal,
        handle_then_confirm: Callable[[Update], Awaitable[None]],
        *,
        allowed_updates: Sequence[str],
        long_poll_seconds: int = LONG_POLL_SECONDS,
        on_poll: Callable[[], None] = lambda: None,
        dropped: Callable[[int], bool] = lambda update_id: False,
        sleep: Sleep = asyncio.sleep,
        drain_seconds: float = DRAIN_SECONDS,
    ) -> None:
        self._bot = bot
        self._journal = journal
        self._handle_then_confirm = handle_then_confirm
        self._allowed_updates = list(allowed_updates)
        self._long_poll = long_poll_seconds
        self._on_poll = on_poll
        self._dropped = dropped  # over its sender's budget (flood_guard.py): passed over
        self._sleep = sleep
        self._drain_seconds = drain_seconds
        self._in_progress: dict[int, asyncio.Task[None]] = {}
        self._updates: dict[int, Update] = {}  # of those in progress, to set one aside
        self._set_aside: set[int] = set()  # in progress, but no longer holding the offset
        self._cancelled: set[int] = set()  # stopped before handled: left for the next start
        self._next_offset: int | None = None  # None: start from the oldest unconfirmed
        self._webhook_checked = False
        self._stop = asyncio.Event()
        self._running: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stop = asyncio.Event()
        self._running = asyncio.create_task(self.run(self._stop), name="poller")

    async def wait(self) -> None:
        """Until the poller ends: stop() was called, or a fatal error such as a bad token."""
        if self._running is not None:
            await self._running

    async def stop(self) -> None:
        self._stop.set()
        if self._running is not None:
            with contextlib.suppress(Exception):
                await self._running
            self._running = None

    async def run(self, stop: asyncio.Event) -> None:
        """Polls until `stop` is set, then drains what is in progress and confirms it."""
        await self._resume_set_aside()
        while not stop.is_set():
            try:
                updates = await self._fetch(stop)
            except TelegramError:
                if stop.is_set():
                    break  # stopped while backing off from a failing getUpdates
                raise  # InvalidToken: nothing will ever work
            self._on_poll()
            started = await self._start(updates)
            if updates:
                self._next_offset = max(u.update_id for u in updates) + 1
            if self._in_progress:
                if not started and len(updates) >= BATCH_LIMIT:
                    await self._set_aside_oldest()
                await self._until_time_to_poll()
        await self._drain()

    async def _until_time_to_poll(self) -> None:
        """If everything finishes meanwhile, the next poll is a long poll again."""
        loop = asyncio.get_running_loop()
        backlog_deadline = loop.time() + BACKLOG_WAIT_SECONDS
        while (len(self._in_progress) >= REFILL_BELOW
               and (left := backlog_deadline - loop.time()) > 0):
            await asyncio.wait(list(self._in_progress.values()), timeout=left,
                               return_when=asyncio.FIRST_COMPLETED)
        if self._in_progress:
            await asyncio.wait(list(self._in_progress.values()), timeout=REPOLL_SECONDS)

    def _offset(self) -> int | None:
        """Everything below the oldest update holding the offset has been handled."""
        holding = [i for i in self._in_progress if i not in self._set_aside]
        holding.extend(self._cancelled)
        if holding:
            return min(holding)
        return self._next_offset

    async def _fetch(self, stop: asyncio.Event) -> Sequence[Update]:
        return await call_retrying(lambda: retries.polling(stop, sleep=self._sleep),
                                   lambda: self._get_updates(stop))

    async def _get_updates(self, stop: asyncio.Event) -> Sequence[Update]:
        if not self._webhook_checked:
            await self._remove_webhook()
            self._webhook_checked = True
        timeout = 0 if self._in_progress else self._long_poll
        fetch = asyncio.ensure_future(self._bot.get_updates(
            offset=self._offset(), timeout=timeout, limit=BATCH_LIMIT,
            allowed_updates=self._allowed_updates, read_timeout=timeout + 10,
        ))
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if fetch not in done:  # shutting down mid long-poll: nothing fetched is lost
            fetch.cancel()
            return ()
        stopping.cancel()
        return fetch.result()

    async def _remove_webhook(self) -> None:
        """Telegram refuses getUpdates (409) while a webhook is set: one left from running in
        webhook mode is removed, the updates waiting for it kept for this poller."""
        info = await self._bot.get_webhook_info()
        if info.url:
            await self._bot.delete_webhook(drop_pending_updates=False)
            log.warning("removed the webhook set for %s so as to poll; its %d pending updates "
                        "are kept", info.url, info.pending_update_count)

    async def _start(self, updates: Sequence[Update]) -> int:
        """Begins the updates not yet in hand, in order; returns how many."""
        started = 0
        for update in sorted(updates, key=lambda u: u.update_id):
            update_id = update.update_id
            if (update_id in self._in_progress or self._dropped(update_id)
                    or await self._journal.is_handled(update_id)):
                continue  # in hand, dropped, or handled while the offset was held behind it
            self._begin(update)
            started += 1
        return started

    def _begin(self, update: Update) -> None:
        self._updates[update.update_id] = update
        self._in_progress[update.update_id] = asyncio.create_task(
            self._handle(update), name=f"update-{update.update_id}")

    async def _set_aside_oldest(self) -> None:
        """A whole batch is waiting behind the oldest update: write that one down so the
        offset may pass it."""
        update_id = min(i for i in self._in_progress if i not in self._set_aside)
        await self._journal.set_aside(update_id, self._updates[update_id].to_dict())
        self._set_aside.add(update_id)
        log.info("update %s is slow; set aside so the %d behind it can be fetched",
                 update_id, BATCH_LIMIT)

    async def _resume_set_aside(self) -> None:
        for payload in await self._journal.set_aside_updates():
            update = Update.de_json(payload, self._bot)
            if update.update_id not in self._in_progress:
                self._set_aside.add(update.update_id)
                self._begin(update)

    async def _handle(self, update: Update) -> None:
        try:
            await self._handle_then_confirm(update)
        except asyncio.CancelledError:  # stopped first (waiting for the chats to be served)
            self._cancelled.add(update.update_id)  # never confirmed by this process
            raise
        finally:
            self._in_progress.pop(update.update_id, None)
            self._updates.pop(update.update_id, None)
            self._set_aside.discard(update.update_id)

    async def _drain(self) -> None:
        if self._in_progress:
            log.info("finishing %d updates in progress", len(self._in_progress))
            await asyncio.wait(list(self._in_progress.values()), timeout=self._drain_seconds)
        offset = self._offset()  # before cancelling: what is unfinished must stay unconfirmed
        unfinished = list(self._in_progress.values())
        for task in unfinished:
            task.cancel()
        for task in unfinished:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if unfinished:
            log.info("left %d unfinished updates for the next start", len(unfinished))
        if offset is not None:
            try:  # confirm what was handled, so a restart does not fetch it again
                await self._bot.get_updates(offset=offset, timeout=0, limit=1)
            except TelegramError as error:
                log.info("could not confirm handled updates on shutdown: %s", error)
