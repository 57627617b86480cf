"""`python -m bot run`: Telegram polling with settings from the environment."""

from __future__ import annotations

import logging
import sys

from bot.cli.startup import load
from bot.config import ConfigError, Settings
from bot.storage import ChatStore
from bot.telegram_layer import build_application
from bot.telegram_layer.application import ALLOWED_UPDATES
from bot.telegram_layer.redaction import configure_logging

log = logging.getLogger(__name__)


def serve() -> int:
    try:
        settings = Settings.from_environment()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, [settings.token])
    loaded = load()
    store = ChatStore(settings.data_dir)
    log.info("knowledge %s loaded; state in %s; Bot API at %s", loaded.knowledge.version,
             store.path, settings.api_url)
    application = build_application(settings, loaded.conversation, store)
    try:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        store.close()
    return 0
