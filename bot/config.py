"""Settings from the environment, checked once, with messages that say what to set."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_API_URL = "https://api.telegram.org"


class ConfigError(Exception):
    """A setting is missing or wrong; the message tells the operator what to do."""


@dataclass(frozen=True)
class Settings:
    token: str
    api_url: str
    data_dir: Path
    log_level: int

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather in Telegram, then "
                "run: TELEGRAM_BOT_TOKEN=123456:ABC... make run   "
                "(to try the bot without Telegram: make chat)"
            )
        level_name = env.get("LOG_LEVEL", "INFO").strip().upper()
        level = logging.getLevelNamesMapping().get(level_name)
        if level is None:
            raise ConfigError(f"LOG_LEVEL={level_name!r} is not a level; use DEBUG, INFO, "
                              "WARNING or ERROR")
        return cls(
            token=token,
            api_url=env.get("TELEGRAM_API_URL", DEFAULT_API_URL).strip().rstrip("/")
            or DEFAULT_API_URL,
            data_dir=Path(env.get("BOT_DATA_DIR", "./data")),
            log_level=level,
        )
