"""python-telegram-bot's rate limiter, plus retries of requests that failed in transit.

AIORateLimiter (the framework's `rate-limiter` extra) already keeps to Telegram's sending
limits and retries 429 "Too Many Requests" after the retry_after Telegram asks for. What it
does not do is retry a 5xx, a dropped connection or a timeout: the framework raises those to
the handler, and the owner's reply is lost. This subclass retries them too (retries.in_transit);
a 4xx other than 429 is a real refusal and is never retried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

from telegram.ext import AIORateLimiter

from bot.delivery.retries import TRANSIENT_RETRIES, Sleep, call_retrying, in_transit

RETRY_AFTER_RETRIES = 5

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    def __init__(self, *, overall_max_rate: float = 30, transient_retries: int = TRANSIENT_RETRIES,
                 sleep: Sleep = asyncio.sleep) -> None:
        super().__init__(overall_max_rate=overall_max_rate, overall_time_period=1,
                         max_retries=RETRY_AFTER_RETRIES)
        self._transient_retries = transient_retries
        self._sleep = sleep

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        return await call_retrying(
            partial(in_transit, self._transient_retries, sleep=self._sleep, what=endpoint),
            partial(super().process_request, callback, args, kwargs, endpoint, data,
                    rate_limit_args))
