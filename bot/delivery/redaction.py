"""Logging that never prints the bot token or the database password, whatever the level.

Bot API URLs contain the token (".../bot123:ABC/sendMessage"): httpx, the framework's default
HTTP layer, logs every request URL at INFO, and tracebacks can carry URLs too. Redacting in
the formatter catches every logger and every exception text, rather than hoping each library
behaves.
"""

from __future__ import annotations

import logging
import sys

from bot.redactor import MASK, Redactor

REDACTED = MASK


class RedactingFormatter(logging.Formatter):
    def __init__(self, secrets: list[str], fmt: str) -> None:
        super().__init__(fmt)
        self._redact = Redactor(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


def configure_logging(level: int, secrets: list[str]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter(secrets, "%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Request lines are noise at INFO; they stay available at DEBUG (redacted all the same).
    logging.getLogger("httpx").setLevel(logging.DEBUG if level <= logging.DEBUG
                                        else max(level, logging.WARNING))
