"""Long polling that confirms an update to Telegram only after it has been handled.

The framework's Updater asks for the next batch with offset = last fetched id + 1, which tells
Telegram to forget the whole batch before it has been handled: a crash then loses every
fetched update not yet answered. Telegram keeps unconfirmed updates for 24 hours, so this
poller keeps the offset at the oldest update still in progress; after a crash the unanswered
ones come back, and the update journal skips those that were answered already.

Three refinements keep that honest:
- An update whose reply could not be delivered (Telegram failing even after the rate
  limiter's retries) is handled again after a pause, a few times, before it is given up.
- Telegram returns at most 100 updates from the offset: if one slow update holds the offset
  while a whole batch piles up behind it, it is set aside in the journal (durably) so the
  offset can move on; a restart handles what was set aside first.
- On shutdown, what is still in progress after DRAIN_SECONDS is cancelled and left
  unconfirmed, so the next start fetches it again.

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
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

from bot.storage.update_journal import UpdateJournal
from bot.telegram_layer.handling_outcome import HandlingOutcome
from bot.telegram_layer.processing import process

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 25
BATCH_LIMIT = 100  # Telegram's maximum per getUpdates
# While updates are in progress, Telegram answers at once, re-sending them: ask again only
# this often, so a burst costs a few polls rather than one per finished update.
REPOLL_SECONDS = 0.1
MAX_FETCH_BACKOFF = 30.0
DRAIN_SECONDS = 7.0  # on shutdown: finish what is in progress, within Docker's 10 s grace
HANDLING_ATTEMPTS = 4  # an undeliverable reply is tried again after 2 s, 4 s, 8 s
FIRST_RETRY_PAUSE = 2.0


class ConfirmAfterHandlingPoller:
    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        journal: UpdateJournal,
        outcome: HandlingOutcome,
        *,
        allowed_updates: Sequence[str],
        long_poll_seconds: int = LONG_POLL_SECONDS,
        on_poll: Callable[[], None] = lambda: None,
    ) -> None:
        self._application = application
        self._journal = journal
        self._outcome = outcome
        self._allowed_updates = list(allowed_updates)
        self._long_poll = long_poll_seconds
        self._on_poll = on_poll
        self._in_progress: dict[int, asyncio.Task[None]] = {}
        self._set_aside: set[int] = set()  # in progress, but no longer holding the offset
        self._payloads: dict[int, dict[str, object]] = {}  # of updates in progress
        self._next_offset: int | None = None  # None: start from the oldest unconfirmed

    async def run(self, stop: asyncio.Event) -> None:
        """Polls until `stop` is set, then drains what is in progress and confirms it."""
        self._resume_set_aside()
        backoff = 0.5
        while not stop.is_set():
            try:
                updates = await self._fetch(stop)
            except InvalidToken:
                raise
            except TelegramError as error:
                log.warning("getUpdates failed (%s); retrying in %.1fs", error, backoff)
                await _sleep_unless(stop, backoff * (0.5 + random.random()))
                backoff = min(backoff * 2, MAX_FETCH_BACKOFF)
                continue
            backoff = 0.5
            self._on_poll()
            started = self._start(updates)
            if updates:
                self._next_offset = max(u.update_id for u in updates) + 1
            if self._in_progress:
                if not started and len(updates) >= BATCH_LIMIT:
                    self._set_aside_oldest()
                # New updates wait at most REPOLL_SECONDS; if everything finishes sooner,
                # the next poll is a long poll again.
                await asyncio.wait(list(self._in_progress.values()), timeout=REPOLL_SECONDS)
        await self._drain()

    @property
    def in_progress(self) -> int:
        return len(self._in_progress)

    def _offset(self) -> int | None:
        """Everything below the oldest update holding the offset has been handled."""
        holding = [i for i in self._in_progress if i not in self._set_aside]
        if holding:
            return min(holding)
        return self._next_offset

    async def _fetch(self, stop: asyncio.Event) -> tuple[Update, ...]:
        timeout = 0 if self._in_progress else self._long_poll
        fetch = asyncio.ensure_future(self._application.bot.get_updates(
            offset=self._offset(), timeout=timeout, limit=BATCH_LIMIT,
            allowed_updates=self._allowed_updates, read_timeout=timeout + 10,
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
            if update_id in self._in_progress or self._journal.is_handled(update_id):
                continue  # in hand, or answered before a crash while Telegram was not told
            self._begin(update)
            started += 1
        return started

    def _begin(self, update: Update) -> None:
        self._payloads[update.update_id] = update.to_dict()
        self._in_progress[update.update_id] = asyncio.create_task(
            self._handle(update), name=f"update-{update.update_id}"
        )

    def _set_aside_oldest(self) -> None:
        """A whole batch is waiting behind the oldest update: write that one down so the
        offset may pass it."""
        update_id = min(i for i in self._in_progress if i not in self._set_aside)
        self._journal.set_aside(update_id, self._payloads[update_id])
        self._set_aside.add(update_id)
        log.info("update %s is slow; set aside so the %d behind it can be fetched",
                 update_id, BATCH_LIMIT)

    def _resume_set_aside(self) -> None:
        for payload in self._journal.set_aside_updates():
            update = Update.de_json(payload, self._application.bot)
            if update is None or update.update_id in self._in_progress:
                continue
            self._set_aside.add(update.update_id)
            self._begin(update)

    async def _handle(self, update: Update) -> None:
        pause = FIRST_RETRY_PAUSE
        try:
            for attempt in range(1, HANDLING_ATTEMPTS + 1):
                await process(self._application, update)
                if not self._outcome.delivery_failed(update.update_id):
                    break
                if attempt == HANDLING_ATTEMPTS:
                    log.error("update %s: reply undeliverable after %d attempts; giving up",
                              update.update_id, attempt)
                    break
                log.warning("update %s: reply not delivered; trying again in %.0fs",
                            update.update_id, pause)
                await asyncio.sleep(pause)
                pause *= 2
            self._journal.mark_handled(update.update_id)
        except asyncio.CancelledError:
            raise  # shutting down: left unconfirmed, so the next start handles it
        except Exception:  # the framework's error handler has logged it
            log.exception("update %s failed", update.update_id)
            self._journal.mark_handled(update.update_id)
        finally:
            self._in_progress.pop(update.update_id, None)
            self._payloads.pop(update.update_id, None)
            self._set_aside.discard(update.update_id)

    async def _drain(self) -> None:
        if self._in_progress:
            log.info("finishing %d updates in progress", len(self._in_progress))
            await asyncio.wait(list(self._in_progress.values()), timeout=DRAIN_SECONDS)
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
                await self._application.bot.get_updates(offset=offset, timeout=0, limit=1)
            except TelegramError as error:
                log.info("could not confirm handled updates on shutdown: %s", error)


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
