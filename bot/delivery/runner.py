"""The bot as one unit that starts and stops, in either mode, and the process around it.

`Runner` starts storage, the Application and one receiver (the poller, behind its standby
lease, or the webhook server when WEBHOOK_URL is set) and stops them in reverse order;
`serve` owns the signals: SIGTERM or SIGINT lets the updates in progress finish (at most
7 s), then exits. `run_until_signalled` is the process: it runs `serve` on uvloop where
installed (libuv's event loop; asyncio's own loop was 17% of the bot's busy time under load),
on asyncio's loop elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from typing import Any

from telegram.ext import Application

from bot.config import Settings
from bot.delivery.application import ALLOWED_UPDATES, build_application
from bot.delivery.chat_turn import ChatTurns
from bot.delivery.handling import HandleThenConfirm
from bot.delivery.health import Heartbeat
from bot.delivery.polling import LONG_POLL_SECONDS, Poller
from bot.delivery.standby import Standby
from bot.delivery.webhook import WebhookReceiver
from bot.dialog import Conversation
from bot.dialog.sharing import InlineArticles
from bot.pictures import Gallery
from bot.storage import Storage, open_storage
from bot.telegram_layer.handlers import add_handlers, publish_commands
from bot.telegram_layer.photos import Photos
from bot.telegram_layer.replies import ReplySender
from bot.telegram_layer.sharing import InlineQueries

log = logging.getLogger(__name__)


class Runner:
    def __init__(self, settings: Settings, conversation: Conversation, *,
                 long_poll_seconds: int = LONG_POLL_SECONDS,
                 gallery: Gallery | None = None) -> None:
        self.settings = settings
        self.conversation = conversation
        self.gallery = gallery or Gallery(conversation.knowledge)
        self._long_poll = long_poll_seconds
        self.storage: Storage | None = None
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self.receiver: Standby | WebhookReceiver | None = None

    async def start(self) -> None:
        settings = self.settings
        self.storage = storage = await open_storage(settings)
        self.application = application = build_application(settings)
        photos = Photos(self.gallery, storage.pictures)
        knowledge = self.conversation.knowledge
        inline = InlineQueries(knowledge, InlineArticles(knowledge, self.conversation.reader))
        add_handlers(application, ChatTurns(self.conversation, storage.chats,
                                            ReplySender(application.bot, photos=photos)),
                     inline)
        await application.initialize()
        await publish_commands(application, self.conversation.knowledge)
        await application.start()
        handle_then_confirm = HandleThenConfirm(application, storage.journal,
                                                storage.chat_locks)
        heartbeat = Heartbeat(settings.data_dir)
        if settings.webhook_url:
            self.receiver = WebhookReceiver(application.bot, handle_then_confirm, settings,
                                            allowed_updates=ALLOWED_UPDATES,
                                            on_beat=heartbeat.beat)
        else:
            self.receiver = Standby(storage.poller_lease, lambda: Poller(
                application.bot, storage.journal, handle_then_confirm,
                allowed_updates=ALLOWED_UPDATES, long_poll_seconds=self._long_poll,
                on_poll=heartbeat.beat), on_wait=heartbeat.beat)
        await self.receiver.start()

    async def wait(self) -> None:
        """Until the receiver ends: stop() was called, or a fatal error such as a bad token."""
        if self.receiver is not None:
            await self.receiver.wait()

    async def stop(self) -> None:
        """Receiver first (it drains the updates in progress), the store last."""
        if self.receiver is not None:
            await self.receiver.stop()
            self.receiver = None
        if self.application is not None:
            if self.application.running:
                await self.application.stop()
            await self.application.shutdown()
            self.application = None
        if self.storage is not None:
            await self.storage.close()
            self.storage = None


def run_until_signalled(settings: Settings, conversation: Conversation,
                        gallery: Gallery | None = None) -> int:
    with asyncio.Runner(loop_factory=_fastest_event_loop()) as runner:
        return runner.run(serve(settings, conversation, gallery))


def _fastest_event_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # not on this platform: asyncio's own loop
        return None
    return uvloop.new_event_loop


async def serve(settings: Settings, conversation: Conversation,
                gallery: Gallery | None = None) -> int:
    """Runs until SIGTERM or SIGINT; a fatal error (a rejected token) is raised."""
    runner = Runner(settings, conversation, gallery=gallery)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await runner.start()
    except BaseException:
        await runner.stop()
        raise
    log.info("%s; SIGTERM or Ctrl-C stops after finishing updates in progress",
             "serving the webhook" if settings.webhook_url else "polling")
    running = asyncio.create_task(runner.wait())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    await runner.stop()
    stopping.cancel()
    if running.done() and not running.cancelled() and running.exception() is not None:
        raise running.exception()  # type: ignore[misc]
    running.cancel()
    log.info("stopped cleanly")
    return 0
