"""One handler per kind of user action: translate the update, run the conversation, deliver.

Each handler loads the chat's state, runs the pure conversation and saves the result with no
await in between, so within the event loop that read-modify-write is atomic: two fast taps
in one chat each see the other's state rather than overwrite it.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.dialog import Command, Conversation, Event, Reply, Tap, TextMessage, Unsupported
from bot.storage import ChatStore
from bot.telegram_layer.delivery import ShownScreens, deliver
from bot.telegram_layer.flood_guard import FloodGuard, Verdict
from bot.telegram_layer.handling_outcome import HandlingOutcome

log = logging.getLogger(__name__)

_MESSAGE_KINDS = ("sticker", "photo", "voice", "video_note", "video", "animation", "audio",
                  "document", "location", "venue", "contact", "poll", "dice")


class ChatHandlers:
    def __init__(self, conversation: Conversation, store: ChatStore,
                 outcome: HandlingOutcome | None = None,
                 flood_guard: FloodGuard | None = None) -> None:
        self.conversation = conversation
        self.store = store
        self.outcome = outcome or HandlingOutcome()
        self.flood_guard = flood_guard or FloodGuard()
        self.shown = ShownScreens()

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        head, _, argument = message.text.partition(" ")
        name = head.lstrip("/").split("@", 1)[0].lower()
        await self._run(update, context, Command(name, argument.strip(), _language(update)))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        await self._run(update, context, TextMessage(message.text, _language(update)))

    async def on_tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()  # stop the button's spinner first, whatever follows
        except TelegramError as error:  # cosmetic: the reply below matters more
            log.info("callback query %s not answered: %s", query.id, error)
        message = query.message
        tapped = message if isinstance(message, Message) and message.is_accessible else None
        await self._run(update, context, Tap(query.data or "", _language(update)), tapped)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        kind = next((k for k in _MESSAGE_KINDS if message and getattr(message, k, None)),
                    "other")
        await self._run(update, context, Unsupported(kind, _language(update)))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log it, and tell the owner once rather than leave them waiting in silence."""
        log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if isinstance(context.error, TelegramError):
            return  # Telegram itself is failing: another message would fail the same way
        state = self.store.load(update.effective_chat.id)
        with contextlib.suppress(TelegramError):
            await deliver(context.bot, update.effective_chat.id,
                          [self.conversation.something_went_wrong(state)])

    async def _run(self, update: Update, context: ContextTypes.DEFAULT_TYPE, event: Event,
                   tapped: Message | None = None) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        verdict = self.flood_guard.check(chat.id)
        if verdict is not Verdict.ALLOW:
            if verdict is Verdict.WARN:
                state = self.store.load(chat.id)
                await self._deliver(update, context, [self.conversation.too_fast(state)])
            return
        state = self.store.load(chat.id)
        new_state, replies = self.conversation.handle(state, event)
        if new_state != state:
            self.store.save(chat.id, new_state)
        await self._deliver(update, context, replies, tapped)

    async def _deliver(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                       replies: list[Reply], tapped: Message | None = None) -> None:
        """A reply Telegram would not take (after the rate limiter's retries) is noted, so
        the poller handles the update again later instead of confirming it."""
        chat = update.effective_chat
        assert chat is not None
        try:
            await deliver(context.bot, chat.id, replies, tapped, self.shown)
        except (Forbidden, BadRequest) as error:  # blocked by the user, or refused: final
            log.warning("reply to chat %s refused: %s", chat.id, error)
        except TelegramError as error:
            log.warning("reply to chat %s not delivered: %s", chat.id, error)
            self.outcome.note_undelivered(update.update_id)


def _language(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user else None
