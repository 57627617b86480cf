"""The settings of the people who run the bot: admins, metrics, how long what people wrote
is kept; a wrong value stops start-up with a message that starts with its variable."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings

TOKEN = "123456:ABC-test-token"


def settings(**env: str) -> Settings:
    return Settings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN, **env})


def test_defaults_keep_no_admins_no_metrics_server_and_ninety_days() -> None:
    chosen = settings()
    assert chosen.admin_chat_ids == frozenset()
    assert chosen.metrics_port is None
    assert chosen.metrics_listen == "127.0.0.1"
    assert chosen.unanswered_retention_days == 90


@pytest.mark.parametrize(("given", "ids"), [
    ("123456789", {123456789}),
    ("123456789,987654321", {123456789, 987654321}),
    (" 1, 2 ,3, ", {1, 2, 3}),
    ("", set()),
])
def test_admin_chat_ids_are_read(given: str, ids: set[int]) -> None:
    assert settings(ADMIN_CHAT_IDS=given).admin_chat_ids == ids


@pytest.mark.parametrize("given", ["@alice", "12 34", "123;456", "0", "1.5", "12,abc"])
def test_a_malformed_admin_list_names_the_variable_and_shows_the_form(given: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings(ADMIN_CHAT_IDS=given)
    message = str(caught.value)
    assert message.startswith("ADMIN_CHAT_IDS")
    assert "123456789,987654321" in message


def test_a_group_is_no_admin_the_bot_answers_only_in_private_chats() -> None:
    with pytest.raises(ConfigError) as caught:
        settings(ADMIN_CHAT_IDS="123,-1001234567890")
    assert str(caught.value).startswith("ADMIN_CHAT_IDS: -1001234567890 is a group's id")


def test_metrics_settings_are_read() -> None:
    chosen = settings(METRICS_PORT="9100", METRICS_LISTEN="0.0.0.0",
                      UNANSWERED_RETENTION_DAYS="30")
    assert (chosen.metrics_port, chosen.metrics_listen, chosen.unanswered_retention_days) == (
        9100, "0.0.0.0", 30)


def test_zero_retention_days_keeps_nothing_people_wrote() -> None:
    assert settings(UNANSWERED_RETENTION_DAYS="0").unanswered_retention_days == 0


@pytest.mark.parametrize(("name", "given"), [
    ("METRICS_PORT", "nine"), ("METRICS_PORT", "0"), ("METRICS_PORT", "65536"),
    ("METRICS_PORT", "-1"), ("UNANSWERED_RETENTION_DAYS", "ninety"),
    ("UNANSWERED_RETENTION_DAYS", "-1"), ("UNANSWERED_RETENTION_DAYS", "1.5"),
])
def test_a_bad_value_is_an_error_naming_its_variable(name: str, given: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings(**{name: given})
    assert str(caught.value).startswith(name)


def test_the_metrics_port_cannot_be_the_webhook_port() -> None:
    with pytest.raises(ConfigError) as caught:
        settings(WEBHOOK_URL="https://bot.example.org/hook", WEBHOOK_PORT="8443",
                 METRICS_PORT="8443")
    assert str(caught.value).startswith("METRICS_PORT")


def test_reading_commands_need_no_token() -> None:
    chosen = Settings.from_environment({"BOT_DATA_DIR": "/srv/bot"}, token_required=False)
    assert chosen.token == ""
    assert str(chosen.data_dir) == "/srv/bot"
