"""Settings an operator sets in the environment, and the messages when they get one wrong."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings

TOKEN = "123456:ABC-test-token"


@pytest.mark.parametrize("environ", [{}, {"TELEGRAM_BOT_TOKEN": ""},
                                     {"TELEGRAM_BOT_TOKEN": "  \n"}])
def test_missing_or_blank_token_says_what_to_set(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        Settings.from_environment(environ)


def test_defaults() -> None:
    settings = Settings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings == Settings(token=TOKEN, api_url="https://api.telegram.org",
                                data_dir=Path("./data"), log_level=logging.INFO)


def test_token_pasted_with_whitespace_is_trimmed() -> None:
    settings = Settings.from_environment({"TELEGRAM_BOT_TOKEN": f"  {TOKEN}\n"})
    assert settings.token == TOKEN


def test_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_DATA_DIR", "/var/lib/qashqai")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    monkeypatch.delenv("TELEGRAM_API_URL", raising=False)
    settings = Settings.from_environment()
    assert settings.token == TOKEN
    assert settings.data_dir == Path("/var/lib/qashqai")
    assert settings.log_level == logging.WARNING


def test_missing_token_in_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        Settings.from_environment()


@pytest.mark.parametrize(("given", "used"), [
    ("http://localhost:8081/", "http://localhost:8081"),
    ("http://localhost:8081//", "http://localhost:8081"),
    (" https://bot-api.example/ ", "https://bot-api.example"),
    ("", "https://api.telegram.org"),
])
def test_api_url_without_trailing_slash(given: str, used: str) -> None:
    settings = Settings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN,
                                          "TELEGRAM_API_URL": given})
    assert settings.api_url == used


@pytest.mark.parametrize(("given", "level"), [("debug", logging.DEBUG), ("ERROR", logging.ERROR),
                                              (" Warning ", logging.WARNING)])
def test_log_level_by_name(given: str, level: int) -> None:
    settings = Settings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": given})
    assert settings.log_level == level


@pytest.mark.parametrize("given", ["LOUD", "verbose", "10"])
def test_bad_log_level_is_a_clear_error(given: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": given})
    message = str(caught.value)
    assert "LOG_LEVEL" in message and given.upper() in message
    assert "DEBUG" in message and "INFO" in message


@pytest.mark.parametrize(("name", "given"), [
    ("WEBHOOK_PORT", "eighty"), ("WEBHOOK_PORT", "0"), ("WEBHOOK_PORT", "70000"),
    ("TELEGRAM_MAX_SENDS_PER_SECOND", "fast"), ("TELEGRAM_MAX_SENDS_PER_SECOND", "0"),
    ("TELEGRAM_MAX_SENDS_PER_SECOND", "-5"), ("WEBHOOK_URL", "bot.example.org/hook"),
    ("WEBHOOK_SECRET", "has spaces"), ("WEBHOOK_SECRET", "x" * 257),
])
def test_a_bad_value_is_an_error_naming_its_variable(name: str, given: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN, name: given})
    assert str(caught.value).startswith(name)


def test_webhook_settings_are_read() -> None:
    settings = Settings.from_environment({
        "TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.org/telegram",
        "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": "8080", "WEBHOOK_SECRET": "s3cret_-1",
        "TELEGRAM_MAX_SENDS_PER_SECOND": "12.5"})
    assert (settings.webhook_url, settings.webhook_listen, settings.webhook_port,
            settings.webhook_secret, settings.max_sends_per_second) == (
        "https://bot.example.org/telegram", "127.0.0.1", 8080, "s3cret_-1", 12.5)


def test_a_webhook_without_a_secret_gets_one_every_replica_derives_alike() -> None:
    """Each replica calls setWebhook with its secret: unset, they agree without being told,
    and the secret is never the token; polling needs none."""
    hook = {"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.org/telegram"}
    first, second = Settings.from_environment(hook), Settings.from_environment(dict(hook))
    assert first.webhook_secret and first.webhook_secret == second.webhook_secret
    assert TOKEN.split(":")[1] not in first.webhook_secret
    assert first.webhook_secret in first.secrets()  # redacted like the token
    other = Settings.from_environment({**hook, "TELEGRAM_BOT_TOKEN": "654321:ANOTHER-bot"})
    assert other.webhook_secret != first.webhook_secret
    assert Settings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN}).webhook_secret is None


SECRET_PASSWORD = "s3cr3t-Pa55"


@pytest.mark.parametrize("url", [
    f"mysql://bot:{SECRET_PASSWORD}@db:3306/trunk",
    f"postgresql://bot:{SECRET_PASSWORD}@:5432/trunk",
    f"postgresql://bot:{SECRET_PASSWORD}@db:port/trunk",
    f"postgresql://bot:{SECRET_PASSWORD}@db:99999/trunk",
    f"bot:{SECRET_PASSWORD}@db/trunk",
    f"postgresql://bot:{SECRET_PASSWORD}@[db/trunk",
])
def test_a_malformed_database_url_is_named_and_its_password_never_shown(url: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": url})
    assert str(raised.value).startswith("DATABASE_URL=")
    assert SECRET_PASSWORD not in str(raised.value)


def test_a_database_url_switches_to_postgresql_and_its_password_is_a_secret() -> None:
    url = "postgresql://bot:p%40ss@db.internal:5432/trunk?password=other"
    settings = Settings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": url})
    assert settings.database_url == url
    assert {"p%40ss", "p@ss", "other"} <= set(settings.secrets())
    assert Settings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN,
                                      "DATABASE_URL": " "}).database_url is None
