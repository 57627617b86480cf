"""python-telegram-bot's rate limiter, plus retries of requests that failed in transit.

AIORateLimiter (the framework's `rate-limiter` extra) already keeps to Telegram's sending
limits and retries 429 "Too Many Requests" after the retry_after Telegram asks for. What it
does not do is retry a 5xx, a dropped connection or a timeout: the framework raises those to
the handler, and the owner's reply is lost. This subclass retries them too, with capped
exponential backoff; a 4xx other than 429 is a real refusal and is never retried.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

TRANSIENT_RETRIES = 8  # at a 20% failure rate, all nine attempts fail about once in 2 million
FIRST_BACKOFF = 0.1  # seconds, doubled per attempt up to MAX_BACKOFF, with jitter
MAX_BACKOFF = 3.0
RETRY_AFTER_RETRIES = 5


class RetryingRateLimiter(AIORateLimiter):
    def __init__(self, *, overall_max_rate: float = 30, transient_retries: int = TRANSIENT_RETRIES,
                 jitter: random.Random | None = None) -> None:
        super().__init__(overall_max_rate=overall_max_rate, overall_time_period=1,
                         max_retries=RETRY_AFTER_RETRIES)
        self._transient_retries = transient_retries
        self._jitter = jitter or random.Random()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        delay = FIRST_BACKOFF
        for attempt in range(self._transient_retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise
            except NetworkError as error:  # 5xx, dropped connection, timeout
                if attempt == self._transient_retries:
                    raise
                log.info("%s failed in transit (%s); retry %d in %.2fs", endpoint, error,
                         attempt + 1, delay)
                await asyncio.sleep(delay * (0.5 + self._jitter.random()))
                delay = min(delay * 2, MAX_BACKOFF)
        raise AssertionError("unreachable")
