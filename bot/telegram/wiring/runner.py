"""The bot as one unit that starts and stops, in either mode, and the process around it.

`Runner` reaches Telegram first and builds the chats meanwhile: `prepare` (bot/cli/serve.py:
the knowledge loaded and checked, the conversation built) runs in a thread while storage is
opened (SQLite's data directory locked to this process first), Telegram answers, and the
Application, the metrics server when METRICS_PORT is set, and one receiver (the poller,
behind its standby lease, or the webhook server when WEBHOOK_URL is set) start. A restart is
back on the line without waiting for the knowledge; updates that arrive before the chats are
served wait for them in their chats' order, unconfirmed, so a failure to build them (a
knowledge error, which stops start-up as soon as it is found) loses none. Then the chats are
served (chats.py) and the command menus published; it stops in reverse order.

`serve` owns the signals: SIGTERM or SIGINT while starting stops at once, later lets the
updates in progress finish (at most 7 s), then exits. `run_until_signalled` is the process:
it runs `serve` on uvloop where installed (libuv's event loop, cheaper per update than
asyncio's own: bench/README.md), on asyncio's loop elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from telegram.error import InvalidToken
from telegram.ext import Application

from bot import __version__
from bot.config import ConfigError, Settings
from bot.monitoring.health import Heartbeat, is_alive
from bot.monitoring.log_summary import log_summaries
from bot.monitoring.metrics import active_chats_refresh
from bot.storage import DataDirLock, Storage, claim_data_dir, describe_storage, open_storage
from bot.telegram.inbound import (
    ALLOWED_UPDATES,
    LONG_POLL_SECONDS,
    HandleThenConfirm,
    Poller,
    Standby,
    UpdateBudgets,
)
from bot.telegram.wiring.application import build_application, wait_for_telegram

if TYPE_CHECKING:
    from bot.monitoring.pages import MetricsServer
    from bot.telegram.inbound import WebhookReceiver
    from bot.telegram.wiring.housekeeping import Housekeeping

log = logging.getLogger(__name__)


class Chats(Protocol):
    """The chats' side of the bot (chats.py's ChatService), built by `prepare` in a thread."""

    knowledge_version: str

    async def serve(self, application: Application[Any, Any, Any, Any, Any, Any],
                    storage: Storage, settings: Settings) -> Housekeeping: ...

    async def publish_menus(self, application: Application[Any, Any, Any, Any, Any, Any],
                            settings: Settings) -> None: ...


class Runner:
    def __init__(self, settings: Settings, prepare: Callable[[], Chats], *,
                 long_poll_seconds: int = LONG_POLL_SECONDS) -> None:
        self.settings = settings
        self._prepare = prepare
        self._long_poll = long_poll_seconds
        self.storage: Storage | None = None
        self._data_dir_lock: DataDirLock | None = None
        self._summaries: asyncio.Task[None] | None = None
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self.receiver: Standby | WebhookReceiver | None = None
        self.metrics_server: MetricsServer | None = None
        self.housekeeping: Housekeeping | None = None
        self._served: asyncio.Future[None] | None = None  # the chats served: updates go on
        self._knowledge_version = "?"

    async def start(self) -> None:
        """Telegram reached and the receiver started while `prepare` runs in a thread, then
        the chats served. Whichever of the two fails first stops start-up at once: a knowledge
        error is not kept waiting behind a Bot API that does not answer. A thread cannot be
        cancelled: a stop while preparing returns at once, and the process exits once the
        build in progress ends."""
        self._served = served = asyncio.get_running_loop().create_future()
        preparing = asyncio.ensure_future(asyncio.to_thread(self._prepare))
        connecting = asyncio.ensure_future(self._connect(served))
        try:
            await asyncio.wait({preparing, connecting}, return_when=asyncio.FIRST_EXCEPTION)
            for task in (preparing, connecting):
                error = task.exception() if task.done() else None
                if error is not None:
                    raise error
            await connecting
            chats = await preparing
        except BaseException:
            connecting.cancel()
            preparing.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await connecting  # its cleanup runs before stop() takes things down
            raise
        assert self.application is not None and self.storage is not None
        self._knowledge_version = chats.knowledge_version
        log.info("knowledge %s loaded; state in %s; Bot API at %s", chats.knowledge_version,
                 describe_storage(self.settings), self.settings.api_url)
        self.housekeeping = await chats.serve(self.application, self.storage, self.settings)
        served.set_result(None)
        await chats.publish_menus(self.application, self.settings)

    async def _connect(self, served: asyncio.Future[None]) -> None:
        settings = self.settings
        if settings.database_url is None:  # SQLite's store serves one process
            self._data_dir_lock = claim_data_dir(settings.data_dir)
        self.storage = storage = await open_storage(settings)
        budgets = UpdateBudgets()  # one user's inline queries and taps: the excess dropped
        self.application = application = build_application(settings, budgets)
        await wait_for_telegram(settings)  # before the Application's own getMe, which gives up
        await application.initialize()
        await application.start()
        handle_then_confirm = HandleThenConfirm(application, storage.journal,
                                                storage.chat_locks, served=served)
        heartbeat = Heartbeat(settings.data_dir)
        refresh = active_chats_refresh(storage.activity)
        if settings.metrics_port is not None:
            from bot.monitoring.pages import MetricsServer  # aiohttp's server: only if asked

            self.metrics_server = MetricsServer(settings.metrics_listen, settings.metrics_port,
                                                refresh, lambda: is_alive(settings.data_dir))
            await _listening(self.metrics_server.start(), "METRICS_PORT",
                             settings.metrics_listen, settings.metrics_port)
        if settings.webhook_url:
            from bot.telegram.inbound import WebhookReceiver

            self.receiver = WebhookReceiver(
                application.bot, handle_then_confirm, settings, allowed_updates=ALLOWED_UPDATES,
                on_beat=heartbeat.beat, budgets=budgets)
            await _listening(self.receiver.start(), "WEBHOOK_PORT", settings.webhook_listen,
                             settings.webhook_port)
        else:
            self.receiver = Standby(storage.poller_lease, lambda: Poller(
                application.bot, storage.journal, handle_then_confirm,
                allowed_updates=ALLOWED_UPDATES, long_poll_seconds=self._long_poll,
                on_poll=heartbeat.beat, dropped=budgets.dropped), on_wait=heartbeat.beat)
            await self.receiver.start()
        heartbeat.beat()  # healthy from now, not from the first long poll's end
        self._summaries = asyncio.create_task(log_summaries(settings.log_summary_seconds))

    def started_line(self) -> str:
        """Which bot this is, in the start-up log line: what an operator checks first."""
        assert self.application is not None
        me = self.application.bot.bot  # from getMe, at initialize
        return (f"qashqai-trunk-assistant {__version__} started as @{me.username}: "
                f"{'serving the webhook' if self.settings.webhook_url else 'polling'}, "
                f"inline mode {'on' if me.supports_inline_queries else 'off'}, "
                f"knowledge {self._knowledge_version}")

    async def wait(self) -> None:
        """Until the receiver ends: stop() was called, or a fatal error such as a bad token."""
        if self.receiver is not None:
            await self.receiver.wait()

    async def stop(self) -> None:
        """Receiver first (it drains the updates in progress), the store last. Updates still
        waiting for the chats to be served are left unconfirmed, for the next start."""
        if self._served is not None and not self._served.done():
            self._served.cancel()
        if self._summaries is not None:
            self._summaries.cancel()
            self._summaries = None
        if self.receiver is not None:
            await self.receiver.stop()
            self.receiver = None
        if self.metrics_server is not None:
            await self.metrics_server.stop()
            self.metrics_server = None
        if self.housekeeping is not None:
            await self.housekeeping.stop()
            self.housekeeping = None
        if self.application is not None:
            if self.application.running:
                await self.application.stop()
            await self.application.shutdown()
            self.application = None
        if self.storage is not None:
            await self.storage.close()
            self.storage = None
        if self._data_dir_lock is not None:
            self._data_dir_lock.release()
            self._data_dir_lock = None


async def _listening(starting: Coroutine[Any, Any, None], setting: str, listen: str,
                     port: int) -> None:
    """A port that is taken, or an address not on this machine, is a setting to change: it
    stops start-up with a message naming the setting, not a traceback."""
    try:
        await starting
    except OSError as error:
        if error.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            raise
        raise ConfigError(f"{setting}={port}: cannot listen on {listen}:{port} "
                          f"({error.strerror}); choose a free port or another address"
                          ) from None


def run_until_signalled(settings: Settings, prepare: Callable[[], Chats]) -> int:
    """A token Telegram rejects is a ConfigError naming the setting: the framework's own
    message quotes the token, and never reaches the terminal."""
    with asyncio.Runner(loop_factory=_fastest_event_loop()) as runner:
        try:
            return runner.run(serve(settings, prepare))
        except InvalidToken:
            raise ConfigError("Telegram rejected TELEGRAM_BOT_TOKEN; check it with "
                              "@BotFather") from None


def _fastest_event_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # not on this platform: asyncio's own loop
        return None
    return uvloop.new_event_loop


async def serve(settings: Settings, prepare: Callable[[], Chats]) -> int:
    """Runs until SIGTERM or SIGINT; a fatal error (a rejected token, a knowledge error) is
    raised."""
    runner = Runner(settings, prepare)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    starting = asyncio.create_task(runner.start())
    stopping = asyncio.create_task(stop.wait())
    try:  # a signal while starting (waiting for Telegram, say) stops at once
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            await runner.stop()
            log.info("stopped before serving")
            return 0
        starting.result()
    except BaseException:
        await runner.stop()
        raise
    log.info("%s; SIGTERM or Ctrl-C stops after finishing updates in progress",
             runner.started_line())
    running = asyncio.create_task(runner.wait())
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    await runner.stop()
    stopping.cancel()
    if running.done() and not running.cancelled() and running.exception() is not None:
        raise running.exception()  # type: ignore[misc]
    running.cancel()
    log.info("stopped cleanly")
    return 0
