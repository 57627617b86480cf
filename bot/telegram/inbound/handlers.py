"""One framework handler per kind of user action: translate the update, hand the event on.

What happens next (the chat's state, the conversation, sending the replies, retrying) is the
`TurnTaker` the handlers are given: ChatTurns (bot/telegram/wiring/chat_turn.py) in the running bot.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from telegram import BotCommand, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

import bot.telegram.inbound.events as events
from bot.dialog import Event
from bot.dialog.screens import COMMAND_KEYS
from bot.knowledge import DEFAULT_LANGUAGE, LANGUAGES, Knowledge
from bot.telegram.outbound import InlineQueries, links_of

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


class TurnTaker(Protocol):
    """What takes a chat's turn once its update is an Event (ChatTurns, or AdminDesk in front)."""

    async def take_turn(self, chat_id: int, event: Event, tapped: Message | None = None
                        ) -> None: ...

    async def apologise(self, chat_id: int) -> None:
        """Tell the owner something went wrong, rather than leave them waiting in silence."""
        ...


class ChatHandlers:
    def __init__(self, chat: TurnTaker, inline: InlineQueries | None = None) -> None:
        self._chat = chat
        self._inline = inline

    async def on_inline_query(self, update: Update, context: Context) -> None:
        """"@bot dead battery" in any chat: no chat, no state; answered at once."""
        links = links_of(context.bot)
        if update.inline_query is not None and self._inline is not None and links is not None:
            await self._inline.answer(update.inline_query, links)

    async def on_command(self, update: Update, _: Context) -> None:
        if update.effective_chat and update.effective_message:
            await self._chat.take_turn(update.effective_chat.id, events.command(
                update.effective_message, events.language_code(update)))

    async def on_text(self, update: Update, _: Context) -> None:
        if update.effective_chat and update.effective_message:
            await self._chat.take_turn(update.effective_chat.id, events.text(
                update.effective_message, events.language_code(update)))

    async def on_tap(self, update: Update, _: Context) -> None:
        query = update.callback_query
        chat = update.effective_chat
        if query is None or (chat is not None and chat.type != ChatType.PRIVATE):
            return  # a group's taps are ignored as its messages are (forged: we never post there)
        try:
            await query.answer()  # stop the button's spinner first, whatever follows
        except TelegramError as error:  # cosmetic: the reply below matters more
            log.info("callback query %s not answered: %s", query.id, error)
        if chat:
            await self._chat.take_turn(
                chat.id,
                events.tap(query.data, events.language_code(update)),
                events.tapped_message(update),
            )

    async def on_other(self, update: Update, _: Context) -> None:
        if update.effective_chat:
            await self._chat.take_turn(update.effective_chat.id, events.unsupported(
                update.effective_message, events.language_code(update)))

    async def on_error(self, update: object, context: Context) -> None:
        log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if isinstance(context.error, TelegramError):
            return  # Telegram itself is failing: another message would fail the same way
        await self._chat.apologise(update.effective_chat.id)


def add_handlers(application: Application[Any, Any, Any, Any, Any, Any], chat: TurnTaker,
                 inline: InlineQueries | None = None) -> None:
    """Private chats only: the bot stays silent in groups and channels, to messages and taps
    alike (inline queries come from any chat, and are answered without one)."""
    handlers = ChatHandlers(chat, inline)
    private_message = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(private_message & filters.COMMAND,
                                           handlers.on_command))
    application.add_handler(MessageHandler(private_message & filters.TEXT, handlers.on_text))
    application.add_handler(CallbackQueryHandler(handlers.on_tap))
    application.add_handler(InlineQueryHandler(handlers.on_inline_query))
    application.add_handler(MessageHandler(private_message, handlers.on_other))
    application.add_error_handler(handlers.on_error)


async def publish_commands(application: Application[Any, Any, Any, Any, Any, Any],
                           knowledge: Knowledge) -> None:
    """The command menu in every language: the default list, and one per language code."""
    for language in LANGUAGES:
        commands = [BotCommand(name, knowledge.ui(key, language))
                    for name, key in COMMAND_KEYS.items()]
        code = None if language == DEFAULT_LANGUAGE else language
        await application.bot.set_my_commands(commands, language_code=code)
