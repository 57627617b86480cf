"""Builds the python-telegram-bot Application in one place: wiring only."""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.dialog import Conversation
from bot.dialog.screens import COMMAND_KEYS
from bot.knowledge import DEFAULT_LANGUAGE, LANGUAGES, Knowledge
from bot.storage import ChatStore
from bot.telegram_layer.chat_order import DEFAULT_CONCURRENCY, PerChatOrder
from bot.telegram_layer.handlers import ChatHandlers
from bot.telegram_layer.handling_outcome import HandlingOutcome
from bot.telegram_layer.retrying_limiter import RetryingRateLimiter

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def build_application(settings: Settings, conversation: Conversation, store: ChatStore,
                      outcome: HandlingOutcome) -> Application:  # type: ignore[type-arg]
    """No Updater: updates arrive through our poller or webhook, which confirm them to
    Telegram only once handled (see polling.py)."""
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .updater(None)
        .rate_limiter(RetryingRateLimiter(overall_max_rate=settings.max_sends_per_second,
                                          transient_retries=settings.send_retries))
        .concurrent_updates(PerChatOrder(DEFAULT_CONCURRENCY))
        .connection_pool_size(DEFAULT_CONCURRENCY + 2)  # + answers and edits of one update
        .build()
    )
    handlers = ChatHandlers(conversation, store, outcome)
    private_message = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(private_message & filters.COMMAND,
                                           handlers.on_command))
    application.add_handler(MessageHandler(private_message & filters.TEXT, handlers.on_text))
    application.add_handler(CallbackQueryHandler(handlers.on_tap))
    application.add_handler(MessageHandler(private_message, handlers.on_other))
    application.add_error_handler(handlers.on_error)
    return application


async def publish_commands(application: Application, knowledge: Knowledge  # type: ignore[type-arg]
                           ) -> None:
    """The command menu in every language: the default list, and one per language code."""
    for language in LANGUAGES:
        commands = [BotCommand(name, knowledge.ui(key, language))
                    for name, key in COMMAND_KEYS.items()]
        code = None if language == DEFAULT_LANGUAGE else language
        await application.bot.set_my_commands(commands, language_code=code)
