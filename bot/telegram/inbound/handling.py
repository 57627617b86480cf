"""Handle, then confirm: the one path every update takes, polled or posted to the webhook.

An update is handled in its chat's order, then written to the journal as handled; only after
that does the receiver confirm it to Telegram (the next getUpdates offset, or the webhook's
200). A crash in between leaves it unconfirmed, so Telegram hands it back, and the journal
tells a re-delivery of an update already answered.

With several processes on one store (webhook replicas on PostgreSQL), the chat is also held
across processes (`ChatLocks`) from the journal check to the journal write, so a re-delivery
reaching another replica while the first is still at it waits, then finds it handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import AbstractAsyncContextManager
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.monitoring import metrics
from bot.storage import ChatLocks, UpdateJournal
from bot.telegram.inbound.chat_order import ChatOrder, chat_key
from bot.telegram.persistence_marks import forget_persistence_marks

log = logging.getLogger(__name__)

# The kinds of update the handlers (handlers.py) take; Telegram is asked for no others.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
# Updates in progress at once, across chats. Telegram lets a bot send about 30 messages a
# second; 8 in flight keep up with that at up to ~250 ms per request.
CONCURRENT_UPDATES = 8


class HandleThenConfirm:
    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any],
                 journal: UpdateJournal, chat_locks: ChatLocks,
                 order: ChatOrder | None = None, *,
                 served: asyncio.Future[None] | None = None) -> None:
        """`served`: done once the handlers are in (the receiver starts before the
        conversation is built); an update that comes first waits for it."""
        self._application = application
        self._journal = journal
        self._chat_locks = chat_locks
        self._order = order or ChatOrder()
        self._served = served

    async def __call__(self, update: Update) -> None:
        """Returns once the update is handled and journalled (or was already); cancelled,
        while it waits or later, it leaves the update unconfirmed for the next start."""
        with metrics.UPDATES_IN_PROGRESS.track_inprogress(), metrics.UPDATE_SECONDS.time():
            await self._handle_in_order(update)

    async def _handle_in_order(self, update: Update) -> None:
        # The chat's turn comes first, so its queued updates hold no concurrency slot while
        # they wait, and neither a journal that awaits nor the wait for the chats to be
        # served can reorder them.
        key = chat_key(update)
        async with self._order.turn(key):
            if self._served is not None:
                # cancelled (the bot stopped before serving): raises, leaving it unconfirmed
                await asyncio.shield(self._served)
            async with self._held_across_processes(key):
                await self._handle_once(update)

    async def _handle_once(self, update: Update) -> None:
        if await self._journal.is_handled(update.update_id):
            metrics.DUPLICATE_UPDATES.inc()
            return  # answered before a crash, while Telegram was not told
        application = self._application
        try:
            await application.update_processor.process_update(
                update, application.process_update(update))
        except Exception:  # the framework's own failure (handlers' go to on_error)
            log.exception("update %s failed", update.update_id)
        finally:
            forget_persistence_marks(application)
        await self._journal.mark_handled(update.update_id)

    def _held_across_processes(self, key: int | None) -> AbstractAsyncContextManager[None]:
        return self._chat_locks.hold(key) if key is not None else contextlib.nullcontext()
