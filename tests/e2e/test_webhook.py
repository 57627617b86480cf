"""Webhook mode end to end: the test server posts updates to the bot's aiohttp endpoint."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.cli.startup import Loaded
from bot.config import Settings, derived_secret
from bot.telegram.inbound import BUDGET_BURST, SECRET_HEADER
from bot.telegram.inbound.flood_guard import BUDGET_PER_SECOND
from bot.telegram.wiring import Runner
from tests.e2e.conftest import chats_of
from tests.fake_telegram import FakeTelegram

SECRET = "s3cret-token_for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def webhook_bot(server: FakeTelegram, loaded: Loaded, tmp_path: Path
                      ) -> AsyncIterator[Runner]:
    port = free_port()
    settings = Settings(token=server.token, api_url=server.base_url, data_dir=tmp_path,
                        log_level=20, webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
                        webhook_listen="127.0.0.1", webhook_port=port, webhook_secret=SECRET)
    bot = Runner(settings, chats_of(loaded))
    await bot.start()
    yield bot
    await bot.stop()


def hook_url(bot: Runner) -> str:
    assert bot.settings.webhook_url is not None
    return bot.settings.webhook_url


async def test_webhook_is_registered_with_its_secret(server: FakeTelegram,
                                                     webhook_bot: Runner) -> None:
    assert server.webhook.url == hook_url(webhook_bot)
    assert server.webhook.secret_token == SECRET


async def test_an_update_posted_to_the_webhook_is_answered(server: FakeTelegram,
                                                           webhook_bot: Runner) -> None:
    server.user_sends(4242, "which battery does the key fob take")
    assert await server.deliver_webhook() == 200
    reply = await server.wait_for_bot_message(4242)
    assert "CR2032" in reply.text


async def test_a_redelivered_update_is_not_answered_twice(server: FakeTelegram,
                                                          webhook_bot: Runner) -> None:
    message = server.user_sends(4343, "/menu")
    update = server.pending_updates[0]
    assert await server.deliver_webhook() == 200
    await server.wait_for_bot_message(4343)
    async with aiohttp.ClientSession() as session:
        response = await session.post(hook_url(webhook_bot), json=update,
                                      headers={SECRET_HEADER: SECRET})
        assert response.status == 200
    server.user_sends(4343, "/help")
    await server.deliver_webhook()
    await server.wait_for_bot_message(4343)
    assert len(server.bot_messages(4343)) == 2, f"one reply each, not for {message}"


@pytest.mark.parametrize("secret", [None, "wrong", SECRET + "x"])
async def test_a_request_without_the_right_secret_is_refused_unprocessed(
    server: FakeTelegram, webhook_bot: Runner, secret: str | None
) -> None:
    server.user_sends(4444, "/start")
    update = server.pending_updates[0]
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as session:
        response = await session.post(hook_url(webhook_bot), json=update, headers=headers)
    assert response.status == 403
    assert server.bot_messages(4444) == []
    assert not any(call.method == "sendMessage" for call in server.calls)


async def test_health_endpoint_answers(webhook_bot: Runner) -> None:
    url = hook_url(webhook_bot).replace("/telegram/hook", "/health")
    async with aiohttp.ClientSession() as session:
        response = await session.get(url)
        assert response.status == 200
        assert (await response.json())["status"] == "ok"


def test_replicas_without_webhook_secret_derive_the_same_one_from_the_token() -> None:
    """Every replica calls setWebhook with its secret: they must agree without being told."""
    secret = derived_secret("123456:ABC")
    assert secret == derived_secret("123456:ABC") != derived_secret("123456:ABD")
    assert "ABC" not in secret
    settings = Settings.from_environment({"TELEGRAM_BOT_TOKEN": "123456:ABC",
                                          "WEBHOOK_SECRET": secret})  # Telegram's rule holds
    assert settings.webhook_secret == secret


@pytest.mark.inline_mode
async def test_inline_queries_over_a_users_budget_are_confirmed_and_dropped(
        server: FakeTelegram, webhook_bot: Runner) -> None:
    """As when polling (tests/e2e/test_floods.py): the excess costs no call to Telegram. The
    budget refills as the queries are posted (BUDGET_PER_SECOND): on a slow machine a query
    or two more may be answered, never the whole excess."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(BUDGET_BURST + 10):
        server.user_inline_query(4545, "dead battery")
        assert await server.deliver_webhook() == 200
    refilled = int((loop.time() - started) * BUDGET_PER_SECOND)
    server.user_sends(4646, "/help")
    assert await server.deliver_webhook() == 200
    await server.wait_for_bot_message(4646)
    answered = sum(c.method == "answerInlineQuery" for c in server.calls)
    assert BUDGET_BURST <= answered <= BUDGET_BURST + refilled
    assert answered < BUDGET_BURST + 10, "the excess was dropped"
