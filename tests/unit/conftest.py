"""Fixtures the unit tests of the delivery layer and storage share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import SqliteStorage
from tests.fake_telegram import FakeTelegram
from tests.unit.clocks import Clock

KNOWN_CHAT = 5005  # a private chat the `server` knows, so the bot may write to it


@pytest.fixture
def clock() -> Clock:
    """Stepped by hand; its `sleep` moves it on instead of waiting."""
    return Clock(start=1_700_000_000.0)


@pytest.fixture
async def storage(tmp_path: Path, clock: Clock) -> AsyncIterator[SqliteStorage]:
    """The default backend, in a fresh directory, on the test's clock."""
    opened = SqliteStorage(tmp_path, clock=clock)
    yield opened
    await opened.close()


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    """The local Bot API server; a test that expects a refusal clears `rejections`."""
    async with FakeTelegram("123456:unit-tests") as fake:
        fake.add_chat(KNOWN_CHAT)
        yield fake
        assert fake.rejections == [], "the bot sent something Telegram would reject"
