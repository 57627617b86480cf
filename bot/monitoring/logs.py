"""Logging that never prints the bot token or the database password, whatever the level.

Bot API URLs contain the token (".../bot123:ABC/sendMessage"): httpx, the framework's default
HTTP layer, logs every request URL at INFO, and tracebacks can carry URLs too. Redacting in
the formatter catches every logger and every exception text, rather than hoping each library
behaves.
"""

from __future__ import annotations

import json
import logging
import sys
import time

from bot.redactor import MASK, Redactor

REDACTED = MASK


class RedactingFormatter(logging.Formatter):
    # Times in UTC, saying so (2026-11-01T08:30:00.123Z): replicas in several zones, and a
    # log shipper, read the same instant.
    converter = staticmethod(time.gmtime)
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self, secrets: list[str], fmt: str) -> None:
        super().__init__(fmt)
        self._redact = Redactor(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


class JsonFormatter(RedactingFormatter):
    """LOG_FORMAT=json: one object a line for log shippers; the message (with any traceback)
    is redacted before it is encoded, so a secret is matched as it was written."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(secrets, "%(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps({"time": self.formatTime(record), "level": record.levelname,
                           "logger": record.name, "message": super().format(record)},
                          ensure_ascii=False)


def configure_logging(level: int, secrets: list[str], log_format: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(secrets) if log_format == "json" else
        RedactingFormatter(secrets, "%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # At DEBUG the framework logs every request and every update whole: people's messages
    # and names. Ours say what happened without them, so DEBUG is ours alone.
    logging.getLogger("telegram").setLevel(max(level, logging.INFO))
    # Request lines are noise at INFO; they stay available at DEBUG (redacted all the same).
    logging.getLogger("httpx").setLevel(logging.DEBUG if level <= logging.DEBUG
                                        else max(level, logging.WARNING))
