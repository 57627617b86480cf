"""Updates of one chat strictly in order; different chats at the same time.

A BaseUpdateProcessor is the framework's supported hook for this. Ordering per chat matters
because two fast taps must see each other's state; concurrency across chats matters because
one owner waiting on a slow Telegram answer must not hold up everyone else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates in progress at once, across chats. Telegram lets a bot send about 30 messages a
# second; 8 in flight keep up with that at up to ~250 ms per request. More only makes
# httpcore's connection pool slower, since it scans its connections on every request
# (bench/end_to_end.py: 0.30 of the echo bot's throughput at 256 in flight, 0.35 at 16).
DEFAULT_CONCURRENCY = 8


def chat_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = DEFAULT_CONCURRENCY) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}  # updates using each lock; freed at zero

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._holders[key] -= 1
            if self._holders[key] == 0:  # no chat keeps a lock it no longer needs
                del self._holders[key]
                del self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
