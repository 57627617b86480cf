"""One chat's turn: its state in, the conversation, its state out, the replies out.

/forget is a step of the turn itself, not of what is recorded about it: the chat's records
are deleted with its state, in one transaction, before the reply saying so goes out; if the
deletion fails, the turn fails, and the owner is told something went wrong instead.

The flood guard may cut a turn short; the replies go through the Telegram layer's outbound side
(bot/telegram/outbound/replies.py) and are tried again after longer pauses if Telegram keeps
failing (retries.redelivery), continuing from the first reply not yet shown, so a reply that
got through is never sent twice. The chat's later updates wait meanwhile: a chat's turns never
overlap (bot/telegram/inbound/chat_order.py), which is also what keeps load-handle-save
atomic per chat.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Message
from telegram.error import TelegramError

from bot.dialog import Conversation, Event, Reply
from bot.dialog.effects import Forget
from bot.monitoring import metrics
from bot.records import Recorder
from bot.retrying import Sleep, call_retrying
from bot.storage import Storage
from bot.telegram.inbound import FloodGuard, Verdict
from bot.telegram.outbound import ReplySender, retries

log = logging.getLogger(__name__)


class ChatTurns:
    def __init__(self, conversation: Conversation, storage: Storage, sender: ReplySender, *,
                 flood_guard: FloodGuard | None = None, sleep: Sleep = asyncio.sleep,
                 recorder: Recorder | None = None) -> None:
        self._conversation = conversation
        self._storage = storage
        self._chats = storage.chats
        self._sender = sender
        self._flood_guard = flood_guard or FloodGuard()
        self._sleep = sleep
        self._recorder = recorder  # what the turn amounted to, for /stats and /metrics

    async def take_turn(self, chat_id: int, event: Event, tapped: Message | None = None
                        ) -> None:
        metrics.UPDATES.labels(metrics.event_label(event)).inc()
        verdict = await self._flood_guard.check(chat_id)
        if verdict is Verdict.DROP:
            metrics.FLOOD.labels("drop").inc()
            return
        state = await self._chats.load(chat_id)
        if verdict is Verdict.WARN:
            metrics.FLOOD.labels("warn").inc()
            await self._deliver(chat_id, [self._conversation.too_fast(state)])
            return
        new_state, replies, effects = self._conversation.handle(state, event)
        if any(isinstance(effect, Forget) for effect in effects):
            await self._forget(chat_id)
        elif new_state != state:
            await self._chats.save(chat_id, new_state)
        if self._recorder is not None:
            await self._recorder.record(chat_id, event, effects, new_state.language or "")
        await self._deliver(chat_id, replies, tapped)

    async def _forget(self, chat_id: int) -> None:
        """Deleting the chat's row is the state save too: no row loads as a fresh ChatState,
        which is what /forget leaves."""
        await self._storage.forget_chat(chat_id)
        self._sender.forget_chat(chat_id)

    async def apologise(self, chat_id: int) -> None:
        state = await self._chats.load(chat_id)
        try:
            await self._sender.show(chat_id, self._conversation.something_went_wrong(state))
        except TelegramError as error:
            log.info("could not apologise to chat %s: %s", chat_id, error)

    async def _deliver(self, chat_id: int, replies: list[Reply],
                       tapped: Message | None = None) -> None:
        pending = list(replies)

        async def show_pending() -> None:
            nonlocal tapped
            while pending:
                if await self._sender.show(chat_id, pending[0], tapped):
                    tapped = None  # the tapped message now shows that reply
                pending.pop(0)

        try:
            await call_retrying(
                lambda: retries.redelivery(sleep=self._sleep, what=f"reply to chat {chat_id}"),
                show_pending)
        except TelegramError as error:
            if retries.refused(error):  # blocked by the user, or a request Telegram will never take
                metrics.SEND_FAILURES.labels("refused").inc()
                log.warning("reply to chat %s refused: %s", chat_id, error)
            else:
                metrics.SEND_FAILURES.labels("given_up").inc()
                log.error("reply to chat %s undeliverable, given up: %s", chat_id, error)
