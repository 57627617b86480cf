"""The bot token never reaches the log, whichever logger or exception carries it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.monitoring.logs import REDACTED, configure_logging

TOKEN = "7012345678:AAF-fake_Token-For-Redaction-Tests"
API = f"https://api.telegram.org/bot{TOKEN}"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root, httpx = logging.getLogger(), logging.getLogger("httpx")
    saved = root.handlers[:], root.level, httpx.level
    yield
    root.handlers[:], root.level = saved[0], saved[1]
    httpx.setLevel(saved[2])


def test_token_is_redacted_from_urls_exceptions_and_all_records(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(logging.INFO, [TOKEN])
    logging.getLogger("httpx").warning('HTTP Request: POST %s/getUpdates "HTTP/1.1 502"', API)
    try:
        raise ConnectionError(f"cannot reach {API}/getMe")
    except ConnectionError:
        logging.getLogger("bot.telegram").exception("polling failed")
    logging.getLogger("bot").info("bot started, %d chats", 3)

    err = capsys.readouterr().err
    assert TOKEN not in err
    assert f"bot{REDACTED}/getUpdates" in err
    assert f"cannot reach https://api.telegram.org/bot{REDACTED}/getMe" in err
    assert "Traceback" in err and "ConnectionError" in err  # the operator still sees why
    assert "bot started, 3 chats" in err


def test_request_lines_hidden_at_info(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(logging.INFO, [TOKEN])
    logging.getLogger("httpx").info("HTTP Request: POST %s/sendMessage", API)
    logging.getLogger("bot").info("a line from the bot")
    err = capsys.readouterr().err
    assert "sendMessage" not in err
    assert "a line from the bot" in err


def test_request_lines_shown_redacted_at_debug(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(logging.DEBUG, [TOKEN])
    logging.getLogger("httpx").info("HTTP Request: POST %s/sendMessage", API)
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert f"bot{REDACTED}/sendMessage" in err


def test_reconfiguring_does_not_duplicate_lines(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(logging.INFO, [TOKEN])
    configure_logging(logging.INFO, [TOKEN])
    logging.getLogger("bot").warning("once")
    assert capsys.readouterr().err.count("once") == 1


def test_empty_secret_does_not_mangle_the_log(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(logging.INFO, [""])
    logging.getLogger("bot").warning("plain message")
    err = capsys.readouterr().err
    assert "plain message" in err and REDACTED not in err
