"""Starts and stops the bot as one unit (Application, poller, store), for `run` and tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from telegram.ext import Application

from bot.config import Settings
from bot.dialog import Conversation
from bot.storage import ChatStore
from bot.telegram_layer.application import ALLOWED_UPDATES, build_application, publish_commands
from bot.telegram_layer.polling import LONG_POLL_SECONDS, ConfirmAfterHandlingPoller


class PollingBot:
    def __init__(self, settings: Settings, conversation: Conversation, *,
                 long_poll_seconds: int = LONG_POLL_SECONDS,
                 on_poll: Callable[[], None] = lambda: None) -> None:
        self.settings = settings
        self.conversation = conversation
        self._long_poll = long_poll_seconds
        self._on_poll = on_poll
        self.store: ChatStore | None = None
        self.application: Application | None = None  # type: ignore[type-arg]
        self.poller: ConfirmAfterHandlingPoller | None = None
        self._stop = asyncio.Event()
        self._polling: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.store = ChatStore(self.settings.data_dir)
        self.application = build_application(self.settings, self.conversation, self.store)
        await self.application.initialize()
        await publish_commands(self.application, self.conversation.knowledge)
        await self.application.start()
        self.poller = ConfirmAfterHandlingPoller(
            self.application, self.store.journal, allowed_updates=ALLOWED_UPDATES,
            long_poll_seconds=self._long_poll, on_poll=self._on_poll,
        )
        self._stop = asyncio.Event()
        self._polling = asyncio.create_task(self.poller.run(self._stop))

    async def wait(self) -> None:
        """Until the poller stops (stop() was called, or a fatal error such as a bad token)."""
        if self._polling is not None:
            await self._polling

    async def stop(self) -> None:
        self._stop.set()
        if self._polling is not None:
            with contextlib.suppress(Exception):
                await self._polling
            self._polling = None
        if self.application is not None:
            if self.application.running:
                await self.application.stop()
            await self.application.shutdown()
            self.application = None
        if self.store is not None:
            self.store.close()
            self.store = None
