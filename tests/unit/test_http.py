"""The HTTP layer (bot/telegram/outbound/http.py) against the local Bot API server: what it sends,
and how it reports what went wrong on the way, in the framework's own exceptions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import yarl
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.telegram.outbound import AiohttpRequest
from bot.telegram.outbound.http import _proxy_for
from tests.fake_telegram import FakeTelegram
from tests.unit.conftest import KNOWN_CHAT

CHAT = KNOWN_CHAT




@pytest.fixture
async def bot(server: FakeTelegram) -> AsyncIterator[Bot]:
    request = AiohttpRequest(connection_pool_size=2, read_timeout=0.5)
    async with Bot(server.token, base_url=server.api_base_url, request=request,
                   get_updates_request=AiohttpRequest()) as telegram_bot:
        yield telegram_bot


async def test_a_message_with_a_keyboard_goes_as_json_and_comes_back_parsed(
        server: FakeTelegram, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Next ▶️", callback_data="n:1")]])
    sent = await bot.send_message(CHAT, "<b>Step 1</b> — press «the button»",
                                  parse_mode="HTML", reply_markup=markup)
    assert sent.text == "Step 1 — press «the button»"
    assert sent.reply_markup == markup
    (shown,) = server.bot_messages(CHAT)
    assert shown.buttons == [[{"text": "Next ▶️", "callback_data": "n:1"}]]
    assert server.rejections == []


async def test_a_file_goes_as_multipart(server: FakeTelegram, bot: Bot) -> None:
    """What a photo reply will take: the framework's multipart encoding, file included."""
    assert await bot.set_webhook("https://example.org/hook", certificate=b"-----CERT-----",
                                 secret_token="s3cret")
    assert server.webhook.url == "https://example.org/hook"
    assert server.rejections == []


async def test_a_refusal_is_the_frameworks_bad_request(server: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999_999, "nobody there")
    server.rejections.clear()


@pytest.mark.parametrize("fault", ["502", "500", "drop"])
async def test_failures_on_the_way_are_network_errors(
        server: FakeTelegram, bot: Bot, fault: str) -> None:
    server.faults.inject(fault, "sendMessage")  # type: ignore[arg-type]
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(CHAT, "hello")
    assert not isinstance(caught.value, BadRequest)
    await bot.send_message(CHAT, "and the next one goes through")


async def test_an_answer_slower_than_the_read_timeout_is_timed_out(
        server: FakeTelegram, bot: Bot) -> None:
    server.faults.slow_seconds = 2.0
    server.faults.inject("slow", "sendMessage")
    with pytest.raises(TimedOut):
        await bot.send_message(CHAT, "hello")


async def test_a_long_poll_waits_longer_than_the_read_timeout(
        server: FakeTelegram, bot: Bot) -> None:
    """getUpdates asks for its own read timeout (poll time + margin): it must be honoured."""
    assert await bot.get_updates(timeout=1) == ()


def test_proxy_settings_are_honoured_as_the_frameworks_httpx_layer_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    _proxy_for.cache_clear()
    try:
        proxy, _ = _proxy_for(yarl.URL("https://api.telegram.org"))
        assert proxy == yarl.URL("http://proxy.internal:3128")
        assert _proxy_for(yarl.URL("http://127.0.0.1:8081")) == (None, None)
    finally:
        _proxy_for.cache_clear()
