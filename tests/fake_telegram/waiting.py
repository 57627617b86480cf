"""Lets tests await "the bot did X" without sleeping: every state change wakes the waiters."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Changes:
    """A change counter plus an event that fires on every change."""

    def __init__(self) -> None:
        self.seq = 0
        self._event = asyncio.Event()

    def bump(self) -> int:
        """Record one change, wake everyone waiting, and return its sequence number."""
        self.seq += 1
        event, self._event = self._event, asyncio.Event()
        event.set()
        return self.seq

    async def wait_until(
        self, probe: Callable[[], T | None], timeout: float, describe: Callable[[], str]
    ) -> T:
        """Return probe()'s first non-None result; TimeoutError (with describe()) otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = probe()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(describe())
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
