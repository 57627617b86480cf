"""The HTTP face of the fake: /bot{token}/{method} in, Telegram-shaped JSON (or a fault) out."""

from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from typing import Any

from aiohttp import web

from .bot_api import BotApi
from .errors import ApiError, not_found, too_many_requests, unauthorized
from .faults import FaultKind, Faults
from .http_params import read_params
from .spec import ApiSpec
from .validate import FilePart, Validator
from .views import Call, Rejection
from .waiting import Changes

log = logging.getLogger("fake_telegram")

# What nginx in front of Telegram answers during an outage: HTML, not JSON.
BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_dumps = partial(json.dumps, ensure_ascii=False)
HANG_UP_GRACE_STEPS = 25  # x 10 ms
MAX_REQUEST_BYTES = 51 * 1024 * 1024  # a 50 MB upload and its form around it


def _printable(params: dict[str, object]) -> dict[str, Any]:
    return {
        key: f"<file {value.filename}>" if isinstance(value, FilePart) else value
        for key, value in params.items()
    }


def _as_attached(files: dict[str, FilePart]) -> dict[str, object]:
    """Attached files ride along to the method as "attach://name" keys, as they are named."""
    return {f"attach://{name}": part for name, part in files.items()}


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


class Endpoint:
    """Authenticates, records, validates, injects faults and dispatches one request."""

    def __init__(
        self, token: str, spec: ApiSpec, api: BotApi, faults: Faults, changes: Changes
    ) -> None:
        self.token = token
        self.spec = spec
        self.api = api
        self.faults = faults
        self.changes = changes
        self.validator = Validator(spec)
        self.calls: list[Call] = []
        self.rejections: list[Rejection] = []
        self.closing = asyncio.Event()

    def application(self) -> web.Application:
        """The aiohttp app: Bot API route plus a JSON 404 for anything else."""
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        app.router.add_route("*", "/{tail:.*}", self.unknown_path)
        return app

    async def unknown_path(self, request: web.Request) -> web.StreamResponse:
        return self._error(request, request.path, {}, not_found())

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        method = self.spec.method(name)
        raw: dict[str, object] = {}
        attached: dict[str, FilePart] = {}
        try:
            if request.match_info["token"] != self.token:
                raise unauthorized()
            if method is None or not self.api.handles(method.name):
                raise not_found()
            name = method.name
            raw, attached = await read_params(request)
            params = self.validator.params(method, raw)
        except ApiError as error:
            self._record(Call(name, _printable(raw)))
            return self._error(request, name, _printable(raw), error)
        self._record(Call(name, params))
        return await self._run(request, name, {**params, **_as_attached(attached)})

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self.changes.bump()

    async def _run(
        self, request: web.Request, method: str, params: dict[str, Any]
    ) -> web.StreamResponse:
        fault = self.faults.decide(method)
        if fault is not None and fault not in ("slow", "drop_after_apply"):
            return self._fault(request, fault)
        if fault == "slow" and await self._interrupted(self.faults.slow_seconds):
            return self._fault(request, "drop")
        try:
            result = await self.api.call(method, params)
        except ApiError as error:
            if error.code == 409:
                await self._hang_up_grace(request)
            return self._error(request, method, params, error)
        if fault == "drop_after_apply":
            return self._fault(request, "drop")
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    async def _hang_up_grace(self, request: web.Request) -> None:
        """A poll superseded because its client gave up (PTB cancels the request, then polls
        anew) races the news of the hang-up; give that news a moment to arrive."""
        for _ in range(HANG_UP_GRACE_STEPS):
            if _client_gone(request):
                return
            await asyncio.sleep(0.01)

    async def _interrupted(self, seconds: float) -> bool:
        """Sleep, unless the server is shutting down first (then True)."""
        try:
            await asyncio.wait_for(self.closing.wait(), seconds)
        except TimeoutError:
            return False
        return True

    def _error(
        self, request: web.Request, method: str, params: dict[str, Any], error: ApiError
    ) -> web.Response:
        # An answer nobody can read (the poller that was superseded has hung up) is no
        # rejection of anything the bot did.
        if 400 <= error.code < 500 and not _client_gone(request):
            self.rejections.append(Rejection(method, params, error.description))
            self.changes.bump()
            log.warning("rejected %s %s: %s", method, params, error.description)
        return web.json_response(error.payload(), status=error.code, dumps=_dumps)

    def _fault(self, request: web.Request, kind: FaultKind) -> web.Response:
        log.info("injected fault %s", kind)
        if kind == "drop":
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        if kind == "502":
            return web.Response(status=502, text=BAD_GATEWAY_HTML, content_type="text/html")
        if kind == "429":
            error = too_many_requests(self.faults.retry_after)
        else:
            error = ApiError(500, "Internal Server Error")
        return web.json_response(error.payload(), status=error.code, dumps=_dumps)
