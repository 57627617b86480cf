"""Settings from the environment, checked once, with messages that say what to set."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot.redactor import SCHEMES, database_address, is_host, libpq_reading, secrets_in

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DATA_DIR = "./data"
DEFAULT_METRICS_LISTEN = "127.0.0.1"  # metrics say how the bot is used: not for the internet
DEFAULT_RETENTION_DAYS = 90
LOG_FORMATS = ("text", "json")


class ConfigError(Exception):
    """A setting is missing or wrong; the message tells the operator what to do."""


N = TypeVar("N", int, float)


def _number(env: dict[str, str], name: str, default: str, kind: Callable[[str], N]) -> N:
    given = env.get(name, default).strip() or default
    try:
        return kind(given)
    except ValueError:
        raise ConfigError(f"{name}={given!r} is not a number") from None


@dataclass(frozen=True)
class Settings:
    token: str
    api_url: str
    data_dir: Path
    log_level: int
    log_format: str = "text"  # or "json": one object a line, for log shippers
    log_summary_seconds: float = 600.0  # a line of what happened, so a quiet log says so
    max_sends_per_second: float = 30.0  # Telegram's overall limit for a bot
    send_retries: int = 8  # retries of a send that failed in transit (5xx, drop, timeout)
    webhook_url: str | None = None  # set: serve a webhook instead of polling
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str | None = None  # derived from the token when WEBHOOK_URL is set alone
    database_url: str | None = None  # set: PostgreSQL instead of SQLite under data_dir
    admin_chat_ids: frozenset[int] = frozenset()  # may use /stats and /unanswered
    metrics_port: int | None = None  # serve /metrics here, either mode (unset: no /metrics)
    metrics_listen: str = DEFAULT_METRICS_LISTEN
    unanswered_retention_days: int = DEFAULT_RETENTION_DAYS  # then what people wrote goes

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None, *,
                         token_required: bool = True) -> Settings:
        """`token_required=False` for the commands that only read what the bot kept (stats,
        unanswered): the token is then "" when unset."""
        env = dict(os.environ if environ is None else environ)
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token and token_required:
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
        log_format = env.get("LOG_FORMAT", "text").strip().lower() or "text"
        if log_format not in LOG_FORMATS:
            raise ConfigError(f"LOG_FORMAT={log_format!r} is not a format; use text or json")
        port = _number(env, "WEBHOOK_PORT", "8443", int)
        if not 1 <= port <= 65535:
            raise ConfigError(f"WEBHOOK_PORT={port} is not a TCP port; use 1-65535")
        rate = _number(env, "TELEGRAM_MAX_SENDS_PER_SECOND", "30", float)
        if not rate > 0:
            raise ConfigError(f"TELEGRAM_MAX_SENDS_PER_SECOND={rate:g} must be above 0 "
                              "(Telegram's own limit is 30)")
        secret = env.get("WEBHOOK_SECRET", "").strip() or None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ConfigError("WEBHOOK_SECRET may only hold A-Z, a-z, 0-9, _ and -, "
                              "1-256 characters (Telegram's rule)")
        webhook_url = env.get("WEBHOOK_URL", "").strip() or None
        if webhook_url is not None and not re.match(r"https?://[^/\s]+", webhook_url):
            raise ConfigError(f"WEBHOOK_URL={webhook_url!r} is not a URL; Telegram needs the "
                              "public https:// address it should post updates to")
        metrics_port = _metrics_port(env, webhook_url, port)
        if webhook_url is not None and secret is None and token:
            secret = derived_secret(token)
        retention = _number(env, "UNANSWERED_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS), int)
        if retention < 0:
            raise ConfigError(f"UNANSWERED_RETENTION_DAYS={retention} cannot be negative; give "
                              "the days to keep unanswered questions and comments (0: keep none)")
        return cls(
            token=token,
            api_url=env.get("TELEGRAM_API_URL", DEFAULT_API_URL).strip().rstrip("/")
            or DEFAULT_API_URL,
            data_dir=Path(env.get("BOT_DATA_DIR", DEFAULT_DATA_DIR)),
            log_level=level,
            log_format=log_format,
            max_sends_per_second=rate,
            webhook_url=webhook_url,
            webhook_listen=env.get("WEBHOOK_LISTEN", "0.0.0.0").strip() or "0.0.0.0",
            webhook_port=port,
            webhook_secret=secret,
            database_url=_database_url(env),
            admin_chat_ids=_chat_ids(env, "ADMIN_CHAT_IDS"),
            metrics_port=metrics_port,
            metrics_listen=env.get("METRICS_LISTEN", "").strip() or DEFAULT_METRICS_LISTEN,
            unanswered_retention_days=retention,
        )

    def secrets(self) -> list[str]:
        """What no output may show: the token, the webhook secret, the database password."""
        return secrets_in(self.token, self.webhook_secret, self.database_url)


def derived_secret(token: str) -> str:
    """The webhook's secret when WEBHOOK_SECRET is unset: the same in every replica of one bot
    (each calls setWebhook at start, and the last one's secret is the one Telegram sends), and
    unknowable without the token, which could set any webhook anyway."""
    digest = hmac.new(token.encode(), b"qashqai-trunk webhook secret", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _database_url(env: dict[str, str]) -> str | None:
    """DATABASE_URL's shape is checked here, as libpq reads it; whether the database answers,
    at start-up. A password with an unencoded '@' or '/' moves libpq's boundaries: caught
    here, it never reaches an error of libpq's or the server's that would quote a piece."""
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        return None
    _require_postgres_driver()
    problem = _database_url_problem(url)
    if problem:
        raise ConfigError(f"DATABASE_URL={database_address(url)} is not a PostgreSQL URL: "
                          f"{problem}; use postgresql://USER:PASSWORD@HOST:5432/DATABASE, "
                          "with any of @ : / ? # & % in the user name or password "
                          "percent-encoded (@ as %40), or unset it to keep state in SQLite "
                          "under BOT_DATA_DIR")
    return url


def _require_postgres_driver() -> None:
    """PostgreSQL's driver is an optional extra (pyproject.toml: postgres), and without it
    DATABASE_URL can be neither read (libpq reads it) nor used: said before anything else."""
    for module in ("psycopg", "psycopg_pool"):
        try:
            importlib.import_module(module)
        except ImportError:
            raise ConfigError("DATABASE_URL is set, but PostgreSQL support is not installed: "
                              "pip install '.[postgres]', or unset DATABASE_URL to keep "
                              "everything in SQLite under BOT_DATA_DIR") from None


def _database_url_problem(url: str) -> str | None:
    if url.partition("://")[0].lower() not in SCHEMES or "://" not in url:
        return "it must start with postgresql://"
    parts = libpq_reading(url)
    if parts is None:
        return "libpq cannot read it"
    hosts = [h for h in parts.get("host", "").split(",") if h] or (
        [parts["hostaddr"]] if parts.get("hostaddr") else [])
    if not hosts:
        return "it names no host"
    if not all(is_host(host) or host.startswith("/") for host in hosts):
        return "its host is not a host name"
    if not all(p.isascii() and p.isdigit() and 1 <= int(p) <= 65535
               for p in parts.get("port", "").split(",") if p):
        return "its port is not a number from 1 to 65535"
    if "@" in parts.get("dbname", ""):
        return "its database name holds an @"
    return None


def _chat_ids(env: dict[str, str], name: str) -> frozenset[int]:
    """Comma-separated chat ids; spaces and a trailing comma are forgiven, anything else not:
    an admin left out by a typo would find out only when /stats answers with the help."""
    ids = set()
    for given in env.get(name, "").split(","):
        given = given.strip()
        if not given:
            continue
        if given.startswith("-") and given[1:].isdigit():
            raise ConfigError(f"{name}: {given} is a group's id, and the bot answers only in "
                              "private chats; give each admin's own chat id (their Telegram "
                              "user id), e.g. 123456789,987654321")
        if not re.fullmatch(r"[0-9]+", given) or int(given) == 0:
            raise ConfigError(f"{name}: {given!r} is not a chat id; give numeric chat ids "
                              "separated by commas, e.g. 123456789,987654321 (a private "
                              "chat's id is the person's Telegram user id)")
        ids.add(int(given))
    return frozenset(ids)


def _metrics_port(env: dict[str, str], webhook_url: str | None, webhook_port: int
                  ) -> int | None:
    if not env.get("METRICS_PORT", "").strip():
        return None
    port = _number(env, "METRICS_PORT", "", int)
    if not 1 <= port <= 65535:
        raise ConfigError(f"METRICS_PORT={port} is not a TCP port; use 1-65535, or leave it "
                          "unset for no metrics server")
    if webhook_url is not None and port == webhook_port:
        raise ConfigError(f"METRICS_PORT={port} is WEBHOOK_PORT too: /metrics is never served "
                          "on the public webhook port; pick another port")
    return port
