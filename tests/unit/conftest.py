"""Fixtures the unit tests of the delivery layer and storage share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import SqliteStorage
from tests.unit.clocks import Clock


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
