"""`python -m bot run`: polling (or a webhook when WEBHOOK_URL is set), until SIGTERM/SIGINT.

Only what reaching Telegram needs is imported here; the knowledge, the conversation and
everything that serves the chats are loaded by `prepared`, in a thread, while the bot is
already on the line (bot/telegram/wiring/runner.py).
"""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings
from bot.knowledge import KnowledgeError
from bot.monitoring.logs import configure_logging
from bot.redactor import environment_secrets, print_error
from bot.storage import StorageError
from bot.telegram.wiring import run_until_signalled

if TYPE_CHECKING:
    from bot.telegram.wiring import ChatService

log = logging.getLogger(__name__)


def serve() -> int:
    try:
        settings = Settings.from_environment()
    except ConfigError as error:
        print_error(f"configuration error: {error}", environment_secrets())
        return 2
    configure_logging(settings.log_level, settings.secrets(), settings.log_format)
    try:
        return run_until_signalled(settings, prepared)
    except KnowledgeError as error:  # bot check would have said so first
        print_error(f"knowledge error: {error}", settings.secrets())
        return 1
    except StorageError as error:  # a store written by a newer bot
        print_error(f"storage error: {error}", settings.secrets())
        return 2
    except ConfigError as error:  # found only when starting: a database, a port, the token
        print_error(f"configuration error: {error}", settings.secrets())
        return 2
    except Exception:
        log.exception("the bot stopped on an unexpected error")  # redacted by the formatter
        return 1


def prepared() -> ChatService:
    """The chats' side, built: knowledge loaded and validated (KnowledgeError), conversation
    and pictures ready. Then everything alive is frozen out of the garbage collector's way:
    the knowledge, the matcher and the models live as long as the process, and each full
    collection walked them all while every chat in flight waited (the closed loop's p99,
    bench/README.md)."""
    from bot.cli.startup import load  # here, in the thread: the dialog, the matcher, pydantic
    from bot.telegram.wiring import ChatService

    chats = ChatService(load().warm())
    gc.collect()
    gc.freeze()
    return chats
