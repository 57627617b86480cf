"""Fixtures the unit tests of the Telegram layer and storage share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Storage
from tests.fake_telegram import FakeTelegram
from tests.storage_backends import Backend, PostgresBackend, SqliteBackend
from tests.unit.clocks import Clock

KNOWN_CHAT = 5005  # a private chat the `server` knows, so the bot may write to it


@pytest.fixture
def clock() -> Clock:
    """Stepped by hand; its `sleep` moves it on instead of waiting."""
    return Clock(start=1_700_000_000.0)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Backend:
    """Each backend in turn: SQLite in a fresh directory, PostgreSQL in a fresh database."""
    if request.param == "sqlite":
        return SqliteBackend(tmp_path, clock)
    return PostgresBackend(request.getfixturevalue("database_url"), clock)


@pytest.fixture
async def storage(backend: Backend) -> AsyncIterator[Storage]:
    """A store of each backend in turn, on the test's clock."""
    opened = await backend.open()
    yield opened
    await opened.close()


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    """The local Bot API server; a test that expects a refusal clears `rejections`."""
    async with FakeTelegram("123456:unit-tests") as fake:
        fake.add_chat(KNOWN_CHAT)
        yield fake
        assert fake.rejections == [], "the bot sent something Telegram would reject"
