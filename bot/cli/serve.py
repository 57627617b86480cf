"""`python -m bot run`: polling (or a webhook when WEBHOOK_URL is set), until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
import sys
from dataclasses import replace

from telegram.error import InvalidToken

from bot.cli.startup import load
from bot.config import ConfigError, Settings
from bot.dialog import Conversation
from bot.telegram_layer.health import Heartbeat
from bot.telegram_layer.redaction import configure_logging
from bot.telegram_layer.runtime import PollingBot

log = logging.getLogger(__name__)


def serve() -> int:
    try:
        settings = Settings.from_environment()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    if settings.webhook_url and not settings.webhook_secret:
        settings = replace(settings, webhook_secret=secrets.token_urlsafe(32))
    configure_logging(settings.log_level, [settings.token, settings.webhook_secret or ""])
    loaded = load()
    log.info("knowledge %s loaded; state in %s; Bot API at %s", loaded.knowledge.version,
             settings.data_dir, settings.api_url)
    try:
        if settings.webhook_url:
            from bot.telegram_layer.webhook import serve_webhook

            return asyncio.run(serve_webhook(settings, loaded.conversation))
        return asyncio.run(_poll(settings, loaded.conversation))
    except InvalidToken:
        # The framework's message quotes the token: never let it reach the terminal.
        print("configuration error: Telegram rejected TELEGRAM_BOT_TOKEN; check it with "
              "@BotFather", file=sys.stderr)
        return 2
    except Exception:
        log.exception("the bot stopped on an unexpected error")  # redacted by the formatter
        return 1


async def _poll(settings: Settings, conversation: Conversation) -> int:
    heartbeat = Heartbeat(settings.data_dir)
    bot = PollingBot(settings, conversation, on_poll=heartbeat.beat)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await bot.start()
    log.info("polling; SIGTERM or Ctrl-C stops after finishing updates in progress")
    waiting = asyncio.create_task(bot.wait())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    await bot.stop()
    for task in (waiting, stopping):
        task.cancel()
    if waiting.done() and not waiting.cancelled() and waiting.exception() is not None:
        raise waiting.exception()  # type: ignore[misc]
    log.info("stopped cleanly")
    return 0
