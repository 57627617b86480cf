"""The framework's HTTP layer, over aiohttp with orjson: `telegram.request.BaseRequest`.

python-telegram-bot sends every request through a BaseRequest (its documented extension point
for the HTTP layer); the default is httpx, whose connection pool scans every connection on
each request. aiohttp is already a dependency (the webhook server) and its client costs less
per request; orjson encodes the request bodies and decodes the answers faster than the
standard library. Both were chosen by bench/end_to_end.py (figures in bench/README.md).

Requests without files go as one JSON body (nested objects stay objects, as Telegram
accepts); requests with files go as multipart/form-data, the framework's own encoding.
Errors map as the framework's own layer maps them: a timeout is TimedOut, anything else
that fails on the way is NetworkError; the status code is judged by BaseRequest.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import aiohttp
import orjson
import yarl
from aiohttp.helpers import get_env_proxy_for_url
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.telegram.stray_parse_mode import drop_stray_parse_mode

JSON_HEADERS = {"Content-Type": "application/json", "User-Agent": BaseRequest.USER_AGENT}
# The framework's defaults for its httpx layer, kept so behaviour under faults is the same.
READ_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_TIMEOUT = 20.0  # a whole upload of a file (a photo reply), start to end


class AiohttpRequest(BaseRequest):
    def __init__(self, connection_pool_size: int = 1, *, read_timeout: float = READ_TIMEOUT,
                 connect_timeout: float = CONNECT_TIMEOUT, pool_timeout: float = POOL_TIMEOUT,
                 media_timeout: float = MEDIA_TIMEOUT) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_timeout = media_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # Created here, inside the running loop, rather than in __init__.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,  # float | None | DEFAULT_NONE
        write_timeout: object = BaseRequest.DEFAULT_NONE,  # aiohttp has no write timeout
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data is not None and request_data.contains_files
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            total=self._media_timeout if files else None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=_given(read_timeout, self._read_timeout),
        )
        proxy, proxy_auth = _proxy_for(yarl.URL(url).origin())
        try:
            if request_data is not None and files:
                async with self._session.request(
                        method, url, data=_multipart(url, request_data), timeout=timeout,
                        proxy=proxy, proxy_auth=proxy_auth) as response:
                    return response.status, await response.read()
            body = None if request_data is None else orjson.dumps(
                drop_stray_parse_mode(url, request_data.parameters))
            async with self._session.request(
                    method, url, data=body, headers=JSON_HEADERS, timeout=timeout,
                    proxy=proxy, proxy_auth=proxy_auth) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        try:
            parsed: dict[str, Any] = orjson.loads(payload)
        except orjson.JSONDecodeError as error:
            raise TelegramError("Invalid server response") from error
        return parsed


class UpdatesRequest(AiohttpRequest):
    """The getUpdates connection (the framework keeps one apart for it): Telegram's list of
    updates passes through `screen` before the framework parses it into objects, so that an
    update to be dropped costs no parsing (bot/telegram/inbound/flood_guard.py's budgets)."""

    def __init__(self, screen: Callable[[list[Any]], list[Any]]) -> None:
        super().__init__()
        self._screen = screen

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        parsed = super().parse_json_payload(payload)
        if parsed.get("ok") and isinstance(parsed.get("result"), list):
            parsed["result"] = self._screen(parsed["result"])
        return parsed


@lru_cache(maxsize=8)
def _proxy_for(origin: yarl.URL) -> tuple[yarl.URL | None, aiohttp.BasicAuth | None]:
    """HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as the framework's httpx layer honours them; read
    once per server rather than on every request, as aiohttp's trust_env would."""
    try:
        return get_env_proxy_for_url(origin)
    except LookupError:
        return None, None


def _given(value: object, default: float) -> float | None:
    """The timeout a call asked for (None: no limit), or ours when it asked for nothing."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    return float(value) if isinstance(value, int | float) else None


def _multipart(url: str, request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData(drop_stray_parse_mode(url, request_data.json_parameters))
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
