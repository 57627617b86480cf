"""Fault injection: each kind reaches python-telegram-bot as a real network failure would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from tests.fake_telegram import FakeTelegram, FaultKind, Faults

CHAT = 5005


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        fake.user_sends(CHAT, "hi")
        yield fake
    assert fake.rejections == [], fake.rejections


@pytest.fixture
async def bot(server: FakeTelegram) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=2, connect_timeout=2)
    async with Bot(server.token, base_url=server.api_base_url, request=request) as client:
        yield client


async def post(server: FakeTelegram, method: str, **params: Any) -> tuple[int, str]:
    url = f"{server.api_base_url}{server.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, json=params) as response:
        return response.status, await response.text()


async def test_500_is_not_applied(server: FakeTelegram, bot: Bot) -> None:
    server.faults.inject("500", "sendMessage")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(CHAT, "lost")
    assert server.bot_messages(CHAT) == []
    await bot.send_message(CHAT, "second try")  # one-shot: the next call succeeds
    assert [m.text for m in server.bot_messages(CHAT)] == ["second try"]
    assert server.faults.injected == [("sendMessage", "500")]


async def test_502_is_html_like_nginx(server: FakeTelegram, bot: Bot) -> None:
    server.faults.inject("502")
    status, body = await post(server, "getMe")
    assert status == 502 and "<title>502 Bad Gateway</title>" in body
    server.faults.inject("502")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB-internal
async def test_429_carries_retry_after(server: FakeTelegram, bot: Bot) -> None:
    server.faults.retry_after = 7
    server.faults.inject("429", "sendMessage", times=2)
    status, body = await post(server, "sendMessage", chat_id=CHAT, text="x")
    assert status == 429
    assert body == (
        '{"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7", '
        '"parameters": {"retry_after": 7}}'
    )
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(CHAT, "x")
    assert "Retry in 7 seconds" in raised.value.message
    assert server.bot_messages(CHAT) == []


async def test_drop_closes_connection_without_answer(server: FakeTelegram, bot: Bot) -> None:
    server.faults.inject("drop", "sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "dropped")
    assert server.bot_messages(CHAT) == []
    assert (await bot.send_message(CHAT, "after")).text == "after"  # the client recovers


async def test_drop_after_apply_creates_the_message(server: FakeTelegram, bot: Bot) -> None:
    server.faults.inject("drop_after_apply", "sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "sent but unanswered")
    assert [m.text for m in server.bot_messages(CHAT)] == ["sent but unanswered"]


async def test_slow_answer_times_out_client_but_still_applies(server: FakeTelegram) -> None:
    server.faults.slow_seconds = 0.6
    server.faults.inject("slow", "sendMessage")
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(server.token, base_url=server.api_base_url, request=request) as impatient:
        with pytest.raises(TimedOut):
            await impatient.send_message(CHAT, "late")
    assert (await server.wait_for_bot_message(CHAT, timeout=3)).text == "late"


async def test_get_updates_outage_window_loses_nothing(server: FakeTelegram, bot: Bot) -> None:
    server.faults.fail_get_updates_for(0.3)
    with pytest.raises(NetworkError):
        await bot.get_updates()
    await bot.send_message(CHAT, "sending still works")
    await asyncio.sleep(0.35)
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.text == "hi"


async def test_random_faults_are_seeded_and_filtered(server: FakeTelegram, bot: Bot) -> None:
    def outcomes(seed: int) -> list[FaultKind | None]:
        faults = Faults(rate=0.5, kinds=("500", "429", "drop"), methods={"sendMessage"})
        faults.seed(seed)
        return [faults.decide("sendMessage") for _ in range(60)] + [faults.decide("getMe")]

    first = outcomes(3)
    assert first == outcomes(3)
    assert first[-1] is None  # getMe is not in the filter
    assert {kind for kind in first if kind} == {"500", "429", "drop"}
    assert 15 < first.count(None) < 45

    server.faults.rate = 1.0
    server.faults.kinds = ("500",)
    server.faults.methods = {"editMessageText"}
    sent = await bot.send_message(CHAT, "fine")  # not filtered in
    with pytest.raises(NetworkError):
        await bot.edit_message_text("never", CHAT, sent.message_id)
    server.faults.clear()
    edited = await bot.edit_message_text("now", CHAT, sent.message_id)
    assert not isinstance(edited, bool) and edited.text == "now"
