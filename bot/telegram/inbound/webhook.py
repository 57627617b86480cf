"""Webhook mode: Telegram POSTs updates to us; a health endpoint answers orchestrators.
(/metrics is not served here, on the public port: bot/monitoring/pages.py says why.)

Built on aiohttp rather than the framework's run_webhook because that one cannot serve a
health endpoint beside the webhook. Like the poller, a request is answered 200 only once its
update has been handled (handling.py), so Telegram re-delivers anything lost in a crash. A
request without the secret header gets 403 and is never processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit

import orjson
from aiohttp import web
from telegram import Bot, Update

from bot.config import Settings
from bot.telegram.inbound.flood_guard import UpdateBudgets

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/health"
SHUTDOWN_SECONDS = 7.0  # finish requests in progress within Docker's 10 s grace
HEARTBEAT_SECONDS = 30.0
MAX_UPDATE_BYTES = 1024 * 1024


def webhook_path(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path if path != HEALTH_PATH else "/webhook"


class WebhookReceiver:
    def __init__(self, bot: Bot, handle_then_confirm: Callable[[Update], Awaitable[None]],
                 settings: Settings, *, allowed_updates: Sequence[str],
                 on_beat: Callable[[], None] = lambda: None,
                 budgets: UpdateBudgets | None = None) -> None:
        """`budgets`: an update over its sender's budget is answered 200 and dropped
        unparsed."""
        if not settings.webhook_url or not settings.webhook_secret:
            raise ValueError("webhook mode needs WEBHOOK_URL and a secret")
        self._bot = bot
        self._handle_then_confirm = handle_then_confirm
        self._url = settings.webhook_url
        self._secret = settings.webhook_secret.encode()
        self._listen = settings.webhook_listen
        self._port = settings.webhook_port
        self._allowed_updates = list(allowed_updates)
        self._on_beat = on_beat
        self._budgets = budgets or UpdateBudgets()
        self._runner: web.AppRunner | None = None
        self._beating: asyncio.Task[None] | None = None
        self._stopped = asyncio.Event()
        self.port: int | None = None

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_post(webhook_path(self._url), self.receive)
        app.router.add_get(HEALTH_PATH, self.health)
        return app

    async def start(self) -> None:
        self._stopped = asyncio.Event()
        self._runner = web.AppRunner(self.web_app(), shutdown_timeout=SHUTDOWN_SECONDS,
                                     access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._listen, self._port).start()
        self.port = self._runner.addresses[0][1]
        await self._bot.set_webhook(self._url, secret_token=self._secret.decode(),
                                    allowed_updates=self._allowed_updates)
        self._beating = asyncio.create_task(self._beat_while_serving())
        log.info("webhook listening on %s:%s", self._listen, self.port)

    async def wait(self) -> None:
        """Until stop(): a webhook has no loop of its own that could end."""
        await self._stopped.wait()

    async def stop(self) -> None:
        if self._beating is not None:
            self._beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beating
            self._beating = None
        if self._runner is not None:
            await self._runner.cleanup()  # lets requests in progress finish
            self._runner = None
        self._stopped.set()

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=403, text="forbidden")
        try:
            payload = orjson.loads(await request.read())
            if isinstance(payload, dict) and not self._budgets.admits(payload):
                return web.Response(text="ok")
            update = Update.de_json(payload, self._bot)
        except Exception:  # not JSON, or not an Update: nothing to redeliver
            return web.Response(status=400, text="bad update")
        await self._handle_then_confirm(update)
        return web.Response(text="ok")

    async def health(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "running": self._runner is not None})

    async def _beat_while_serving(self) -> None:
        """A quiet webhook is a healthy one: the heartbeat must not depend on traffic."""
        while True:
            self._on_beat()
            await asyncio.sleep(HEARTBEAT_SECONDS)
