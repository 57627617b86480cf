"""python-telegram-bot's rate limiter, plus retries of requests that failed in transit.

AIORateLimiter (the framework's `rate-limiter` extra) already keeps to Telegram's sending
limits and retries 429 "Too Many Requests" after the retry_after Telegram asks for. What it
does not do is retry a 5xx, a dropped connection or a timeout: the framework raises those to
the handler, and the owner's reply is lost. This subclass retries them too (retries.in_transit);
a 4xx other than 429 is a real refusal and is never retried.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from functools import partial
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from bot.monitoring import metrics
from bot.retrying import Sleep, call_retrying
from bot.telegram.outbound.retries import TRANSIENT_RETRIES, in_transit

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
            partial(super().process_request, _counting_429s(callback), args, kwargs, endpoint,
                    data, rate_limit_args))


def _counting_429s(callback: Callable[..., Coroutine[Any, Any, ApiResult]]
                   ) -> Callable[..., Coroutine[Any, Any, ApiResult]]:
    """The request as the framework's limiter calls it, counting each 429 and the wait
    Telegram asks for before the limiter waits it out."""
    async def request(*args: Any, **kwargs: Any) -> ApiResult:
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            metrics.RATE_LIMITED.inc()
            metrics.RATE_LIMITED_SECONDS.inc(_seconds(error))
            raise
    return request


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # the framework warns that it will return a timedelta
        warnings.simplefilter("ignore")
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
