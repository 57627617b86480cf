"""/metrics and /health over HTTP, for Prometheus and orchestrators.

/metrics is served only when METRICS_PORT is set, by MetricsServer on METRICS_LISTEN
(127.0.0.1 by default: what people ask the bot is nobody else's business), in either mode.
Never on the webhook's port: a proxy in front of it that forwards every path would make it
public, and a check of the caller's address cannot tell a proxy on this machine from a
Prometheus on it. The webhook's server answers /health alone beside the webhook.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from bot.monitoring.metrics import Refresh

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
HEALTH_PATH = "/health"
def add_metrics_page(app: web.Application, refresh: Refresh) -> None:
    async def metrics_page(_: web.Request) -> web.Response:
        try:
            await refresh()
        except Exception:  # the counters still say a lot: serve them, stale gauge and all
            log.exception("could not read active chats for /metrics")
        return web.Response(body=generate_latest(REGISTRY),
                            headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get(METRICS_PATH, metrics_page)


class MetricsServer:
    """/metrics and /health on their own port; /health answers 503 once the bot has stopped
    polling (its heartbeat is stale), as `python -m bot health` would exit 1."""

    def __init__(self, listen: str, port: int, refresh: Refresh,
                 is_alive: Callable[[], bool]) -> None:
        self._listen = listen
        self._port = port
        self._refresh = refresh
        self._is_alive = is_alive
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def web_app(self) -> web.Application:
        app = web.Application()
        add_metrics_page(app, self._refresh)
        app.router.add_get(HEALTH_PATH, self.health)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._listen, self._port).start()
        self.port = self._runner.addresses[0][1]
        log.info("metrics on http://%s:%s%s", self._listen, self.port, METRICS_PATH)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def health(self, _: web.Request) -> web.Response:
        if self._is_alive():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "stale"}, status=503)
