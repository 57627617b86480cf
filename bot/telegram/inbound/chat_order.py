"""Updates of one chat strictly in order; different chats at the same time.

Order per chat matters because two fast taps must see each other's state (and, with a store
that awaits, each update's load-handle-save must not interleave with the next one's).
Concurrency across chats matters because one owner waiting on a slow Telegram answer must not
hold up everyone else.

Why not a telegram.ext.BaseUpdateProcessor: the framework takes a slot of its concurrency
limit *before* calling the processor, so the queued updates of one busy chat would each hold
a slot while waiting for that chat's lock, and a flooding chat could stall every other one.
Here a chat's turn is taken first and the framework's slot only after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator

from telegram import Update


def chat_key(update: Update) -> int | None:
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class ChatOrder:
    def __init__(self) -> None:
        # A chat's lock lives while some update holds or awaits it, then goes by itself:
        # no chat keeps a lock it no longer needs, however many chats there are.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    @contextlib.asynccontextmanager
    async def turn(self, key: int | None) -> AsyncIterator[None]:
        """Waits for the chat's earlier updates (first come, first served), then holds the
        chat until the block ends. Updates without a chat run at once."""
        if key is None:
            yield
            return
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            yield
