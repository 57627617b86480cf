"""Fixtures for the test server's own tests: the server, and a plain python-telegram-bot Bot
talking to it. Test files that need a different set-up define their own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from tests.fake_telegram import FakeTelegram


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake
    assert fake.rejections == [], fake.rejections


@pytest.fixture
async def bot(server: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(server.token, base_url=server.api_base_url) as client:
        yield client
