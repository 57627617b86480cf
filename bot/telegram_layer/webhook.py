"""Webhook mode: Telegram POSTs updates to us; a health endpoint answers orchestrators.

Built on aiohttp rather than the framework's run_webhook because that one cannot serve a
health endpoint beside the webhook. Like the poller, a request is answered 200 only once its
update has been handled, so Telegram re-delivers anything lost in a crash; the update journal
drops re-deliveries already answered. A request without the secret header gets 403 and is
never processed.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.dialog import Conversation
from bot.storage import ChatStore
from bot.storage.update_journal import UpdateJournal
from bot.telegram_layer.application import ALLOWED_UPDATES
from bot.telegram_layer.handling_outcome import HandlingOutcome
from bot.telegram_layer.health import Heartbeat
from bot.telegram_layer.processing import process
from bot.telegram_layer.runtime import ServingBot

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/health"
SHUTDOWN_SECONDS = 7.0  # finish requests in progress within Docker's 10 s grace
HEARTBEAT_SECONDS = 30.0


class WebhookReceiver:
    def __init__(self, application: Application,  # type: ignore[type-arg]
                 journal: UpdateJournal, outcome: HandlingOutcome, secret: str) -> None:
        self._application = application
        self._journal = journal
        self._outcome = outcome
        self._secret = secret

    def web_app(self, path: str) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(path, self.receive)
        app.router.add_get(HEALTH_PATH, self.health)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._secret.encode()):
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), self._application.bot)
        except Exception:  # not JSON, or not an Update: nothing to redeliver
            return web.Response(status=400, text="bad update")
        if update is None:
            return web.Response(status=400, text="bad update")
        if not self._journal.is_handled(update.update_id):
            await process(self._application, update)
            if self._outcome.delivery_failed(update.update_id):
                # The reply did not get through: Telegram re-delivers what is not 2xx.
                return web.Response(status=503, text="reply not delivered, try again")
            self._journal.mark_handled(update.update_id)
        return web.Response(text="ok")

    async def health(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "running": self._application.running})


def webhook_path(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path if path != HEALTH_PATH else "/webhook"


class WebhookServer(ServingBot):
    """The webhook counterpart of PollingBot."""

    def __init__(self, settings: Settings, conversation: Conversation) -> None:
        if not settings.webhook_url or not settings.webhook_secret:
            raise ValueError("webhook mode needs WEBHOOK_URL and a secret")
        super().__init__(settings, conversation)
        self._runner: web.AppRunner | None = None
        self._beating: asyncio.Task[None] | None = None
        self.port: int | None = None

    async def _start_feeding(self, application: Application,  # type: ignore[type-arg]
                             store: ChatStore) -> None:
        settings = self.settings
        assert settings.webhook_url and settings.webhook_secret
        heartbeat = Heartbeat(settings.data_dir)
        receiver = WebhookReceiver(application, store.journal, self.outcome,
                                   settings.webhook_secret)
        self._runner = web.AppRunner(receiver.web_app(webhook_path(settings.webhook_url)),
                                     shutdown_timeout=SHUTDOWN_SECONDS, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, settings.webhook_listen, settings.webhook_port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        await application.bot.set_webhook(
            settings.webhook_url, secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
        self._beating = asyncio.create_task(_beat_while_serving(heartbeat))
        log.info("webhook listening on %s:%s", settings.webhook_listen, self.port)

    async def _stop_feeding(self) -> None:
        if self._beating is not None:
            self._beating.cancel()
            self._beating = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def _beat_while_serving(heartbeat: Heartbeat) -> None:
    """A quiet webhook is a healthy one: the heartbeat must not depend on traffic."""
    while True:
        heartbeat.beat()
        await asyncio.sleep(HEARTBEAT_SECONDS)


async def serve_webhook(settings: Settings, conversation: Conversation) -> int:
    server = WebhookServer(settings, conversation)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await server.start()
    await stop.wait()
    await server.stop()
    log.info("stopped cleanly")
    return 0
