"""Builds the python-telegram-bot Application in one place: how it talks to Telegram.

Every text the bot sends is HTML (as the dialog writes its replies) and shows no link
preview (a sources screen links its handbooks; a preview card of the first would fill the
screen): the Application's Defaults say so once for every call that takes either.

No Updater: updates arrive through our poller or webhook, which confirm them to Telegram
only once handled. Handlers are added by bot/telegram/inbound/handlers.py.
"""

from __future__ import annotations

from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.config import Settings
from bot.retrying import call_retrying
from bot.telegram.inbound import CONCURRENT_UPDATES, UpdateBudgets
from bot.telegram.outbound import AiohttpRequest, RetryingRateLimiter, UpdatesRequest, retries

DEFAULTS = Defaults(parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True))


def build_application(settings: Settings, budgets: UpdateBudgets
                      ) -> Application[Any, Any, Any, Any, Any, Any]:
    """`budgets` screen what getUpdates returns, before it is parsed."""
    return (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .defaults(DEFAULTS)
        .updater(None)
        .rate_limiter(RetryingRateLimiter(overall_max_rate=settings.max_sends_per_second,
                                          transient_retries=settings.send_retries))
        .concurrent_updates(CONCURRENT_UPDATES)
        # + answers and edits of one update; getUpdates has its own connection
        .request(AiohttpRequest(connection_pool_size=CONCURRENT_UPDATES + 2))
        .get_updates_request(UpdatesRequest(budgets.screen))
        .build()
    )


async def wait_for_telegram(settings: Settings) -> None:
    """getMe until Telegram answers (retries.until_telegram_answers), on a connection of its
    own: the Application's getMe gives up after a few seconds, and a failed initialize
    leaves its sessions open."""
    request = AiohttpRequest()
    await request.initialize()
    try:
        await call_retrying(lambda: retries.until_telegram_answers(settings.api_url),
                            lambda: request.post(f"{settings.api_url}/bot{settings.token}/getMe"))
    finally:
        await request.shutdown()
