"""`python -m bot run`: polling (or a webhook when WEBHOOK_URL is set), until SIGTERM/SIGINT."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.cli.startup import load
from bot.config import ConfigError, Settings
from bot.monitoring.logs import configure_logging
from bot.redactor import environment_secrets, print_error
from bot.storage import StorageError, describe_storage
from bot.telegram.inbound import derived_secret
from bot.telegram.wiring import run_until_signalled

log = logging.getLogger(__name__)


def serve() -> int:
    try:
        settings = Settings.from_environment()
    except ConfigError as error:
        print_error(f"configuration error: {error}", environment_secrets())
        return 2
    if settings.webhook_url and not settings.webhook_secret:
        settings = replace(settings, webhook_secret=derived_secret(settings.token))
    configure_logging(settings.log_level, settings.secrets(), settings.log_format)
    loaded = load()
    log.info("knowledge %s loaded; state in %s; Bot API at %s", loaded.knowledge.version,
             describe_storage(settings), settings.api_url)
    try:
        return run_until_signalled(settings, loaded.conversation, loaded.gallery)
    except StorageError as error:  # a store written by a newer bot
        print_error(f"storage error: {error}", settings.secrets())
        return 2
    except ConfigError as error:  # found only when starting: a database, a port, the token
        print_error(f"configuration error: {error}", settings.secrets())
        return 2
    except Exception:
        log.exception("the bot stopped on an unexpected error")  # redacted by the formatter
        return 1
