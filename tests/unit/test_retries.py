"""Every retry policy (bot/telegram/outbound/retries.py) and the rate limiter that applies
one, with a stepped clock: what is retried, how often, after which pauses, and what is never
retried."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.retrying import call_retrying
from bot.telegram.outbound import RetryingRateLimiter, retries
from tests.unit.clocks import Clock


class Flaky:
    """A Bot API call that fails with `errors`, one per attempt, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.attempts = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.attempts += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


async def through_limiter(limiter: RetryingRateLimiter, call: Flaky) -> Any:
    return await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 1}, None)


async def test_failures_in_transit_are_retried_with_short_capped_pauses() -> None:
    clock = Clock()
    call = Flaky(NetworkError("Bad Gateway"), TimedOut(), NetworkError("dropped"))
    assert await through_limiter(RetryingRateLimiter(sleep=clock.sleep), call) == {"ok": True}
    assert call.attempts == 4
    assert len(clock.slept) == 3
    assert all(0 <= pause <= retries.MAX_TRANSIENT_BACKOFF for pause in clock.slept)


@pytest.mark.parametrize("refusal", [BadRequest("chat not found"),
                                     Forbidden("bot was blocked by the user")])
async def test_a_refusal_is_never_retried(refusal: Exception) -> None:
    clock = Clock()
    call = Flaky(refusal)
    with pytest.raises(type(refusal)):
        await through_limiter(RetryingRateLimiter(sleep=clock.sleep), call)
    assert call.attempts == 1 and clock.slept == []


async def test_transit_retries_give_up_after_the_configured_number() -> None:
    clock = Clock()
    call = Flaky(*(NetworkError(f"fail {n}") for n in range(10)))
    with pytest.raises(NetworkError, match="fail 3"):
        await through_limiter(RetryingRateLimiter(transient_retries=3, sleep=clock.sleep), call)
    assert call.attempts == 4


async def test_the_pauses_grow_up_to_the_cap() -> None:
    clock = Clock()
    call = Flaky(*(NetworkError("down") for _ in range(retries.TRANSIENT_RETRIES)))
    await through_limiter(RetryingRateLimiter(sleep=clock.sleep), call)
    ceilings = [min(retries.MAX_TRANSIENT_BACKOFF, retries.FIRST_TRANSIENT_BACKOFF * 2 ** n)
                for n in range(1, len(clock.slept) + 1)]
    assert all(p <= c for p, c in zip(clock.slept, ceilings, strict=True)), clock.slept


async def test_an_undelivered_reply_is_tried_again_after_2_4_and_8_seconds() -> None:
    clock = Clock()
    call = Flaky(*(NetworkError("down") for _ in range(10)))
    with pytest.raises(NetworkError):
        async for attempt in retries.redelivery(sleep=clock.sleep):
            with attempt:
                await call()
    assert call.attempts == retries.REDELIVERY_ATTEMPTS
    assert clock.slept == [2.0, 4.0, 8.0]


async def test_redelivery_also_outlasts_telegram_asking_to_slow_down() -> None:
    clock = Clock()
    call = Flaky(RetryAfter(1))
    async for attempt in retries.redelivery(sleep=clock.sleep):
        with attempt:
            await call()
    assert call.attempts == 2 and clock.slept == [2.0]


async def test_redelivery_gives_up_at_once_on_a_refusal() -> None:
    clock = Clock()
    call = Flaky(Forbidden("bot was blocked by the user"))
    with pytest.raises(Forbidden):
        async for attempt in retries.redelivery(sleep=clock.sleep):
            with attempt:
                await call()
    assert call.attempts == 1 and clock.slept == []


async def test_a_call_that_succeeds_at_once_never_builds_the_policy() -> None:
    """The first attempt runs outside tenacity, whose loop costs more than a reply's CPU."""
    def no_policy() -> retries.AsyncRetrying:
        raise AssertionError("built a retry policy for a call that succeeded")

    assert await call_retrying(no_policy, Flaky()) == {"ok": True}
