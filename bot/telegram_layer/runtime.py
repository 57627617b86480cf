"""The bot as one unit that starts and stops: chat store, Application, and what feeds it
updates (the poller here, the webhook server in webhook.py). Used by `run` and the tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from telegram.ext import Application

from bot.config import Settings
from bot.dialog import Conversation
from bot.storage import ChatStore
from bot.telegram_layer.application import ALLOWED_UPDATES, build_application, publish_commands
from bot.telegram_layer.handling_outcome import HandlingOutcome
from bot.telegram_layer.polling import LONG_POLL_SECONDS, ConfirmAfterHandlingPoller


class ServingBot:
    """Store and Application, started and stopped together; subclasses feed the updates."""

    def __init__(self, settings: Settings, conversation: Conversation) -> None:
        self.settings = settings
        self.conversation = conversation
        self.store: ChatStore | None = None
        self.application: Application | None = None  # type: ignore[type-arg]
        self.outcome = HandlingOutcome()

    async def start(self) -> None:
        self.store = ChatStore(self.settings.data_dir)
        self.outcome = HandlingOutcome()
        self.application = build_application(self.settings, self.conversation, self.store,
                                             self.outcome)
        await self.application.initialize()
        await publish_commands(self.application, self.conversation.knowledge)
        await self.application.start()
        await self._start_feeding(self.application, self.store)

    async def stop(self) -> None:
        await self._stop_feeding()
        if self.application is not None:
            if self.application.running:
                await self.application.stop()
            await self.application.shutdown()
            self.application = None
        if self.store is not None:
            self.store.close()
            self.store = None

    async def _start_feeding(self, application: Application,  # type: ignore[type-arg]
                             store: ChatStore) -> None:
        raise NotImplementedError

    async def _stop_feeding(self) -> None:
        raise NotImplementedError


class PollingBot(ServingBot):
    def __init__(self, settings: Settings, conversation: Conversation, *,
                 long_poll_seconds: int = LONG_POLL_SECONDS,
                 on_poll: Callable[[], None] = lambda: None) -> None:
        super().__init__(settings, conversation)
        self._long_poll = long_poll_seconds
        self._on_poll = on_poll
        self.poller: ConfirmAfterHandlingPoller | None = None
        self._stop = asyncio.Event()
        self._polling: asyncio.Task[None] | None = None

    async def _start_feeding(self, application: Application,  # type: ignore[type-arg]
                             store: ChatStore) -> None:
        self.poller = ConfirmAfterHandlingPoller(
            application, store.journal, self.outcome, allowed_updates=ALLOWED_UPDATES,
            long_poll_seconds=self._long_poll, on_poll=self._on_poll,
        )
        self._stop = asyncio.Event()
        self._polling = asyncio.create_task(self.poller.run(self._stop))

    async def wait(self) -> None:
        """Until the poller stops (stop() was called, or a fatal error such as a bad token)."""
        if self._polling is not None:
            await self._polling

    async def _stop_feeding(self) -> None:
        self._stop.set()
        if self._polling is not None:
            with contextlib.suppress(Exception):
                await self._polling
            self._polling = None
